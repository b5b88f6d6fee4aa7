/**
 * The only reader of the runner's inputs. Everything it returns is validated, so the rest of
 * the action never sees a raw string from the workflow.
 */
import { ActionError, InputError } from './errors.js';
import { clientDescription, defaultName, serverUrl } from './names.js';
import { parseBaseUrl, parseInstance } from './urls.js';

export const INPUT_NAMES = [
  'client-id',
  'client-secret',
  'scope',
  'mode',
  'instance',
  'session-token',
  'username',
  'password',
  'session-cookie',
  'developer-token',
  'client-name',
  'delete-client',
  'api-url',
  'export-env',
  'env-var',
  'retries',
  'timeout-seconds',
  'summary',
  'github-token',
  'dry-run',
  'job-token',
  'job-token-hours',
  'cli-login',
  'token-command',
] as const;

export type InputName = (typeof INPUT_NAMES)[number];
export type RawInputs = Record<InputName, string>;

/** Inputs whose values are secrets: masked as they are read, before any validation. */
export const SECRET_INPUTS: readonly InputName[] = [
  'client-secret',
  'password',
  'session-token',
  'session-cookie',
  'developer-token',
  'github-token',
];

/** Defaults as in action.yml, for runs that do not fill them in (tests, other runners). */
export const DEFAULTS: Partial<RawInputs> = {
  scope: 'data',
  mode: 'token',
  'delete-client': 'true',
  'api-url': 'https://api.domo.com',
  'export-env': 'true',
  'env-var': 'DOMO_ACCESS_TOKEN',
  retries: '5',
  'timeout-seconds': '30',
  summary: 'true',
  'dry-run': 'false',
  'job-token': 'auto',
  'job-token-hours': '6',
  'cli-login': 'true',
  'token-command': 'false',
};

const SESSION = ['token', 'provision', 'sweep', 'login'] as const;
/** The modes each input applies to; given in any other mode (and not its default), a warning. */
const APPLIES: Record<Exclude<InputName, 'github-token'>, readonly Mode[]> = {
  'client-id': ['token'],
  'client-secret': ['token'],
  scope: ['token', 'provision'],
  mode: SESSION,
  instance: ['provision', 'sweep', 'login'],
  'session-token': ['provision', 'sweep', 'login'],
  username: ['provision', 'sweep', 'login'],
  password: ['provision', 'sweep', 'login'],
  'session-cookie': ['provision', 'sweep', 'login'],
  'developer-token': ['provision', 'sweep', 'login'],
  'client-name': ['provision'],
  'delete-client': ['provision'],
  'api-url': ['token', 'provision'],
  'export-env': ['token', 'provision', 'login'],
  'env-var': ['token', 'provision'],
  retries: SESSION,
  'timeout-seconds': SESSION,
  summary: SESSION,
  'dry-run': ['sweep'],
  'job-token': ['login'],
  'job-token-hours': ['login'],
  'cli-login': ['login'],
  'token-command': ['token', 'provision'],
};

/** Longest input taken: a token, a cookie or a name is far shorter; more is a mistake. */
export const MAX_INPUT_LENGTH = 8192;

export const SESSION_SOURCES: readonly InputName[] = [
  'developer-token',
  'session-token',
  'username',
  'password',
  'session-cookie',
];

export type Session =
  | { kind: 'session-token'; token: string }
  | { kind: 'password'; username: string; password: string }
  | { kind: 'session-cookie'; cookie: string }
  | { kind: 'developer-token'; token: string };

/** Where the instance API is and the credential for it: provision, sweep and login mode. */
export interface InstanceConfig {
  instanceUrl: string;
  customerDomain: string;
  session: Session;
}

export interface ProvisionConfig extends InstanceConfig {
  clientName: string;
  /** Who made the client and where, so that an admin who finds a leftover can trace it. */
  description: string;
  deleteClient: boolean;
}

/** The run this step belongs to, as the runner describes it. */
export interface GitHubRun {
  /** `owner/name`. */
  repository: string;
  /** https://github.com, or a GitHub Enterprise Server's address, without a trailing slash. */
  serverUrl: string;
  /** https://api.github.com, or https://HOST/api/v3. */
  apiUrl: string;
  runId: string;
  attempt: string;
}

export interface SweepConfig extends InstanceConfig {
  githubToken: string;
  dryRun: boolean;
  run: GitHubRun;
}

export interface LoginConfig extends InstanceConfig {
  /** Whether a developer token is minted for the job (job-token). */
  mint: boolean;
  /** Lifetime of a minted token, in hours. */
  hours: number;
  cliLogin: boolean;
  /** The minted token's name, unique to this invocation. */
  tokenName: string;
  /** The instance's host, with its port when the URL names one. */
  host: string;
}

export type Mode = 'token' | 'provision' | 'sweep' | 'login';
export const MODES: readonly Mode[] = ['token', 'provision', 'sweep', 'login'];

export interface Config {
  mode: Mode;
  /** Empty in sweep and login mode, which request no access token. */
  scopes: string[];
  apiUrl: string;
  exportEnv: boolean;
  envVar: string;
  retries: number;
  timeoutMs: number;
  summary: boolean;
  /** Token mode only. */
  client?: { id: string; secret: string };
  /** Provision mode only. */
  provision?: ProvisionConfig;
  /** Sweep mode only. */
  sweep?: SweepConfig;
  /** Login mode only. */
  login?: LoginConfig;
  /** Token and provision mode: install the domo-token command. */
  tokenCommand: boolean;
}

export interface Parsed {
  config: Config;
  warnings: string[];
}

/**
 * Reads every input as the runner passes it (INPUT_* variables), untrimmed: parseConfig trims.
 * An input with no variable at all stays undefined, so that parseConfig can tell "not given"
 * (take the default) from "given as empty" (which, for `scope`, is a mistake to report).
 */
export function readInputs(env: NodeJS.ProcessEnv = process.env): Partial<RawInputs> {
  const raw: Partial<RawInputs> = {};
  // The variables core.getInput reads (no input name here holds a space for it to replace);
  // read here directly to tell absent from empty.
  for (const name of INPUT_NAMES) raw[name] = env[`INPUT_${name.toUpperCase()}`];
  return raw;
}

/** The secret inputs' values, raw and trimmed, for masking before anything else happens. */
export function secretInputValues(raw: Partial<RawInputs>): string[] {
  const values = SECRET_INPUTS.flatMap((name) => [raw[name] ?? '', (raw[name] ?? '').trim()]);
  // The cookie is sent without its `_dsidv1=` prefix: that form is the secret too.
  values.push((raw['session-cookie'] ?? '').trim().replace(/^_dsidv1=/, ''));
  return [...new Set(values.filter((value) => value.trim() !== ''))];
}

/**
 * Validates the inputs into one config; throws InputError naming the first bad input.
 * `random` (like Math.random) draws the default client name's suffix.
 */
export function parseConfig(
  raw: Partial<RawInputs>,
  env: NodeJS.ProcessEnv,
  random: () => number = Math.random,
): Parsed {
  const value = (name: InputName): string => (raw[name] ?? '').trim() || (DEFAULTS[name] ?? '');
  const given = (name: InputName): boolean => (raw[name] ?? '').trim() !== '';
  const warnings: string[] = [];

  for (const name of INPUT_NAMES) {
    const length = (raw[name] ?? '').length;
    if (length > MAX_INPUT_LENGTH) {
      throw new InputError(
        name,
        `is ${length} characters long; domo-auth takes at most ${MAX_INPUT_LENGTH} (was a file or a whole secret store pasted in?).`,
      );
    }
  }

  const mode = value('mode').toLowerCase() as Mode;
  if (!MODES.includes(mode)) {
    throw new InputError(
      'mode',
      `must be "token", "provision", "login" or "sweep" (got "${value('mode')}").`,
    );
  }

  for (const [name, modes] of Object.entries(APPLIES) as Array<[InputName, readonly Mode[]]>) {
    // value() is a string: never the default of an input that has none.
    if (modes.includes(mode) || !given(name) || value(name) === DEFAULTS[name]) continue;
    const where =
      modes.length === 1 ? `applies only to mode: ${modes[0]}` : `does not apply to mode: ${mode}`;
    warnings.push(`Input \`${name}\` ${where}; it is ignored.`);
  }
  const common = {
    retries: parseRetries(value('retries')),
    timeoutMs: parseTimeout(value('timeout-seconds')),
    summary: parseBoolean('summary', value('summary')),
    tokenCommand: false,
  };

  if (mode === 'sweep' || mode === 'login') {
    const config: Config = {
      mode,
      scopes: [],
      apiUrl: DEFAULTS['api-url']!,
      exportEnv: mode === 'login' && parseBoolean('export-env', value('export-env')),
      envVar: DEFAULTS['env-var']!,
      ...common,
    };
    if (mode === 'sweep') config.sweep = parseSweep(raw, value, given, env);
    else config.login = parseLogin(raw, value, given, env, random);
    return { config, warnings };
  }

  // The runner fills in action.yml's default when `scope` is left out, so an empty one was
  // written that way (often an unset variable): say so rather than quietly ask for `data`.
  const scopes = parseScopes(raw.scope === undefined ? DEFAULTS.scope! : raw.scope);
  const api = parseBaseUrl(value('api-url'));
  if ('problem' in api) throw new InputError('api-url', `${api.problem}.`);

  const config: Config = {
    mode,
    scopes,
    apiUrl: api.url,
    exportEnv: parseBoolean('export-env', value('export-env')),
    envVar: parseEnvVar(value('env-var')),
    ...common,
    tokenCommand: parseBoolean('token-command', value('token-command')),
  };

  if (mode === 'token') {
    config.client = {
      id: parseClientId(required('client-id', value, 'token mode')),
      secret: required('client-secret', value, 'token mode'),
    };
  } else {
    config.provision = parseProvision(raw, value, given, env, random);
  }
  return { config, warnings };
}

function required(name: InputName, value: (n: InputName) => string, context: string): string {
  const v = value(name);
  if (!v) throw new InputError(name, `is required in ${context}.`);
  return v;
}

const SOURCES = '`developer-token`, `session-token`, `username` + `password`, or `session-cookie`';

/** The instance and exactly one session source, as provision and sweep mode take them. */
function parseInstanceAccess(
  raw: Partial<RawInputs>,
  value: (n: InputName) => string,
  given: (n: InputName) => boolean,
  mode: Mode,
): InstanceConfig {
  const sources = [
    given('developer-token') ? '`developer-token`' : '',
    given('session-token') ? '`session-token`' : '',
    given('username') || given('password') ? '`username` + `password`' : '',
    given('session-cookie') ? '`session-cookie`' : '',
  ].filter(Boolean);
  if (sources.length === 0) {
    throw new InputError(
      'developer-token',
      `is missing: ${mode} mode needs exactly one Domo session source: ${SOURCES}.`,
    );
  }
  if (sources.length > 1) {
    throw new InputError(
      sources[0]!.replace(/`/g, '').split(' ')[0]!,
      `conflicts with ${sources.slice(1).join(' and ')}: ${mode} mode takes exactly one Domo session source (${SOURCES}).`,
    );
  }

  let session: Session;
  if (given('developer-token')) {
    const token = headerSafe('developer-token', value('developer-token'));
    session = { kind: 'developer-token', token };
  } else if (given('session-token')) {
    session = { kind: 'session-token', token: headerSafe('session-token', value('session-token')) };
  } else if (given('session-cookie')) {
    const cookie = value('session-cookie').replace(/^_dsidv1=/, '');
    session = { kind: 'session-cookie', cookie: cookieSafe(cookie) };
  } else {
    if (!given('username')) throw new InputError('username', 'is required with `password`.');
    if (!given('password')) throw new InputError('password', 'is required with `username`.');
    // A password may begin or end with spaces; only a trailing newline from YAML is dropped.
    const password = raw.password!.replace(/\r?\n$/, '');
    session = { kind: 'password', username: value('username'), password };
  }

  if (!given('instance')) {
    throw new InputError(
      'instance',
      `is required in ${mode} mode (acmecompany, acmecompany.domo.com or https://acmecompany.domo.com).`,
    );
  }
  const instance = parseInstance(value('instance'));
  if ('problem' in instance) throw new InputError('instance', `${instance.problem}.`);
  return { instanceUrl: instance.url, customerDomain: instance.domain, session };
}

function parseProvision(
  raw: Partial<RawInputs>,
  value: (n: InputName) => string,
  given: (n: InputName) => boolean,
  env: NodeJS.ProcessEnv,
  random: () => number,
): ProvisionConfig {
  const access = parseInstanceAccess(raw, value, given, 'provision');
  const clientName = value('client-name') || defaultName(env, random);
  if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(clientName)) {
    throw new InputError('client-name', 'must be a single line of text.');
  }
  const deleteClient = parseBoolean('delete-client', value('delete-client'));

  return {
    ...access,
    clientName,
    description: clientDescription(env, deleteClient),
    deleteClient,
  };
}

function parseSweep(
  raw: Partial<RawInputs>,
  value: (n: InputName) => string,
  given: (n: InputName) => boolean,
  env: NodeJS.ProcessEnv,
): SweepConfig {
  const access = parseInstanceAccess(raw, value, given, 'sweep');
  const dryRun = parseBoolean('dry-run', value('dry-run'));
  // The runner fills in `${{ github.token }}`; empty means a workflow passed an unset secret.
  const githubToken = value('github-token');
  if (!githubToken) {
    throw new InputError(
      'github-token',
      "is required in sweep mode: a token that may read this repository's workflow runs (the default, ${{ github.token }}, with `permissions: actions: read`).",
    );
  }
  return {
    ...access,
    githubToken: headerSafe('github-token', githubToken),
    dryRun,
    run: githubRun(env),
  };
}

function parseLogin(
  raw: Partial<RawInputs>,
  value: (n: InputName) => string,
  given: (n: InputName) => boolean,
  env: NodeJS.ProcessEnv,
  random: () => number,
): LoginConfig {
  const access = parseInstanceAccess(raw, value, given, 'login');
  const text = value('job-token');
  const jobToken = text.toLowerCase() === 'auto' ? 'auto' : parseJobToken(text);
  const developer = access.session.kind === 'developer-token';
  if (jobToken === false && !developer) {
    throw new InputError(
      'job-token',
      'is false, which hands over a given `developer-token` as it is: with a sign-on or a session token there is no developer token to hand over. Give `developer-token`, or leave `job-token` at auto to mint one for the job.',
    );
  }
  const hours = value('job-token-hours');
  if (!/^\d+$/.test(hours) || Number(hours) < 1 || Number(hours) > 720) {
    throw new InputError(
      'job-token-hours',
      `must be a whole number of hours from 1 to 720 (got "${hours}").`,
    );
  }
  return {
    ...access,
    mint: jobToken === true || (jobToken === 'auto' && !developer),
    hours: Number(hours),
    cliLogin: parseBoolean('cli-login', value('cli-login')),
    tokenName: defaultName(env, random),
    host: new URL(access.instanceUrl).host,
  };
}

function parseJobToken(text: string): boolean {
  try {
    return parseBoolean('job-token', text);
  } catch {
    throw new InputError('job-token', `must be auto, true or false (got "${text}").`);
  }
}

/**
 * The current run, from the runner's variables. Sweep mode decides what to revoke by asking
 * GitHub about runs of this repository, so it refuses to guess any of them.
 */
export function githubRun(env: NodeJS.ProcessEnv): GitHubRun {
  const { GITHUB_REPOSITORY: repository = '', GITHUB_RUN_ID: runId = '' } = env;
  const attempt = env.GITHUB_RUN_ATTEMPT || '1';
  if (!/^[^/\s]+\/[^/\s]+$/.test(repository) || !/^\d+$/.test(runId) || !/^\d+$/.test(attempt)) {
    throw new ActionError(
      "Sweep mode runs only in a GitHub Actions job: it needs the runner's GITHUB_REPOSITORY (owner/name), GITHUB_RUN_ID and GITHUB_RUN_ATTEMPT.",
    );
  }
  const api = parseBaseUrl(env.GITHUB_API_URL || GITHUB_API, GITHUB_API);
  if ('problem' in api) {
    throw new ActionError(`The runner's GITHUB_API_URL ${api.problem}.`);
  }
  return { repository, serverUrl: serverUrl(env), apiUrl: api.url, runId, attempt };
}

const GITHUB_API = 'https://api.github.com';

/** Spaces and/or commas separate scopes; order is kept and duplicates dropped. */
export function parseScopes(text: string): string[] {
  const scopes = [...new Set(text.split(/[\s,]+/).filter(Boolean))];
  if (scopes.length === 0) {
    throw new InputError(
      'scope',
      'is empty: give one or more scopes, such as "data" or "data user".',
    );
  }
  const bad = scopes.find((s) => !/^[A-Za-z0-9_.:-]+$/.test(s));
  if (bad !== undefined) {
    throw new InputError(
      'scope',
      `has an invalid scope "${bad}": scopes are words such as data, user, audit, dashboard, account, buzz, workflow.`,
    );
  }
  return scopes;
}

const TRUE = ['true', 'True', 'TRUE'];
const FALSE = ['false', 'False', 'FALSE'];

/** YAML 1.2 core-schema booleans, as @actions/core's getBooleanInput accepts. */
export function parseBoolean(name: InputName, text: string): boolean {
  if (TRUE.includes(text)) return true;
  if (FALSE.includes(text)) return false;
  throw new InputError(name, `must be true or false (got "${text}").`);
}

export function parseRetries(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) > 20) {
    throw new InputError('retries', `must be a whole number from 0 to 20 (got "${text}").`);
  }
  return Number(text);
}

export function parseTimeout(text: string): number {
  const seconds = /^(\d+(\.\d*)?|\.\d+)$/.test(text) ? Number(text) : NaN;
  if (!(seconds > 0 && seconds <= 600)) {
    throw new InputError(
      'timeout-seconds',
      `must be a number of seconds above 0 and at most 600 (got "${text}").`,
    );
  }
  // At least 1 ms: "0.0001" is above 0, and a limit of 0 would mean no limit at all.
  return Math.max(1, Math.round(seconds * 1000));
}

const RESERVED_ENV = /^(GITHUB_|RUNNER_|ACTIONS_)|^(NODE_OPTIONS|PATH|HOME|CI)$/i;

export function parseEnvVar(text: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(text)) {
    throw new InputError(
      'env-var',
      `must be an environment variable name (letters, digits, underscores; not starting with a digit), got "${text}".`,
    );
  }
  if (RESERVED_ENV.test(text)) {
    throw new InputError('env-var', `must not name a variable the runner reserves (${text}).`);
  }
  return text;
}

function parseClientId(id: string): string {
  // A colon would split the Basic credential in the wrong place; control characters break headers.
  if (/[:\s\u0000-\u001f\u007f]/.test(id)) {
    throw new InputError('client-id', 'must not contain a colon, spaces or control characters.');
  }
  return id;
}

/** RFC 6265's cookie-octet: anything else (`;` above all) would smuggle a second cookie. */
function cookieSafe(text: string): string {
  if (!/^[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]+$/.test(text)) {
    throw new InputError(
      'session-cookie',
      'must be the bare `_dsidv1` cookie value: visible ASCII without `;`, `,`, spaces, quotes or backslashes (RFC 6265).',
    );
  }
  return text;
}

function headerSafe(name: InputName, text: string): string {
  // Sent in a header: only visible ASCII survives every proxy and Node's header checks.
  if (!/^[\x21-\x7e]+$/.test(text)) {
    throw new InputError(
      name,
      'must be a single token of visible ASCII characters (no spaces or line breaks).',
    );
  }
  return text;
}
