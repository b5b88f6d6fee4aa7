// Jest test sequencer for mutation runs (`npm run mutate`, see stryker.config.mjs).
//
// For each mutant Stryker asks Jest to run only the tests that cover it, by passing their full
// names as `testNamePattern`. Jest still loads and evaluates every test file to find them, which
// costs seconds per mutant. This sequencer remembers, from the initial run of all tests, which
// file holds which test, and drops the files that hold none of the selected ones.
//
// - Initial run (no active mutant): every file runs; the test names of each file, and how long
//   it took, are written to `.stryker-test-files.json` in Jest's rootDir (Stryker's sandbox,
//   deleted after the run).
// - Mutant run with a name pattern: only files with a matching test run. A file the initial run
//   did not see is kept; if no file matches, every file is kept.
// - Mutant run without a pattern (a mutant in code that runs when a module loads): every file.
// - Either way the quickest files run first: with dev/stryker-environment.cjs skipping every test
//   after the first failure, a mutant a quick test kills never waits for the slow ones. (Jest's
//   own order, slowest first, suits parallel workers, not one runner in band.)
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;

const MAP_FILE = '.stryker-test-files.json';
// Set by @stryker-mutator/jest-runner while a mutant is active; absent during the initial run.
const ACTIVE_MUTANT = '__STRYKER_ACTIVE_MUTANT__';

class StrykerSequencer extends Sequencer {
  constructor(options) {
    super(options);
    this.testNamePattern = options.globalConfig.testNamePattern;
    this.mapFile = path.join(options.globalConfig.rootDir, MAP_FILE);
    // Stryker's jest runner adds this global; without it (plain `jest -c`) nothing is dropped.
    this.underStryker = [...(options.contexts ?? [])].some(
      (context) => context.config.globals?.__strykerGlobalNamespace__ !== undefined,
    );
  }

  sort(tests) {
    const sorted = super.sort(tests);
    if (!this.underStryker) return sorted;
    const testsByFile = this.readMap();
    if (testsByFile === undefined) return sorted;
    if (!this.testNamePattern) return this.quickestFirst(sorted);
    // Jest matches the pattern against each test's full name the same way.
    const selected = new RegExp(this.testNamePattern, 'i');
    const kept = sorted.filter((test) => {
      const names = testsByFile[test.path]?.names;
      return names === undefined || names.some((name) => selected.test(name));
    });
    return this.quickestFirst(kept.length > 0 ? kept : sorted);
  }

  quickestFirst(tests) {
    const ms = (test) => this.testsByFile?.[test.path]?.ms ?? Number.MAX_SAFE_INTEGER;
    return [...tests].sort((a, b) => ms(a) - ms(b));
  }

  cacheResults(tests, results) {
    super.cacheResults(tests, results);
    if (!this.underStryker || this.testNamePattern || process.env[ACTIVE_MUTANT] !== undefined) {
      return;
    }
    const testsByFile = {};
    for (const file of results.testResults) {
      testsByFile[file.testFilePath] = {
        names: file.testResults.map((test) => test.fullName),
        ms: file.perfStats.runtime,
      };
    }
    fs.writeFileSync(this.mapFile, JSON.stringify(testsByFile));
    this.testsByFile = testsByFile;
  }

  readMap() {
    if (this.testsByFile === undefined) {
      try {
        this.testsByFile = JSON.parse(fs.readFileSync(this.mapFile, 'utf8'));
      } catch {
        return undefined;
      }
    }
    return this.testsByFile;
  }
}

module.exports = StrykerSequencer;
