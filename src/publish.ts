/**
 * The only writer to the runner: masks, log lines, annotations, outputs, environment, state
 * and the job summary.
 *
 * The one way out for text: every message given to info(), debug(), warning() and fail(), and
 * every summary cell, is redacted (every known secret, in every form) and then cleaned into one
 * line without control characters, `::` or `##[` (text.ts), whoever wrote it. Callers need not
 * remember to: a new log line that quotes Domo or an input cannot forge a workflow command.
 * The action's own words are cleaned too, which is simplest and costs little: an IPv6 URL in a
 * message reads `http://[: :1]:8080`. Values that become outputs or environment variables are
 * never altered: one with a line break or control character is an error instead.
 */
import * as core from '@actions/core';
import { POST_MARK, STATE_KEYS, type CleanupState, type Config } from './config.js';
import { ActionError, describe } from './errors.js';
import type { CreatedClient } from './domo/clients.js';
import type { Token } from './domo/token.js';
import type { SweepReport } from './sweep.js';
import { forget, MIN_FRAGMENT_LENGTH, redact, remember, scrub } from './secrets.js';
import { cell, controlIn } from './text.js';

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

/**
 * @actions/core falls back to printing workflow commands on stdout when the runner's files are
 * missing, which would put the token in the log. Refuse before any request instead.
 */
export function requireRunnerFiles(config: Config, env: NodeJS.ProcessEnv = process.env): void {
  const needed = ['GITHUB_OUTPUT'];
  if (config.exportEnv) needed.push('GITHUB_ENV');
  if (config.provision) needed.push('GITHUB_STATE');
  const missing = needed.filter((name) => !env[name]);
  if (missing.length > 0) {
    throw new ActionError(
      `The runner did not provide ${missing.join(', ')}; domo-auth will not fall back to printing secrets in the log. Run it on GitHub Actions runner 2.297.0 or newer (or an emulator that provides these files).`,
    );
  }
}

/**
 * The main step's first act, so that its post step, run from the same file, knows itself
 * (config.ts, isPostStep). Without GITHUB_STATE (a runner older than 2.297.0) @actions/core
 * prints it as a `::save-state` command instead, which such a runner reads the same way; it
 * holds no secret.
 */
export function markMainStep(): void {
  core.saveState(POST_MARK, 'true');
}

/** Hands the post step what it needs to revoke a created client. */
export function saveCleanupState(state: CleanupState): void {
  for (const key of Object.keys(STATE_KEYS) as Array<keyof CleanupState>) {
    // @actions/core writes a string as it is and anything else as JSON.
    core.saveState(STATE_KEYS[key], state[key]);
  }
}

export interface Result {
  config: Config;
  token: Token;
  expiresAt: string;
  client?: CreatedClient;
}

export async function publishResult({ config, token, expiresAt, client }: Result): Promise<void> {
  const outputs: Record<string, string> = {
    'access-token': token.accessToken,
    'token-type': token.tokenType,
    'expires-in': String(token.expiresIn),
    'expires-at': expiresAt,
    scope: token.scope,
    customer: token.customer,
    'user-id': token.userId,
    role: token.role,
  };
  if (client) {
    outputs['client-id'] = client.clientId;
    outputs['client-secret'] = client.clientSecret;
  }
  const env: Record<string, string> = {};
  if (config.exportEnv) {
    env[config.envVar] = token.accessToken;
    if (client) {
      env.DOMO_CLIENT_ID = client.clientId;
      env.DOMO_CLIENT_SECRET = client.clientSecret;
    }
  }
  // All checked before any is set: a run sets every output, or none. Every exported value is
  // an output too, so this checks the environment variables as well.
  for (const [name, value] of Object.entries(outputs)) checkValue(`Output \`${name}\``, value);

  for (const [name, value] of Object.entries(outputs)) core.setOutput(name, value);
  for (const [name, value] of Object.entries(env)) core.exportVariable(name, value);
  const exported = Object.keys(env);

  const who = token.customer ? ` for ${token.customer}` : '';
  info(
    `Domo access token ready${who}: scope "${token.scope}", expires ${expiresAt} (in ${token.expiresIn} s).`,
  );
  info(
    exported.length
      ? `Outputs set; exported ${exported.join(', ')} for later steps of this job.`
      : 'Outputs set; nothing exported (export-env: false).',
  );
  if (config.summary) await writeSummary({ config, token, expiresAt, client }, exported);
}

/**
 * Outputs and environment variables carry values as they are, so a value that could break a
 * later step's reading of them (a line break, any control character) is an error instead.
 */
export function checkValue(what: string, value: string): void {
  const code = controlIn(value);
  if (!code) return;
  throw new ActionError(
    `${what} would contain a line break or control character (${code}), from Domo's answer; domo-auth sets no output or variable with one, since it could break or forge what later steps read.`,
  );
}

async function writeSummary(result: Result, exported: string[]): Promise<void> {
  const { config, token, expiresAt, client } = result;
  const rows: Array<[string, string]> = [
    ['Mode', config.mode],
    ['Customer', token.customer || '—'],
    ['User id', token.userId || '—'],
    ['Role', token.role || '—'],
    ['Scope granted', token.scope || '—'],
    ['Token type', token.tokenType],
    ['Expires at (UTC)', expiresAt],
    ['Environment', exported.length ? exported.join(', ') : '—'],
  ];
  if (client && config.provision) {
    rows.push(['API client', `${client.name} (${client.clientId})`]);
    rows.push([
      'Revocation',
      config.provision.deleteClient ? 'in the post step' : 'none (delete-client: false)',
    ]);
  }
  await writeTable('Domo access token', ['Field', 'Value'], rows);
}

/** A summary cell that links to an address the action built (a GitHub run's page). */
interface Link {
  text: string;
  href: string;
}

/**
 * One job summary: a heading, then a table, each cell redacted and made one line escaped for
 * HTML and Markdown (every known secret out of the action's own words too, as a secret of a
 * few letters is in them).
 */
async function writeTable(
  heading: string,
  header: string[],
  rows: Array<Array<string | Link>>,
): Promise<void> {
  const shown = (text: string): string => cell(redact(text));
  const data = (value: string | Link): string =>
    typeof value === 'string'
      ? shown(value)
      : `<a href="${shown(value.href)}">${shown(value.text)}</a>`;
  try {
    await core.summary
      .addHeading(shown(heading), 3)
      .addTable([
        header.map((name) => ({ data: shown(name), header: true })),
        ...rows.map((row) => row.map(data)),
      ])
      .write();
  } catch (err) {
    // No summary file (a local run): the summary is a convenience, never a reason to fail.
    core.summary.emptyBuffer();
    debug(`No job summary written: ${describe(err)}`);
  }
}

/** Sweep mode's outputs and job summary; written whenever the list was read, on failure too. */
export async function publishSweep(report: SweepReport, summary: boolean): Promise<void> {
  core.setOutput('orphans', String(report.orphans));
  core.setOutput('revoked', String(report.revoked));
  const dry = report.dryRun ? ' (dry run: nothing revoked)' : '';
  info(
    `Sweep of ${report.instanceUrl}: ${report.orphans} orphaned, ${report.revoked} revoked${dry}.`,
  );
  if (!summary) return;
  const rows = report.clients.map((c) => {
    const outcome = c.outcome === 'not revoked' && c.why ? `not revoked (${c.why})` : c.outcome;
    return [c.name, c.id, { text: c.run, href: c.runUrl }, c.status, outcome];
  });
  const heading = `Domo API client sweep: ${report.orphans} orphaned, ${report.revoked} revoked${dry}`;
  const none = [['No API client of this repository is waiting to be revoked.', '', '', '', '']];
  await writeTable(
    heading,
    ['Client', 'Id', 'Run', 'Run status', 'Outcome'],
    rows.length ? rows : none,
  );
}

/**
 * Runs an entry point to the end: a crash outside the main story still ends in one clear
 * ::error:: (or, for the post step, a warning), and the process exits even if a timed-out
 * socket lingers behind a proxy.
 */
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
