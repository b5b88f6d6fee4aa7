// The one entry point, for both steps: action.yml runs this file as `main` and as `post`, and
// GitHub hands the post step the state its main step saved. So the main step saves a mark
// before it does anything else, and a step that finds the mark is the post step. A main step
// stopped before its first statement (cancelled as Node started) did nothing, and leaves no
// mark: its post step then runs as a main step would, as actions/checkout's does.
import { cleanup } from './cleanup.js';
import { isPostStep } from './config.js';
import { run } from './main.js';
import { markMainStep, runEntry, runPostEntry } from './publish.js';

if (isPostStep()) {
  void runPostEntry(cleanup);
} else {
  markMainStep();
  void runEntry(run);
}
