import assert from 'node:assert/strict';
import type { StreamEvent } from '../../../../src/gateway/core/model';
import { GatewayError } from '../../../../src/gateway/core/errors';
import { runSteps } from '../../../../src/gateway/core/stream';
import type { SseEvent, SseFrame } from '../../../../src/gateway/sse/types';
import { openaiChat } from '../../../../src/gateway/protocols/openai-chat';

const base = { model: 'm', stream: true, messages: [] };
const dataOf = (frames: SseFrame[]): string[] => frames.map((f) => ('data' in f ? f.data : `: ${f.comment}`));
const json = (frames: SseFrame[]): Array<Record<string, unknown>> =>
  dataOf(frames).filter((d) => d !== '[DONE]').map((d) => JSON.parse(d) as Record<string, unknown>);

const events: StreamEvent[] = [
  { type: 'start', id: 'msg_1', model: 'claude-x', created: 100 },
  { type: 'reasoning-start', index: 0 }, { type: 'reasoning-delta', index: 0, text: 'hmm' },
  { type: 'reasoning-signature', index: 0, signature: 'sig' }, { type: 'reasoning-end', index: 0 },
  { type: 'text-start', index: 1 }, { type: 'text-delta', index: 1, text: 'Hi' }, { type: 'text-end', index: 1 },
  { type: 'tool-start', index: 2, callId: 'toolu_a', name: 'read' }, { type: 'tool-delta', index: 2, argsJson: '{"p":' },
  { type: 'tool-delta', index: 2, argsJson: '1}' }, { type: 'tool-end', index: 2 },
  { type: 'tool-start', index: 3, callId: 'toolu_b', name: 'ls' }, { type: 'tool-delta', index: 3, argsJson: '{}' }, { type: 'tool-end', index: 3 },
  { type: 'usage', usage: { inputTokens: 50 } },
  { type: 'finish', reason: 'tool-calls', raw: 'tool_use', usage: { inputTokens: 50, outputTokens: 9, cachedInputTokens: 20 } },
];

describe('openai-chat encodeStream', () => {
  it('emits chunks with one id, tool indices counting tool calls, a usage chunk and [DONE]', () => {
    const frames = runSteps(events, openaiChat.encodeStream({ ...base, includeUsage: true }));
    const chunks = json(frames);
    assert.equal(dataOf(frames).at(-1), '[DONE]');
    assert.ok(chunks.every((c) => c.id === 'chatcmpl-msg_1' && c.created === 100 && c.model === 'claude-x' && c.object === 'chat.completion.chunk'));
    const deltas = chunks.slice(0, -1).map((c) => (c.choices as Array<{ delta: unknown; finish_reason: unknown }>)[0]);
    assert.deepEqual(deltas.map((d) => d!.delta), [
      { role: 'assistant', content: '' },
      { reasoning_content: 'hmm' },
      { content: 'Hi' },
      { tool_calls: [{ index: 0, id: 'toolu_a', type: 'function', function: { name: 'read', arguments: '' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '{"p":' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '1}' } }] },
      { tool_calls: [{ index: 1, id: 'toolu_b', type: 'function', function: { name: 'ls', arguments: '' } }] },
      { tool_calls: [{ index: 1, function: { arguments: '{}' } }] },
      {},
    ]);
    assert.equal(deltas.at(-1)!.finish_reason, 'tool_calls');
    assert.ok(chunks.slice(0, -1).every((c) => c.usage === null));
    assert.deepEqual(chunks.at(-1), { id: 'chatcmpl-msg_1', object: 'chat.completion.chunk', created: 100, model: 'claude-x', choices: [],
      usage: { prompt_tokens: 50, completion_tokens: 9, total_tokens: 59, prompt_tokens_details: { cached_tokens: 20 } } });
  });

  it('omits usage when the caller did not ask for it', () => {
    const chunks = json(runSteps(events, openaiChat.encodeStream(base)));
    assert.ok(chunks.every((c) => !('usage' in c)));
    assert.equal((chunks.at(-1)!.choices as unknown[]).length, 1);
  });

  it('ends with an error frame and no [DONE] on error', () => {
    const frames = runSteps<StreamEvent, SseFrame>([
      { type: 'start', id: 'chatcmpl-x', model: 'm' }, { type: 'text-start', index: 0 }, { type: 'text-delta', index: 0, text: 'a' },
      { type: 'error', error: new GatewayError('overloaded', 'busy') }, { type: 'finish', reason: 'stop' },
    ], openaiChat.encodeStream(base));
    const data = dataOf(frames);
    assert.equal(data.length, 3);
    assert.deepEqual(JSON.parse(data[2]!), { error: { message: 'busy', type: 'server_error', param: null, code: 'server_overloaded' } });
  });

  it('synthesizes the first chunk when events come before start', () => {
    const data = dataOf(runSteps<StreamEvent, SseFrame>([{ type: 'text-delta', index: 0, text: 'x' }, { type: 'finish', reason: 'stop' }], openaiChat.encodeStream(base)));
    assert.equal(data.length, 4);
    assert.match(JSON.parse(data[0]!).id as string, /^chatcmpl-/);
  });

  it('round-trips: decode(encode(events)) keeps text, tool calls, finish and usage', () => {
    const frames = runSteps(events, openaiChat.encodeStream({ ...base, includeUsage: true }));
    const back = runSteps(frames.filter((f): f is SseEvent => 'data' in f), openaiChat.decodeStream());
    const text = back.filter((e) => e.type === 'text-delta').map((e) => e.type === 'text-delta' && e.text).join('');
    const reasoning = back.filter((e) => e.type === 'reasoning-delta').map((e) => e.type === 'reasoning-delta' && e.text).join('');
    const tools = back.filter((e) => e.type === 'tool-start').map((e) => e.type === 'tool-start' && [e.callId, e.name]);
    const args = back.filter((e) => e.type === 'tool-delta').map((e) => e.type === 'tool-delta' && [e.index, e.argsJson]);
    assert.equal(text, 'Hi');
    assert.equal(reasoning, 'hmm');
    assert.deepEqual(tools, [['toolu_a', 'read'], ['toolu_b', 'ls']]);
    assert.deepEqual(args, [[2, '{"p":'], [2, '1}'], [3, '{}']]);
    assert.deepEqual(back.at(-1), { type: 'finish', reason: 'tool-calls', raw: 'tool_calls', usage: { inputTokens: 50, outputTokens: 9, cachedInputTokens: 20 } });
    assert.deepEqual(back[0], { type: 'start', id: 'chatcmpl-msg_1', model: 'claude-x', created: 100 });
  });
});
