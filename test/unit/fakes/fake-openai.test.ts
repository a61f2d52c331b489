import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { runSteps } from '../../../src/gateway/core/stream';
import { decodeSseText } from '../../../src/gateway/sse/decode';
import { openaiChat } from '../../../src/gateway/protocols/openai-chat';
import { createGate, startFakeOpenAI } from '../../helpers/fake-openai';
import type { FakeOpenAI } from '../../helpers/fake-openai';

const tools: OpenAI.Chat.Completions.ChatCompletionTool[] = [
  { type: 'function', function: { name: 'lookup', description: 'Look up', parameters: { type: 'object', properties: { query: { type: 'string' }, limit: { type: 'integer' } } } } },
  { type: 'function', function: { name: 'clock', parameters: { type: 'object', properties: {} } } },
];

describe('fake OpenAI upstream (checked with the official openai SDK)', () => {
  let fake: FakeOpenAI;
  let client: OpenAI;
  beforeEach(async () => {
    fake = await startFakeOpenAI({ apiKeys: ['sk-test'] });
    client = new OpenAI({ baseURL: fake.baseURL, apiKey: 'sk-test', maxRetries: 0 });
  });
  afterEach(() => fake.close());

  it('answers a non-streamed completion that echoes the last user text', async () => {
    const res = await client.chat.completions.create({ model: 'gpt-fake', messages: [{ role: 'system', content: 's' }, { role: 'user', content: 'hello there' }] });
    assert.equal(res.object, 'chat.completion');
    assert.equal(res.model, 'gpt-fake');
    assert.equal(res.choices[0]!.message.content, 'echo: hello there');
    assert.equal(res.choices[0]!.finish_reason, 'stop');
    assert.ok(res.usage && res.usage.prompt_tokens > 0 && res.usage.total_tokens === res.usage.prompt_tokens + res.usage.completion_tokens);
    assert.equal(fake.lastChatBody().model, 'gpt-fake');
    assert.equal(fake.chatRequests()[0]!.headers.authorization, 'Bearer sk-test');
  });

  it('streams text in chunks with a trailing usage chunk', async () => {
    const stream = await client.chat.completions.create({ model: 'gpt-fake', stream: true, stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'stream me please' }] });
    let text = '';
    let contentChunks = 0;
    let usage: OpenAI.CompletionUsage | undefined;
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      const c = chunk.choices[0];
      if (c?.delta.content) { text += c.delta.content; contentChunks++; }
      if (c?.finish_reason) finish = c.finish_reason;
      if (chunk.usage) usage = chunk.usage;
    }
    assert.equal(text, 'echo: stream me please');
    assert.equal(contentChunks, Math.ceil(text.length / 4));
    assert.equal(finish, 'stop');
    assert.ok(usage && usage.completion_tokens > 0);
  });

  it('streams a tool call whose arguments the SDK accumulates, then answers the tool result', async () => {
    const runner = client.chat.completions.stream({ model: 'gpt-fake', tools, messages: [{ role: 'user', content: 'please use tool now' }] });
    const final = await runner.finalChatCompletion();
    const call = final.choices[0]!.message.tool_calls?.[0];
    assert.equal(final.choices[0]!.finish_reason, 'tool_calls');
    assert.ok(call && call.type === 'function');
    assert.equal(call.function.name, 'lookup');
    assert.deepEqual(JSON.parse(call.function.arguments), { query: 'please use tool now', limit: 1 });
    assert.equal(fake.chatRequests().length, 1);
    const next = await client.chat.completions.create({ model: 'gpt-fake', tools, messages: [
      { role: 'user', content: 'please use tool now' }, final.choices[0]!.message,
      { role: 'tool', tool_call_id: call.id, content: 'found 3 things' },
    ] });
    assert.equal(next.choices[0]!.message.content, 'tool result: found 3 things');
  });

  it('makes parallel tool calls on "use all tools"', async () => {
    const res = await client.chat.completions.create({ model: 'gpt-fake', tools, messages: [{ role: 'user', content: 'use all tools' }] });
    assert.deepEqual(res.choices[0]!.message.tool_calls?.map((c) => c.type === 'function' && c.function.name), ['lookup', 'clock']);
    assert.equal(res.choices[0]!.message.content, null);
  });

  it('lists models and rejects a wrong key', async () => {
    const models = await client.models.list();
    assert.deepEqual(models.data.map((m) => m.id), ['gpt-fake', 'gpt-fake-mini']);
    const bad = new OpenAI({ baseURL: fake.baseURL, apiKey: 'sk-wrong', maxRetries: 0 });
    await assert.rejects(bad.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] }),
      (e: unknown) => e instanceof OpenAI.AuthenticationError && e.code === 'invalid_api_key');
  });

  it('plays scripted errors in order, then the default again', async () => {
    fake.enqueue({ kind: 'error', status: 429, message: 'Rate limit reached', code: 'rate_limit_exceeded', headers: { 'retry-after': '7' } },
      { kind: 'error', status: 500, message: 'boom' });
    const ask = () => client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] });
    await assert.rejects(ask(), (e: unknown) => e instanceof OpenAI.RateLimitError && e.headers.get('retry-after') === '7' && e.code === 'rate_limit_exceeded');
    await assert.rejects(ask(), (e: unknown) => e instanceof OpenAI.InternalServerError && e.status === 500);
    assert.equal(fake.pending(), 0);
    assert.equal((await ask()).choices[0]!.message.content, 'echo: x');
  });

  it('streams a scripted reply one chunk per release() through a gate', async () => {
    const gate = createGate();
    fake.enqueue({ kind: 'text', text: 'abcdefgh', gate });
    const stream = await client.chat.completions.create({ model: 'm', stream: true, messages: [{ role: 'user', content: 'x' }] });
    const it = stream[Symbol.asyncIterator]();
    const first = await it.next(); // role chunk, sent with the headers
    assert.equal(first.done, false);
    assert.equal(gate.sent, 1);
    gate.release();
    const second = await it.next();
    assert.equal(second.value?.choices[0]?.delta.content, 'abcd');
    assert.equal(gate.sent, 2);
    gate.releaseAll();
    let rest = '';
    for (let r = await it.next(); !r.done; r = await it.next()) rest += r.value.choices[0]?.delta.content ?? '';
    assert.equal(rest, 'efgh');
    assert.equal(gate.sent, 5); // role, 2 text, finish, [DONE]
  });

  it('resets a connection mid-stream and surfaces raw non-JSON errors', async () => {
    fake.enqueue({ kind: 'text', text: 'abcdefgh', destroyAfter: 2 }, { kind: 'raw', status: 502, body: '<html>bad gateway</html>' });
    const stream = await client.chat.completions.create({ model: 'm', stream: true, messages: [{ role: 'user', content: 'x' }] });
    let got = '';
    await assert.rejects((async () => { for await (const c of stream) got += c.choices[0]?.delta.content ?? ''; })());
    assert.equal(got, 'abcd');
    await assert.rejects(client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] }),
      (e: unknown) => e instanceof OpenAI.APIError && e.status === 502);
  });

  it('hangs when scripted to, until the client gives up', async () => {
    fake.enqueue({ kind: 'hang' });
    const impatient = new OpenAI({ baseURL: fake.baseURL, apiKey: 'sk-test', maxRetries: 0, timeout: 300 });
    await assert.rejects(impatient.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] }),
      (e: unknown) => e instanceof OpenAI.APIConnectionTimeoutError);
    assert.equal(fake.chatRequests().length, 1);
  });

  it('streams tool arguments in several chunks that the codec reassembles', async () => {
    const res = await fetch(`${fake.baseURL}/chat/completions`, {
      method: 'POST', headers: { authorization: 'Bearer sk-test', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', stream: true, stream_options: { include_usage: true }, tools, messages: [{ role: 'user', content: 'use tool x' }] }),
    });
    assert.equal(res.headers.get('content-type'), 'text/event-stream');
    const events = runSteps(decodeSseText(await res.text()), openaiChat.decodeStream());
    const deltas = events.filter((e) => e.type === 'tool-delta').map((e) => (e.type === 'tool-delta' ? e.argsJson : ''));
    assert.ok(deltas.length >= 3, `expected split arguments, got ${deltas.length}`);
    assert.deepEqual(JSON.parse(deltas.join('')), { query: 'use tool x', limit: 1 });
    const finish = events.at(-1);
    assert.ok(finish?.type === 'finish' && finish.reason === 'tool-calls' && finish.usage !== undefined && finish.usage.inputTokens > 0);
  });
});
