// Test entry loaded by the extension host (extensionTestsPath): runs every compiled *.test.js next to it with mocha
// and prints one "SUITE RESULT passed=N failed=M" line for test/run-all.mjs. The activation test runs first: it
// checks that nothing activated the extension before a command was used.
import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';

const FIRST = 'activation.test.js';

export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', timeout: 30000, color: false, reporter: 'spec' });
  // GPCOORD_TEST_GREP=<regexp> runs only the matching tests (while working on one area).
  if (process.env.GPCOORD_TEST_GREP) mocha.grep(new RegExp(process.env.GPCOORD_TEST_GREP));
  const files = fs
    .readdirSync(__dirname)
    .filter(f => f.endsWith('.test.js'))
    .sort((a, b) => (a === FIRST ? -1 : b === FIRST ? 1 : a.localeCompare(b)));
  for (const f of files) mocha.addFile(path.join(__dirname, f));
  let passed = 0;
  let failed = 0;
  try {
    await new Promise<void>(resolve => {
      const runner = mocha.run(() => resolve());
      runner.on('pass', () => {
        passed++;
      });
      runner.on('fail', () => {
        failed++;
      });
    });
  } catch (error) {
    // A test file that cannot even load is a failure, not a silent zero.
    console.error('integration tests could not run:', error);
    failed++;
  }
  console.log(`SUITE RESULT passed=${passed} failed=${failed}`);
  if (failed) throw new Error(`${failed} integration test(s) failed`);
}
