// Jest configuration for mutation runs (`npm run mutate`, see stryker.config.mjs): the
// project's configuration, without the tests that run dist/ or dev/ or only read the
// repository's files (they cannot kill a mutant in src/), with a fixed fast-check seed, and
// a sequencer that runs only the test files holding the tests Stryker selected for a mutant.
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
};
