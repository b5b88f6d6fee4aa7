// Jest configuration for mutation runs (`npm run mutate`, see stryker.config.mjs): the
// project's configuration, without the tests that run dist/ or dev/ or only read the
// repository's files (they cannot kill a mutant in src/), with a fixed fast-check seed and a
// tenth of the property runs, a sequencer that runs only the test files holding the tests
// Stryker selected for a mutant, quickest first, and an environment that stops at the first
// failure.
import { fileURLToPath } from 'node:url';
import base from '../jest.config.js';

/** @type {import('jest').Config} */
export default {
  ...base,
  rootDir: '..',
  testPathIgnorePatterns: [
    '/node_modules/',
    '\\.e2e\\.test\\.ts$',
    '<rootDir>/__tests__/e2e/',
    '<rootDir>/__tests__/dev/',
    '<rootDir>/__tests__/repo\\.test\\.ts$',
    '<rootDir>/__tests__/workflows\\.test\\.ts$',
  ],
  setupFilesAfterEnv: [...(base.setupFilesAfterEnv ?? []), '<rootDir>/dev/stryker-setup.mjs'],
  testSequencer: '<rootDir>/dev/stryker-sequencer.cjs',
  // A full path: Stryker loads the environment itself and does not expand <rootDir>.
  testEnvironment: fileURLToPath(new URL('stryker-environment.cjs', import.meta.url)),
  // No unit test takes a second; one a mutant stalls (a request that never times out, say)
  // fails after 5 s and kills it, where Stryker's own time limit would also restart the runner.
  testTimeout: 5000,
};
