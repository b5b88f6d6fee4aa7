// Jest test environment for mutation runs (`npm run mutate`, see dev/jest.stryker.config.js).
//
// One failing test is enough to kill a mutant, but Jest has no bail that Stryker can use from
// code, so every selected test would still run. This environment skips every test that starts
// after a test (or a hook) has failed under the same active mutant, in this file and in the
// files after it. The initial run, with no active mutant, runs everything.
'use strict';

const { TestEnvironment } = require('jest-environment-node');

// Set by @stryker-mutator/jest-runner while a mutant is active; absent during the initial run.
const ACTIVE_MUTANT = '__STRYKER_ACTIVE_MUTANT__';
// The mutant under which a test last failed. Module state outlives a test file: Stryker runs
// Jest in band, in its own process, so the next files of the same mutant run see it.
let killedMutant;

class BailEnvironment extends TestEnvironment {
  async handleTestEvent(event, state) {
    await super.handleTestEvent?.(event, state);
    const mutant = process.env[ACTIVE_MUTANT];
    if (mutant === undefined) return;
    if (event.name === 'test_fn_failure' || event.name === 'hook_failure') {
      killedMutant = mutant;
    } else if (event.name === 'test_start' && killedMutant === mutant) {
      event.test.mode = 'skip';
    }
  }
}

module.exports = BailEnvironment;
