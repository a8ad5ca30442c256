// Extension-host test entry (extensionTestsPath): the same run() contract as
// @vscode/test-electron, so these suites run in code-server's VS Code here and in a downloaded
// desktop VS Code elsewhere. All suites share one VS Code session.
import * as fs from 'fs';
import Mocha from 'mocha';
import * as path from 'path';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 120000, grep: process.env.MOCHA_GREP });
  for (const f of fs.readdirSync(__dirname).sort()) if (f.endsWith('.test.js')) mocha.addFile(path.join(__dirname, f));
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      if (failures > 0) reject(new Error(`${failures} tests failed.`));
      // A run in which no test passed (every file failed to load, a grep matching nothing) proves nothing.
      else if (runner.stats && runner.stats.passes === 0) reject(new Error('no extension test ran.'));
      else resolve();
    });
  });
}
