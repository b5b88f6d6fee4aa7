/**
 * The job summary without a file to write, on its own: @actions/core's summary keeps the path
 * of its first write and checks it no more, so these must come before either module ever
 * writes a summary. Neither test here writes one, and a file of its own gives them fresh
 * modules whatever order the tests run in.
 */
import { expect, test } from '@jest/globals';
import * as real from '@actions/core';
import { existsSync, rmSync } from 'node:fs';
import { EOL } from 'node:os';
import * as shim from '../src/shims/core.js';
import { FILES, observe, type Core } from './helpers/core-observe.js';

const gone = `${FILES.GITHUB_STEP_SUMMARY}-gone`;

test.each<[string, NodeJS.ProcessEnv, string]>([
  [
    'no GITHUB_STEP_SUMMARY',
    { GITHUB_STEP_SUMMARY: undefined },
    'Unable to find environment variable for $GITHUB_STEP_SUMMARY. Check if your runtime environment supports job summaries.',
  ],
  [
    'a GITHUB_STEP_SUMMARY file that is gone',
    { GITHUB_STEP_SUMMARY: gone },
    `Unable to access summary file: '${gone}'. Check if the file has correct read/write permissions.`,
  ],
])(
  'the summary with %s fails as @actions/core fails, and keeps its buffer',
  async (_, env, message) => {
    const calls = async (core: Core) => {
      // Removed before each module runs: one that made the file must not hand it to the other.
      rmSync(gone, { force: true });
      await core.summary
        .addRaw('kept')
        .write()
        .catch((err: Error) => core.info(err.message));
      const left = core.summary.stringify();
      core.summary.emptyBuffer();
      return left;
    };
    const fromShim = await observe(shim, calls, env);
    expect(fromShim).toMatchObject({ stdout: `${message}${EOL}`, result: { returned: 'kept' } });
    expect(fromShim).toEqual(await observe(real as unknown as Core, calls, env));
    expect(existsSync(gone)).toBe(false);
  },
);
