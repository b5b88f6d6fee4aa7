/**
 * The job summary without a file, on its own: @actions/core's summary (and the shim's) keeps the
 * path of its first write, so this must be the first summary either module ever writes. A file
 * of its own gives it fresh modules whatever order the tests run in.
 */
import { expect, test } from '@jest/globals';
import * as real from '@actions/core';
import * as shim from '../src/shims/core.js';
import { observe, type Core } from './helpers/core-observe.js';

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
