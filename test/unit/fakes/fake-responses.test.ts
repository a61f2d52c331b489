import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startFakeResponses, type FakeResponses } from '../../helpers/fake-responses';

describe('fake Responses upstream (checked with the official openai SDK)', () => {
  let fake: FakeResponses;
  let client: OpenAI;
  beforeEach(async () => {
    fake = await startFakeResponses();
    client = new OpenAI({ baseURL: fake.baseUrl, apiKey: 'test-key', maxRetries: 0 });
  });
  afterEach(() => fake.close());

  it('answers a non-stream request with an echo the SDK parses', async () => {
    const res = await client.responses.create({ model: 'gpt-x', input: 'hello there' });
    assert.equal(res.output_text, 'Echo: hello there');
    assert.equal(res.status, 'completed');
    assert.ok(res.usage && res.usage.total_tokens === res.usage.input_tokens + res.usage.output_tokens);
    assert.equal(fake.requests[0]?.url, '/v1/responses');
    assert.equal(fake.requests[0]?.headers.authorization, 'Bearer test-key');
  });

  it('streams an event sequence the SDK accumulates into the same final response', async () => {
    const stream = client.responses.stream({ model: 'gpt-x', input: 'stream me', reasoning: { effort: 'low' } });
    const types: string[] = [];
    let text = '';
    for await (const ev of stream) {
      types.push(ev.type);
      if (ev.type === 'response.output_text.delta') text += ev.delta;
    }
    const final = await stream.finalResponse();
    assert.equal(text, 'Echo: stream me');
    assert.equal(final.output_text, 'Echo: stream me');
    assert.equal(types[0], 'response.created');
    assert.equal(types[types.length - 1], 'response.completed');
    assert.equal(final.output[0]?.type, 'reasoning');
    assert.ok(types.includes('response.reasoning_summary_text.delta'));
  });

  it('round-trips a function call', async () => {
    const tools = [{ type: 'function' as const, name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } }, strict: false }];
    const first = await client.responses.create({ model: 'gpt-x', input: 'please use tool', tools });
    const call = first.output.find((o) => o.type === 'function_call');
    assert.ok(call && call.type === 'function_call');
    assert.equal(call.name, 'lookup');
    assert.deepEqual(JSON.parse(call.arguments), { q: 'test' });
    const second = await client.responses.create({
      model: 'gpt-x', tools,
      input: [
        { role: 'user', content: 'please use tool' },
        { type: 'function_call', call_id: call.call_id, name: call.name, arguments: call.arguments },
        { type: 'function_call_output', call_id: call.call_id, output: '42' },
      ],
    });
    assert.equal(second.output_text, 'Tool said: 42');
  });

  it('uses a configurable tool choice', async () => {
    await fake.close();
    fake = await startFakeResponses({ toolCallFor: () => ({ name: 'custom_pick', arguments: '{"x":1}' }) });
    client = new OpenAI({ baseURL: fake.baseUrl, apiKey: 'k', maxRetries: 0 });
    const res = await client.responses.create({ model: 'm', input: 'anything', tools: [{ type: 'function', name: 'custom_pick', parameters: {}, strict: false }] });
    const call = res.output[0];
    assert.ok(call?.type === 'function_call' && call.name === 'custom_pick' && call.arguments === '{"x":1}');
  });

  it('plays scripted errors with status and headers, then the default again', async () => {
    fake.enqueue({ kind: 'error', status: 429, body: { error: { message: 'Rate limit. Please try again in 2s.', type: 'requests', param: null, code: 'rate_limit_exceeded' } }, headers: { 'retry-after': '2' } });
    await assert.rejects(client.responses.create({ model: 'm', input: 'x' }), (e: unknown) => {
      assert.ok(e instanceof OpenAI.APIError);
      assert.equal(e.status, 429);
      assert.equal(e.code, 'rate_limit_exceeded');
      assert.equal(e.headers?.get('retry-after'), '2');
      return true;
    });
    const ok = await client.responses.create({ model: 'm', input: 'again' });
    assert.equal(ok.output_text, 'Echo: again');
  });

  it('holds a gated reply until released, and plays raw frames', async () => {
    const gate = fake.gate();
    fake.enqueue({ kind: 'gate', wait: gate.wait, then: { kind: 'json', body: { id: 'resp_x', object: 'response', status: 'completed', output: [], created_at: 1, model: 'm' } } });
    let settled = false;
    const pending = client.responses.create({ model: 'm', input: 'x' }).then((r) => { settled = true; return r; });
    for (let i = 0; i < 500 && fake.requests.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(fake.requests.length, 1);
    assert.equal(settled, false);
    gate.release();
    assert.equal((await pending).id, 'resp_x');

    fake.enqueue({ kind: 'frames', frames: ['event: error\ndata: {"type":"error","code":"server_error","message":"boom","sequence_number":0}\n\n'] });
    const seen: string[] = [];
    for await (const ev of await client.responses.create({ model: 'm', input: 'x', stream: true })) seen.push(ev.type);
    assert.deepEqual(seen, ['error']);
  });

  it('hangs until the client aborts, and logs the abort', async () => {
    fake.enqueue({ kind: 'hang' });
    const controller = new AbortController();
    const stream = await client.responses.create({ model: 'm', input: 'x', stream: true }, { signal: controller.signal });
    controller.abort();
    // The SDK ends iteration quietly on a user abort.
    for await (const _ of stream) { /* drain */ }
    for (let i = 0; i < 100 && !fake.requests[0]?.aborted; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(fake.requests[0]?.aborted, true);
  });
});
