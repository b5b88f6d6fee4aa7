// @ts-check
// Runs the action's bundles the way GitHub's runner does, for the demo and end-to-end tests:
// INPUT_* variables filled from action.yml's defaults, GITHUB_OUTPUT / GITHUB_ENV /
// GITHUB_STATE / GITHUB_STEP_SUMMARY files, workflow commands read from stdout, and the post
// step run afterwards with the main step's state as STATE_* variables.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { JOB_TOKEN } from './simulator.mjs';

/**
 * action.yml, as far as the emulator reads it.
 * @typedef {object} ActionMetadata
 * @property {Record<string, { description?: string, default?: string, required?: boolean }>} inputs
 * @property {Record<string, { description?: string }>} outputs
 * @property {{ using: string, main: string, post: string, 'post-if'?: string }} runs
 */

/**
 * A workflow command, as the runner reads it from a line of output.
 * @typedef {object} Command
 * @property {string} name In lower case: the runner compares command names case-insensitively.
 * @property {Record<string, string>} properties
 * @property {string} message
 * @property {string} line
 * @property {boolean} legacy The older `##[name]data` form, found anywhere in a line.
 * @property {'stdout' | 'stderr'} [stream] Which output it came from (runStep's commands only).
 */

/**
 * @typedef {object} StepResult
 * @property {number | null} exitCode
 * @property {NodeJS.Signals | null} signal
 * @property {boolean} timedOut
 * @property {number} durationMs
 * @property {string} stdout
 * @property {string} stderr
 * @property {Command[]} commands
 * @property {string[]} masks
 * @property {string[]} errors
 * @property {string[]} warnings
 * @property {string[]} debugs
 * @property {Record<string, string>} outputs
 * @property {Record<string, string>} exportedEnv
 * @property {Record<string, string>} savedState
 * @property {string} summary
 */

/**
 * @typedef {object} StepOptions
 * @property {string} [entry]
 * @property {string} [dir] The action's directory (default: the repository): entry is run from
 *   there, as cwd.
 * @property {Record<string, string>} [inputs]
 * @property {Record<string, string | undefined>} [env]
 * @property {Record<string, string>} [state]
 * @property {string} [githubToken] The job's token, in place of `${{ github.token }}` (default
 *   JOB_TOKEN).
 * @property {boolean} [debug]
 * @property {string} [node]
 * @property {number} [timeoutMs]
 */

export const root = fileURLToPath(new URL('..', import.meta.url));
export const action = /** @type {ActionMetadata} */ (
  YAML.parse(readFileSync(join(root, 'action.yml'), 'utf8'))
);

/**
 * The job's token as this emulator hands it out: what the runner puts in place of
 * `${{ github.token }}` (GitHub's look like `ghs_` and 36 letters and digits).
 */
export { JOB_TOKEN };

/**
 * A declared default as the runner evaluates it: `${{ github.token }}` is the job's token.
 * @param {unknown} value
 * @param {string} githubToken
 */
const evaluate = (value, githubToken) =>
  typeof value === 'string' ? value.replace(/\$\{\{\s*github\.token\s*\}\}/g, githubToken) : value;

/**
 * The INPUT_* variables the runner would set for `inputs` (declared defaults filled in and
 * evaluated, with `githubToken` as the job's token).
 * @param {Record<string, string>} [inputs]
 * @param {string} [githubToken]
 */
export function inputEnv(inputs = {}, githubToken = JOB_TOKEN) {
  /** @type {Record<string, string>} */
  const env = {};
  const declared = action.inputs ?? {};
  for (const [name, spec] of Object.entries(declared)) {
    const value = name in inputs ? inputs[name] : evaluate(spec?.default, githubToken);
    if (value !== undefined && value !== null)
      env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = String(value);
  }
  for (const [name, value] of Object.entries(inputs)) {
    if (!(name in declared)) env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = String(value);
  }
  return env;
}

/**
 * Reads a file-command file: `name<<DELIM\nvalue\nDELIM` blocks, or `name=value` lines.
 * @param {string} text
 */
export function parseFileCommands(text) {
  /** @type {Record<string, string>} */
  const result = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (!line) continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = /** @type {RegExpExecArray & [string, string, string]} */ (
        heredoc
      );
      const value = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i]);
      result[name] = value.join('\n');
    } else {
      const eq = line.indexOf('=');
      if (eq > 0) result[line.slice(0, eq)] = line.slice(eq + 1);
    }
  }
  return result;
}

/**
 * The lines of a step's output as GitHub's runner reads them: a line ends at \n, \r\n or a bare \r.
 * @param {string} text
 */
export function splitLines(text) {
  return text.split(/\r\n|\r|\n/);
}

/** @typedef {(text: string) => string} Unescape */

/** @type {Unescape} */
const unescapeData = (s) => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
/** @type {Unescape} */
const unescapeProperty = (s) => unescapeData(s.replace(/%3A/g, ':').replace(/%2C/g, ','));
/** @type {Unescape} */
const unescapeLegacy = (s) =>
  s
    .replace(/%3B/g, ';')
    .replace(/%0D/g, '\r')
    .replace(/%0A/g, '\n')
    .replace(/%5D/g, ']')
    .replace(/%25/g, '%');

/**
 * @param {string} text
 * @param {string} separator
 * @param {Unescape} unescape
 */
function properties(text, separator, unescape) {
  /** @type {Record<string, string>} */
  const out = {};
  for (const pair of text.split(separator).filter(Boolean)) {
    const eq = pair.indexOf('=');
    if (eq > 0 && eq < pair.length - 1) out[pair.slice(0, eq)] = unescape(pair.slice(eq + 1));
  }
  return out;
}

/**
 * The workflow command in one line, as the runner reads it, or undefined. `::name k=v,...::data`
 * after leading white space; failing that, the older `##[name k=v;...]data` anywhere in the
 * line (`legacy: true`). Names are compared case-insensitively, so `name` is in lower case;
 * unlike the runner, names it does not know are reported too: a forged one is forged all the same.
 * @param {string} line
 * @returns {Command | undefined}
 */
export function parseCommand(line) {
  const trimmed = line.replace(/^\s+/, '');
  if (trimmed.startsWith('::')) {
    const end = trimmed.indexOf('::', 2);
    const info = end < 0 ? '' : trimmed.slice(2, end);
    const space = info.indexOf(' ');
    const name = space < 0 ? info : info.slice(0, space);
    if (name) {
      return {
        name: name.toLowerCase(),
        properties:
          space < 0 ? {} : properties(info.slice(space + 1).trim(), ',', unescapeProperty),
        message: unescapeData(trimmed.slice(end + 2)),
        line,
        legacy: false,
      };
    }
  }
  const at = line.indexOf('##[');
  const close = at < 0 ? -1 : line.indexOf(']', at);
  if (close < 0) return undefined;
  const info = line.slice(at + 3, close);
  const space = info.indexOf(' ');
  const name = space < 0 ? info : info.slice(0, space);
  if (!name) return undefined;
  return {
    name: name.toLowerCase(),
    properties: space < 0 ? {} : properties(info.slice(space + 1), ';', unescapeLegacy),
    message: unescapeLegacy(line.slice(close + 1)),
    line,
    legacy: true,
  };
}

/**
 * Every workflow command in a step's output (stdout or stderr: the runner reads both).
 * @param {string} output
 */
export function parseCommands(output) {
  return splitLines(output).flatMap((line) => {
    const command = parseCommand(line);
    return command ? [command] : [];
  });
}

/**
 * Runs one step. Returns exit code, stdout/stderr, decoded commands, the outputs, exported
 * env, saved state and summary the step wrote.
 * @param {StepOptions} [options]
 * @returns {Promise<StepResult>}
 */
export async function runStep({
  entry = action.runs.main,
  // Another copy of the action (a release tree): run from there, with it as the working directory.
  dir: actionDir = root,
  inputs = {},
  env = {},
  state = {},
  githubToken = JOB_TOKEN,
  debug = false,
  node = process.execPath,
  timeoutMs = 120_000,
} = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'domo-auth-step-'));
  const files = {
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_ENV: join(dir, 'env'),
    GITHUB_STATE: join(dir, 'state'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary'),
    GITHUB_PATH: join(dir, 'path'),
  };
  for (const file of Object.values(files)) writeFileSync(file, '');
  const stateEnv = Object.fromEntries(Object.entries(state).map(([k, v]) => [`STATE_${k}`, v]));
  /** @type {NodeJS.ProcessEnv} */
  const childEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_REPOSITORY: 'octo-org/octo-repo',
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_JOB: 'build',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: 'https://api.github.com',
    RUNNER_TEMP: dir,
    RUNNER_OS: 'Linux',
    ...files,
    ...(debug ? { RUNNER_DEBUG: '1' } : {}),
    ...inputEnv(inputs, githubToken),
    ...stateEnv,
    ...env,
  };
  for (const [k, v] of Object.entries(childEnv)) if (v === undefined) delete childEnv[k];

  const started = process.hrtime.bigint();
  const child = spawn(node, [join(actionDir, entry)], {
    cwd: actionDir,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
  let timedOut = false;
  const killer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  /** @type {[number | null, NodeJS.Signals | null]} */
  const [exitCode, signal] = await new Promise((resolve) =>
    child.on('close', (code, sig) => resolve([code, sig])),
  );
  clearTimeout(killer);
  const durationMs = Number(process.hrtime.bigint() - started) / 1e6;

  const read = (/** @type {string} */ file) => readFileSync(file, 'utf8');
  /** @type {Command[]} */
  const commands = [
    ...parseCommands(stdout).map((c) => ({ ...c, stream: /** @type {const} */ ('stdout') })),
    ...parseCommands(stderr).map((c) => ({ ...c, stream: /** @type {const} */ ('stderr') })),
  ];
  const result = {
    exitCode,
    signal,
    timedOut,
    durationMs,
    stdout,
    stderr,
    commands,
    masks: commands.filter((c) => c.name === 'add-mask').map((c) => c.message),
    errors: commands.filter((c) => c.name === 'error').map((c) => c.message),
    warnings: commands.filter((c) => c.name === 'warning').map((c) => c.message),
    debugs: commands.filter((c) => c.name === 'debug').map((c) => c.message),
    outputs: parseFileCommands(read(files.GITHUB_OUTPUT)),
    exportedEnv: parseFileCommands(read(files.GITHUB_ENV)),
    savedState: parseFileCommands(read(files.GITHUB_STATE)),
    summary: read(files.GITHUB_STEP_SUMMARY),
  };
  rmSync(dir, { recursive: true, force: true });
  return result;
}

/**
 * A job: the main step, then (as `post-if: always()` says) the post step with its state.
 * @param {StepOptions} [options]
 * @returns {Promise<{ main: StepResult, post: StepResult }>}
 */
export async function runJob(options = {}) {
  /** @type {ActionMetadata} */
  const { runs } = options.dir
    ? YAML.parse(readFileSync(join(options.dir, 'action.yml'), 'utf8'))
    : action;
  const main = await runStep({ ...options, entry: runs.main });
  const post = await runStep({ ...options, entry: runs.post, state: main.savedState });
  return { main, post };
}

/**
 * Derived fragments shorter than this are not looked for: the action does not redact them
 * (src/secrets.ts), as they would match ordinary words.
 */
export const MIN_FRAGMENT_LENGTH = 6;

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * base64 of `value` wherever it sits: per byte alignment, the characters its bytes alone decide.
 * @param {string} value
 */
function base64Runs(value) {
  const bytes = Buffer.from(value, 'utf8');
  /** @type {string[]} */
  const runs = [];
  for (const shift of [0, 1, 2]) {
    const text = Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64');
    const run = text.slice(
      Math.ceil((shift * 8) / 6),
      Math.floor(((shift + bytes.length) * 8) / 6),
    );
    runs.push(run, run.replaceAll('+', '-').replaceAll('/', '_'));
  }
  return runs;
}

/**
 * The forms in which a secret can show, as GitHub's runner masks them (and a few more ways of
 * percent-encoding): the value; JSON-escaped; percent-encoded as Uri.EscapeDataString,
 * encodeURIComponent and HTML forms do it (upper- and lower-case hex); XML-escaped; without
 * surrounding quotes; base64 in its three byte alignments; and escaped as a workflow command's
 * data. Fragments shorter than MIN_FRAGMENT_LENGTH are left out.
 * @param {string | undefined} secret
 * @returns {string[]}
 */
export function secretForms(secret) {
  if (typeof secret !== 'string' || secret === '') return [];
  const value = secret.replace(LONE_SURROGATE, '\ufffd');
  const escapeData = encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  const whole = [
    secret,
    JSON.stringify(secret).slice(1, -1),
    escapeData,
    escapeData.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()),
    encodeURIComponent(value),
    new URLSearchParams({ v: value }).toString().slice(2),
    secret
      .replaceAll('&', '&amp;')
      .replaceAll('<', '&lt;')
      .replaceAll('>', '&gt;')
      .replaceAll('"', '&quot;')
      .replaceAll("'", '&apos;'),
    secret.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A'),
  ];
  const quoted = /^(["'])([\s\S]+)\1$/.exec(secret);
  const fragments = [...base64Runs(value), ...(quoted ? [/** @type {string} */ (quoted[2])] : [])];
  return [...new Set([...whole, ...fragments.filter((f) => f.length >= MIN_FRAGMENT_LENGTH)])];
}

/**
 * A job summary as a reader sees it: without the bare tags @actions/core writes, entities decoded.
 * @param {string} summary
 */
export function summaryText(summary) {
  /** @type {Record<string, string>} */
  const named = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  return summary
    .replace(/<\/?[a-z][a-z0-9]*>/gi, ' ')
    .replace(/&#(\d+);/g, (_, n) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_, n) => String.fromCodePoint(parseInt(n, 16)))
    .replace(/&(amp|lt|gt|quot|apos);/g, (_, n) => /** @type {string} */ (named[n]));
}

/**
 * Where any of `secrets`, in any of its forms (secretForms), shows in what a person or another
 * job could read: each line of stdout and stderr (a workflow command's decoded message and
 * properties, as the runner shows them; ::add-mask:: lines, which the runner takes in and never
 * shows, are skipped), and the job summary's text. Empty means no leak.
 * @param {Pick<StepResult, 'stdout' | 'summary'> & { stderr?: string }} step
 * @param {Array<string | undefined>} secrets
 */
export function findLeaks(step, secrets) {
  /** @type {string[]} */
  const leaks = [];
  const forms = [...new Set(secrets.flatMap((s) => secretForms(s)))];
  const look = (/** @type {string} */ where, /** @type {string} */ text) => {
    const found = forms.find((form) => text.includes(form));
    if (found === undefined) return;
    const at = text.indexOf(found);
    const excerpt = text.slice(Math.max(0, at - 60), at + found.length + 60);
    leaks.push(`${where}: ${JSON.stringify(excerpt)}`);
  };
  for (const [stream, output] of /** @type {const} */ ([
    ['stdout', step.stdout],
    ['stderr', step.stderr ?? ''],
  ])) {
    for (const line of splitLines(output)) {
      const command = parseCommand(line);
      if (command?.name === 'add-mask') continue;
      if (!command || command.legacy) {
        look(stream, line);
        continue;
      }
      look(`${stream} ::${command.name}::`, command.message);
      for (const value of Object.values(command.properties)) {
        look(`${stream} ::${command.name}:: property`, value);
      }
    }
  }
  look('summary', summaryText(step.summary));
  return leaks;
}
