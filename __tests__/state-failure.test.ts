/**
 * A state file that fails after Domo has made something: the error names what exists and how
 * to revoke it by hand, instead of the file system's one word.
 */
import { afterEach, beforeEach, expect, jest, test } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from './helpers/nock.js';
import { parseCommands } from '../dev/runner.mjs';

const { run } = await import('../src/main.js');
const { resetMasks } = await import('../src/log.js');
const { createTransport } = await import('../src/http.js');

const INSTANCE = 'https://acme.domo.test';
let dir: string;
let stdout: string;
const saved = { ...process.env };
const deps = {
  clock: { now: () => 0, sleep: async () => undefined },
  random: () => 0.5,
  transport: (timeoutMs: number) => createTransport({ timeoutMs }),
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'domo-auth-state-failure-'));
  for (const name of ['output', 'env', 'state']) writeFileSync(join(dir, name), '');
  for (const key of Object.keys(process.env))
    if (/^(INPUT_|STATE_)/.test(key)) delete process.env[key];
  Object.assign(process.env, {
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_ENV: join(dir, 'env'),
    GITHUB_STATE: join(dir, 'state'),
    HOME: dir,
    INPUT_INSTANCE: INSTANCE,
    'INPUT_DEVELOPER-TOKEN': 'dev-SECRET',
    INPUT_SUMMARY: 'false',
  });
  stdout = '';
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  resetMasks();
  process.exitCode = undefined;
});
afterEach(() => {
  jest.restoreAllMocks();
  nock.cleanAll();
  rmSync(dir, { recursive: true, force: true });
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
  process.exitCode = undefined;
});

/** Domo answers `path` with `body`, and the state file is gone by the time the answer is read. */
const answerThenLoseState = (path: string, body: object) =>
  nock(INSTANCE)
    .post(path)
    .reply(201, () => {
      rmSync(join(dir, 'state'));
      return body;
    });

const errors = () =>
  parseCommands(stdout)
    .filter((c: { name: string }) => c.name === 'error')
    .map((c: { message: string }) => c.message);

test.each<[string, Record<string, string>, () => void, RegExp]>([
  [
    'provision mode: the created client is named, with how to revoke it',
    { INPUT_MODE: 'provision' },
    () =>
      answerThenLoseState('/api/identity/v1/developer-tokens', {
        id: 77,
        clientId: 'cid-new',
        clientSecret: 'csecret-SECRET',
      }),
    /^Created Domo API client "github-actions .*" \(cid-new, id 77\), but could not save what the post step needs to revoke it \(Missing file at path: .*\)\. Revoke it by hand in https:\/\/acme\.domo\.test: Admin > Security > Access tokens \(API clients\)\.$/,
  ],
  [
    'login mode: the minted token is named, with how to revoke it and when it expires anyway',
    { INPUT_MODE: 'login', 'INPUT_JOB-TOKEN': 'true' },
    () => {
      nock(INSTANCE).get('/api/content/v2/users/me').reply(200, { id: 7, displayName: 'CI' });
      answerThenLoseState('/api/data/v1/accesstokens', {
        id: 88,
        token: 'minted-SECRET-1',
      });
    },
    /^Minted Domo developer token "github-actions .*" \(id 88\), but could not save what the post step needs to revoke it \(Missing file at path: .*\)\. Revoke it by hand in https:\/\/acme\.domo\.test: Admin > Security > Access tokens; it expires by itself at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\.$/,
  ],
])('%s', async (_, inputs, arrange, message) => {
  Object.assign(process.env, inputs);
  arrange();
  await run({ ...deps, env: process.env });
  expect(errors()).toEqual([expect.stringMatching(message)]);
  const shown = stdout.split('\n').filter((line) => !line.startsWith('::add-mask::'));
  expect(shown.join('\n')).not.toMatch(/csecret-SECRET|minted-SECRET-1|dev-SECRET/);
  expect(nock.isDone()).toBe(true);
});
