/**
 * Per-provider timeouts (`timeouts: { connectMs, firstByteMs, idleMs }`) through the real gateway, with fakes that
 * hang. The values are small (300 ms) so hung attempts end quickly; the tests assert outcomes, never durations.
 */
import assert from 'node:assert/strict';
import { createGate, startFakeOpenAI, type FakeOpenAI, type Gate } from '../helpers/fake-openai';
import { startFakeAnthropic, type FakeAnthropic } from '../helpers/fake-anthropic';
import { startBlackhole, type Blackhole } from '../helpers/blackhole';
import { startGateway, type TestGateway } from '../helpers/gateway';

const SECRET = { h1: 'sk-hang-provider-0001', h2: 'sk-hang-provider-0002', ok1: 'sk-ok-provider-00001' };
const TIMEOUTS = { connectMs: 300, firstByteMs: 300, idleMs: 300 };

/** Waits (bounded) until `cond` holds; the fakes notice a socket close a moment after the gateway drops it. */
async function eventually(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(cond(), what);
}

function post(gw: TestGateway, body: unknown, path = '/v1/chat/completions'): Promise<Response> {
  return fetch(`${gw.url}${path}`, {
    method: 'POST', headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
    body: JSON.stringify(body),
  });
}

describe('upstream timeouts through the gateway', () => {
  let hang: FakeOpenAI;
  let ok: FakeOpenAI;
  let gw: TestGateway;
  const gates: Gate[] = [];

  beforeEach(async () => {
    hang = await startFakeOpenAI();
    ok = await startFakeOpenAI();
    gw = await startGateway({
      providers: [
        { id: 'slow', type: 'openai', baseUrl: hang.baseURL, keys: [{ label: 'h1', key: SECRET.h1 }, { label: 'h2', key: SECRET.h2 }], models: ['m-slow'], timeouts: TIMEOUTS },
        { id: 'fast', type: 'openai', baseUrl: ok.baseURL, keys: [{ label: 'ok1', key: SECRET.ok1 }], models: ['m-fast'] },
      ],
      modelMappings: [{ from: 'chain', to: ['slow/m-slow', 'fast/m-fast'] }, { from: 'only-slow', to: 'slow/m-slow' }],
      routing: { maxAttempts: 10 },
    });
  });
  afterEach(async () => {
    for (const g of gates.splice(0)) g.releaseAll();
    await gw.close();
    await hang.close();
    await ok.close();
  });

  it('firstByteMs: a non-streaming upstream that never answers fails over to the next key, then the next provider', async () => {
    hang.enqueue({ kind: 'hang' }, { kind: 'hang' });
    const res = await post(gw, { model: 'chain', messages: [{ role: 'user', content: 'are you there' }] });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-switchboard-provider'), 'fast');
    assert.match(((await res.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]!.message.content, /echo: are you there/);
    assert.deepEqual(hang.chatRequests().map((r) => r.headers.authorization), [`Bearer ${SECRET.h1}`, `Bearer ${SECRET.h2}`]);
    await eventually(() => hang.chatRequests().every((r) => r.aborted), 'the hung upstream requests were aborted');
  });

  it('firstByteMs: a streaming upstream that never sends headers fails over too', async () => {
    hang.enqueue({ kind: 'hang' });
    const res = await post(gw, { model: 'chain', stream: true, messages: [{ role: 'user', content: 'stream' }] });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-switchboard-key'), 'h2');
    assert.match(await res.text(), /data: \[DONE\]/);
  });

  it('a clear error when every attempt timed out: 502 all_upstreams_failed naming the timeout', async () => {
    hang.enqueue({ kind: 'hang' }, { kind: 'hang' });
    const res = await post(gw, { model: 'only-slow', messages: [{ role: 'user', content: 'x' }] });
    assert.equal(res.status, 502);
    const { error } = (await res.json()) as { error: { code: string; message: string } };
    assert.equal(error.code, 'all_upstreams_failed');
    assert.match(error.message, /slow\/m-slow via key h1: 504 .*slow.*; slow\/m-slow via key h2: 504 /);
    assert.match(error.message, /no (first byte|response)/i, 'the message says what timed out');
  });

  it('the timeout error states the configured limit (300ms), not a rounded "0 s"', async () => {
    hang.enqueue({ kind: 'hang' }, { kind: 'hang' });
    const res = await post(gw, { model: 'only-slow', messages: [{ role: 'user', content: 'x' }] });
    const { error } = (await res.json()) as { error: { message: string } };
    assert.match(error.message, /300 ?ms|0\.3 ?s/, error.message);
  });

  it('headers sent but no first event before idleMs: still uncommitted, so it fails over', async () => {
    const anth = await startFakeAnthropic();
    const anthOk = await startFakeAnthropic();
    const g2 = await startGateway({
      providers: [
        { id: 'ah', type: 'anthropic', baseUrl: `${anth.url}/v1`, keys: [{ label: 'ah1', key: 'sk-ant-hang-00001' }], models: ['c-hang'], timeouts: TIMEOUTS },
        { id: 'ao', type: 'anthropic', baseUrl: `${anthOk.url}/v1`, keys: [{ label: 'ao1', key: 'sk-ant-ok-000001' }], models: ['c-ok'] },
      ],
      modelMappings: [{ from: 'claude-chain', to: ['ah/c-hang', 'ao/c-ok'] }],
    });
    try {
      anth.enqueue({ kind: 'hang' }); // streams: headers are flushed, then nothing
      const res = await post(g2, { model: 'claude-chain', max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'hi' }] }, '/v1/messages');
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('x-switchboard-provider'), 'ao');
      const text = await res.text();
      assert.match(text, /event: message_stop/);
      assert.equal(anth.messageRequests().length, 1);
      await eventually(() => anth.messageRequests()[0]!.aborted, 'the silent upstream request was aborted');
    } finally {
      await g2.close();
      await anth.close();
      await anthOk.close();
    }
  });

  it('idleMs mid-stream: the client gets an error event, and nothing is retried', async () => {
    const gate = createGate();
    gates.push(gate);
    hang.enqueue({ kind: 'text', text: 'never finished', gate });
    gate.release(2); // role chunk and one content chunk, then silence
    const res = await post(gw, { model: 'chain', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'x' }] });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-switchboard-key'), 'h1');
    const text = await res.text();
    const datas = text.split('\n\n').filter((f) => f.startsWith('data: ')).map((f) => f.slice(6));
    assert.ok(datas.some((d) => d.includes('"content":"neve"')), 'the chunks before the silence reached the client');
    const last = JSON.parse(datas.at(-1)!) as { error?: { message: string; code: string } };
    assert.ok(last.error, `ends with an error event: ${datas.at(-1)}`);
    assert.match(last.error.message, /slow/);
    assert.match(last.error.message, /idle|sent nothing/i);
    assert.equal(hang.chatRequests().length, 1);
    assert.equal(ok.chatRequests().length, 0);
    await eventually(() => hang.chatRequests()[0]!.aborted, 'the idle upstream request was aborted');
  });
});

describe('connect timeout through the gateway', () => {
  let hole: Blackhole;
  let ok: FakeOpenAI;
  let gw: TestGateway;
  before(async () => {
    hole = await startBlackhole();
    ok = await startFakeOpenAI();
    gw = await startGateway({
      providers: [
        { id: 'unreachable', type: 'openai', baseUrl: `http://127.0.0.1:${hole.port}/v1`, keys: [{ label: 'u1', key: SECRET.h1 }], models: ['m-gone'], timeouts: TIMEOUTS },
        { id: 'fast', type: 'openai', baseUrl: ok.baseURL, keys: [{ label: 'ok1', key: SECRET.ok1 }], models: ['m-fast'] },
      ],
      modelMappings: [{ from: 'chain', to: ['unreachable/m-gone', 'fast/m-fast'] }],
    });
  });
  after(async () => { await gw.close(); await ok.close(); hole.close(); });

  it('connectMs: a host whose connects hang fails over to the next provider', async () => {
    const res = await post(gw, { model: 'chain', messages: [{ role: 'user', content: 'anyone' }] });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-switchboard-provider'), 'fast');
    await res.arrayBuffer();
  });

  it('connectMs: with nowhere else to go, the caller learns the connect timeout and its limit (OpenAI and Anthropic shapes)', async () => {
    const res = await post(gw, { model: 'm-gone', messages: [{ role: 'user', content: 'anyone' }] });
    assert.equal(res.status, 502);
    const body = (await res.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'all_upstreams_failed');
    assert.match(body.error.message, /unreachable\/m-gone via key u1: 504 could not connect to unreachable within 300ms/);
    const an = await post(gw, { model: 'm-gone', max_tokens: 10, messages: [{ role: 'user', content: 'anyone' }] }, '/v1/messages');
    assert.equal(an.status, 502);
    const anBody = (await an.json()) as { type: string; error: { message: string } };
    assert.equal(anBody.type, 'error');
    assert.match(anBody.error.message, /could not connect to unreachable within 300ms/);
  });
});
