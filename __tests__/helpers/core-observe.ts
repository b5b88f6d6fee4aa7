/**
 * Runs the same calls through src/shims/core.ts or @actions/core and records everything each
 * did, for the tests that hold the shim to the package. Each test file that imports this gets
 * its own copies of both modules, and of the directory their files are written to.
 */
import { afterAll, afterEach, beforeEach, jest } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as shim from '../../src/shims/core.js';

export type Core = typeof shim;

// One directory for each test file: a summary keeps the first path it writes to.
const dir = mkdtempSync(join(tmpdir(), 'domo-auth-core-shim-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
export const FILES = {
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
export async function observe(core: Core, calls: (core: Core) => unknown, env: NodeJS.ProcessEnv) {
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
