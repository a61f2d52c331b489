import * as assert from 'assert';
import * as vscode from 'vscode';
import type { SwitchboardApi } from '../../../src/host/api';
import { EXTENSION_ID, getApi, waitForState } from './helpers';

const COMMANDS = ['start', 'stop', 'restart', 'showLogs', 'copyBaseUrl', 'copyGatewayKey', 'addProvider', 'openPanel', 'showActions',
  'openSettings', 'copyCodexSetup', 'copyClaudeCodeSetup', 'copyKiloCodeSetup', 'configureCodex', 'configureClaudeCode', 'configureKiloCode', 'restoreClientConfigs']
  .map((c) => `switchboard.${c}`);

describe('activation', () => {
  let api: SwitchboardApi;
  before(async () => { api = await getApi(); });

  it('activates on startup and auto-starts the gateway on 127.0.0.1', async () => {
    assert.ok(vscode.extensions.getExtension(EXTENSION_ID)!.isActive);
    const s = await waitForState(api, (x) => x.kind === 'running');
    assert.strictEqual(s.kind, 'running');
    assert.ok(api.port && api.port > 0, `port ${api.port}`);
    assert.strictEqual(api.baseUrl, `http://127.0.0.1:${api.port}`);
  });

  it('registers every command from package.json', async () => {
    const all = await vscode.commands.getCommands(true);
    for (const c of COMMANDS) assert.ok(all.includes(c), `${c} registered`);
    const contributed = (vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { contributes: { commands: Array<{ command: string }> } })
      .contributes.commands.map((c) => c.command).sort();
    assert.deepStrictEqual(contributed, [...COMMANDS].sort());
  });

  it('answers /health (text) and /healthz (JSON identity) on its port', async () => {
    const h = await fetch(`${api.baseUrl}/health`);
    assert.strictEqual(h.status, 200);
    assert.strictEqual((await h.text()).trim(), 'ok');
    const z = await fetch(`${api.baseUrl}/healthz`);
    assert.strictEqual(z.status, 200);
    const body = (await z.json()) as { status: string; service: string; version: string };
    assert.strictEqual(body.status, 'ok');
    assert.strictEqual(body.service, 'switchboard');
    assert.strictEqual(body.version, (vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { version: string }).version);
  });

  it('copyBaseUrl puts the gateway URL on the clipboard', async () => {
    await vscode.env.clipboard.writeText('before');
    const url = await vscode.commands.executeCommand<string>('switchboard.copyBaseUrl');
    assert.strictEqual(url, api.baseUrl);
    assert.strictEqual(await vscode.env.clipboard.readText(), api.baseUrl);
  });

  it('shows the running state in the status bar', () => {
    const { text, tooltip } = api.statusBar();
    assert.strictEqual(text, `$(radio-tower) Switchboard :${api.port}`);
    assert.ok(tooltip.includes(api.baseUrl!), tooltip);
  });

  it('showLogs runs without error', async () => {
    await vscode.commands.executeCommand('switchboard.showLogs');
  });
});
