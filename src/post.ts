/** The post step's entry (action.yml `runs.post`): it only cleans up what its main step saved. */
import { runPostEntry } from './entry.js';
import { cleanup } from './stories/cleanup.js';

export const post = (): Promise<void> => runPostEntry(() => cleanup());
