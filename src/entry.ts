/**
 * Runs an entry point to the end: a crash outside the story still ends in one clear ::error::
 * (or, for the post step, a warning), and the process exits even if a timed-out socket lingers
 * behind a proxy.
 */
import { describe } from './errors.js';
import { fail, warning } from './log.js';

export async function runEntry(
  entry: () => Promise<void>,
  onCrash: (err: unknown) => void = fail,
  crashExitCode = 1,
): Promise<void> {
  const crash = (err: unknown): void => {
    onCrash(err);
    process.exit(process.exitCode ?? crashExitCode);
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
  try {
    await entry();
  } catch (err) {
    onCrash(err);
  }
  process.exit(process.exitCode ?? 0);
}

/** The post step never fails the job: a crash there is a warning, and the exit code stays 0. */
export function runPostEntry(entry: () => Promise<void>): Promise<void> {
  return runEntry(entry, (err) => warning(`domo-auth post step: ${describe(err)}`), 0);
}
