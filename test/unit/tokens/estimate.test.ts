import assert from 'node:assert/strict';
import type { ChatRequest } from '../../../src/gateway/core/model';
import { countTokensResponse, estimateInputTokens, UNKNOWN_IMAGE_TOKENS } from '../../../src/gateway/tokens/estimate';

const req = (text: string, extra: Partial<ChatRequest> = {}): ChatRequest =>
  ({ model: 'm', stream: false, messages: [{ role: 'user', parts: [{ type: 'text', text }] }], ...extra });

describe('tokens/estimate', () => {
  it('never returns 0, even for an empty request', () => {
    assert.ok(estimateInputTokens({ model: 'm', stream: false, messages: [] }) >= 1);
    assert.ok(estimateInputTokens(req('')) >= 1);
    assert.ok(countTokensResponse(req('hi')).input_tokens > 0);
  });

  it('grows with more text', () => {
    const short = estimateInputTokens(req('hello world'));
    const long = estimateInputTokens(req('hello world '.repeat(200)));
    assert.ok(long > short * 50, `${long} vs ${short}`);
  });

  it('is in the right range for plain English (o200k: about 4 characters per token)', () => {
    const text = 'The quick brown fox jumps over the lazy dog. '.repeat(100);
    const n = estimateInputTokens(req(text));
    assert.ok(n > text.length / 8 && n < text.length / 2, String(n));
  });

  it('counts system prompts, tool definitions, tool calls, results and images', () => {
    const plain = estimateInputTokens(req('q'));
    const withSystem = estimateInputTokens({ ...req('q'), messages: [{ role: 'system', parts: [{ type: 'text', text: 'You are a careful assistant.' }] }, ...req('q').messages] });
    assert.ok(withSystem > plain);
    const withTools = estimateInputTokens(req('q', { tools: [{ name: 'read_file', description: 'Reads a file', parameters: { type: 'object', properties: { path: { type: 'string' } } } }] }));
    assert.ok(withTools > plain + 300);
    const withImage = estimateInputTokens({ ...req('q'), messages: [{ role: 'user', parts: [{ type: 'text', text: 'q' }, { type: 'image', source: { kind: 'url', url: 'https://x/y.png' } }] }] });
    assert.ok(withImage >= plain + UNKNOWN_IMAGE_TOKENS);
    const withTurn = estimateInputTokens({ ...req('q'), messages: [...req('q').messages,
      { role: 'assistant', parts: [{ type: 'tool-call', callId: 'c', name: 'read_file', argsJson: '{"path":"/etc/hosts"}' }] },
      { role: 'tool', parts: [{ type: 'tool-result', callId: 'c', content: [{ type: 'text', text: '127.0.0.1 localhost' }] }] }] });
    assert.ok(withTurn > plain + 10);
  });

  it('does not throw on special-token text', () => {
    assert.ok(estimateInputTokens(req('<|endoftext|> <|im_start|>')) > 1);
  });
});
