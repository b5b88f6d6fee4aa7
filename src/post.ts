import { cleanup } from './cleanup.js';
import { runPostEntry } from './publish.js';

void runPostEntry(cleanup);
