/**
 * The only writer of log lines and masks: every message given to info(), debug(), warning()
 * and fail() is redacted (every known secret, in every form) and then cleaned into one line
 * without control characters, `::` or `##[` (text.ts), whoever wrote it. Callers need not
 * remember to: a log line that quotes Domo, GitHub or an input cannot forge a workflow command.
 * The action's own words are cleaned too, which is simplest and costs little: an IPv6 URL in a
 * message reads `http://[: :1]:8080`. No domain module is imported here: every story may log.
 */
import * as core from '@actions/core';
import { ActionError, describe } from './errors.js';
import { forget, MIN_FRAGMENT_LENGTH, redact, remember, scrub } from './secrets.js';

export { redact };

/**
 * Longest log line or annotation: Domo's words are bounded where they are quoted; this bounds
 * whatever a caller forgot to.
 */
export const MAX_LINE = 4000;

/** What the runner has been told to mask, apart from what the redaction knows. */
const toldRunner = new Set<string>();

/**
 * Registers secrets before anything else can print them: each value and each of its lines,
 * with the runner (`::add-mask::`) and with the action's own redaction. The runner is given
 * the values only: GitHub's derives their encoded forms itself, and one line per form (every
 * padded base64 value has a percent-encoded one) would only lengthen the log. The action's own
 * redaction covers every form (secrets.ts), so nothing it prints shows one on any runner.
 */
export function mask(...values: Array<string | undefined>): void {
  for (const value of values) {
    if (!value || !value.trim()) continue;
    // A multi-line secret is also registered line by line, so that no single line of it can
    // show (GitHub's runner, too, ends a line at \n, \r\n or a bare \r); but not a line of a
    // few characters, which would be masked in every word that holds it.
    const lines = value.split(/\r\n|\r|\n/).map((line) => line.trim());
    const parts = [value, ...lines.filter((line) => line.length >= MIN_FRAGMENT_LENGTH)];
    for (const part of parts) {
      remember(part);
      // Told to the runner once, even when the redaction learnt it earlier (token.ts remembers
      // the access token as soon as it is read, before the answer is accepted).
      if (!toldRunner.has(part)) {
        toldRunner.add(part);
        core.setSecret(part);
      }
    }
  }
}

/** For tests: forget the registered secrets. */
export function resetMasks(): void {
  forget();
  toldRunner.clear();
}

/** Any message, made one safe line: secrets out, then cleaned and bounded. */
function line(message: string): string {
  return scrub(message, MAX_LINE);
}

export function info(message: string): void {
  core.info(line(message));
}

export function debug(message: string): void {
  core.debug(line(message));
}

export function warning(message: string): void {
  core.warning(line(message));
}

/** The one ::error:: of a failed run; the stack only when debug logging is on, line by line. */
export function fail(err: unknown): void {
  const message = describe(err);
  if (core.isDebug() && err instanceof Error && err.stack && !(err instanceof ActionError)) {
    for (const frame of redact(err.stack).split(/\r\n|\r|\n/)) if (frame.trim()) debug(frame);
  }
  core.setFailed(line(message) || 'domo-auth failed without a message.');
}
