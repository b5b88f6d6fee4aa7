import { cleanup } from './cleanup.js';
import { runEntry, warning } from './publish.js';

// The post step never fails the job: a crash here is a warning, and the exit code stays 0.
void runEntry(
  cleanup,
  (err) => warning(`domo-auth post step: ${err instanceof Error ? err.message : String(err)}`),
  0,
);
