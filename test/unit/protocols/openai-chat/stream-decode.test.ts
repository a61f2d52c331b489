import assert from 'node:assert/strict';
import type { StreamEvent } from '../../../../src/gateway/core/model';
import { runSteps } from '../../../../src/gateway/core/stream';
import { decodeSseText } from '../../../../src/gateway/sse/decode';
import type { SseEvent } from '../../../../src/gateway/sse/types';
import { openaiChat } from '../../../../src/gateway/protocols/openai-chat';

type Delta = Record<string, unknown>;
const head = { id: 'chatcmpl-9', object: 'chat.completion.chunk', created: 42, model: 'gpt-x' };
const chunk = (delta: Delta, finish_reason: string | null = null): SseEvent =>
  ({ data: JSON.stringify({ ...head, choices: [{ index: 0, delta, finish_reason }] }) });
const usageChunk = (usage: Record<string, unknown>): SseEvent => ({ data: JSON.stringify({ ...head, choices: [], usage }) });
const DONE: SseEvent = { data: '[DONE]' };
const decode = (events: SseEvent[]): StreamEvent[] => runSteps(events, openaiChat.decodeStream());

describe('openai-chat decodeStream', () => {
  it('decodes text with a trailing usage chunk after finish_reason', () => {
    const out = decode([chunk({ role: 'assistant', content: '' }), chunk({ content: 'Hel' }), chunk({ content: 'lo' }),
      chunk({}, 'stop'), usageChunk({ prompt_tokens: 9, completion_tokens: 2, total_tokens: 11, prompt_tokens_details: { cached_tokens: 3 } }), DONE]);
    assert.deepEqual(out, [
      { type: 'start', id: 'chatcmpl-9', model: 'gpt-x', created: 42 },
      { type: 'text-start', index: 0 },
      { type: 'text-delta', index: 0, text: 'Hel' },
      { type: 'text-delta', index: 0, text: 'lo' },
      { type: 'text-end', index: 0 },
      { type: 'finish', reason: 'stop', raw: 'stop', usage: { inputTokens: 9, outputTokens: 2, cachedInputTokens: 3 } },
    ]);
  });

  it('parses real SSE text (DeepSeek reasoning then text)', () => {
    const text = [
      chunk({ role: 'assistant', content: null, reasoning_content: '' }), chunk({ reasoning_content: 'think' }),
      chunk({ reasoning: ' more' }), chunk({ content: 'answer' }), chunk({}, 'length'),
    ].map((e) => `data: ${e.data}\n\n`).join('') + 'data: [DONE]\n\n';
    const out = decode(decodeSseText(text));
    assert.deepEqual(out.slice(1), [
      { type: 'reasoning-start', index: 0 },
      { type: 'reasoning-delta', index: 0, text: 'think' },
      { type: 'reasoning-delta', index: 0, text: ' more' },
      { type: 'reasoning-end', index: 0 },
      { type: 'text-start', index: 1 },
      { type: 'text-delta', index: 1, text: 'answer' },
      { type: 'text-end', index: 1 },
      { type: 'finish', reason: 'length', raw: 'length' },
    ]);
  });

  it('decodes parallel tool calls routed by index after text', () => {
    const out = decode([
      chunk({ role: 'assistant', content: 'ok' }),
      chunk({ tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'read', arguments: '' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"p":' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '1}' } }] }),
      chunk({ tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'ls', arguments: '{}' } }] }),
      chunk({}, 'tool_calls'), usageChunk({ prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 }), DONE,
    ]);
    assert.deepEqual(out.slice(1), [
      { type: 'text-start', index: 0 }, { type: 'text-delta', index: 0, text: 'ok' }, { type: 'text-end', index: 0 },
      { type: 'tool-start', index: 1, callId: 'call_a', name: 'read' },
      { type: 'tool-delta', index: 1, argsJson: '{"p":' },
      { type: 'tool-delta', index: 1, argsJson: '1}' },
      { type: 'tool-end', index: 1 },
      { type: 'tool-start', index: 2, callId: 'call_b', name: 'ls' },
      { type: 'tool-delta', index: 2, argsJson: '{}' },
      { type: 'tool-end', index: 2 },
      { type: 'finish', reason: 'tool-calls', raw: 'tool_calls', usage: { inputTokens: 1, outputTokens: 1 } },
    ]);
  });

  it('buffers arguments that arrive before the id and name', () => {
    const out = decode([
      chunk({ role: 'assistant' }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"a"' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: ':1}' } }] }),
      chunk({ tool_calls: [{ index: 0, id: 'call_late', function: { name: 'f' } }] }),
      chunk({}, 'tool_calls'), DONE,
    ]);
    assert.deepEqual(out.slice(1), [
      { type: 'tool-start', index: 0, callId: 'call_late', name: 'f' },
      { type: 'tool-delta', index: 0, argsJson: '{"a":1}' },
      { type: 'tool-end', index: 0 },
      { type: 'finish', reason: 'tool-calls', raw: 'tool_calls' },
    ]);
  });

  it('starts a tool call that never gets an id at the end, with a generated id', () => {
    const out = decode([chunk({ tool_calls: [{ index: 0, function: { name: 'f', arguments: '{}' } }] }), chunk({}, 'stop'), DONE]);
    const start = out.find((e) => e.type === 'tool-start');
    assert.ok(start && start.type === 'tool-start' && /^call_/.test(start.callId) && start.name === 'f');
    assert.deepEqual(out.slice(2), [{ type: 'tool-delta', index: 0, argsJson: '{}' }, { type: 'tool-end', index: 0 },
      { type: 'finish', reason: 'tool-calls', raw: 'stop' }]);
  });

  it('decodes whole tool calls in one delta without indices', () => {
    const out = decode([chunk({ tool_calls: [
      { id: 'x1', type: 'function', function: { name: 'a', arguments: '{"n":1}' } },
      { id: 'x2', type: 'function', function: { name: 'b', arguments: '{"n":2}' } },
    ] }, 'tool_calls'), DONE]);
    assert.deepEqual(out.filter((e) => e.type === 'tool-start').map((e) => e.type === 'tool-start' && [e.index, e.callId, e.name]),
      [[0, 'x1', 'a'], [1, 'x2', 'b']]);
    assert.deepEqual(out.filter((e) => e.type === 'tool-delta').map((e) => e.type === 'tool-delta' && e.argsJson), ['{"n":1}', '{"n":2}']);
  });

  it('turns an error chunk into an error event and stops', () => {
    const out = decode([chunk({ content: 'a' }), { data: JSON.stringify({ error: { message: 'overloaded, try again in 2s', type: 'server_error', code: null } }) },
      chunk({ content: 'ignored' })]);
    const last = out.at(-1)!;
    assert.equal(out.length, 4);
    assert.ok(last.type === 'error');
    assert.equal(last.error.kind, 'upstream');
    assert.equal(last.error.message, 'overloaded, try again in 2s');
    assert.equal(last.error.info.retryAfterMs, 2000);
  });

  it('ignores unknown shapes and reports a stream that ended early', () => {
    const out = decode([{ data: 'not json' }, { data: '{"type":"ping"}' }, { event: 'keepalive', data: '[]' }, chunk({ content: 'x' })]);
    assert.deepEqual(out.map((e) => e.type), ['start', 'text-start', 'text-delta', 'error']);
    const empty = decode([]);
    assert.equal(empty.length, 1);
    assert.ok(empty[0]!.type === 'error' && empty[0]!.error.kind === 'upstream');
  });
});
