// @ts-check
// Runs before each test file in mutation runs (dev/jest.stryker.config.js). Property tests
// draw new inputs on every run; under Stryker a failure found by chance would count as a
// killed mutant, so every run draws the same inputs. Change the seed to explore other inputs.
// Each mutant runs the properties with a tenth of their inputs (__tests__/fuzz.test.ts reads
// FUZZ_RUNS_SCALE): the whole suite would take half a minute a mutant.
import fc from 'fast-check';

fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: 20261123 });
process.env.FUZZ_RUNS_SCALE ??= '0.1';
