// Prints one plain closing line ("jest: N passed, N failed, N skipped") that CI logs and readers can count.
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const { numPassedTests, numFailedTests, numPendingTests, numTodoTests, numTotalTests } = results;
    process.stdout.write(
      `\njest: ${numPassedTests} passed, ${numFailedTests} failed, ${numPendingTests + numTodoTests} skipped\n`,
    );
    if (numTotalTests === 0) process.stdout.write("jest: no tests ran\n");
  }
}
module.exports = SummaryReporter;
