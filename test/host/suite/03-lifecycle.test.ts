import * as assert from 'assert';
import * as vscode from 'vscode';
import type { SwitchboardApi } from '../../../src/host/api';
import { canBind, freePort, getApi, harnessUrl, occupy, waitForState } from './helpers';

/** The port setting lives at workspace level in both harnesses (run.mjs and electron.mjs write port 0 there). */
async function setPort(port: number): Promise<void> {
  await vscode.workspace.getConfiguration('switchboard').update('port', port, vscode.ConfigurationTarget.Workspace);
}

describe('gateway lifecycle', () => {
  let api: SwitchboardApi;
  before(async () => {
    api = await getApi();
    await waitForState(api, (s) => s.kind === 'running');
  });
  after(async () => {
    await setPort(0);
    await vscode.commands.executeCommand('switchboard.start');
  });

  it('stop frees the port and the status bar shows stopped', async () => {
    const port = api.port!;
    const s = await vscode.commands.executeCommand<{ kind: string }>('switchboard.stop');
    assert.strictEqual(s.kind, 'stopped');
    assert.strictEqual(api.state().kind, 'stopped');
    assert.ok(api.statusBar().text.startsWith('$(circle-slash)'), api.statusBar().text);
    assert.strictEqual(await canBind(port), true, `port ${port} is free after stop`);
    await assert.rejects(fetch(`http://127.0.0.1:${port}/health`));
    if (harnessUrl) await fetch(`${harnessUrl}/screenshot?name=status-stopped`);
  });

  it('start serves again and the status bar shows running', async () => {
    const s = await vscode.commands.executeCommand<{ kind: string }>('switchboard.start');
    assert.strictEqual(s.kind, 'running');
    assert.strictEqual(api.statusBar().text, `$(radio-tower) Switchboard :${api.port}`);
    assert.strictEqual((await fetch(`${api.baseUrl}/health`)).status, 200);
    if (harnessUrl) await fetch(`${harnessUrl}/screenshot?name=status-running`);
  });

  it('restart keeps serving', async () => {
    const s = await vscode.commands.executeCommand<{ kind: string }>('switchboard.restart');
    assert.strictEqual(s.kind, 'running');
    assert.strictEqual((await fetch(`${api.baseUrl}/health`)).status, 200);
  });

  it('a port change in settings re-binds without reload', async () => {
    const old = api.port!;
    const target = await freePort();
    const changed = waitForState(api, (s) => s.kind === 'running' && s.port === target);
    await setPort(target);
    await changed;
    assert.strictEqual(api.port, target);
    assert.strictEqual((await fetch(`http://127.0.0.1:${target}/health`)).status, 200);
    assert.strictEqual(await canBind(old), true, 'the old port was released');
  });

  it('a taken port shows an error (no silent port change), and recovers when the setting changes', async () => {
    const blocked = await freePort();
    const blocker = await occupy(blocked);
    try {
      const failed = waitForState(api, (s) => s.kind === 'error');
      await setPort(blocked);
      const s = await failed;
      assert.ok(s.kind === 'error' && s.code === 'EADDRINUSE', JSON.stringify(s));
      assert.ok(s.message.includes(String(blocked)), s.message);
      assert.ok(api.statusBar().text.startsWith('$(error)'), api.statusBar().text);
      assert.ok(api.statusBar().tooltip.includes(String(blocked)), api.statusBar().tooltip);
      assert.strictEqual(api.port, undefined);
      if (harnessUrl) await fetch(`${harnessUrl}/screenshot?name=status-error`);
    } finally {
      await blocker.close();
    }
    const recovering = waitForState(api, (s) => s.kind === 'running');
    await setPort(0);
    const recovered = await recovering;
    assert.strictEqual(recovered.kind, 'running');
    assert.strictEqual((await fetch(`${api.baseUrl}/health`)).status, 200);
  });
});
