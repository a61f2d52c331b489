/** Issue 2's vertical slice: the official OpenAI SDK through the real gateway to a fake OpenAI upstream. */
import assert from 'node:assert/strict';
import http from 'node:http';
import OpenAI from 'openai';
import { createGate, startFakeOpenAI, type FakeOpenAI } from '../helpers/fake-openai';
import { startGateway, type TestGateway } from '../helpers/gateway';

describe('OpenAI chat pass-through (official SDK → gateway → fake OpenAI)', () => {
  let fake: FakeOpenAI;
  let gw: TestGateway;
  let client: OpenAI;
  const UPSTREAM_KEY = 'sk-upstream-secret-0001';

  before(async () => {
    fake = await startFakeOpenAI({ apiKeys: [UPSTREAM_KEY] });
    gw = await startGateway({ providers: [{ id: 'oa', type: 'openai', baseUrl: fake.baseURL, keys: [{ label: 'main', key: UPSTREAM_KEY }], models: ['gpt-fake'] }] });
    client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.key, maxRetries: 0 });
  });
  after(async () => { await gw.close(); await fake.close(); });

  it('completes a chat and reports where it went in headers', async () => {
    const { data, response } = await client.chat.completions.create({ model: 'gpt-fake', messages: [{ role: 'user', content: 'hello there' }] }).withResponse();
    assert.match(data.choices[0]!.message.content ?? '', /hello there/);
    assert.equal(response.headers.get('x-mapped-model'), 'gpt-fake');
    assert.equal(response.headers.get('x-switchboard-provider'), 'oa');
    assert.equal(response.headers.get('x-switchboard-key'), 'main');
    const up = fake.chatRequests().at(-1)!;
    assert.equal(up.headers.authorization, `Bearer ${UPSTREAM_KEY}`, 'the provider key replaces the caller key');
  });

  it('passes the body through unchanged apart from the model', async () => {
    const body = { model: 'gpt-fake', messages: [{ role: 'user', content: 'x' }], temperature: 0.25, logit_bias: { '50256': -100 }, some_vendor_field: { a: [1, 2] } };
    const res = await fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal(res.status, 200);
    assert.deepEqual(fake.lastChatBody(), body);
  });

  it('streams chunk by chunk: chunk n+1 leaves the upstream only after the client got chunk n', async () => {
    const gate = createGate();
    fake.enqueue({ kind: 'text', text: 'one two three four five six', gate });
    // include_usage: every upstream frame then reaches the client (none is stripped), so each can be released.
    const stream = await client.chat.completions.create({ model: 'gpt-fake', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'count' }] });
    let text = '';
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      text += chunk.choices[0]?.delta?.content ?? '';
      // The upstream has sent exactly the frames we have seen (plus none ahead): it is waiting on us.
      assert.ok(gate.sent <= chunks + 1, `upstream ran ahead: sent ${gate.sent}, client saw ${chunks}`);
      gate.release();
    }
    assert.equal(text, 'one two three four five six');
    assert.ok(chunks >= 6, `expected many chunks, got ${chunks}`);
  });

  it('keeps the stream bytes identical on the identity path', async () => {
    fake.enqueue({ kind: 'sse', frames: [{ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'gpt-fake', choices: [{ index: 0, delta: { content: 'hé' }, finish_reason: null }], weird_field: 1 }, '[DONE]'] });
    const res = await fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt-fake', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'x' }] }) });
    const text = await res.text();
    assert.equal(text, 'data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt-fake","choices":[{"index":0,"delta":{"content":"hé"},"finish_reason":null}],"weird_field":1}\n\ndata: [DONE]\n\n');
  });

  it('holds the upstream while a slow client catches up, and loses or reorders nothing', async () => {
    // ~1 MB of frames written back to back: far more than the response's buffer, so writes report back-pressure.
    const frames: Array<Record<string, unknown> | string> = Array.from({ length: 500 }, (_, i) => ({
      id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'gpt-fake', choices: [{ index: 0, delta: { content: `${String(i).padStart(4, '0')}${'x'.repeat(2000)}` }, finish_reason: null }],
    }));
    frames.push('[DONE]');
    fake.enqueue({ kind: 'sse', frames });
    const body = JSON.stringify({ model: 'gpt-fake', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'x' }] });
    const text = await new Promise<string>((resolve, reject) => {
      const req = http.request(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json' } }, (res) => {
        const parts: Buffer[] = [];
        let paused = 0;
        res.on('data', (c: Buffer) => {
          parts.push(c);
          // Stop reading for a while, three times: the gateway's writes back up, then drain.
          if (parts.length % 20 === 1 && paused < 3) { paused++; res.pause(); setTimeout(() => res.resume(), 150); }
        });
        res.on('end', () => resolve(Buffer.concat(parts).toString()));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
    const contents = [...text.matchAll(/"content":"(\d{4})x+"/g)].map((m) => Number(m[1]));
    assert.deepEqual(contents, frames.slice(0, -1).map((_, i) => i), 'every frame once, in order');
    assert.ok(text.endsWith('data: [DONE]\n\n'));
  });

  it('accounts a client that leaves mid-stream as cancelled and stops the upstream', async () => {
    const gate = createGate();
    fake.enqueue({ kind: 'text', text: 'one two three four five six seven eight', gate });
    const ac = new AbortController();
    const res = await fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', signal: ac.signal, headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt-fake', stream: true, messages: [{ role: 'user', content: 'x' }] }) });
    const requestId = res.headers.get('x-request-id');
    const reader = res.body!.getReader();
    await reader.read();
    ac.abort();
    await reader.read().catch(() => undefined);
    let rec;
    for (let i = 0; i < 200 && !rec; i++) {
      rec = gw.gateway.usage.recent(50).find((r) => r.requestId === requestId);
      if (!rec) await new Promise((r) => setTimeout(r, 10));
    }
    assert.ok(rec, 'the request was accounted');
    assert.equal(rec.errorCode, 'cancelled');
    assert.equal(gate.sent < 8, true, 'the upstream was not read to the end');
    gate.releaseAll();
  });

  it('asks the upstream for stream usage but hides it from a caller that did not ask', async () => {
    const stream = await client.chat.completions.create({ model: 'gpt-fake', stream: true, messages: [{ role: 'user', content: 'usage please' }] });
    const chunks = [];
    for await (const c of stream) chunks.push(c);
    assert.deepEqual((fake.lastChatBody().stream_options as { include_usage: boolean }).include_usage, true);
    assert.ok(chunks.every((c) => !c.usage), 'no usage chunk reached the client');
    assert.ok(chunks.every((c) => c.choices.length > 0));
  });

  it('works without the /v1 prefix', async () => {
    const c2 = new OpenAI({ baseURL: gw.url, apiKey: gw.key, maxRetries: 0 });
    const r = await c2.chat.completions.create({ model: 'gpt-fake', messages: [{ role: 'user', content: 'no prefix' }] });
    assert.match(r.choices[0]!.message.content ?? '', /no prefix/);
    const models = await c2.models.list();
    assert.ok(models.data.some((m) => m.id === 'gpt-fake'));
  });

  it('lists models in the OpenAI shape', async () => {
    const list = await client.models.list();
    assert.deepEqual(list.data.map((m) => m.id), ['gpt-fake']);
    assert.equal(list.data[0]!.object, 'model');
  });

  it('surfaces errors as the SDK error classes', async () => {
    await assert.rejects(client.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'x' }] }),
      (e: unknown) => e instanceof OpenAI.NotFoundError && (e as InstanceType<typeof OpenAI.NotFoundError>).code === 'model_not_found');
    fake.enqueue({ kind: 'error', status: 400, message: 'This model maximum context length is 10 tokens', code: 'context_length_exceeded', type: 'invalid_request_error' });
    await assert.rejects(client.chat.completions.create({ model: 'gpt-fake', messages: [{ role: 'user', content: 'x' }] }),
      (e: unknown) => e instanceof OpenAI.BadRequestError && (e as InstanceType<typeof OpenAI.BadRequestError>).code === 'context_length_exceeded');
    const bad = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: 'sb-wrong', maxRetries: 0 });
    await assert.rejects(bad.chat.completions.create({ model: 'gpt-fake', messages: [{ role: 'user', content: 'x' }] }), OpenAI.AuthenticationError);
  });

  it('rejects malformed JSON and missing fields with 400 in the OpenAI shape', async () => {
    const post = (body: string) => fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json' }, body });
    let res = await post('{"model": ');
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'invalid_json');
    res = await post(JSON.stringify({ messages: [{ role: 'user', content: 'x' }] }));
    assert.equal(res.status, 400);
    assert.match(JSON.stringify(await res.json()), /model/);
    res = await post(JSON.stringify({ model: 'gpt-fake' }));
    assert.equal(res.status, 400);
    const body = (await res.json()) as { error: { message: string; type: string } };
    assert.equal(body.error.type, 'invalid_request_error');
    assert.match(body.error.message + JSON.stringify(body), /messages/);
  });

  it('answers unknown routes with 404 and names the right base URL under a doubled prefix', async () => {
    for (const p of ['/v1/chat/completions/responses', '/v1/v1/chat/completions']) {
      const res = await fetch(`${gw.url}${p}`, { method: 'POST', headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json' }, body: '{}' });
      assert.equal(res.status, 404, p);
      const body = (await res.json()) as { error: { message: string } };
      assert.ok(body.error.message.includes(`${gw.url}/v1'`), body.error.message);
    }
    const res = await fetch(`${gw.url}/nothing/here`, { headers: { authorization: `Bearer ${gw.key}` } });
    assert.equal(res.status, 404);
  });

  it('never forwards the caller credentials or hop-by-hop headers', async () => {
    await new Promise<void>((resolve, reject) => {
      const body = JSON.stringify({ model: 'gpt-fake', messages: [{ role: 'user', content: 'hdr' }] });
      const req = http.request(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: {
        authorization: `Bearer ${gw.key}`, 'x-api-key': gw.key, 'x-goog-api-key': gw.key, 'content-type': 'application/json',
        connection: 'keep-alive, x-custom-hop', 'x-custom-hop': '1', 'proxy-authorization': 'Basic abc', te: 'trailers', 'keep-alive': 'timeout=5',
      } }, (res) => { res.resume(); res.on('end', resolve); });
      req.on('error', reject);
      req.end(body);
    });
    const h = fake.chatRequests().at(-1)!.headers;
    assert.equal(h.authorization, `Bearer ${UPSTREAM_KEY}`);
    for (const name of ['x-api-key', 'x-goog-api-key', 'proxy-authorization', 'te', 'keep-alive', 'x-custom-hop']) assert.equal(h[name], undefined, name);
    assert.ok(!JSON.stringify(h).includes(gw.key), 'gateway key reached the upstream');
  });

  it('listens on ::1 as well as 127.0.0.1', async function () {
    const res = await fetch(`http://[::1]:${gw.gateway.port}/health`).catch(() => undefined);
    if (res === undefined) {
      // Only acceptable when this machine has no IPv6 loopback at all.
      const hasV6 = await new Promise<boolean>((r) => { const s = http.createServer(); s.once('error', () => r(false)); s.listen(0, '::1', () => s.close(() => r(true))); });
      assert.equal(hasV6, false, 'IPv6 loopback exists but the gateway does not answer on it');
      return;
    }
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'ok');
  });
});

describe('health and unreachable upstreams', () => {
  let gw: TestGateway;
  before(async () => {
    // Port 9 on loopback: nothing listens there, so connections are refused at once.
    gw = await startGateway({ providers: [{ id: 'dead', type: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1', keys: [], models: ['m1'] }] });
  });
  after(() => gw.close());

  it('serves /health, /healthz and HEAD / without a key', async () => {
    const h = await fetch(`${gw.url}/health`);
    assert.equal(h.status, 200);
    assert.match(h.headers.get('content-type') ?? '', /text\/plain/);
    const z = await fetch(`${gw.url}/healthz`);
    assert.equal(((await z.json()) as { status: string }).status, 'ok');
    assert.equal((await fetch(`${gw.url}/`, { method: 'HEAD' })).status, 200);
  });

  it('answers 502 when the upstream is unreachable', async () => {
    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.key, maxRetries: 0 });
    await assert.rejects(client.chat.completions.create({ model: 'm1', messages: [{ role: 'user', content: 'x' }] }),
      (e: unknown) => e instanceof OpenAI.APIError && e.status === 502);
  });
});
