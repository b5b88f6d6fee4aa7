import { run } from './main.js';
import { runEntry } from './publish.js';

void runEntry(run);
