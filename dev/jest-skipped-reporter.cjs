// Jest reporter for `npm test` (jest.config.js): names every skipped test after the run. Jest's
// own reporter lists test names only for a single file or with `--verbose`, so a full run said
// "1 skipped" and not which test or why. A test skipped because this machine lacks something
// (Node 24, the IPv6 loopback, bash, curl or jq) says so in its name, which this prints.
'use strict';

class SkippedTestsReporter {
  constructor(globalConfig) {
    this.globalConfig = globalConfig;
  }

  onRunComplete(_contexts, results) {
    // Tests left out by a name filter (`-t`) are the caller's choice, not news.
    if (this.globalConfig.testNamePattern) return;
    const skipped = results.testResults.flatMap((file) =>
      file.testResults
        .filter((test) => test.status === 'pending' || test.status === 'todo')
        .map((test) => test.fullName),
    );
    if (skipped.length === 0) return;
    const lines = skipped.map((name) => `  ○ ${name}\n`).join('');
    process.stderr.write(`\nSkipped tests (${skipped.length}):\n${lines}`);
  }
}

module.exports = SkippedTestsReporter;
