/**
 * Failover through the real gateway, OpenAI inbound: fake OpenAI upstreams scripted to fail, each provider with
 * its own upstream keys, so the fakes' request logs show which provider and key got each attempt.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { startFakeOpenAI, type FakeOpenAI } from '../helpers/fake-openai';
import { startGateway, type TestGateway } from '../helpers/gateway';

const SECRET = { a1: 'sk-provider-a-secret-0001', a2: 'sk-provider-a-secret-0002', b1: 'sk-provider-b-secret-0001' };
const ALL_SECRETS = Object.values(SECRET);

/** A loopback port nobody listens on (bound, then closed). */
async function deadPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const bearers = (fake: FakeOpenAI): Array<string | undefined> => fake.chatRequests().map((r) => r.headers.authorization);

describe('failover through the gateway (OpenAI inbound, fake OpenAI upstreams)', () => {
  let fakeA: FakeOpenAI;
  let fakeB: FakeOpenAI;
  let gw: TestGateway;
  let client: OpenAI;
  let dead: number;

  before(async () => { dead = await deadPort(); });

  // Fresh fakes and gateway per test: a failing test must not leave scripted replies or cooldowns behind.
  beforeEach(async () => {
    fakeA = await startFakeOpenAI();
    fakeB = await startFakeOpenAI();
    gw = await startGateway({
      providers: [
        { id: 'A', type: 'openai', baseUrl: fakeA.baseURL, keys: [{ label: 'a1', key: SECRET.a1 }, { label: 'a2', key: SECRET.a2 }], models: ['m-a'] },
        { id: 'B', type: 'openai', baseUrl: fakeB.baseURL, keys: [{ label: 'b1', key: SECRET.b1 }], models: ['m-b'] },
        { id: 'Dead', type: 'openai', baseUrl: `http://127.0.0.1:${dead}/v1`, keys: [{ label: 'd1', key: 'sk-dead-secret-0001' }], models: ['m-dead'] },
      ],
      modelMappings: [
        { from: 'm', to: ['A/m-a', 'B/m-b'] },
        { from: 'via-dead', to: ['Dead/m-dead', 'A/m-a'] },
      ],
      routing: { maxAttempts: 10, cooldownMs: 60_000 },
    });
    client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.key, maxRetries: 0 });
  });
  afterEach(async () => {
    await gw.close();
    await fakeA.close();
    await fakeB.close();
    for (const line of gw.logs) for (const s of ALL_SECRETS) assert.ok(!line.includes(s), `a log line leaks an upstream key: ${line}`);
  });

  it('429 with Retry-After: the next key serves, and the cooled key is skipped on the next request', async () => {
    fakeA.enqueue({ kind: 'error', status: 429, headers: { 'retry-after': '120' }, message: 'Rate limit reached' });
    const { data, response } = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'one' }] }).withResponse();
    assert.match(data.choices[0]!.message.content ?? '', /echo: one/);
    assert.deepEqual(bearers(fakeA), [`Bearer ${SECRET.a1}`, `Bearer ${SECRET.a2}`]);
    assert.equal(fakeB.chatRequests().length, 0);
    assert.equal(response.headers.get('x-switchboard-provider'), 'A');
    assert.equal(response.headers.get('x-switchboard-key'), 'a2');
    assert.equal(response.headers.get('x-mapped-model'), 'm-a');

    const state = gw.gateway.upstreamKeyStates().A!.find((k) => k.label === 'a1')!;
    assert.equal(state.status, 'cooling');
    const until = state.cooldowns.find((c) => c.model === 'm-a')!.until;
    assert.ok(until - Date.now() > 100_000 && until - Date.now() <= 120_000, 'cooldown honours Retry-After (120 s)');

    // Round robin would now pick a1 again; it is cooling, so a2 serves without a1 being asked.
    for (let i = 0; i < 3; i++) {
      const r = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: `again ${i}` }] }).withResponse();
      assert.equal(r.response.headers.get('x-switchboard-key'), 'a2');
    }
    assert.deepEqual(bearers(fakeA).slice(2), Array(3).fill(`Bearer ${SECRET.a2}`));
  });

  it('500 then 529 use up provider A, and provider B serves with its own key and model', async () => {
    fakeA.enqueue({ kind: 'error', status: 500, message: 'boom' }, { kind: 'error', status: 529, message: 'Overloaded', type: 'overloaded_error' });
    const { data, response } = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'fall over' }] }).withResponse();
    assert.match(data.choices[0]!.message.content ?? '', /echo: fall over/);
    assert.deepEqual(bearers(fakeA), [`Bearer ${SECRET.a1}`, `Bearer ${SECRET.a2}`]);
    assert.deepEqual(bearers(fakeB), [`Bearer ${SECRET.b1}`]);
    assert.deepEqual(fakeA.chatRequests().map((r) => (r.body as { model: string }).model), ['m-a', 'm-a']);
    assert.equal(fakeB.lastChatBody().model, 'm-b');
    assert.equal(response.headers.get('x-switchboard-provider'), 'B');
    assert.equal(response.headers.get('x-switchboard-key'), 'b1');
    assert.equal(response.headers.get('x-mapped-model'), 'm-b');
    // A 500 without a retry hint says nothing about the key: both of A's keys stay usable.
    assert.deepEqual(gw.gateway.upstreamKeyStates().A!.map((k) => k.status), ['ok', 'ok']);
  });

  it('a refused connection fails over to the next provider', async () => {
    const { data, response } = await client.chat.completions.create({ model: 'via-dead', messages: [{ role: 'user', content: 'refused' }] }).withResponse();
    assert.match(data.choices[0]!.message.content ?? '', /echo: refused/);
    assert.equal(response.headers.get('x-switchboard-provider'), 'A');
    assert.deepEqual(bearers(fakeA), [`Bearer ${SECRET.a1}`]);
  });

  it('when every attempt fails, the 502 lists each attempt (provider, model, key label, status) in OpenAI format', async () => {
    fakeA.enqueue({ kind: 'error', status: 500, message: 'a1 broke' }, { kind: 'reset' });
    fakeB.enqueue({ kind: 'error', status: 529, message: 'b1 overloaded' });
    const err = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'doomed' }] }).then(
      () => assert.fail('expected an error'), (e: unknown) => e);
    assert.ok(err instanceof OpenAI.APIError, String(err));
    assert.equal(err.status, 502);
    assert.equal(err.code, 'all_upstreams_failed');
    const message = err.message;
    assert.match(message, /all upstreams failed: A\/m-a via key a1: \d{3} a1 broke; A\/m-a via key a2: \d{3} Could not reach A: \w+; B\/m-b via key b1: 529 b1 overloaded$/);
    for (const s of ALL_SECRETS) assert.ok(!message.includes(s), 'the error never carries a key');
    assert.deepEqual(bearers(fakeA), [`Bearer ${SECRET.a1}`, `Bearer ${SECRET.a2}`]);
    assert.deepEqual(bearers(fakeB), [`Bearer ${SECRET.b1}`]);
  });

  it('the same failure reaches an Anthropic caller as an Anthropic 502 listing every attempt', async () => {
    fakeA.enqueue({ kind: 'error', status: 503, message: 'a1 unavailable' }, { kind: 'error', status: 500, message: 'a2 broke' });
    fakeB.enqueue({ kind: 'error', status: 500, message: 'b1 broke' });
    const anthropic = new Anthropic({ baseURL: gw.url, apiKey: gw.key, maxRetries: 0 });
    const err = await anthropic.messages.create({ model: 'm', max_tokens: 50, messages: [{ role: 'user', content: 'doomed' }] }).then(
      () => assert.fail('expected an error'), (e: unknown) => e);
    assert.ok(err instanceof Anthropic.APIError, String(err));
    assert.equal(err.status, 502);
    const body = err.error as { type: string; error: { type: string; message: string } };
    assert.equal(body.type, 'error');
    assert.equal(body.error.type, 'api_error');
    assert.match(body.error.message, /all upstreams failed/);
    assert.match(body.error.message, /A\/m-a via key a1: \d{3} a1 unavailable; A\/m-a via key a2: \d{3} a2 broke; B\/m-b via key b1: \d{3} b1 broke/);
    for (const s of ALL_SECRETS) assert.ok(!body.error.message.includes(s));
    assert.equal(fakeA.chatRequests().length + fakeB.chatRequests().length, 3);
  });

  it('each listed attempt carries the status the upstream really answered (500, 503), not the gateway\'s', async () => {
    fakeA.enqueue({ kind: 'error', status: 500, message: 'a1 broke' }, { kind: 'error', status: 503, message: 'a2 unavailable' });
    fakeB.enqueue({ kind: 'error', status: 529, message: 'b1 overloaded' });
    const err = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'doomed' }] }).then(
      () => assert.fail('expected an error'), (e: unknown) => e);
    assert.ok(err instanceof OpenAI.APIError, String(err));
    assert.equal(err.status, 502);
    assert.match(err.message, /A\/m-a via key a1: 500 a1 broke; A\/m-a via key a2: 503 a2 unavailable; B\/m-b via key b1: 529 b1 overloaded/);
  });

  it('every key rate limited: 429 all_upstreams_failed with a Retry-After of the soonest key', async () => {
    fakeA.enqueue({ kind: 'error', status: 429, headers: { 'retry-after': '30' } }, { kind: 'error', status: 429, headers: { 'retry-after': '40' } });
    fakeB.enqueue({ kind: 'error', status: 429, headers: { 'retry-after': '50' } });
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST', headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'limited' }] }),
    });
    assert.equal(res.status, 429);
    const retryAfter = Number(res.headers.get('retry-after'));
    assert.ok(retryAfter > 20 && retryAfter <= 30, `Retry-After ${retryAfter}`);
    const body = await res.json() as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'all_upstreams_failed');
    assert.match(body.error.message, /A\/m-a via key a1: 429.*A\/m-a via key a2: 429.*B\/m-b via key b1: 429/);
    // The next request finds every key cooling and never reaches an upstream.
    const again = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST', headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'limited again' }] }),
    });
    assert.equal(again.status, 429);
    assert.ok(Number(again.headers.get('retry-after')) > 0);
    assert.equal(fakeA.chatRequests().length + fakeB.chatRequests().length, 3);
  });

  it('a 529 at the start of a stream still fails over (nothing was committed)', async () => {
    fakeA.enqueue({ kind: 'error', status: 529, message: 'Overloaded' });
    const stream = await client.chat.completions.create({ model: 'm', stream: true, messages: [{ role: 'user', content: 'streamed' }] });
    let text = '';
    for await (const c of stream) text += c.choices[0]?.delta?.content ?? '';
    assert.equal(text, 'echo: streamed');
    assert.deepEqual(bearers(fakeA), [`Bearer ${SECRET.a1}`, `Bearer ${SECRET.a2}`]);
  });

  it('an error as the first stream event still fails over (OpenAI-style {"error":…} chunk)', async () => {
    fakeA.enqueue({ kind: 'sse', frames: [{ error: { message: 'Overloaded, try later', type: 'server_error', code: 'overloaded' } }] });
    const stream = await client.chat.completions.create({ model: 'm', stream: true, messages: [{ role: 'user', content: 'first event' }] });
    let text = '';
    for await (const c of stream) text += c.choices[0]?.delta?.content ?? '';
    assert.equal(text, 'echo: first event');
    assert.deepEqual(bearers(fakeA), [`Bearer ${SECRET.a1}`, `Bearer ${SECRET.a2}`]);
  });

  it('no retry once streaming started: a reset mid-stream reaches the client as an error event', async () => {
    fakeA.enqueue({ kind: 'text', text: 'partial answer that breaks', destroyAfter: 3 });
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST', headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content: 'x' }] }),
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-switchboard-key'), 'a1');
    const text = await res.text();
    const datas = text.split('\n\n').filter((f) => f.startsWith('data: ')).map((f) => f.slice(6));
    assert.ok(datas.some((d) => d.includes('"content":"part"')), 'the frames before the break reached the client');
    const last = JSON.parse(datas.at(-1)!) as { error?: { message: string; code: string } };
    assert.ok(last.error, `the stream ends with an error event: ${datas.at(-1)}`);
    assert.ok(!text.includes('[DONE]'));
    assert.equal(fakeA.chatRequests().length, 1, 'exactly one upstream request');
    assert.equal(fakeB.chatRequests().length, 0);
  });

  it('no retry once streaming started: the official SDK sees the mid-stream error as an APIError', async () => {
    fakeA.enqueue({ kind: 'text', text: 'partial answer that breaks', destroyAfter: 3 });
    const stream = await client.chat.completions.create({ model: 'm', stream: true, messages: [{ role: 'user', content: 'x' }] });
    let text = '';
    const err = await (async () => { for await (const c of stream) text += c.choices[0]?.delta?.content ?? ''; })().then(
      () => assert.fail('expected the stream to fail'), (e: unknown) => e);
    assert.ok(err instanceof OpenAI.APIError, String(err));
    assert.ok(text.length > 0 && text.length < 'partial answer that breaks'.length, `partial text: ${text}`);
    assert.equal(fakeA.chatRequests().length + fakeB.chatRequests().length, 1);
  });
});
