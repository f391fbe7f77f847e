// A Jest reporter: the run's last line names every test file skipped for want of a program that npm does
// not install (test/helpers/needs.ts marks them) and the one command that enables them all.
// Plain JavaScript: Jest loads reporters without transforming them.
const { relative } = require('node:path');

const SKIP_MARK = /\(skipped: needs Debian's ([a-z0-9.+-]+)\)$/;

class SkipReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
  }

  onRunComplete(_contexts, results) {
    const files = new Set();
    const packages = new Set();
    for (const file of results.testResults) {
      for (const test of file.testResults) {
        if (test.status !== 'pending') continue;
        for (const title of test.ancestorTitles) {
          const m = SKIP_MARK.exec(title);
          if (m) {
            files.add(relative(this.rootDir, file.testFilePath));
            packages.add(m[1]);
          }
        }
      }
    }
    if (files.size === 0) return;
    const line = `Skipped, for want of a program npm does not install: ${[...files].sort().join(', ')}. To run them: apt-get install -y ${[...packages].sort().join(' ')}\n`;
    // Jest's summary reporter always comes after custom ones: the line is written as the run ends, after it.
    process.once('exit', () => process.stderr.write(line));
  }
}

module.exports = SkipReporter;
