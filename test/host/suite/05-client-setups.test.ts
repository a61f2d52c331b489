// Client setup commands in the real extension host: clipboard contents, Configure… then Restore… with HOME redirected.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { parse } from 'smol-toml';
import type { SwitchboardApi } from '../../../src/host/api';
import { getApi, waitForState } from './helpers';

describe('client setups (Copy … Setup, Configure …, Restore Client Configs)', () => {
  let api: SwitchboardApi;
  let key: string;
  let home: string;
  const savedEnv = { HOME: process.env.HOME, CODEX_HOME: process.env.CODEX_HOME, XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME };

  before(async () => {
    api = await getApi();
    await waitForState(api, (s) => s.kind === 'running');
    assert.strictEqual(await vscode.commands.executeCommand('switchboard.copyGatewayKey'), true);
    key = await vscode.env.clipboard.readText();
    assert.ok(key.length > 10);
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-host-home-'));
    process.env.HOME = home;
    delete process.env.CODEX_HOME;
    delete process.env.XDG_CONFIG_HOME;
  });
  after(async () => {
    for (const [k, v] of Object.entries(savedEnv)) { if (v === undefined) delete process.env[k]; else process.env[k] = v; }
    if (home) fs.rmSync(home, { recursive: true, force: true });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('reports its activation time in the API', () => {
    assert.strictEqual(typeof api.activationMs, 'number');
    assert.ok(api.activationMs! >= 0 && api.activationMs! < 10_000, String(api.activationMs));
  });

  it('Copy Codex Setup: clipboard holds a TOML fragment with wire_api = "responses" that reaches the gateway', async () => {
    const text = await vscode.commands.executeCommand<string>('switchboard.copyCodexSetup', { key, model: 'some-model' });
    assert.strictEqual(await vscode.env.clipboard.readText(), text);
    const toml = parse(text) as { model_provider: string; model: string; model_providers: Record<string, { base_url: string; wire_api: string; supports_websockets: boolean; env_key: string }> };
    const p = toml.model_providers[toml.model_provider]!;
    assert.strictEqual(p.wire_api, 'responses');
    assert.strictEqual(p.supports_websockets, false);
    assert.strictEqual(p.base_url, `${api.baseUrl}/v1`);
    assert.strictEqual(toml.model, 'some-model');
    assert.ok(text.includes(`export ${p.env_key}='${key}'`));
    const res = await fetch(`${p.base_url}/models`, { headers: { authorization: `Bearer ${key}` } });
    assert.strictEqual(res.status, 200);
  });

  it('Copy Claude Code Setup: base URL without /v1 and exactly one auth variable', async () => {
    const text = await vscode.commands.executeCommand<string>('switchboard.copyClaudeCodeSetup', { key, model: 'claude-x' });
    assert.strictEqual(await vscode.env.clipboard.readText(), text);
    assert.ok(text.includes(`export ANTHROPIC_BASE_URL='${api.baseUrl}'`), text);
    assert.ok(!text.includes('/v1'));
    const authVars = new Set([...text.matchAll(/ANTHROPIC_(AUTH_TOKEN|API_KEY)/g)].map((m) => m[0]));
    assert.deepStrictEqual([...authVars], ['ANTHROPIC_AUTH_TOKEN']);
    for (const v of ['ANTHROPIC_MODEL', 'ANTHROPIC_DEFAULT_OPUS_MODEL', 'ANTHROPIC_DEFAULT_SONNET_MODEL', 'ANTHROPIC_DEFAULT_HAIKU_MODEL']) assert.ok(text.includes(`${v}='claude-x'`), v);
  });

  it('Copy Kilo Code Setup: OpenAI Compatible fields with /v1 and the context window', async () => {
    const text = await vscode.commands.executeCommand<string>('switchboard.copyKiloCodeSetup', { key, model: 'kilo-m', contextWindow: 32000 });
    assert.strictEqual(await vscode.env.clipboard.readText(), text);
    assert.ok(text.includes(`Base URL: ${api.baseUrl}/v1`));
    assert.ok(text.includes('Context Window: 32000'));
    assert.ok(text.includes('"baseURL": "' + api.baseUrl + '/v1"'));
  });

  it('config paths follow HOME', () => {
    assert.strictEqual(api.clientConfigPath('codex'), path.join(home, '.codex', 'config.toml'));
    assert.strictEqual(api.clientConfigPath('kilo-code'), path.join(home, '.config', 'kilo', 'kilo.jsonc'));
  });

  it('Configure… writes all three files; Restore… leaves the user\'s files byte-identical', async () => {
    const files = {
      codex: [api.clientConfigPath('codex'), '# mine\napproval_policy = "never" # keep\n\n[mcp_servers.a]\ncommand = "a"\n'],
      'claude-code': [api.clientConfigPath('claude-code'), '{\n  "theme": "dark",\n  "env": { "FOO": "bar" }\n}\n'],
      'kilo-code': [api.clientConfigPath('kilo-code'), '{\n  // my comment\n  "model": "x/y",\n}\n'],
    } as const;
    for (const [file, text] of Object.values(files)) { fs.mkdirSync(path.dirname(file), { recursive: true }); fs.writeFileSync(file, text); }
    for (const cmd of ['switchboard.configureCodex', 'switchboard.configureClaudeCode', 'switchboard.configureKiloCode']) {
      const r = await vscode.commands.executeCommand<{ written: boolean }>(cmd, { key, model: 'gw-model', confirm: true });
      assert.strictEqual(r.written, true, cmd);
    }
    const codex = parse(fs.readFileSync(files.codex[0], 'utf8')) as { model_provider: string; approval_policy: string; model_providers: { switchboard: { wire_api: string } } };
    assert.strictEqual(codex.model_provider, 'switchboard');
    assert.strictEqual(codex.approval_policy, 'never');
    assert.strictEqual(codex.model_providers.switchboard.wire_api, 'responses');
    const claude = JSON.parse(fs.readFileSync(files['claude-code'][0], 'utf8')) as { theme: string; env: Record<string, string> };
    assert.strictEqual(claude.theme, 'dark');
    assert.strictEqual(claude.env.FOO, 'bar');
    assert.strictEqual(claude.env.ANTHROPIC_BASE_URL, api.baseUrl);
    assert.strictEqual(claude.env.ANTHROPIC_AUTH_TOKEN, key);
    const kilo = fs.readFileSync(files['kilo-code'][0], 'utf8');
    assert.ok(kilo.includes('// my comment') && kilo.includes('"model": "switchboard/gw-model"'), kilo);

    const restored = await vscode.commands.executeCommand<Array<{ file: string; outcome: string }>>('switchboard.restoreClientConfigs', { all: true });
    assert.deepStrictEqual(restored.map((r) => r.outcome).sort(), ['restored', 'restored', 'restored']);
    for (const [file, text] of Object.values(files)) {
      assert.strictEqual(fs.readFileSync(file, 'utf8'), text, file);
      assert.strictEqual(fs.existsSync(`${file}.switchboard-backup.json`), false);
    }
  });

  it('Configure… on a fresh HOME creates the file, and Restore removes it again', async () => {
    const file = api.clientConfigPath('claude-code');
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
    await vscode.commands.executeCommand('switchboard.configureClaudeCode', { key, model: 'm', confirm: true });
    assert.ok(fs.existsSync(file));
    await vscode.commands.executeCommand('switchboard.restoreClientConfigs', { all: true });
    assert.strictEqual(fs.existsSync(file), false);
  });
});
