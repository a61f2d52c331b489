// Settings apply without a reload: a port change re-binds while an in-flight stream (gated fake upstream) completes.
import * as assert from 'assert';
import * as http from 'http';
import * as net from 'net';
import * as vscode from 'vscode';
import type { SwitchboardApi } from '../../../src/host/api';
import { freePort, getApi, waitForState } from './helpers';

/** A fake OpenAI chat upstream whose stream pauses after the first chunk until `release()`. */
async function startGatedUpstream(): Promise<{ url: string; release(): void; close(): Promise<void> }> {
  let open!: () => void;
  const gate = new Promise<void>((r) => { open = r; });
  const chunk = (content: string | null, finish: string | null): string => `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'slow', choices: [{ index: 0, delta: content === null ? {} : { content }, finish_reason: finish }] })}\n\n`;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url?.endsWith('/models')) { res.setHeader('content-type', 'application/json'); res.end(JSON.stringify({ object: 'list', data: [{ id: 'slow', object: 'model', created: 0, owned_by: 't' }] })); return; }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(chunk('first ', null));
      void gate.then(() => { res.write(chunk('second', null)); res.write(chunk(null, 'stop')); res.end('data: [DONE]\n\n'); });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/v1`,
    release: () => open(),
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

describe('live settings', () => {
  let api: SwitchboardApi;
  let upstream: Awaited<ReturnType<typeof startGatedUpstream>>;
  let key: string;
  before(async () => {
    api = await getApi();
    await waitForState(api, (s) => s.kind === 'running');
    upstream = await startGatedUpstream();
    await vscode.commands.executeCommand('switchboard.addProvider', { type: 'openai-compatible', id: 'gated', baseUrl: upstream.url, key: 'sk-gated-upstream-0001' });
    await vscode.workspace.getConfiguration('switchboard').update('modelMappings', [{ from: 'slow', to: 'gated/slow' }], vscode.ConfigurationTarget.Global);
    assert.strictEqual(await vscode.commands.executeCommand('switchboard.copyGatewayKey'), true);
    key = await vscode.env.clipboard.readText();
  });
  after(async () => {
    await vscode.workspace.getConfiguration('switchboard').update('modelMappings', undefined, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration('switchboard').update('port', 0, vscode.ConfigurationTarget.Workspace);
    await upstream?.close();
  });

  it('a port change re-binds while an in-flight stream still completes; the status bar counts it', async () => {
    const oldUrl = api.baseUrl!;
    const res = await fetch(`${oldUrl}/v1/chat/completions`, {
      method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'slow', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    });
    assert.strictEqual(res.status, 200);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    for (let i = 0; i < 50 && !text.includes('first'); i++) { const r = await reader.read(); if (r.done) break; text += decoder.decode(r.value, { stream: true }); }
    assert.ok(text.includes('first'), text);
    assert.ok(api.statusBar().text.includes('$(pulse) 1'), api.statusBar().text);

    const target = await freePort();
    const moved = waitForState(api, (s) => s.kind === 'running' && s.port === target);
    await vscode.workspace.getConfiguration('switchboard').update('port', target, vscode.ConfigurationTarget.Workspace);
    await moved;
    assert.strictEqual((await fetch(`http://127.0.0.1:${target}/health`)).status, 200, 'new port serves');

    upstream.release();
    for (let i = 0; i < 200; i++) { const r = await reader.read(); if (r.done) break; text += decoder.decode(r.value, { stream: true }); }
    assert.ok(text.includes('second') && text.includes('[DONE]'), `the in-flight stream completed: ${text}`);

    let tooltip = '';
    for (let i = 0; i < 50 && !/Today: [1-9]/.test(tooltip); i++) { await new Promise((r) => setTimeout(r, 100)); tooltip = api.statusBar().tooltip; }
    assert.match(tooltip, /Today: [1-9]\d* request/);
  });

  it('refuses a LAN host without switchboard.allowLan (error with the reason), and recovers', async () => {
    const failed = waitForState(api, (s) => s.kind === 'error');
    await vscode.workspace.getConfiguration('switchboard').update('host', '0.0.0.0', vscode.ConfigurationTarget.Global);
    try {
      // A running gateway keeps its last good config on bad settings; a restart surfaces the refusal.
      await vscode.commands.executeCommand('switchboard.restart');
      const s = await failed;
      assert.ok(s.kind === 'error' && /allowLan/.test(s.message), JSON.stringify(s));
      assert.ok(api.statusBar().text.startsWith('$(error)'));
    } finally {
      await vscode.workspace.getConfiguration('switchboard').update('host', undefined, vscode.ConfigurationTarget.Global);
    }
    await waitForState(api, (s) => s.kind === 'running');
  });
});
