/**
 * Packaging: `vsce package --no-dependencies` builds a .vsix that carries dist/, the manifest, nls and l10n bundles
 * and walkthrough media, and none of src/, test/, node_modules/, sources maps or TypeScript. Reads the zip listing
 * with `unzip -l` (Debian's unzip). Runs vsce directly on the current dist/ (built first if missing).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

describe('packaging (.vsix)', function () {
  this.timeout(90_000);
  let entries: Array<{ size: number; name: string }> = [];
  let manifest: Record<string, unknown> = {};
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sb-vsix-')), 'switchboard.vsix');

  before(function () {
    if (!fs.existsSync('/usr/bin/unzip')) this.skip();
    if (!fs.existsSync(path.join(root, 'dist/extension.js'))) execFileSync(process.execPath, ['esbuild.mjs'], { cwd: root, stdio: 'pipe' });
    const vsce = path.join(root, 'node_modules/@vscode/vsce/vsce');
    // --no-rewrite-relative-links: the README links into the repo (schema/…) and the package has no repository URL.
    execFileSync(process.execPath, [vsce, 'package', '--no-dependencies', '--no-rewrite-relative-links', '--allow-missing-repository', '-o', out], { cwd: root, stdio: 'pipe', timeout: 80_000 });
    const listing = execFileSync('unzip', ['-l', out], { encoding: 'utf8' });
    entries = listing.split('\n').map((l) => /^\s*(\d+)\s+\S+\s+\S+\s+(.+)$/.exec(l)).filter((m): m is RegExpExecArray => !!m && m[2] !== 'Name')
      .map((m) => ({ size: Number(m[1]), name: m[2]!.trim() }));
    manifest = JSON.parse(execFileSync('unzip', ['-p', out, 'extension/package.json'], { encoding: 'utf8' })) as Record<string, unknown>;
  });
  after(() => fs.rmSync(path.dirname(out), { recursive: true, force: true }));

  it('contains the bundle, manifest, translations and walkthrough media', () => {
    const names = entries.map((e) => e.name);
    for (const f of ['extension/package.json', 'extension/dist/extension.js', 'extension/package.nls.json', 'extension/package.nls.zh-cn.json', 'extension/l10n/bundle.l10n.zh-cn.json']) {
      assert.ok(names.includes(f), `${f} missing from ${names.join(', ')}`);
    }
    const steps = (manifest.contributes as { walkthroughs: Array<{ steps: Array<{ media: { image: string } }> }> }).walkthroughs[0]!.steps;
    for (const s of steps) assert.ok(names.includes(`extension/${s.media.image}`), s.media.image);
  });

  it('leaves out sources, tests, node_modules, maps and TypeScript', () => {
    const bad = entries.map((e) => e.name).filter((n) => /^extension\/(src|test|node_modules|out|webview-ui|bench)\//.test(n) || n.endsWith('.map') || n.endsWith('.ts'));
    assert.deepEqual(bad, []);
  });

  it('declares a workspace extension and stays a reasonable size', () => {
    assert.deepEqual(manifest.extensionKind, ['workspace']);
    assert.equal(manifest.main, './dist/extension.js');
    const ext = entries.find((e) => e.name === 'extension/dist/extension.js')!;
    assert.ok(ext.size < 8 * 1024 * 1024, `dist/extension.js is ${ext.size} bytes`);
    console.log(`      vsix ${(fs.statSync(out).size / 1024).toFixed(0)} KiB, ${entries.length} files, dist/extension.js ${(ext.size / 1024).toFixed(0)} KiB`);
  });
});
