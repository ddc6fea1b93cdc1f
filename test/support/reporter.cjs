// mocha's spec reporter plus one machine-readable line that test/run-all.mjs adds up.
const Mocha = require('mocha');
class CountingReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once('end', () => {
      const s = runner.stats || { passes: 0, failures: 0 };
      console.log(`SUITE RESULT passed=${s.passes} failed=${s.failures}`);
    });
  }
}
module.exports = CountingReporter;
