/**
 * A file command's value ends at a delimiter made of a random UUID; a name or value that held
 * it could write outputs or variables of its own. A random UUID cannot be guessed, so this file
 * gives both modules a known one and holds src/shims/core.ts to @actions/core's refusal.
 */
import { expect, jest, test } from '@jest/globals';
import * as crypto from 'node:crypto';
import { observe, type Core } from './helpers/core-observe.js';

const UUID = '00000000-0000-4000-8000-000000000000';
const DELIMITER = `ghadelimiter_${UUID}`;
const fixed = { ...crypto, randomUUID: () => UUID };
for (const name of ['node:crypto', 'crypto']) {
  jest.unstable_mockModule(name, () => ({ ...fixed, default: fixed }));
}
const real = (await import('@actions/core')) as unknown as Core;
const shim = await import('../src/shims/core.js');

test.each<[string, (core: Core) => unknown, string]>([
  ['an output name', (core) => core.setOutput(`a${DELIMITER}`, 'v'), 'name'],
  ['an output value', (core) => core.setOutput('out', `v\n${DELIMITER}\nx=y`), 'value'],
  ['a variable value', (core) => core.exportVariable('SHIM_VAR', { a: DELIMITER }), 'value'],
  ['a state value', (core) => core.saveState('key', DELIMITER), 'value'],
])(
  '%s that holds the delimiter is refused, as @actions/core refuses it',
  async (_, calls, what) => {
    const fromShim = await observe(shim, calls, {});
    expect(fromShim.result).toEqual({
      threw: `Unexpected input: ${what} should not contain the delimiter "${DELIMITER}"`,
    });
    expect(fromShim).toEqual(await observe(real, calls, {}));
  },
);
