// Runs inside the real extension host (extensionTestsPath): the Switchboard extension installed from the packaged
// .vsix (not from a development path) is present, activates, serves /health, and contributes its commands.
// Writes the result file test/host/run.mjs reads ({ passes, failures, pending }).
const fs = require('fs');
const vscode = require('vscode');

const ID = 'switchboard-dev.switchboard';

async function check(name, fn, results) {
  try { await fn(); results.passes.push(name); } catch (e) { results.failures.push({ title: name, error: String((e && e.stack) || e) }); }
}

function assert(cond, message) { if (!cond) throw new Error(message); }

exports.run = async function run() {
  const results = { passes: [], failures: [], pending: [] };
  let ext;
  await check('the extension from the .vsix is installed (not a development copy)', async () => {
    ext = vscode.extensions.getExtension(ID);
    assert(ext, `${ID} is not installed`);
    assert(!ext.extensionPath.includes('vsix-probe') && fs.existsSync(`${ext.extensionPath}/dist/extension.js`), `unexpected path ${ext.extensionPath}`);
    assert(!fs.existsSync(`${ext.extensionPath}/src`), 'the package ships src/');
  }, results);
  let api;
  await check('it activates and starts the gateway', async () => {
    api = await ext.activate();
    assert(ext.isActive, 'not active');
    let url;
    for (let i = 0; i < 100 && !url; i++) {
      const candidate = typeof api.baseUrl === 'function' ? api.baseUrl() : api.baseUrl;
      try { const r = await fetch(`${candidate}/health`); if (r.ok) url = candidate; } catch { /* not yet */ }
      if (!url) await new Promise((r) => setTimeout(r, 100));
    }
    assert(url, 'the gateway never answered /health');
    const z = await (await fetch(`${url}/healthz`)).json();
    assert(z.service === 'switchboard', JSON.stringify(z));
  }, results);
  await check('its commands are registered', async () => {
    const cmds = await vscode.commands.getCommands(true);
    for (const c of ['switchboard.start', 'switchboard.openPanel', 'switchboard.copyCodexSetup']) assert(cmds.includes(c), `missing ${c}`);
  }, results);
  const out = process.env.HOST_TEST_RESULT_FILE;
  if (out) fs.writeFileSync(out, JSON.stringify({ failureCount: results.failures.length, ...results }, null, 2));
  if (results.failures.length) throw new Error(`${results.failures.length} vsix checks failed`);
};
