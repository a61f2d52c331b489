/**
 * Upstream calls through proxies: a logging CONNECT proxy on loopback (our own node:http server that tunnels to the
 * fake upstream). Covers the host's dispatcher builder (VS Code http.proxy, NO_PROXY, env variables, live swap) and
 * the gateway core's own env-variable dispatcher.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { request } from 'undici';
import { createGateway } from '../../src/gateway';
import { validateConfig } from '../../src/gateway/config-validate';
import { buildUpstreamAgent, describeProxy, SwitchableDispatcher } from '../../src/host/proxy';
import { startFakeOpenAI, type FakeOpenAI } from '../helpers/fake-openai';

interface LoggingProxy { url: string; log: string[]; close(): Promise<void> }

/** A CONNECT proxy: logs each tunnel target and pipes bytes both ways. Plain requests get 405 (never forwarded). */
async function startProxy(): Promise<LoggingProxy> {
  const log: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => { log.push(`PLAIN ${req.method} ${req.url}`); res.statusCode = 405; res.end(); });
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    log.push(`CONNECT ${req.url}`);
    const [host, port] = (req.url ?? '').split(':');
    const upstream = net.connect(Number(port), host!, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const s of [client, upstream]) { sockets.add(s); s.on('close', () => sockets.delete(s)); s.on('error', () => { client.destroy(); upstream.destroy(); }); }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    log,
    close: () => new Promise<void>((r) => { for (const s of sockets) s.destroy(); server.closeAllConnections(); server.close(() => r()); }),
  };
}

describe('upstream proxies (logging CONNECT proxy on loopback)', () => {
  let fake: FakeOpenAI;
  let proxy: LoggingProxy;
  let target: string;
  before(async () => {
    fake = await startFakeOpenAI();
    proxy = await startProxy();
    target = new URL(fake.baseURL).host;
  });
  after(async () => { await proxy.close(); await fake.close(); });
  beforeEach(() => { proxy.log.length = 0; });

  const get = async (d: import('undici').Dispatcher): Promise<number> => {
    const r = await request(`${fake.baseURL}/models`, { dispatcher: d });
    await r.body.text();
    return r.statusCode;
  };

  it('http.proxy: requests tunnel through the proxy', async () => {
    const d = buildUpstreamAgent({ proxy: proxy.url, env: {} });
    try {
      assert.equal(await get(d), 200);
      assert.deepEqual(proxy.log, [`CONNECT ${target}`]);
    } finally { await d.close(); }
  });

  it('NO_PROXY bypasses the proxy', async () => {
    const d = buildUpstreamAgent({ proxy: proxy.url, env: { NO_PROXY: target } });
    try {
      assert.equal(await get(d), 200);
      assert.deepEqual(proxy.log, []);
    } finally { await d.close(); }
  });

  it('env: HTTP_PROXY serves http:// upstreams; HTTPS_PROXY alone does not (curl semantics)', async () => {
    const viaHttp = buildUpstreamAgent({ env: { HTTP_PROXY: proxy.url } });
    const viaHttpsOnly = buildUpstreamAgent({ env: { HTTPS_PROXY: proxy.url } });
    try {
      assert.equal(await get(viaHttp), 200);
      assert.deepEqual(proxy.log, [`CONNECT ${target}`]);
      proxy.log.length = 0;
      assert.equal(await get(viaHttpsOnly), 200);
      assert.deepEqual(proxy.log, [], 'an http:// upstream does not use HTTPS_PROXY');
    } finally { await viaHttp.close(); await viaHttpsOnly.close(); }
  });

  it('describes the route without proxy credentials', () => {
    assert.equal(describeProxy({ proxy: 'http://user:pw@127.0.0.1:3128', env: {} }), 'http.proxy http://127.0.0.1:3128');
    assert.equal(describeProxy({ env: { https_proxy: 'http://u:p@proxy:8080' } }), 'environment proxy http://proxy:8080');
    assert.equal(describeProxy({ env: {} }), 'direct');
  });

  it('the gateway uses an injected dispatcher (host-owned) and it can be swapped live', async () => {
    const switchable = new SwitchableDispatcher(buildUpstreamAgent({ env: {} }));
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-proxy-'));
    const { config } = validateConfig({ server: { port: 0 }, providers: [{ id: 'oa', type: 'openai-compatible', baseUrl: fake.baseURL, keys: [{ label: 'k', key: 'sk-1' }], models: ['gpt-fake'] }] });
    const gw = createGateway({ config: config!, dataDir, dispatcher: switchable });
    const key = gw.keys.create({ name: 't' }).key;
    await gw.start();
    try {
      const client = new OpenAI({ baseURL: `${gw.baseUrl}/v1`, apiKey: key, maxRetries: 0 });
      await client.chat.completions.create({ model: 'gpt-fake', messages: [{ role: 'user', content: 'direct' }] });
      assert.deepEqual(proxy.log, [], 'direct first');
      switchable.swap(buildUpstreamAgent({ proxy: proxy.url, env: {} }));
      const r = await client.chat.completions.create({ model: 'gpt-fake', messages: [{ role: 'user', content: 'proxied' }] });
      assert.match(r.choices[0]!.message.content ?? '', /proxied/);
      assert.deepEqual(proxy.log, [`CONNECT ${target}`]);
    } finally {
      await gw.stop(100);
      // The gateway never closes an injected dispatcher: it is still usable, and the host closes it.
      assert.equal(await get(switchable), 200);
      await switchable.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('the gateway core alone honours HTTP_PROXY from the environment (no injected dispatcher)', async () => {
    const saved = { HTTP_PROXY: process.env.HTTP_PROXY, NO_PROXY: process.env.NO_PROXY, no_proxy: process.env.no_proxy, http_proxy: process.env.http_proxy };
    process.env.HTTP_PROXY = proxy.url;
    delete process.env.http_proxy;
    process.env.NO_PROXY = '';
    process.env.no_proxy = '';
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-proxy-'));
    const { config } = validateConfig({ server: { port: 0 }, providers: [{ id: 'oa', type: 'openai-compatible', baseUrl: fake.baseURL, keys: [{ label: 'k', key: 'sk-1' }], models: ['gpt-fake'] }] });
    const gw = createGateway({ config: config!, dataDir });
    for (const [k, v] of Object.entries(saved)) { if (v === undefined) delete process.env[k]; else process.env[k] = v; }
    const key = gw.keys.create({ name: 't' }).key;
    await gw.start();
    try {
      const client = new OpenAI({ baseURL: `${gw.baseUrl}/v1`, apiKey: key, maxRetries: 0 });
      await client.chat.completions.create({ model: 'gpt-fake', messages: [{ role: 'user', content: 'env proxied' }] });
      assert.deepEqual(proxy.log, [`CONNECT ${target}`]);
    } finally {
      await gw.stop(100);
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
