/** Layering rules that keep the gateway core runnable in plain Node. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? tsFiles(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

const IMPORTS_VSCODE = /(?:from\s+['"]vscode['"]|require\(\s*['"]vscode['"]\s*\)|import\(\s*['"]vscode['"]\s*\))/;

describe('architecture', () => {
  it('the gateway core, the CLI and the shared protocol never import vscode', () => {
    const files = [...tsFiles('src/gateway'), ...tsFiles('src/cli'), ...tsFiles('src/shared')];
    assert.ok(files.length > 50, `found ${files.length} files`);
    const offenders = files.filter((f) => IMPORTS_VSCODE.test(fs.readFileSync(f, 'utf8')));
    assert.deepEqual(offenders, []);
  });

  it('the gateway core never imports from the VS Code glue', () => {
    const offenders = tsFiles('src/gateway').filter((f) => /from\s+['"][./]*\/host\//.test(fs.readFileSync(f, 'utf8')));
    assert.deepEqual(offenders, []);
  });
});
