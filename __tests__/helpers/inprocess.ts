/**
 * One harness for the tests that drive whole runs in-process (src/main.ts `run`, the post
 * step's `cleanup`): the runner's files in a temporary folder, stdout captured, the INPUT_*,
 * STATE_*, GITHUB_* and RUNNER_* variables the test's own and nothing else, HOME a temporary
 * folder (login mode writes the Domo CLI's login under it), masks forgotten, process.exitCode
 * cleared, and a fake clock that records every sleep. Called once at the top of a test file,
 * it registers its own hooks:
 *
 *   const h = inProcess({ env: GITHUB_RUN });
 *   h.setInputs({ 'client-id': 'cid', ... });
 *   await run(h.deps);
 *   expect(h.outputs()['access-token']).toBe(...);
 */
import { afterAll, afterEach, beforeEach, jest } from '@jest/globals';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from './nock.js';
// The runner emulator's parsers, so that in-process tests read files exactly as the e2e tests do.
import { parseCommands, parseFileCommands, type Command } from '../../dev/runner.mjs';
import type { Transport } from '../../src/http.js';

const { resetMasks } = await import('../../src/log.js');
const { createTransport } = await import('../../src/http.js');

export type RunnerFile = 'output' | 'env' | 'state' | 'summary';
const FILES: RunnerFile[] = ['output', 'env', 'state', 'summary'];
const VARIABLE: Record<RunnerFile, string> = {
  output: 'GITHUB_OUTPUT',
  env: 'GITHUB_ENV',
  state: 'GITHUB_STATE',
  summary: 'GITHUB_STEP_SUMMARY',
};
/** The run's variables: no test inherits these from the shell or CI, nor a run from the one before. */
const RUN = /^(GITHUB_|RUNNER_)/;

/** The run most tests play: a job of octo-org/octo-repo on github.com. */
export const GITHUB_RUN = {
  GITHUB_REPOSITORY: 'octo-org/octo-repo',
  GITHUB_RUN_ID: '4242',
  GITHUB_RUN_ATTEMPT: '1',
  GITHUB_JOB: 'deploy',
  GITHUB_SERVER_URL: 'https://github.com',
};

/** Where the fake clock starts unless told otherwise. */
export const START = Date.UTC(2026, 10, 23, 12, 0, 0);

export interface RunSetup {
  /** Variables of the run (GITHUB_*, RUNNER_DEBUG, HOME, ...); undefined removes one. */
  env?: Record<string, string | undefined>;
  /** The runner files whose variables are set (all four by default); every file exists. */
  files?: RunnerFile[];
  /** The fake clock's time at the start, in epoch milliseconds. */
  start?: number;
}

export interface InProcess {
  /** Clears every INPUT_* and STATE_* variable, then sets these (`client-id` → INPUT_CLIENT-ID). */
  setInputs(inputs: Record<string, string>, state?: Record<string, string>): void;
  /**
   * Starts another run within the test: the run's variables set anew (the inputs stay), the
   * files and stdout emptied, masks forgotten, the clock back at its start.
   */
  reset(setup?: RunSetup): void;
  outputs(): Record<string, string>;
  env(): Record<string, string>;
  state(): Record<string, string>;
  summary(): string;
  /** A runner file as written. */
  file(name: RunnerFile): string;
  path(name: RunnerFile): string;
  /** Everything written to stdout since the test (or the last reset) began; assignable. */
  stdout: string;
  commands(): Command[];
  /** The messages of the workflow commands of one kind (`error`, `warning`, `add-mask`, ...). */
  named(kind: string): string[];
  clock: { now(): number; sleep(ms: number): Promise<void> };
  sleeps: number[];
  deps: {
    clock: InProcess['clock'];
    random: () => number;
    transport: (timeoutMs: number) => Transport;
  };
  /** The test's temporary folder (the runner files but the summary) and its HOME in it. */
  readonly dir: string;
  readonly home: string;
}

export function inProcess(setup: RunSetup = {}): InProcess {
  // @actions/core's summary keeps the first path it writes to: one summary file for the whole
  // test file, emptied before each run, so that every test reads what its own run wrote.
  const summaryDir = mkdtempSync(join(tmpdir(), 'domo-auth-summary-'));
  const saved = { ...process.env };
  let dir = '';
  let now = START;
  const sleeps: number[] = [];
  const clock = {
    now: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
  };
  const path = (name: RunnerFile) => join(name === 'summary' ? summaryDir : dir, name);
  const read = (name: RunnerFile) => readFileSync(path(name), 'utf8');

  const h: InProcess = {
    setInputs(inputs, state = {}) {
      for (const key of Object.keys(process.env)) {
        if (key.startsWith('INPUT_') || key.startsWith('STATE_')) delete process.env[key];
      }
      for (const [name, value] of Object.entries(inputs))
        process.env[`INPUT_${name.toUpperCase()}`] = value;
      for (const [name, value] of Object.entries(state)) process.env[`STATE_${name}`] = value;
    },
    reset(run = setup) {
      for (const key of Object.keys(process.env)) if (RUN.test(key)) delete process.env[key];
      for (const name of FILES) writeFileSync(path(name), '');
      for (const name of run.files ?? FILES) process.env[VARIABLE[name]] = path(name);
      process.env.HOME = h.home;
      for (const [key, value] of Object.entries(run.env ?? {})) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
      h.stdout = '';
      sleeps.length = 0;
      now = run.start ?? START;
      resetMasks();
      // The process's exit code is shared by every file in this worker: start from none.
      process.exitCode = undefined;
    },
    outputs: () => parseFileCommands(read('output')),
    env: () => parseFileCommands(read('env')),
    state: () => parseFileCommands(read('state')),
    summary: () => read('summary'),
    file: read,
    path,
    stdout: '',
    commands: () => parseCommands(h.stdout),
    named: (kind) =>
      h
        .commands()
        .filter((c) => c.name === kind)
        .map((c) => c.message),
    clock,
    sleeps,
    deps: {
      clock,
      random: () => 0.5,
      transport: (timeoutMs) => createTransport({ timeoutMs }),
    },
    get dir() {
      return dir;
    },
    get home() {
      return join(dir, 'home');
    },
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'domo-auth-run-'));
    mkdirSync(h.home);
    h.setInputs({});
    h.reset();
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      h.stdout += String(chunk);
      return true;
    });
  });

  afterEach(() => {
    jest.restoreAllMocks();
    nock.cleanAll();
    rmSync(dir, { recursive: true, force: true });
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
    process.exitCode = undefined;
  });

  afterAll(() => rmSync(summaryDir, { recursive: true, force: true }));
  return h;
}
