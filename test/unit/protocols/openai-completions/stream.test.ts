/** Chat chunk SSE → legacy text_completion chunks, fed in arbitrary splits. */
import assert from 'node:assert/strict';
import { decodeSseText } from '../../../../src/gateway/sse/decode';
import { encodeCompletionStream } from '../../../../src/gateway/protocols/openai-completions/stream';
import { encodeCompletionResponse } from '../../../../src/gateway/protocols/openai-completions/response';
import { promptText, toChatBody } from '../../../../src/gateway/protocols/openai-completions/request';

const chunk = (delta: object, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: 'chatcmpl-abc', object: 'chat.completion.chunk', created: 5, model: 'm', choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] })}\n\n`;

describe('openai-completions stream encoder', () => {
  const chat = [chunk({ role: 'assistant', content: '' }), chunk({ reasoning_content: 'hmm' }), chunk({ content: 'Hel' }), chunk({ content: 'lo' }), chunk({}, 'length'), 'data: [DONE]\n\n'].join('');

  for (const size of [1, 7, 50, chat.length]) {
    it(`gives the same chunks when fed ${size} characters at a time`, () => {
      const enc = encodeCompletionStream('P:');
      let out = '';
      for (let i = 0; i < chat.length; i += size) out += enc.push(chat.slice(i, i + size));
      out += enc.finish();
      const events = decodeSseText(out);
      assert.equal(events.at(-1)!.data, '[DONE]');
      const parsed = events.slice(0, -1).map((e) => JSON.parse(e.data) as { id: string; object: string; choices: Array<{ text: string; finish_reason: string | null }> });
      assert.deepEqual(parsed.map((p) => p.choices[0]!.text), ['P:', 'Hel', 'lo', '']);
      assert.deepEqual(parsed.map((p) => p.choices[0]!.finish_reason), [null, null, null, 'length']);
      assert.ok(parsed.every((p) => p.id === 'cmpl-abc' && p.object === 'text_completion'));
    });
  }

  it('passes error frames through', () => {
    const enc = encodeCompletionStream('');
    const err = 'data: {"error":{"message":"boom","type":"api_error","param":null,"code":"x"}}\n\n';
    assert.equal(enc.push(err), err);
  });

  it('converts a whole chat completion with echo and usage', () => {
    const out = encodeCompletionResponse({ id: 'chatcmpl-1', created: 9, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: 'world' }, finish_reason: 'stop' }], usage: { prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 } }, 'hello ');
    assert.deepEqual(out, { id: 'cmpl-1', object: 'text_completion', created: 9, model: 'm', choices: [{ text: 'hello world', index: 0, logprobs: null, finish_reason: 'stop' }], usage: { prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 } });
  });

  it('builds the chat body with the legacy 16-token default and refuses batches', () => {
    assert.deepEqual(toChatBody({ model: 'm', prompt: 'x', stop: 'END', stream: true, stream_options: { include_usage: true } }),
      { model: 'm', messages: [{ role: 'user', content: 'x' }], max_tokens: 16, stream: true, stop: 'END', stream_options: { include_usage: true } });
    assert.equal(promptText({ prompt: ['only'] }), 'only');
    assert.throws(() => promptText({ prompt: ['a', 'b'] }), /batch/);
  });
});
