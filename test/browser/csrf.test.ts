/**
 * Web pages cannot use the local gateway, in real headless Chromium. The gateway runs in auth mode `auto` on
 * loopback, so it needs NO key: the browser guard (Origin, Host, Content-Type checks) is all that protects the
 * user's provider keys. Pages from another origin try cross-origin fetches (cors and no-cors), sendBeacon and
 * HTML form posts (text/plain and urlencoded); a DNS-rebinding page (a made-up host name resolved to 127.0.0.1)
 * tries same-origin requests. None may reach the fake upstream, and no answer carries
 * `access-control-allow-origin: *`.
 *
 * The attacking pages reach the gateway through a transparent TCP tap that records the raw HTTP bytes both ways, so
 * the test sees every request Chromium sent (CORS preflights included) and every answer the gateway gave.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startFakeOpenAI, type FakeOpenAI } from '../helpers/fake-openai';
import { startFakeAnthropic, type FakeAnthropic } from '../helpers/fake-anthropic';
import { startGateway, type TestGateway } from '../helpers/gateway';

const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
  '--host-resolver-rules=MAP evil.test 127.0.0.1',
];

const CHAT_BODY = JSON.stringify({ model: 'gpt-fake', messages: [{ role: 'user', content: 'steal my tokens' }] });
const MESSAGES_BODY = JSON.stringify({ model: 'claude-fake', max_tokens: 16, messages: [{ role: 'user', content: 'steal my tokens' }] });

/** A transparent TCP relay to `target` that keeps the bytes of every connection. */
interface Tap { port: number; toServer: string[]; toClient: string[]; close(): Promise<void> }

async function startTap(targetPort: number): Promise<Tap> {
  const toServer: string[] = [];
  const toClient: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const i = toServer.push('') - 1;
    toClient.push('');
    const upstream = net.connect(targetPort, '127.0.0.1');
    for (const s of [client, upstream]) { sockets.add(s); s.on('close', () => sockets.delete(s)); s.on('error', () => {}); }
    client.on('data', (d: Buffer) => { toServer[i] += d.toString('latin1'); upstream.write(d); });
    upstream.on('data', (d: Buffer) => { toClient[i] += d.toString('latin1'); client.write(d); });
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port, toServer, toClient,
    close: () => new Promise<void>((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }),
  };
}

/** Request lines (`METHOD path`) seen by the tap. */
// Keep-alive connections carry several messages back to back (a body need not end in a newline): no `^` anchors.
const requestLines = (tap: Tap): string[] =>
  [...tap.toServer.join('\n').matchAll(/(GET|POST|OPTIONS|PUT|HEAD) (\/\S*) HTTP\/1\.[01]\r\n/g)].map((m) => `${m[1]} ${m[2]}`);
/** Status codes the gateway answered through the tap. */
const statuses = (tap: Tap): number[] => [...tap.toClient.join('\n').matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]));
/**
 * The gateway's answers to the attacks: every status except one 404 per `GET /favicon.ico`, which Chromium asks for
 * by itself after a form navigated to the gateway (harmless: no Origin, no upstream, nothing to read cross-origin).
 */
function attackStatuses(tap: Tap): number[] {
  let favicons = requestLines(tap).filter((l) => l === 'GET /favicon.ico').length;
  return statuses(tap).filter((s) => !(s === 404 && favicons-- > 0));
}

/** The attacker's web server: a blank page and auto-submitting forms aimed at `target`. */
async function startAttacker(target: () => string): Promise<{ port: number; close(): Promise<void> }> {
  const form = (action: string, enctype: string, name: string, value: string) => `<!doctype html><html><body>
<form id="f" method="POST" action="${action}" enctype="${enctype}"><input type="hidden" name='${name}' value='${value}'></form>
<script>document.getElementById('f').submit();</script></body></html>`;
  // text/plain forms send `name=value`: a name ending in `"x":"` and a value of `"}` make the body valid JSON.
  const jsonName = (body: string) => body.slice(0, -1) + ',"x":"';
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    let html = '<!doctype html><html><body>attacker</body></html>';
    if (url.pathname === '/form-text-chat') html = form(`${target()}/v1/chat/completions`, 'text/plain', jsonName(CHAT_BODY), '"}');
    if (url.pathname === '/form-text-messages') html = form(`${target()}/v1/messages`, 'text/plain', jsonName(MESSAGES_BODY), '"}');
    if (url.pathname === '/form-urlencoded') html = form(`${target()}/v1/chat/completions`, 'application/x-www-form-urlencoded', 'model', 'gpt-fake');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

describe('browser pages cannot use the gateway (Chromium; auth mode auto, no key needed)', function () {
  this.timeout(90_000);
  let oa: FakeOpenAI;
  let an: FakeAnthropic;
  let gw: TestGateway;
  let tap: Tap;
  let attacker: { port: number; close(): Promise<void> };
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let target = '';
  /** Every response header block the browser saw from the gateway (document loads, fetches). */
  const seenHeaders: Array<Record<string, string>> = [];

  before(async () => {
    oa = await startFakeOpenAI({ models: ['gpt-fake'] });
    an = await startFakeAnthropic({ models: ['claude-fake'] });
    gw = await startGateway({
      server: { authMode: 'auto', host: '127.0.0.1' },
      providers: [
        { id: 'oa', type: 'openai', baseUrl: `${oa.url}/v1`, keys: ['sk-upstream-csrf-0005'], models: ['gpt-fake'] },
        { id: 'an', type: 'anthropic', baseUrl: `${an.url}/v1`, keys: ['sk-ant-upstream-csrf-0005'], models: ['claude-fake'] },
      ],
    });
    tap = await startTap(gw.gateway.port);
    attacker = await startAttacker(() => target);
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
  });
  after(async () => {
    await browser?.close();
    await attacker?.close();
    await tap?.close();
    await gw?.close();
    await oa?.close();
    await an?.close();
  });
  beforeEach(async () => {
    context = await browser.newContext();
    // tsx compiles page.evaluate callbacks with esbuild's keepNames, which calls a `__name` helper the page lacks.
    await context.addInitScript('globalThis.__name = (f) => f;');
    page = await context.newPage();
    page.on('response', async (r) => {
      if (r.url().includes(`:${gw.gateway.port}/`) || r.url().includes(`:${tap.port}/`)) seenHeaders.push(await r.allHeaders().catch(() => ({})));
    });
  });
  afterEach(async () => { await context?.close(); });

  /** Upstream requests made before the attacks (the sanity check's one). */
  let baseline = 0;
  const upstreamCount = () => oa.requests.length + an.requests.length - baseline;

  it('sanity: without a browser, the gateway needs no key here and does reach the upstream', async () => {
    // Proves the setup is the dangerous one: only the browser checks stand between a page and the upstream.
    const res = await fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: CHAT_BODY });
    assert.equal(res.status, 200);
    assert.equal(oa.chatRequests().length, 1);
    baseline = oa.requests.length + an.requests.length;
  });

  for (const host of ['127.0.0.1', 'localhost']) {
    it(`cross-origin fetch, no-cors fetch and sendBeacon from http://127.0.0.1:<other port> to http://${host}:<gateway> never reach the upstream`, async () => {
      target = `http://${host}:${tap.port}`;
      const before = requestLines(tap).length;
      await page.goto(`http://127.0.0.1:${attacker.port}/`);
      const results = await page.evaluate(async ({ target, chat, messages }) => {
        const out: Record<string, string> = {};
        const attempt = async (name: string, run: () => Promise<Response>) => {
          try {
            const r = await run();
            out[name] = `${r.type}:${r.status}:${await r.text().catch(() => '')}`;
          } catch (e) { out[name] = `rejected:${(e as Error).name}`; }
        };
        await attempt('cors-json', () => fetch(`${target}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: chat }));
        await attempt('cors-json-auth', () => fetch(`${target}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer sb-x' }, body: chat }));
        await attempt('cors-text', () => fetch(`${target}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: chat }));
        await attempt('cors-models', () => fetch(`${target}/v1/models`));
        await attempt('no-cors-text', () => fetch(`${target}/v1/chat/completions`, { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: chat }));
        await attempt('no-cors-json-header', () => fetch(`${target}/v1/chat/completions`, { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'application/json' }, body: chat }));
        await attempt('no-cors-json-blob', () => fetch(`${target}/v1/chat/completions`, { method: 'POST', mode: 'no-cors', body: new Blob([chat], { type: 'application/json' }) }));
        await attempt('no-cors-form', () => fetch(`${target}/v1/chat/completions`, { method: 'POST', mode: 'no-cors', body: new URLSearchParams({ model: 'gpt-fake' }) }));
        await attempt('no-cors-messages', () => fetch(`${target}/v1/messages`, { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: messages }));
        // The test tsconfig has no DOM lib; the page has navigator.sendBeacon.
        const { navigator } = globalThis as unknown as { navigator: { sendBeacon(url: string, data: string | Blob): boolean } };
        try { out.beaconText = String(navigator.sendBeacon(`${target}/v1/chat/completions`, chat)); } catch (e) { out.beaconText = `threw:${(e as Error).name}`; }
        try { out.beaconBlob = String(navigator.sendBeacon(`${target}/v1/chat/completions`, new Blob([chat], { type: 'application/json' }))); } catch (e) { out.beaconBlob = `threw:${(e as Error).name}`; }
        return out;
      }, { target, chat: CHAT_BODY, messages: MESSAGES_BODY });

      // Nothing cross-origin is readable: CORS fetches fail, no-cors ones are opaque.
      for (const k of ['cors-json', 'cors-json-auth', 'cors-text', 'cors-models']) assert.equal(results[k], 'rejected:TypeError', `${k}: ${results[k]}`);
      for (const k of ['no-cors-text', 'no-cors-json-header', 'no-cors-json-blob', 'no-cors-form', 'no-cors-messages']) assert.equal(results[k], 'opaque:0:', `${k}: ${results[k]}`);

      // Let sendBeacon's requests land: wait until the gateway has answered everything the tap carried.
      await waitFor(() => statuses(tap).length >= requestLines(tap).length && requestLines(tap).length >= before + 8,
        () => `requests ${requestLines(tap).slice(before).join(', ')}; statuses ${statuses(tap).join(',')}`);
      const lines = requestLines(tap).slice(before);
      // The attacks did reach the gateway (the test is not vacuous): preflights and simple requests alike.
      assert.ok(lines.some((l) => l.startsWith('OPTIONS /v1/chat/completions')), lines.join('\n'));
      assert.ok(lines.filter((l) => l.startsWith('POST /v1/chat/completions')).length >= 5, lines.join('\n'));
      assert.ok(lines.some((l) => l.startsWith('POST /v1/messages')), lines.join('\n'));
      assert.ok(lines.some((l) => l.startsWith('GET /v1/models')), lines.join('\n'));
      // Every one was refused before any upstream was called.
      assert.deepEqual([...new Set(attackStatuses(tap))], [403]);
      assert.equal(upstreamCount(), 0, 'the fake upstreams saw no request');
      assert.doesNotMatch(tap.toClient.join(''), /access-control-allow-origin/i);
      assert.match(tap.toClient.join(''), /forbidden_origin/);
    });
  }

  for (const [path, label] of [['/form-text-chat', 'text/plain form to /v1/chat/completions'], ['/form-text-messages', 'text/plain form to /v1/messages'], ['/form-urlencoded', 'urlencoded form']] as const) {
    it(`an HTML ${label} from another origin is refused and never reaches the upstream`, async () => {
      target = `http://127.0.0.1:${tap.port}`;
      const before = requestLines(tap).length;
      const answered = page.waitForResponse((r) => r.url().startsWith(target) && r.request().method() === 'POST');
      await page.goto(`http://127.0.0.1:${attacker.port}${path}`);
      const res = await answered;
      assert.equal(res.status(), 403);
      assert.match(await res.text(), /forbidden_origin|not allowed/);
      const sent = tap.toServer.join('');
      assert.ok(requestLines(tap).length > before, 'the form post reached the gateway');
      if (path !== '/form-urlencoded') assert.match(sent, /content-type: text\/plain/i);
      assert.equal(upstreamCount(), 0);
      assert.doesNotMatch(tap.toClient.join(''), /access-control-allow-origin/i);
    });
  }

  it('a DNS-rebinding page (evil.test resolved to 127.0.0.1, same origin as the gateway port) is refused by its Host', async () => {
    const origin = `http://evil.test:${gw.gateway.port}`;
    const doc = await page.goto(`${origin}/`);
    assert.equal(doc?.status(), 403, 'even the document load is refused');
    const results = await page.evaluate(async ({ chat, messages }) => {
      const get = async (path: string, init?: RequestInit) => {
        const r = await fetch(path, init);
        return { status: r.status, body: await r.text(), acao: r.headers.get('access-control-allow-origin') };
      };
      return {
        models: await get('/v1/models'),
        usage: await get('/v1/usage'),
        health: await get('/health'),
        chat: await get('/v1/chat/completions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: chat }),
        messages: await get('/v1/messages', { method: 'POST', headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' }, body: messages }),
      };
    }, { chat: CHAT_BODY, messages: MESSAGES_BODY });
    for (const [name, r] of Object.entries(results)) {
      assert.equal(r.status, 403, `${name}: ${r.status} ${r.body}`);
      assert.match(r.body, /forbidden_origin|not allowed/, name);
      assert.equal(r.acao, null, name);
    }
    // Same-origin GETs carry no Origin header: the Host check is what refused them.
    assert.match(results.models.body, /Host|rebinding/i);
    assert.ok(!results.models.body.includes('gpt-fake'), 'the model list did not leak');
    assert.equal(upstreamCount(), 0);
  });

  it('a cross-origin page on the rebound name is refused too', async () => {
    target = `http://evil.test:${tap.port}`;
    const before = requestLines(tap).length;
    await page.goto(`http://evil.test:${attacker.port}/`);
    const r = await page.evaluate(async ({ target, chat }) => {
      const o = await fetch(`${target}/v1/chat/completions`, { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: chat });
      let cors = 'ok';
      try { await fetch(`${target}/v1/models`); } catch (e) { cors = (e as Error).name; }
      return { type: o.type, cors };
    }, { target, chat: CHAT_BODY });
    assert.deepEqual(r, { type: 'opaque', cors: 'TypeError' });
    await waitFor(() => statuses(tap).length >= requestLines(tap).length && requestLines(tap).length >= before + 2);
    assert.deepEqual([...new Set(attackStatuses(tap))], [403], requestLines(tap).join(', '));
    assert.equal(upstreamCount(), 0);
  });

  it('no answer the browser saw carried access-control-allow-origin', () => {
    assert.ok(seenHeaders.length > 0, 'responses were observed');
    for (const h of seenHeaders) assert.equal(h['access-control-allow-origin'], undefined, JSON.stringify(h));
  });

  it('direct requests with a foreign Origin, preflights included, get 403 and no CORS grant', async () => {
    const cases: Array<[string, RequestInit]> = [
      ['/v1/chat/completions', { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } }],
      ['/v1/chat/completions', { method: 'POST', headers: { origin: 'https://evil.example', 'content-type': 'application/json' }, body: CHAT_BODY }],
      ['/v1/messages', { method: 'POST', headers: { origin: 'null', 'content-type': 'application/json', 'anthropic-version': '2023-06-01' }, body: MESSAGES_BODY }],
      ['/v1/models', { headers: { origin: `http://localhost:${attacker.port}` } }],
    ];
    for (const [path, init] of cases) {
      const res = await fetch(`${gw.url}${path}`, init);
      assert.equal(res.status, 403, `${init.method ?? 'GET'} ${path}`);
      assert.equal(res.headers.get('access-control-allow-origin'), null);
      await res.arrayBuffer();
    }
    assert.equal(upstreamCount(), 0);
  });
});

/** Polls `cond` (bounded: 300 × 10 ms). */
async function waitFor(cond: () => boolean, debug?: () => string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`condition not reached in 3 s${debug ? `: ${debug()}` : ''}`);
}
