/**
 * `domo-token [--min-seconds N]`, run by later steps of a job (token-command: true): prints one
 * access token and a line break on stdout, the last one while it has long enough left, else a
 * new one, requested as the main step requests it.
 *
 * stdout carries the token and nothing else (`$(domo-token)`), so nothing here goes through
 * @actions/core, whose info() writes to stdout: every message is written to stderr, redacted
 * and cleaned into one line that cannot be a workflow command. The only workflow commands
 * written are the `::add-mask::` lines, on stderr, where GitHub's runner reads them too.
 *
 * A script may call it before every batch of requests, and most calls answer from the cache:
 * the HTTP modules (node:https loads TLS and crypto) are loaded only when a token is requested.
 * "eager" keeps them in the one bundle file all the same.
 */
import { writeSync } from 'node:fs';
import type { TokenMethod } from './domo/token.js';
import { ActionError, describe, DomoError } from './errors.js';
import type { Transport } from './http.js';
import { retryLine, systemClock, withRetry, type Clock, type Random } from './retry.js';
import { MIN_FRAGMENT_LENGTH, remember, scrub } from './secrets.js';
import {
  readSettings,
  SETTINGS_ENV,
  tokenProblem,
  writeSettings,
  type TokenSettings,
} from './tokenCommandFiles.js';

export const DEFAULT_MIN_SECONDS = 300;
export const MAX_MIN_SECONDS = 3000;
const USAGE = 'usage: domo-token [--min-seconds N]';
/** Longest message line: Domo's words are bounded where they are quoted; this bounds the rest. */
const MAX_LINE = 4000;

export interface TokenCommandDeps {
  /** The settings file; undefined when the launcher did not say (see SETTINGS_ENV). */
  settingsFile: string | undefined;
  clock: Clock;
  random: Random;
  transport: (timeoutMs: number) => Transport;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

class UsageError extends ActionError {
  override name = 'UsageError';
}

/** The flags, or a UsageError naming what is wrong. */
export function parseArgs(argv: string[]): { minSeconds: number; help: boolean } {
  let minSeconds: number | undefined;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    const [flag, inline] = arg.startsWith('--min-seconds=')
      ? ['--min-seconds', arg.slice('--min-seconds='.length)]
      : [arg, undefined];
    if (flag !== '--min-seconds') throw new UsageError(`unknown argument "${arg}"; ${USAGE}`);
    if (minSeconds !== undefined) throw new UsageError(`\`--min-seconds\` is given twice`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new UsageError(`\`--min-seconds\` needs a number; ${USAGE}`);
    if (!/^\d+$/.test(value) || Number(value) > MAX_MIN_SECONDS) {
      throw new UsageError(
        `\`--min-seconds\` must be a whole number of seconds from 0 to ${MAX_MIN_SECONDS} (got "${value}")`,
      );
    }
    minSeconds = Number(value);
  }
  return { minSeconds: minSeconds ?? DEFAULT_MIN_SECONDS, help };
}

/**
 * Whether the cached token will not do: there is none, or it has less than `minSeconds` left
 * (with 0, a token is good until the millisecond it expires).
 */
export function needsNewToken(
  settings: Pick<TokenSettings, 'accessToken' | 'expiresAtMs'>,
  nowMs: number,
  minSeconds: number,
): boolean {
  const left = settings.expiresAtMs - nowMs;
  return !settings.accessToken || left <= 0 || left < minSeconds * 1000;
}

/**
 * `::add-mask::` lines for a secret, as @actions/core writes them (`%`, CR and LF escaped, so a
 * value is one line), plus each of its lines long enough to mask alone, as the main step does.
 */
export function maskLines(value: string): string {
  const escape = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  const lines = value.split(/\r\n|\r|\n/).map((line) => line.trim());
  const parts = new Set([value, ...lines.filter((line) => line.length >= MIN_FRAGMENT_LENGTH)]);
  return [...parts].map((part) => `::add-mask::${escape(part)}\n`).join('');
}

/** Runs the command; resolves with its exit code (0, 1 on a failure, 2 on a usage error). */
export async function runTokenCommand(argv: string[], deps: TokenCommandDeps): Promise<number> {
  const say = (message: string) => deps.stderr(`${scrub(`domo-token: ${message}`, MAX_LINE)}\n`);
  try {
    const { minSeconds, help } = parseArgs(argv);
    if (help) {
      deps.stdout(
        `${USAGE}\nPrints a Domo access token: the last one while it has at least --min-seconds left (default ${DEFAULT_MIN_SECONDS}, at most ${MAX_MIN_SECONDS}), else a new one.\n`,
      );
      return 0;
    }
    const settings = readSettings(deps.settingsFile);
    // Known to the redaction from here on, so that no message can show them.
    remember(settings.clientSecret);
    if (settings.accessToken) remember(settings.accessToken);
    if (!needsNewToken(settings, deps.clock.now(), minSeconds)) {
      deps.stdout(`${settings.accessToken}\n`);
      return 0;
    }
    const { token, expiresAtMs } = await newToken(settings, deps, say);
    deps.stderr(maskLines(token));
    try {
      writeSettings(deps.settingsFile!, { ...settings, accessToken: token, expiresAtMs });
    } catch (err) {
      // The token is good all the same: hand it out, and the next call asks for another.
      const code = (err as NodeJS.ErrnoException).code ?? describe(err);
      say(
        `could not keep the new token in ${deps.settingsFile} (${code}); the next call will request another.`,
      );
    }
    deps.stdout(`${token}\n`);
    return 0;
  } catch (err) {
    say(describe(err) || 'failed without a message.');
    return err instanceof UsageError ? 2 : 1;
  }
}

/** A token requested as the main step requests it: the same retries, GET then POST on 405. */
async function newToken(
  settings: TokenSettings,
  deps: TokenCommandDeps,
  say: (message: string) => void,
): Promise<{ token: string; expiresAtMs: number }> {
  const { basicCredential, requestToken, TOKEN_CALL } = await import(
    /* webpackMode: "eager" */ './domo/token.js'
  );
  const basic = basicCredential(settings.clientId, settings.clientSecret);
  remember(basic);
  deps.stderr(maskLines(settings.clientSecret) + maskLines(basic));
  const transport = deps.transport(settings.timeoutMs);
  const request = { apiUrl: settings.apiUrl, basicCredential: basic, scopes: settings.scopes };
  let method: TokenMethod = 'GET';
  let sentAt = 0;
  const token = await withRetry(
    () => {
      // The token lives from when Domo answered, a little after this: its expiry, counted from
      // here, is never later than the real one.
      sentAt = deps.clock.now();
      return requestToken(transport, request, method, (m) => (method = m));
    },
    {
      retries: settings.retries,
      safety: 'idempotent',
      clock: deps.clock,
      random: deps.random,
      onRetry: (err, waitMs, next) => say(retryLine(err, waitMs, next, settings.retries)),
    },
  );
  const problem = tokenProblem(token.accessToken);
  if (problem) {
    throw new DomoError({
      call: TOKEN_CALL,
      kind: 'response',
      detail: `the answer is not a token domo-token can print: ${problem}`,
    });
  }
  return { token: token.accessToken, expiresAtMs: sentAt + token.expiresIn * 1000 };
}

/** The entry of the bundle's domo-token: real dependencies, and the exit code for Node. */
export async function tokenCommand(): Promise<void> {
  process.exitCode = await runTokenCommand(process.argv.slice(2), {
    settingsFile: process.env[SETTINGS_ENV] || undefined,
    clock: systemClock,
    random: Math.random,
    transport: (timeoutMs) => async (request) => {
      const { createTransport } = await import(/* webpackMode: "eager" */ './http.js');
      return createTransport({ timeoutMs })(request);
    },
    stdout: writer(1, () => process.stdout),
    stderr: writer(2, () => process.stderr),
  });
}

/**
 * Writes straight to the file descriptor: process.stdout is a stream whose modules cost a
 * cached answer a few ms to load. A descriptor that will not take the text now (a non-blocking
 * pipe that is full) gets the rest through the stream, which Node flushes before it exits.
 */
export function writer(fd: number, stream: () => NodeJS.WriteStream): (text: string) => void {
  return (text) => {
    let rest = Buffer.from(text, 'utf8');
    try {
      while (rest.length) rest = rest.subarray(writeSync(fd, rest));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
      stream().write(rest);
    }
  };
}
