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

export const root = fileURLToPath(new URL('..', import.meta.url));
export const action = YAML.parse(readFileSync(join(root, 'action.yml'), 'utf8'));

/** The INPUT_* variables the runner would set for `inputs` (declared defaults filled in). */
export function inputEnv(inputs = {}) {
  const env = {};
  const declared = action.inputs ?? {};
  for (const [name, spec] of Object.entries(declared)) {
    const value = name in inputs ? inputs[name] : spec?.default;
    if (value !== undefined && value !== null)
      env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = String(value);
  }
  for (const [name, value] of Object.entries(inputs)) {
    if (!(name in declared)) env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = String(value);
  }
  return env;
}

/** Reads a file-command file: `name<<DELIM\nvalue\nDELIM` blocks, or `name=value` lines. */
export function parseFileCommands(text) {
  const result = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (!line) continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc;
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

const unescapeData = (s) => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
const unescapeProperty = (s) => unescapeData(s.replace(/%3A/g, ':').replace(/%2C/g, ','));

/** Workflow commands (`::name k=v,...::message`) in stdout, decoded as the runner decodes them. */
export function parseCommands(stdout) {
  const commands = [];
  for (const line of stdout.split(/\r?\n/)) {
    const match = /^::([A-Za-z-]+)(?: ([^:]*))?::(.*)$/.exec(line);
    if (!match) continue;
    const [, name, props = '', message] = match;
    const properties = {};
    for (const pair of props.split(',').filter(Boolean)) {
      const eq = pair.indexOf('=');
      if (eq > 0) properties[pair.slice(0, eq)] = unescapeProperty(pair.slice(eq + 1));
    }
    commands.push({ name, properties, message: unescapeData(message), line });
  }
  return commands;
}

/**
 * Runs one step. Returns exit code, stdout/stderr, decoded commands, the outputs, exported
 * env, saved state and summary the step wrote.
 */
export async function runStep({
  entry = 'dist/index.js',
  inputs = {},
  env = {},
  state = {},
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
  const childEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_REPOSITORY: 'octo-org/octo-repo',
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_ATTEMPT: '1',
    RUNNER_TEMP: dir,
    RUNNER_OS: 'Linux',
    ...files,
    ...(debug ? { RUNNER_DEBUG: '1' } : {}),
    ...inputEnv(inputs),
    ...stateEnv,
    ...env,
  };
  for (const [k, v] of Object.entries(childEnv)) if (v === undefined) delete childEnv[k];

  const started = process.hrtime.bigint();
  const child = spawn(node, [join(root, entry)], {
    cwd: root,
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
  const [exitCode, signal] = await new Promise((resolve) =>
    child.on('close', (code, sig) => resolve([code, sig])),
  );
  clearTimeout(killer);
  const durationMs = Number(process.hrtime.bigint() - started) / 1e6;

  const read = (file) => readFileSync(file, 'utf8');
  const commands = parseCommands(stdout);
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

/** A job: the main step, then (as `post-if: always()` says) the post step with its state. */
export async function runJob(options = {}) {
  const main = await runStep({ ...options, entry: action.runs.main });
  const post = await runStep({ ...options, entry: action.runs.post, state: main.savedState });
  return { main, post };
}

/**
 * Where any of `secrets` shows in what a person or another job could read: stdout (other than
 * the secret's own ::add-mask:: line), stderr, the summary, annotations. Empty means no leak.
 */
export function findLeaks(step, secrets) {
  const leaks = [];
  const present = secrets.filter((s) => typeof s === 'string' && s.length > 0);
  for (const line of step.stdout.split(/\r?\n/)) {
    if (line.startsWith('::add-mask::')) continue;
    for (const s of present) if (line.includes(s)) leaks.push(`stdout: ${line.slice(0, 120)}`);
  }
  for (const s of present) {
    if (step.stderr.includes(s)) leaks.push('stderr');
    if (step.summary.includes(s)) leaks.push('summary');
    // Escaped forms, in case a secret hides behind workflow-command escaping.
    const escaped = s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
    if (
      escaped !== s &&
      step.stdout.split('\n').some((l) => !l.startsWith('::add-mask::') && l.includes(escaped))
    ) {
      leaks.push('stdout (escaped)');
    }
  }
  return leaks;
}
