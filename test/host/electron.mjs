// Runs the same host suite in desktop VS Code via @vscode/test-electron (needs internet: it downloads VS Code).
// Not used in CI (CI uses test/host/run.mjs, which is offline). Usage from the project root:
//   npm install --no-save @vscode/test-electron   (once; `npx` alone is not enough: the ESM import resolves from
//                                                  the project's node_modules)
//   npm run test:electron
// Set VSCODE_VERSION=stable|insiders|1.90.0 to pick the VS Code build (default: stable).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

let runTests;
try {
  ({ runTests } = await import('@vscode/test-electron'));
} catch {
  console.error([
    '[electron] @vscode/test-electron is not installed. It is optional and needs internet (it downloads VS Code).',
    '  Install it without touching package.json:  npm install --no-save @vscode/test-electron',
    '  then run:                                   npm run test:electron',
    '  Offline alternative (what CI runs):         npm run test:host',
  ].join('\n'));
  process.exit(2);
}

const root = process.cwd();
const extensionTestsPath = path.resolve(root, 'out/test/host/suite/index.js');
if (!fs.existsSync(extensionTestsPath)) { console.error(`[electron] missing ${extensionTestsPath}: run npm run compile:host`); process.exit(1); }
if (!fs.existsSync(path.join(root, 'dist/extension.js'))) { console.error('[electron] missing dist/extension.js: run node esbuild.mjs'); process.exit(1); }

// A throwaway workspace whose settings put the gateway on a free port (the tests change it at workspace level).
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-electron-'));
const workspace = path.join(tmp, 'workspace');
fs.mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
fs.writeFileSync(path.join(workspace, '.vscode', 'settings.json'), JSON.stringify({ 'switchboard.port': 0, 'switchboard.logLevel': 'debug' }, null, 2));

let code = 1;
try {
  await runTests({
    version: process.env.VSCODE_VERSION || 'stable',
    extensionDevelopmentPath: root,
    extensionTestsPath,
    // --password-store=basic: SecretStorage without a desktop keyring (headless Linux CI boxes).
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--password-store=basic', '--user-data-dir', path.join(tmp, 'user-data')],
  });
  code = 0;
} catch (e) {
  console.error('[electron] tests failed:', e && e.message ? e.message : e);
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
process.exit(code);
