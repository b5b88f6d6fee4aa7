/**
 * The bundle runs src/shims/core.ts where the unit tests run @actions/core (tsconfig's `paths`
 * applies to the bundler only). Here both make the same calls, and write the same: the same
 * stdout, the same file commands (delimiters aside, which are random), the same summary, the
 * same environment and exit code, the same errors.
 */
import { afterAll, afterEach, beforeEach, expect, jest, test } from '@jest/globals';
import * as real from '@actions/core';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as shim from '../src/shims/core.js';

type Core = typeof shim;

// One directory for the file: each summary keeps the first path it writes to.
const dir = mkdtempSync(join(tmpdir(), 'domo-auth-core-shim-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const FILES = {
  GITHUB_OUTPUT: join(dir, 'output'),
  GITHUB_ENV: join(dir, 'env'),
  GITHUB_STATE: join(dir, 'state'),
  GITHUB_STEP_SUMMARY: join(dir, 'summary'),
};

const saved = { ...process.env };
beforeEach(() => {
  for (const key of ['RUNNER_DEBUG', 'STATE_key', 'SHIM_VAR']) delete process.env[key];
});
afterEach(() => {
  jest.restoreAllMocks();
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
  process.exitCode = undefined;
});

/** Everything one implementation did for `calls`, with the random delimiters made equal. */
async function observe(core: Core, calls: (core: Core) => unknown, env: NodeJS.ProcessEnv) {
  for (const file of Object.values(FILES)) writeFileSync(file, '');
  Object.assign(process.env, FILES, env);
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete process.env[key];
  process.exitCode = undefined;
  let stdout = '';
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  let result: unknown;
  try {
    const returned = await calls(core);
    result = { returned: returned === core.summary ? 'the summary' : returned };
  } catch (err) {
    result = { threw: err instanceof Error ? err.message : err };
  } finally {
    spy.mockRestore();
  }
  const same = (text: string) => text.replace(/ghadelimiter_[0-9a-f-]{36}/g, 'ghadelimiter_X');
  const files = Object.fromEntries(
    Object.entries(FILES).map(([name, file]) => [name, same(readFileSync(file, 'utf8'))]),
  );
  const seen = {
    stdout,
    files,
    result,
    exitCode: process.exitCode,
    SHIM_VAR: process.env.SHIM_VAR,
  };
  process.exitCode = undefined;
  return seen;
}

// First in the file: @actions/core's summary keeps the path of its first write.
test('the summary without a file fails as @actions/core fails, and keeps its buffer', async () => {
  const calls = async (core: Core) => {
    await core.summary
      .addRaw('kept')
      .write()
      .catch((err: Error) => core.info(err.message));
    return core.summary.emptyBuffer().stringify();
  };
  const env = { GITHUB_STEP_SUMMARY: undefined };
  const fromShim = await observe(shim, calls, env);
  const fromReal = await observe(real as unknown as Core, calls, env);
  expect(fromShim.stdout).toContain('Unable to find environment variable for $GITHUB_STEP_SUMMARY');
  expect(fromShim).toEqual(fromReal);
});

const HOSTILE = 'a%b\r\nc:d,e::f\n##[error]g';

test.each<[string, (core: Core) => unknown, NodeJS.ProcessEnv?]>([
  ['setSecret', (core) => core.setSecret(HOSTILE)],
  ['info', (core) => core.info(HOSTILE)],
  ['debug', (core) => core.debug(HOSTILE)],
  ['warning', (core) => core.warning(HOSTILE)],
  ['warning with an Error', (core) => core.warning(new Error(HOSTILE))],
  ['error', (core) => core.error(HOSTILE)],
  ['setFailed', (core) => core.setFailed(HOSTILE)],
  ['isDebug, RUNNER_DEBUG=1', (core) => core.isDebug(), { RUNNER_DEBUG: '1' }],
  ['isDebug, RUNNER_DEBUG=true', (core) => core.isDebug(), { RUNNER_DEBUG: 'true' }],
  ['setOutput', (core) => core.setOutput('out', HOSTILE)],
  ['setOutput, not a string', (core) => core.setOutput('out', { a: [1, null] })],
  ['setOutput, no file', (core) => core.setOutput('out', HOSTILE), { GITHUB_OUTPUT: undefined }],
  [
    'setOutput, a file that is gone',
    (core) => core.setOutput('out', 'x'),
    { GITHUB_OUTPUT: join(dir, 'gone') },
  ],
  ['exportVariable', (core) => core.exportVariable('SHIM_VAR', HOSTILE)],
  ['exportVariable, a number', (core) => core.exportVariable('SHIM_VAR', 42)],
  [
    'exportVariable, no file',
    (core) => core.exportVariable('SHIM_VAR', HOSTILE),
    { GITHUB_ENV: undefined },
  ],
  ['saveState', (core) => core.saveState('key', HOSTILE)],
  ['saveState, no file', (core) => core.saveState('key', 'true'), { GITHUB_STATE: undefined }],
  [
    'saveState, a name to escape, no file',
    (core) => core.saveState('a,b:c%d', 'v'),
    { GITHUB_STATE: undefined },
  ],
  ['saveState, no name, no file', (core) => core.saveState('', 'v'), { GITHUB_STATE: undefined }],
  ['getState', (core) => core.getState('key'), { STATE_key: HOSTILE }],
  ['getState, none', (core) => core.getState('key')],
  [
    'the summary: a heading and a table, written',
    (core) =>
      core.summary
        .addHeading('Title <b>', 3)
        .addTable([
          [
            { data: 'Field', header: true },
            { data: 'Value', header: true },
          ],
          ['a', ''],
          [{ data: 'b' }, 'c&amp;'],
        ])
        .write(),
  ],
  ['the summary: a heading of no level', (core) => core.summary.addHeading('x').write()],
  ['the summary: a heading of level 9', (core) => core.summary.addHeading('x', 9).write()],
  [
    'the summary: overwritten, and what is left',
    async (core) => {
      await core.summary.addRaw('first', true).write();
      await core.summary.addRaw('second').write({ overwrite: true });
      return [core.summary.stringify(), core.summary.isEmptyBuffer()];
    },
  ],
  [
    'the summary: emptied before it is written',
    (core) => core.summary.addRaw('gone').emptyBuffer().addEOL().write(),
  ],
])('%s: as @actions/core does it', async (_, calls, env = {}) => {
  const fromShim = await observe(shim, calls, env);
  const fromReal = await observe(real as unknown as Core, calls, env);
  expect(fromShim).toEqual(fromReal);
});
