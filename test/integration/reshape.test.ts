/** Upstreams that answer in the other shape: streamed to a non-stream request, or whole to a stream request. */
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { startFakeOpenAI, type FakeOpenAI } from '../helpers/fake-openai';
import { startGateway, type TestGateway } from '../helpers/gateway';

const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({
  id: 'chatcmpl-s1', object: 'chat.completion.chunk', created: 1, model: 'gpt-fake', choices: [{ index: 0, delta, finish_reason: finish }],
});

describe('reshaping answers to what the caller asked for', () => {
  let fake: FakeOpenAI;
  let gw: TestGateway;
  before(async () => {
    fake = await startFakeOpenAI();
    gw = await startGateway({ providers: [{ id: 'oa', type: 'openai-compatible', baseUrl: fake.baseURL, keys: ['sk-x-000000001'], models: ['gpt-fake'] }] });
  });
  after(async () => { await gw.close(); await fake.close(); });

  const streamedReply = () => fake.enqueue({ kind: 'sse', frames: [
    chunk({ role: 'assistant', content: '' }), chunk({ content: 'Hello ' }), chunk({ content: 'world' }),
    chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"q":' } }] }),
    chunk({ tool_calls: [{ index: 0, function: { arguments: '"x"}' } }] }),
    chunk({}, 'tool_calls'),
    { id: 'chatcmpl-s1', object: 'chat.completion.chunk', created: 1, model: 'gpt-fake', choices: [], usage: { prompt_tokens: 7, completion_tokens: 5, total_tokens: 12 } },
    '[DONE]',
  ] });

  it('aggregates a streamed upstream answer for a non-stream OpenAI caller', async () => {
    streamedReply();
    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.key, maxRetries: 0 });
    const res = await client.chat.completions.create({ model: 'gpt-fake', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(res.choices[0]!.message.content, 'Hello world');
    assert.deepEqual(res.choices[0]!.message.tool_calls?.map((t) => t.type === 'function' ? [t.id, t.function.name, JSON.parse(t.function.arguments)] : []), [['call_1', 'lookup', { q: 'x' }]]);
    assert.equal(res.choices[0]!.finish_reason, 'tool_calls');
    assert.equal(res.usage?.prompt_tokens, 7);
  });

  it('aggregates for a non-stream Anthropic caller too', async () => {
    streamedReply();
    const client = new Anthropic({ baseURL: gw.url, apiKey: gw.key, maxRetries: 0 });
    const msg = await client.messages.create({ model: 'gpt-fake', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] });
    assert.deepEqual(msg.content.map((b) => b.type), ['text', 'tool_use']);
    assert.equal(msg.stop_reason, 'tool_use');
    assert.equal(msg.usage.input_tokens, 7);
  });

  it('replays a whole upstream answer as a stream for a streaming caller', async () => {
    fake.enqueue({ kind: 'json', body: {
      id: 'chatcmpl-j1', object: 'chat.completion', created: 1, model: 'gpt-fake',
      choices: [{ index: 0, message: { role: 'assistant', content: 'whole answer' }, finish_reason: 'stop', logprobs: null }],
      usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
    } });
    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.key, maxRetries: 0 });
    const stream = await client.chat.completions.create({ model: 'gpt-fake', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'hi' }] });
    let text = '';
    let usage: number | undefined;
    for await (const c of stream) { text += c.choices[0]?.delta?.content ?? ''; if (c.usage) usage = c.usage.total_tokens; }
    assert.equal(text, 'whole answer');
    assert.equal(usage, 5);
  });

  it('accepts an upstream JSON answer that starts with a UTF-8 byte order mark', async () => {
    const body = { id: 'chatcmpl-b1', object: 'chat.completion', created: 1, model: 'gpt-fake', choices: [{ index: 0, message: { role: 'assistant', content: 'bom ok' }, finish_reason: 'stop', logprobs: null }], usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } };
    fake.enqueue({ kind: 'raw', status: 200, body: '\uFEFF' + JSON.stringify(body), contentType: 'application/json' });
    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.key, maxRetries: 0 });
    const res = await client.chat.completions.create({ model: 'gpt-fake', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(res.choices[0]!.message.content, 'bom ok');
  });
});
