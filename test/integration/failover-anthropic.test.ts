/**
 * Failover through the real gateway, Anthropic inbound (official @anthropic-ai/sdk) to fake Anthropic upstreams,
 * each provider with its own keys (the fakes log `x-api-key`, so the logs show who got each attempt).
 */
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { startFakeAnthropic, type FakeAnthropic } from '../helpers/fake-anthropic';
import { startGateway, type TestGateway } from '../helpers/gateway';

const SECRET = { x1: 'sk-ant-provider-x-0001', x2: 'sk-ant-provider-x-0002', y1: 'sk-ant-provider-y-0001' };

const apiKeys = (fake: FakeAnthropic): Array<string | string[] | undefined> => fake.messageRequests().map((r) => r.headers['x-api-key']);
const ev = (type: string, data: Record<string, unknown>): string => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
const overloadedFrame = ev('error', { error: { type: 'overloaded_error', message: 'Overloaded' } });
const messageStart = (model: string): string => ev('message_start', {
  message: { id: 'msg_1', type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 5, output_tokens: 1 } },
});

describe('failover through the gateway (Anthropic inbound, fake Anthropic upstreams)', () => {
  let fakeX: FakeAnthropic;
  let fakeY: FakeAnthropic;
  let gw: TestGateway;
  let client: Anthropic;

  // Fresh fakes and gateway per test: a failing test must not leave scripted replies or cooldowns behind.
  beforeEach(async () => {
    fakeX = await startFakeAnthropic();
    fakeY = await startFakeAnthropic();
    gw = await startGateway({
      providers: [
        { id: 'X', type: 'anthropic', baseUrl: `${fakeX.url}/v1`, keys: [{ label: 'x1', key: SECRET.x1 }, { label: 'x2', key: SECRET.x2 }], models: ['claude-x'] },
        { id: 'Y', type: 'anthropic', baseUrl: `${fakeY.url}/v1`, keys: [{ label: 'y1', key: SECRET.y1 }], models: ['claude-y'] },
      ],
      modelMappings: [{ from: 'claude-m', to: ['X/claude-x', 'Y/claude-y'] }],
      routing: { maxAttempts: 10, cooldownMs: 60_000 },
    });
    client = new Anthropic({ baseURL: gw.url, apiKey: gw.key, maxRetries: 0 });
  });
  afterEach(async () => {
    await gw.close();
    await fakeX.close();
    await fakeY.close();
    for (const line of gw.logs) for (const s of Object.values(SECRET)) assert.ok(!line.includes(s), `a log line leaks an upstream key: ${line}`);
  });

  it('529 overloaded_error on both keys of X: Y serves, and the SDK sees where it went in headers', async () => {
    fakeX.enqueue({ kind: 'error', status: 529, errorType: 'overloaded_error', message: 'Overloaded' }, { kind: 'error', status: 529, errorType: 'overloaded_error', message: 'Overloaded' });
    const { data, response } = await client.messages.create({ model: 'claude-m', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    assert.deepEqual(data.content, [{ type: 'text', text: 'echo: hi' }]);
    assert.deepEqual(apiKeys(fakeX), [SECRET.x1, SECRET.x2]);
    assert.deepEqual(apiKeys(fakeY), [SECRET.y1]);
    assert.equal((fakeY.messageRequests()[0]!.body as { model: string }).model, 'claude-y');
    assert.equal(response.headers.get('x-switchboard-provider'), 'Y');
    assert.equal(response.headers.get('x-switchboard-key'), 'y1');
    assert.equal(response.headers.get('x-mapped-model'), 'claude-y');
  });

  it('a 529 before a stream starts fails over to the next key', async () => {
    fakeX.enqueue({ kind: 'error', status: 529, errorType: 'overloaded_error', message: 'Overloaded' });
    const stream = client.messages.stream({ model: 'claude-m', max_tokens: 100, messages: [{ role: 'user', content: 'stream me' }] });
    const final = await stream.finalMessage();
    assert.deepEqual(final.content, [{ type: 'text', text: 'echo: stream me' }]);
    assert.deepEqual(apiKeys(fakeX), [SECRET.x1, SECRET.x2]);
    assert.equal(fakeY.messageRequests().length, 0);
  });

  it('`event: error` overloaded_error as the first stream event still fails over', async () => {
    fakeX.enqueue({ kind: 'sse', frames: [overloadedFrame] }, { kind: 'sse', frames: [overloadedFrame] });
    const stream = client.messages.stream({ model: 'claude-m', max_tokens: 100, messages: [{ role: 'user', content: 'first event' }] });
    const final = await stream.finalMessage();
    assert.deepEqual(final.content, [{ type: 'text', text: 'echo: first event' }]);
    assert.deepEqual(apiKeys(fakeX), [SECRET.x1, SECRET.x2]);
    assert.deepEqual(apiKeys(fakeY), [SECRET.y1]);
  });

  it('an error after the stream started is not retried: the client gets the error event, the upstream one request', async () => {
    fakeX.enqueue({ kind: 'sse', frames: [
      messageStart('claude-x'),
      ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
      ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'partial' } }),
      overloadedFrame,
    ] });
    const res = await fetch(`${gw.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': gw.key, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude-m', max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'x' }] }),
    });
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.match(text, /"text":"partial"/);
    assert.match(text, /event: error\ndata: \{"type":"error","error":\{"type":"overloaded_error"/);
    assert.equal(fakeX.messageRequests().length, 1, 'exactly one upstream request');
    assert.equal(fakeY.messageRequests().length, 0);

    // The official SDK turns that event into a thrown error.
    fakeX.enqueue({ kind: 'sse', frames: [messageStart('claude-x'), overloadedFrame] });
    const stream = client.messages.stream({ model: 'claude-m', max_tokens: 100, messages: [{ role: 'user', content: 'y' }] });
    await assert.rejects(stream.finalMessage(), (e: unknown) => e instanceof Anthropic.APIError && /Overloaded/.test(e.message));
    assert.equal(fakeX.messageRequests().length + fakeY.messageRequests().length, 2);
  });

  it('when everything fails: 502 in Anthropic format listing each attempt by provider, model and key label', async () => {
    fakeX.enqueue({ kind: 'error', status: 500, errorType: 'api_error', message: 'x1 internal' }, { kind: 'error', status: 529, errorType: 'overloaded_error', message: 'x2 overloaded' });
    fakeY.enqueue({ kind: 'error', status: 500, errorType: 'api_error', message: 'y1 internal' });
    const err = await client.messages.create({ model: 'claude-m', max_tokens: 100, messages: [{ role: 'user', content: 'doomed' }] }).then(
      () => assert.fail('expected an error'), (e: unknown) => e);
    assert.ok(err instanceof Anthropic.InternalServerError, String(err));
    assert.equal(err.status, 502);
    const body = err.error as { type: string; error: { type: string; message: string } };
    assert.equal(body.type, 'error');
    assert.equal(body.error.type, 'api_error');
    assert.match(body.error.message, /^all upstreams failed: X\/claude-x via key x1: 500 x1 internal; X\/claude-x via key x2: 529 x2 overloaded; Y\/claude-y via key y1: 500 y1 internal$/);
    for (const s of Object.values(SECRET)) assert.ok(!JSON.stringify(body).includes(s));
  });

  it('a 429 with Retry-After cools that key for the next request of the same model', async () => {
    fakeX.enqueue({ kind: 'error', status: 429, errorType: 'rate_limit_error', message: 'slow down', headers: { 'retry-after': '90' } });
    const first = await client.messages.create({ model: 'claude-m', max_tokens: 100, messages: [{ role: 'user', content: 'a' }] }).withResponse();
    assert.equal(first.response.headers.get('x-switchboard-key'), 'x2');
    const second = await client.messages.create({ model: 'claude-m', max_tokens: 100, messages: [{ role: 'user', content: 'b' }] }).withResponse();
    assert.equal(second.response.headers.get('x-switchboard-key'), 'x2');
    assert.deepEqual(apiKeys(fakeX), [SECRET.x1, SECRET.x2, SECRET.x2]);
    const x1 = gw.gateway.upstreamKeyStates().X!.find((k) => k.label === 'x1')!;
    assert.equal(x1.status, 'cooling');
    assert.ok(!JSON.stringify(x1).includes(SECRET.x1), 'key states show a hint, never the key');
  });
});
