/**
 * The bundle runs src/shims/core.ts where the unit tests run @actions/core (tsconfig's `paths`
 * applies to the bundler only). Here both make the same calls, and write the same: the same
 * stdout, the same file commands (delimiters aside, which are random), the same summary, the
 * same environment and exit code, the same errors.
 */
import { expect, test } from '@jest/globals';
import * as real from '@actions/core';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as shim from '../src/shims/core.js';
import { FILES, observe, type Core } from './helpers/core-observe.js';

const HOSTILE = 'a%b\r\nc:d,e::f\n##[error]g';

/** GITHUB_PATH, which the helper does not watch: beside its files, so removed with them. */
const PATH_FILE = `${FILES.GITHUB_OUTPUT}-path`;

/** addPath, and what it did to GITHUB_PATH and to PATH (put back before the next module runs). */
const addPath = (folder: string) => (core: Core) => {
  writeFileSync(PATH_FILE, '');
  const before = process.env.PATH;
  try {
    core.addPath(folder);
    return { file: readFileSync(PATH_FILE, 'utf8'), PATH: process.env.PATH };
  } finally {
    process.env.PATH = before;
  }
};

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
  ['setOutput, null', (core) => core.setOutput('out', null)],
  ['setOutput, no file', (core) => core.setOutput('out', HOSTILE), { GITHUB_OUTPUT: undefined }],
  ['exportVariable', (core) => core.exportVariable('SHIM_VAR', HOSTILE)],
  ['exportVariable, a number', (core) => core.exportVariable('SHIM_VAR', 42)],
  ['exportVariable, undefined', (core) => core.exportVariable('SHIM_VAR', undefined)],
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
  ['saveState, null, no file', (core) => core.saveState('key', null), { GITHUB_STATE: undefined }],
  ['addPath', addPath(`/opt/${HOSTILE}`), { GITHUB_PATH: PATH_FILE }],
  ['addPath, no file', addPath(`/opt/${HOSTILE}`), { GITHUB_PATH: undefined }],
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
  [
    'the summary: a heading of each level, and of levels there are not',
    (core) => {
      for (const level of [1, 2, 3, 4, 5, 6, '6', 0, 7, 9]) core.summary.addHeading('x', level);
      return core.summary.write();
    },
  ],
  [
    'the summary: written twice, and what is left',
    async (core) => {
      await core.summary.addRaw('first').addEOL().write();
      await core.summary.addRaw('second').write();
      return core.summary.stringify();
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

test.each<[string, (core: Core) => unknown]>([
  ['GITHUB_OUTPUT', (core) => core.setOutput('out', 'x')],
  ['GITHUB_ENV', (core) => core.exportVariable('SHIM_VAR', 'x')],
  ['GITHUB_STATE', (core) => core.saveState('key', 'x')],
  ['GITHUB_PATH', (core) => core.addPath('/opt/x')],
])(
  '%s names a file that is gone: both fail the same way, and neither makes it',
  async (name, call) => {
    const gone = `${FILES.GITHUB_OUTPUT}-gone`;
    // Removed before each module runs: one that made the file must not hand it to the other.
    const calls = (core: Core) => {
      rmSync(gone, { force: true });
      return call(core);
    };
    const fromShim = await observe(shim, calls, { [name]: gone });
    expect(fromShim.result).toEqual({ threw: `Missing file at path: ${gone}` });
    expect(existsSync(gone)).toBe(false);
    expect(fromShim).toEqual(await observe(real as unknown as Core, calls, { [name]: gone }));
    expect(existsSync(gone)).toBe(false);
  },
);
