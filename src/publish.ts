/**
 * The only writer to the runner: masks, log lines, annotations, outputs, environment, state
 * and the job summary. Every line it writes passes through `redact`, so even a message that
 * quotes Domo (which could echo a credential back) never carries a known secret.
 */
import * as core from '@actions/core';
import { STATE_KEYS, type CleanupState, type Config } from './config.js';
import { ActionError } from './errors.js';
import type { CreatedClient } from './domo/clients.js';
import type { Token } from './domo/token.js';
import { forget, redact, remember } from './secrets.js';

export { redact };

/** Registers secrets with the runner before anything else can print them. */
export function mask(...values: Array<string | undefined>): void {
  for (const value of values) {
    if (!value || !value.trim()) continue;
    // The runner masks what it is given; a multi-line secret is also registered line by line,
    // so that no single line of it can show.
    const parts = [value, ...value.split(/\r?\n/).map((line) => line.trim())];
    for (const part of parts) if (part && remember(part)) core.setSecret(part);
  }
}

/** For tests: forget the registered secrets. */
export function resetMasks(): void {
  forget();
}

export function info(message: string): void {
  core.info(redact(message));
}

export function debug(message: string): void {
  core.debug(redact(message));
}

export function warning(message: string): void {
  core.warning(redact(message));
}

/** The one ::error:: of a failed run; the stack only when debug logging is on. */
export function fail(err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  if (core.isDebug() && err instanceof Error && err.stack && !(err instanceof ActionError)) {
    core.debug(redact(err.stack));
  }
  core.setFailed(redact(message || 'domo-auth failed without a message.'));
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

/** Hands the post step what it needs to revoke a created client. */
export function saveCleanupState(state: CleanupState): void {
  for (const key of Object.keys(STATE_KEYS) as Array<keyof CleanupState>) {
    core.saveState(STATE_KEYS[key], String(state[key]));
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
  for (const [name, value] of Object.entries(outputs)) core.setOutput(name, value);

  const exported: string[] = [];
  if (config.exportEnv) {
    core.exportVariable(config.envVar, token.accessToken);
    exported.push(config.envVar);
    if (client) {
      core.exportVariable('DOMO_CLIENT_ID', client.clientId);
      core.exportVariable('DOMO_CLIENT_SECRET', client.clientSecret);
      exported.push('DOMO_CLIENT_ID', 'DOMO_CLIENT_SECRET');
    }
  }

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
  try {
    await core.summary
      .addHeading('Domo access token', 3)
      .addTable([
        [
          { data: 'Field', header: true },
          { data: 'Value', header: true },
        ],
        ...rows.map(([field, value]) => [field, escapeHtml(redact(value))]),
      ])
      .write();
  } catch (err) {
    // No summary file (a local run): the summary is a convenience, never a reason to fail.
    core.summary.emptyBuffer();
    debug(`No job summary written: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"]/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!,
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
