// Prints one plain closing line, "N passed, N failed, N skipped", after Jest's own summary (on the same stream),
// so any tool (CI included) can read the outcome without knowing Jest's output format.
'use strict';

class SummaryReporter {
  onRunComplete(_contexts, results) {
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const line = `${results.numPassedTests} passed, ${failed} failed, ${results.numPendingTests} skipped`;
    // Jest's summary is printed after the reporters' onRunComplete: write ours at exit, last.
    process.once('exit', () => process.stderr.write(`\n${line}\n`));
  }
}

module.exports = SummaryReporter;
