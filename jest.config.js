/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  },
  testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
  // Jest 30 tears down globals between files; nock's interceptors then hang the next file.
  testEnvironmentOptions: { globalsCleanup: 'off' },
  testTimeout: 60000,
  // With --randomize, the files run in an order shuffled from the seed too, so that a seed
  // replays a whole run (docs/development.md).
  testSequencer: '<rootDir>/dev/jest-sequencer.cjs',
  // A full run otherwise says "1 skipped" without naming the test, whose name says why.
  reporters: ['default', '<rootDir>/dev/jest-skipped-reporter.cjs'],
};
