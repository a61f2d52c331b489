// Small helpers for the host tests: event waits (bounded), free ports, a fake OpenAI-compatible upstream.
import * as http from 'http';
import * as net from 'net';
import type { SwitchboardApi } from '../../../src/host/api';
import type { GatewayState } from '../../../src/host/gateway-state';

/** Extension id: package.json publisher.name. */
export const EXTENSION_ID = 'switchboard-dev.switchboard';

/** Test-only hooks of test/host/run.mjs (`/webview-text`, `/screenshot?name=`); absent under @vscode/test-electron. */
export const harnessUrl = process.env.HOST_HARNESS_URL;

/** Resolves with the first state (current or next) that satisfies `pred`; rejects after `ms`. */
export function waitForState(api: SwitchboardApi, pred: (s: GatewayState) => boolean, ms = 10_000): Promise<GatewayState> {
  if (pred(api.state())) return Promise.resolve(api.state());
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { sub.dispose(); reject(new Error(`state not reached in ${ms} ms; now ${JSON.stringify(api.state())}`)); }, ms);
    const sub = api.onDidChangeState((s) => {
      if (!pred(s)) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(s);
    });
  });
}

/** A port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const p = (s.address() as net.AddressInfo).port; s.close(() => resolve(p)); });
  });
}

/** Whether a TCP server can bind `port` on 127.0.0.1 now (it is closed again at once). */
export function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** Holds a port with a plain TCP server until `close()`. */
export function occupy(port: number): Promise<{ close(): Promise<void> }> {
  return new Promise((resolve, reject) => {
    const s = net.createServer((sock) => sock.destroy());
    s.once('error', reject);
    s.listen(port, '127.0.0.1', () => resolve({ close: () => new Promise<void>((r) => s.close(() => r())) }));
  });
}

/** What the fake upstream saw of one request. */
export interface SeenRequest { path: string; authorization?: string; model?: unknown }

/** A fake OpenAI-compatible upstream: answers chat completions in the exact OpenAI wire shape, records requests. */
export async function startFakeOpenAI(): Promise<{ url: string; seen: SeenRequest[]; close(): Promise<void> }> {
  const seen: SeenRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: { model?: unknown } = {};
      try { body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { model?: unknown }; } catch { /* recorded as no model */ }
      seen.push({ path: req.url ?? '', authorization: req.headers.authorization, model: body.model });
      if (req.method === 'GET' && req.url?.endsWith('/models')) {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ object: 'list', data: [{ id: 'm1', object: 'model', created: 0, owned_by: 'test' }] }));
        return;
      }
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({
        id: 'chatcmpl-host', object: 'chat.completion', created: 1_700_000_000, model: body.model ?? 'm1',
        choices: [{ index: 0, message: { role: 'assistant', content: 'pong from fake upstream' }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 },
      }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    seen,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

/** Activates the extension (idempotent) and returns its API. */
export async function getApi(): Promise<SwitchboardApi> {
  // Imported lazily so this module stays loadable for type checks outside the host.
  const vscode = await import('vscode');
  const ext = vscode.extensions.getExtension<SwitchboardApi | undefined>(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} not found`);
  const api = await ext.activate();
  if (!api) throw new Error('activation failed: no API (see the Switchboard output channel)');
  return api;
}

/** Resolves with the next state the controller emits (subscribe before triggering it); rejects after `ms`. */
export function nextState(api: SwitchboardApi, ms = 10_000): Promise<GatewayState> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { sub.dispose(); reject(new Error(`no state change in ${ms} ms`)); }, ms);
    const sub = api.onDidChangeState((s) => { clearTimeout(timer); sub.dispose(); resolve(s); });
  });
}
