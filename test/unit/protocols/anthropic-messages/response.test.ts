import assert from 'node:assert/strict';
import type { ChatRequest } from '../../../../src/gateway/core/model';
import { anthropicMessages } from '../../../../src/gateway/protocols/anthropic-messages';

const req: ChatRequest = { model: 'claude-alias', messages: [], stream: false };

describe('anthropic-messages response', () => {
  const wire = {
    id: 'msg_01', type: 'message', role: 'assistant', model: 'claude-sonnet-4',
    content: [
      { type: 'thinking', thinking: 'hmm', signature: 'sig' },
      { type: 'redacted_thinking', data: 'zz' },
      { type: 'text', text: 'Hello', citations: [{ type: 'char_location', cited_text: 'x' }] },
      { type: 'tool_use', id: 'toolu_1', name: 'read', input: { path: 'a' } },
    ],
    stop_reason: 'tool_use', stop_sequence: null,
    usage: { input_tokens: 10, output_tokens: 20, cache_read_input_tokens: 30, cache_creation_input_tokens: 40 },
  };

  it('decodes blocks, stop reason and usage (input includes cache reads and writes)', () => {
    const res = anthropicMessages.decodeResponse(wire);
    assert.equal(res.id, 'msg_01');
    assert.deepEqual(res.content, [
      { type: 'reasoning', text: 'hmm', signature: 'sig' },
      { type: 'reasoning', text: '', redactedData: 'zz' },
      { type: 'text', text: 'Hello', extra: { 'anthropic-messages': { citations: [{ type: 'char_location', cited_text: 'x' }] } } },
      { type: 'tool-call', callId: 'toolu_1', name: 'read', argsJson: '{"path":"a"}' },
    ]);
    assert.deepEqual(res.finish, { reason: 'tool-calls', raw: 'tool_use' });
    assert.deepEqual(res.usage, { inputTokens: 80, outputTokens: 20, cachedInputTokens: 30, cacheCreationInputTokens: 40 });
  });

  it('round-trips through encodeResponse byte-faithfully', () => {
    assert.deepEqual(anthropicMessages.encodeResponse(anthropicMessages.decodeResponse(wire), req), wire);
  });

  it('encodes responses from other upstreams: msg_ id, object input, unsigned thinking, usage split', () => {
    const out = anthropicMessages.encodeResponse({
      id: 'chatcmpl-9', model: 'deepseek-chat', finish: { reason: 'stop', raw: 'stop' },
      content: [
        { type: 'reasoning', text: 'thoughts' },
        { type: 'tool-call', callId: 'call_1', name: 'f', argsJson: '{"a":' },
      ],
      usage: { inputTokens: 100, outputTokens: 5, cachedInputTokens: 60 },
    }, req) as Record<string, any>;
    assert.match(out.id, /^msg_[A-Za-z0-9]{24}$/);
    assert.deepEqual(out.content, [
      { type: 'thinking', thinking: 'thoughts', signature: '' },
      { type: 'tool_use', id: 'call_1', name: 'f', input: {} },
    ]);
    assert.equal(out.stop_reason, 'tool_use');
    assert.deepEqual(out.usage, { input_tokens: 40, output_tokens: 5, cache_creation_input_tokens: 0, cache_read_input_tokens: 60 });
  });

  it('maps every stop reason both ways', () => {
    const cases: Array<[string, string]> = [['end_turn', 'stop'], ['stop_sequence', 'stop'], ['max_tokens', 'length'], ['tool_use', 'tool-calls'], ['refusal', 'content-filter'], ['pause_turn', 'other']];
    for (const [raw, unified] of cases) {
      const res = anthropicMessages.decodeResponse({ ...wire, content: [], stop_reason: raw });
      assert.equal(res.finish.reason, unified, raw);
      assert.equal((anthropicMessages.encodeResponse(res, req) as { stop_reason: string }).stop_reason, raw);
    }
    const fromOpenAI = anthropicMessages.encodeResponse({ id: 'x', model: 'm', content: [], finish: { reason: 'length', raw: 'length' } }, req) as { stop_reason: string; usage: unknown };
    assert.equal(fromOpenAI.stop_reason, 'max_tokens');
  });

  it('keeps the stop sequence and never returns negative input tokens', () => {
    const res = anthropicMessages.decodeResponse({ ...wire, content: [{ type: 'text', text: 'a' }], stop_reason: 'stop_sequence', stop_sequence: 'END' });
    assert.equal((anthropicMessages.encodeResponse(res, req) as { stop_sequence: string }).stop_sequence, 'END');
    const odd = anthropicMessages.encodeResponse({ id: 'x', model: 'm', content: [], finish: { reason: 'stop' }, usage: { inputTokens: 5, outputTokens: 1, cachedInputTokens: 9 } }, req) as { usage: { input_tokens: number } };
    assert.equal(odd.usage.input_tokens, 0);
  });

  it('rejects a body without content as an upstream error', () => {
    assert.throws(() => anthropicMessages.decodeResponse({ id: 'x' }), /unexpected response/);
  });
});
