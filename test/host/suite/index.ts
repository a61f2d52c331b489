// Loaded by the extension host because of extensionTestsPath (web harness or @vscode/test-electron). Must export run().
import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';

/** Runs every *.test.js next to this file; writes a JSON result for test/host/run.mjs when asked to. */
export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 20000 });
  for (const f of fs.readdirSync(__dirname).sort()) if (f.endsWith('.test.js')) mocha.addFile(path.join(__dirname, f));
  const results = { passes: [] as string[], failures: [] as { title: string; error: string }[], pending: [] as string[] };
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      // The harness (test/host/run.mjs) reads this file: the extension host runs on the same machine.
      const out = process.env.HOST_TEST_RESULT_FILE;
      if (out) fs.writeFileSync(out, JSON.stringify({ failureCount: failures, ...results }, null, 2));
      if (failures > 0) reject(new Error(`${failures} tests failed.`)); else resolve();
    });
    runner.on('pass', (t) => results.passes.push(t.fullTitle()));
    runner.on('fail', (t, err) => results.failures.push({ title: t.fullTitle(), error: String((err && err.stack) || err) }));
    runner.on('pending', (t) => results.pending.push(t.fullTitle()));
  });
}
