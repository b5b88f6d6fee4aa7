/**
 * On a Windows runner @actions/core ends lines with os.EOL ("\r\n") and joins PATH with
 * path.delimiter (";"); src/shims/core.ts reads the platform instead, to spare loading node:os.
 * Here the package gets Windows' os and path and the stand-in Windows' process.platform, and
 * both must write the same.
 */
import { expect, jest, test } from '@jest/globals';
import * as os from 'node:os';
import * as path from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { FILES, observe, type Core } from './helpers/core-observe.js';

const windows = { os: { ...os, EOL: '\r\n' }, path: { ...path, delimiter: ';' } };
for (const [name, module] of Object.entries(windows)) {
  for (const id of [name, `node:${name}`]) {
    jest.unstable_mockModule(id, () => ({ ...module, default: module }));
  }
}
const real = (await import('@actions/core')) as unknown as Core;
const platform = Object.getOwnPropertyDescriptor(process, 'platform')!;
Object.defineProperty(process, 'platform', { ...platform, value: 'win32' });
const shim = await import('../src/shims/core.js').finally(() =>
  Object.defineProperty(process, 'platform', platform),
);

const PATH_FILE = `${FILES.GITHUB_OUTPUT}-path`;

test.each<[string, (core: Core) => unknown, NodeJS.ProcessEnv?]>([
  ['info', (core) => core.info('x')],
  ['warning', (core) => core.warning('x')],
  ['setOutput', (core) => core.setOutput('out', 'v')],
  ['setOutput, no file', (core) => core.setOutput('out', 'v'), { GITHUB_OUTPUT: undefined }],
  ['saveState', (core) => core.saveState('key', 'v')],
  ['the summary', (core) => core.summary.addHeading('x', 2).write()],
  [
    'addPath',
    (core) => {
      writeFileSync(PATH_FILE, '');
      core.addPath('C:\\tools');
      return [readFileSync(PATH_FILE, 'utf8'), process.env.PATH];
    },
    { GITHUB_PATH: PATH_FILE, PATH: 'C:\\Windows' },
  ],
])('%s on Windows: as @actions/core does it', async (_, calls, env = {}) => {
  const fromShim = await observe(shim, calls, env);
  expect(JSON.stringify(fromShim)).toContain('\\r\\n');
  expect(fromShim).toEqual(await observe(real, calls, env));
});
