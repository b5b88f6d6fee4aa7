// Mutation testing: `npm run mutate` (not part of `npm test`; a first run over all of src/
// takes about three hours of test-runner time: `-- --concurrency 2` halves it on two cores).
// Narrow it with `npm run mutate -- --mutate src/retry.ts`; `-- --force` ignores the
// incremental file and tests every mutant again. See docs/development.md.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: [
    'src/**/*.ts',
    // The entry point only hands a story to runEntry: the tests that run it run dist/, which a
    // mutant in src/ never reaches. The shims are mutated: their differential tests
    // (core-shim, http-client-shim) hold them to the packages they stand in for.
    '!src/index.ts',
  ],
  testRunner: 'jest',
  testRunnerNodeArgs: ['--experimental-vm-modules', '--no-warnings=ExperimentalWarning'],
  jest: {
    projectType: 'custom',
    configFile: 'dev/jest.stryker.config.js',
  },
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  coverageAnalysis: 'perTest',
  // Re-runs only test the mutants whose code or covering tests changed since the last run.
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  // Two shared cores: one test runner (plus the type checker) keeps the machine usable.
  concurrency: 1,
  timeoutMS: 10000,
  // Not copied to the sandbox: output of other tools (the docs tests read examples/ and dist/).
  ignorePatterns: ['coverage', '.tmp', 'reports'],
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowEmojis: false, logTests: false },
  // A run that scores below 90% fails: a surviving mutant is a missing test, or a change no
  // user could see (docs/development.md lists those).
  thresholds: { high: 90, low: 80, break: 90 },
};
