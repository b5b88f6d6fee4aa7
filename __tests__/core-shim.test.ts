/**
 * The bundle runs src/shims/core.ts where the unit tests run @actions/core (tsconfig's `paths`
 * applies to the bundler only). Here both make the same calls, and write the same: the same
 * stdout, the same file commands (delimiters aside, which are random), the same summary, the
 * same environment and exit code, the same errors.
 */
import { expect, test } from '@jest/globals';
import * as real from '@actions/core';
import * as shim from '../src/shims/core.js';
import { FILES, observe, type Core } from './helpers/core-observe.js';

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
    { GITHUB_OUTPUT: `${FILES.GITHUB_OUTPUT}-gone` },
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
