/**
 * No request leaks a socket, and a client that goes away takes its upstream request with it.
 *
 * The gateway reaches the fake upstream through a small TCP proxy that counts connections (each gateway → upstream
 * connection is one proxy connection), so the test sees exactly how many upstream sockets the gateway holds open.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { createGate, startFakeOpenAI, type FakeOpenAI, type FakeOpenAIReply, type Gate } from '../helpers/fake-openai';
import { startGateway, type TestGateway } from '../helpers/gateway';

/** A TCP proxy to `targetPort` that counts open and total connections. */
interface CountingProxy { port: number; open(): Promise<number>; total(): number; close(): Promise<void> }

async function startCountingProxy(targetPort: number): Promise<CountingProxy> {
  let total = 0;
  const pairs = new Set<[net.Socket, net.Socket]>();
  const server = net.createServer((client) => {
    total++;
    const upstream = net.connect(targetPort, '127.0.0.1');
    const pair: [net.Socket, net.Socket] = [client, upstream];
    pairs.add(pair);
    client.pipe(upstream);
    upstream.pipe(client);
    // A close on either side closes both, as a direct connection would.
    const done = (): void => { client.destroy(); upstream.destroy(); pairs.delete(pair); };
    for (const s of pair) { s.on('close', done); s.on('error', done); }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    open: () => new Promise((resolve, reject) => server.getConnections((e, n) => (e ? reject(e) : resolve(n)))),
    total: () => total,
    close: () => new Promise<void>((r) => { for (const [a, b] of pairs) { a.destroy(); b.destroy(); } server.close(() => r()); }),
  };
}

/** Waits (bounded) until `cond` holds: sockets close a moment after the peer drops them. */
async function eventually(cond: () => boolean | Promise<boolean>, what: () => string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.ok(await cond(), what());
}

const KEYS = ['sk-socket-test-key-0001', 'sk-socket-test-key-0002', 'sk-socket-test-key-0003'];
const CONCURRENCY = 32;
const TOTAL = 1000;

/** The upstream reply script for slot `j`: about 40% failures of every kind, the rest normal answers. */
function script(j: number): FakeOpenAIReply {
  switch (j % 20) {
    case 1: return { kind: 'error', status: 500, message: 'boom' };
    case 3: return { kind: 'reset' };
    case 5: return { kind: 'error', status: 429, headers: { 'retry-after-ms': '1' } };
    case 9: return { kind: 'text', text: 'this stream breaks in the middle', destroyAfter: 2 };
    case 11: return { kind: 'error', status: 529, message: 'overloaded' };
    case 15: return { kind: 'raw', status: 502, body: '<html>bad gateway</html>' };
    case 17: return j % 100 === 17 ? { kind: 'hang' } : { kind: 'default' };
    default: return { kind: 'default' };
  }
}

describe('sockets', () => {
  let fake: FakeOpenAI;
  let proxy: CountingProxy;
  let gw: TestGateway;
  const gates: Gate[] = [];

  beforeEach(async () => {
    fake = await startFakeOpenAI();
    proxy = await startCountingProxy(fake.port);
    // The default timeouts (minutes): an abort test then cannot race a timeout. The mixed run sets its own.
    gw = await startWith({});
  });

  async function startWith(timeouts: { firstByteMs?: number }): Promise<TestGateway> {
    return startGateway({
      providers: [{
        id: 'up', type: 'openai', baseUrl: `http://127.0.0.1:${proxy.port}/v1`, keys: KEYS.map((key, i) => ({ label: `k${i + 1}`, key })),
        models: ['gpt-fake'], timeouts,
      }],
      routing: { maxAttempts: 3, cooldownMs: 1 },
    });
  }
  afterEach(async () => {
    for (const g of gates.splice(0)) g.releaseAll();
    await gw.close();
    await proxy.close();
    await fake.close();
  });

  it(`${TOTAL} mixed requests with failures (concurrency ${CONCURRENCY}): none hangs, and upstream sockets return to the pool`, async function () {
    this.timeout(180_000);
    await gw.close();
    gw = await startWith({ firstByteMs: 300 });
    fake.enqueue(...Array.from({ length: TOTAL }, (_, j) => script(j)));
    const outcomes: string[] = new Array(TOTAL);
    let next = 0;

    async function one(i: number): Promise<string> {
      const stream = i % 2 === 0;
      const anthropic = i % 3 === 0;
      const abortEarly = stream && i % 40 === 20;
      const ac = new AbortController();
      const guard = setTimeout(() => ac.abort(new Error('hung')), 30_000);
      try {
        const res = await fetch(`${gw.url}/v1/${anthropic ? 'messages' : 'chat/completions'}`, {
          method: 'POST', signal: ac.signal,
          headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
          body: JSON.stringify({ model: 'gpt-fake', max_tokens: 50, stream, messages: [{ role: 'user', content: `request ${i}` }] }),
        });
        if (abortEarly && res.body) {
          const reader = res.body.getReader();
          await reader.read();
          ac.abort(new Error('client gave up'));
          return 'aborted';
        }
        const text = await res.text();
        if (res.status === 200 && stream && !(anthropic ? /event: (message_stop|error)/ : /\[DONE\]|"error"/).test(text)) return `200-unterminated`;
        return String(res.status);
      } catch (e) {
        return ac.signal.aborted && String(ac.signal.reason).includes('hung') ? 'hung' : `client-error ${String(e)}`;
      } finally {
        clearTimeout(guard);
      }
    }

    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (next < TOTAL) {
        const i = next++;
        outcomes[i] = await one(i);
      }
    }));

    const counts: Record<string, number> = {};
    for (const o of outcomes) counts[o] = (counts[o] ?? 0) + 1;
    assert.equal(outcomes.filter((o) => o === 'hung').length, 0, `requests left hanging: ${JSON.stringify(counts)}`);
    const allowed = new Set(['200', '429', '502', '504', 'aborted']);
    assert.ok(outcomes.every((o) => allowed.has(o)), `unexpected outcomes: ${JSON.stringify(counts)}`);
    assert.ok((counts['200'] ?? 0) > TOTAL / 2, `most requests succeed after failover: ${JSON.stringify(counts)}`);
    assert.ok(fake.chatRequests().length > TOTAL, 'failures were retried');

    await eventually(() => gw.gateway.inFlight() === 0, () => `in flight: ${gw.gateway.inFlight()}`);
    // Hung upstream requests were abandoned (aborted), not left open.
    const hung = fake.chatRequests().filter((_, j) => j < TOTAL && j % 100 === 17);
    await eventually(() => hung.every((r) => r.aborted), () => `${hung.filter((r) => !r.aborted).length} hung upstream requests still open`);
    // Busy sockets are released: what stays open is idle keep-alive sockets, never more than were ever in use at once.
    let open = await proxy.open();
    await eventually(async () => (open = await proxy.open()) <= CONCURRENCY, () => `${open} upstream sockets still open (pool bound ${CONCURRENCY})`);
    // And keep-alive really reuses sockets: far fewer connections than upstream requests.
    assert.ok(proxy.total() < fake.chatRequests().length, `connections ${proxy.total()} vs upstream requests ${fake.chatRequests().length}`);

    // The pool still works: a fresh batch succeeds without opening more than the bound.
    const again = await Promise.all(Array.from({ length: CONCURRENCY }, (_, i) => fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST', headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-fake', messages: [{ role: 'user', content: `after ${i}` }] }),
    }).then((r) => r.status)));
    assert.deepEqual(again, Array(CONCURRENCY).fill(200));
    await eventually(async () => (open = await proxy.open()) <= CONCURRENCY, () => `${open} upstream sockets open after the second batch`);
  });

  it('a client that disconnects mid-stream aborts the upstream request (OpenAI → OpenAI)', async () => {
    const gate = createGate();
    gates.push(gate);
    fake.enqueue({ kind: 'text', text: 'a long answer that the client will not wait for', gate });
    const ac = new AbortController();
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST', signal: ac.signal, headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-fake', stream: true, messages: [{ role: 'user', content: 'long' }] }),
    });
    assert.equal(res.status, 200);
    const reader = res.body!.getReader();
    const first = await reader.read();
    assert.ok(!first.done);
    assert.equal(fake.chatRequests().length, 1);
    assert.equal(fake.chatRequests()[0]!.aborted, false, 'still streaming');
    ac.abort();
    await eventually(() => fake.chatRequests()[0]!.aborted, () => 'the upstream request was not aborted');
    await eventually(() => gw.gateway.inFlight() === 0, () => 'the request is still in flight');
    assert.equal(fake.chatRequests().length, 1, 'nothing was retried');
  });

  it('a client that disconnects mid-stream aborts the upstream request (Anthropic → OpenAI, translated)', async () => {
    const gate = createGate();
    gates.push(gate);
    fake.enqueue({ kind: 'text', text: 'a long answer that the client will not wait for', gate });
    gate.release(2);
    const ac = new AbortController();
    const res = await fetch(`${gw.url}/v1/messages`, {
      method: 'POST', signal: ac.signal,
      headers: { 'x-api-key': gw.key, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-fake', max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'long' }] }),
    });
    assert.equal(res.status, 200);
    const reader = res.body!.getReader();
    assert.ok(!(await reader.read()).done);
    ac.abort();
    await eventually(() => fake.chatRequests()[0]!.aborted, () => 'the upstream request was not aborted');
    await eventually(() => gw.gateway.inFlight() === 0, () => 'the request is still in flight');
  });

  it('a client that gives up before the first byte aborts the upstream request too', async () => {
    fake.enqueue({ kind: 'hang' });
    const ac = new AbortController();
    const pending = fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST', signal: ac.signal, headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-fake', messages: [{ role: 'user', content: 'waiting' }] }),
    }).catch((e: unknown) => e);
    await eventually(() => fake.chatRequests().length === 1, () => 'the request never reached the upstream');
    ac.abort();
    assert.ok((await pending) instanceof Error);
    await eventually(() => fake.chatRequests()[0]!.aborted, () => 'the upstream request was not aborted');
    await eventually(() => gw.gateway.inFlight() === 0, () => 'the request is still in flight');
    assert.equal(fake.chatRequests().length, 1, 'a cancelled request is not retried on another key');
  });
});
