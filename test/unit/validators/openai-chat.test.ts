import assert from 'node:assert/strict';
import { validateOpenAIChatStream } from '../../helpers/validators/openai-chat';
import type { SseEvent } from '../../../src/gateway/sse/types';

const chunk = (delta: Record<string, unknown>, finish: string | null = null, extra: Record<string, unknown> = {}): SseEvent => ({
  data: JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'gpt', choices: [{ index: 0, delta, finish_reason: finish }], ...extra }),
});
const usage = (id = 'chatcmpl-1'): SseEvent => ({ data: JSON.stringify({ id, object: 'chat.completion.chunk', created: 1, model: 'gpt', choices: [], usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } }) });
const done: SseEvent = { data: '[DONE]' };
const tool = (index: number, first: boolean, args: string) => ({ index, ...(first ? { id: `call_${index}`, type: 'function', function: { name: 'f', arguments: args } } : { function: { arguments: args } }) });

describe('validators: openai-chat', () => {
  it('accepts text and parallel tool calls, with and without usage', () => {
    const body = [chunk({ role: 'assistant', content: '' }), chunk({ content: 'hi' }),
      chunk({ tool_calls: [tool(0, true, '')] }), chunk({ tool_calls: [tool(0, false, '{"a":1}')] }),
      chunk({ tool_calls: [tool(1, true, '{}')] }), chunk({}, 'tool_calls')];
    assert.deepEqual(validateOpenAIChatStream([...body, done], { includeUsage: false }), []);
    assert.deepEqual(validateOpenAIChatStream([...body, usage(), done], { includeUsage: true }), []);
  });
  it('accepts a stream ending with an error frame and no [DONE]', () => {
    assert.deepEqual(validateOpenAIChatStream([chunk({ content: 'a' }), { data: '{"error":{"message":"x","type":"server_error"}}' }]), []);
  });
  it('rejects a missing [DONE], events after it, and a second finish_reason', () => {
    assert.ok(validateOpenAIChatStream([chunk({ content: 'a' }, 'stop')]).some((m) => m.includes('[DONE]')));
    assert.ok(validateOpenAIChatStream([chunk({}, 'stop'), done, chunk({})]).some((m) => m.includes('after [DONE]')));
    assert.ok(validateOpenAIChatStream([chunk({}, 'stop'), chunk({}, 'stop'), done]).some((m) => m.includes('second finish_reason')));
    assert.ok(validateOpenAIChatStream([chunk({ content: 'a' }), done]).some((m) => m.includes('no chunk carries a finish_reason')));
  });
  it('rejects a wrong object, a changing id and a missing finish_reason field', () => {
    const wrong = { data: JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion', created: 1, model: 'gpt', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }) };
    assert.ok(validateOpenAIChatStream([wrong, done]).some((m) => m.includes('not chat.completion.chunk')));
    const other = { data: chunk({}, 'stop').data.replace('chatcmpl-1', 'chatcmpl-2') };
    assert.ok(validateOpenAIChatStream([chunk({ content: 'a' }), other, done]).some((m) => m.includes('differs from')));
    const noFinish = { data: JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'gpt', choices: [{ index: 0, delta: {} }] }) };
    assert.ok(validateOpenAIChatStream([noFinish, chunk({}, 'stop'), done]).some((m) => m.includes('finish_reason missing')));
  });
  it('rejects tool fragments that skip an index or lack id/type/name on first sight', () => {
    assert.ok(validateOpenAIChatStream([chunk({ tool_calls: [tool(1, true, '{}')] }), chunk({}, 'tool_calls'), done]).some((m) => m.includes('not the next index')));
    assert.ok(validateOpenAIChatStream([chunk({ tool_calls: [tool(0, false, '{}')] }), chunk({}, 'tool_calls'), done]).some((m) => m.includes('lacks id')));
    assert.ok(validateOpenAIChatStream([chunk({ tool_calls: [tool(0, true, '{"a"')] }), chunk({}, 'tool_calls'), done]).some((m) => m.includes('not a JSON object')));
  });
  it('enforces the usage chunk rules', () => {
    assert.ok(validateOpenAIChatStream([chunk({}, 'stop'), usage(), done], { includeUsage: false }).some((m) => m.includes('not requested')));
    assert.ok(validateOpenAIChatStream([chunk({}, 'stop'), usage(), usage(), done], { includeUsage: true }).some((m) => m.includes('2 usage chunks')));
    assert.ok(validateOpenAIChatStream([chunk({}, 'stop', { usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } }), done], { includeUsage: true })
      .some((m) => m.includes('usage on a choice chunk')));
    assert.ok(validateOpenAIChatStream([usage(), chunk({}, 'stop'), done], { includeUsage: true }).some((m) => m.includes('before the finish_reason')));
    assert.ok(validateOpenAIChatStream([chunk({}, 'stop'), chunk({ content: 'late' }), done]).some((m) => m.includes('content after the finish_reason')));
  });
});
