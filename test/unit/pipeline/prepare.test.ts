import assert from 'node:assert/strict';
import { withDefaults, type ProviderConfig } from '../../../src/gateway/config';
import type { ProtocolId } from '../../../src/gateway/core/model';
import { prepareCall, type BodyRewriter, type CallerRequest } from '../../../src/gateway/pipeline/prepare';
import { protocols } from '../../../src/gateway/protocols';
import { buildProvider } from '../../../src/gateway/providers/build';

const PROVIDERS: Record<string, ProviderConfig> = {
  'openai-chat': { id: 'oa', type: 'openai', keys: ['sk-1'], models: ['gpt-x'] },
  'anthropic-messages': { id: 'an', type: 'anthropic', keys: ['sk-2'], models: ['claude-x'] },
  'openai-responses': { id: 'rs', type: 'openai', keys: ['sk-3'], models: ['gpt-x'] },
  gemini: { id: 'gm', type: 'gemini', keys: ['sk-4'], models: ['gemini-x'] },
};
const config = withDefaults({ providers: Object.values(PROVIDERS) });
const runtimes = new Map(Object.entries(PROVIDERS).map(([p, c]) => [p, buildProvider(c, config)]));

function caller(protocol: ProtocolId, text: string | undefined, body: Record<string, unknown>, params: Record<string, string> = {}): CallerRequest {
  const inbound = { params, headers: {}, query: {} };
  return { protocol, body, text, inbound, canonical: protocols[protocol].decodeRequest(body, inbound), raw: false };
}

/** The upstream body with and without the caller's text: the same members, values and member order. */
function both(protocol: ProtocolId, text: string, model: string, rewrite?: BodyRewriter, params?: Record<string, string>): { fast: string; slow: string } {
  const body = JSON.parse(text) as Record<string, unknown>;
  const provider = runtimes.get(protocol)!;
  const fast = prepareCall(caller(protocol, text, body, params), provider, model, rewrite);
  const slow = prepareCall(caller(protocol, undefined, body, params), provider, model, rewrite);
  assert.ok(fast.identity && slow.identity);
  assert.deepEqual({ ...fast, body: '' }, { ...slow, body: '' });
  assert.equal(JSON.stringify(JSON.parse(fast.body)), slow.body, `${text} → ${fast.body}`);
  return { fast: fast.body, slow: slow.body };
}

describe('prepareCall on the identity path', () => {
  it('edits the caller\'s text instead of re-serializing the body, with the same result', () => {
    const messages = '[{"role":"user","content":"hi \\"there\\" {}"}]';
    both('openai-chat', `{"model":"alias","messages":${messages},"max_tokens":10}`, 'gpt-x');
    both('openai-chat', `{ "messages" : ${messages} ,\n "model" : "alias" }`, 'gpt-x');
    both('openai-chat', `{"messages":${messages},"model":"gpt-x"}`, 'gpt-x');
    // Streams ask for usage: appended, or merged into the caller's own stream_options.
    both('openai-chat', `{"model":"alias","messages":${messages},"stream":true}`, 'gpt-x');
    both('openai-chat', `{"model":"alias","stream_options":{"x":1,"include_usage":false},"messages":${messages},"stream":true}`, 'gpt-x');
    both('openai-chat', `{"stream_options":null,"messages":${messages},"stream":true,"model":"alias"}`, 'gpt-x');
    both('openai-chat', `{"model":"gpt-x","messages":${messages},"stream":true,"stream_options":{"include_usage":true}}`, 'gpt-x');
    both('anthropic-messages', `{"model":"alias","max_tokens":5,"messages":${messages},"stream":true}`, 'claude-x');
    both('openai-responses', '{"model":"alias","input":"hi","stream":true}', 'gpt-x');
    both('gemini', '{"contents":[{"role":"user","parts":[{"text":"hi"}]}]}', 'gemini-x', undefined, { model: 'alias', action: 'generateContent' });
  });

  it('keeps the caller\'s spelling of everything it does not change', () => {
    const { fast } = both('openai-chat', '{"model":"alias","messages":[{"role":"user","content":"caf\\u00e9"}],"seed":12345678901234567890,"temperature":1.0}', 'gpt-x');
    assert.equal(fast, '{"model":"gpt-x","messages":[{"role":"user","content":"caf\\u00e9"}],"seed":12345678901234567890,"temperature":1.0}');
  });

  it('serializes when the text cannot be edited safely, or request rules changed the body', () => {
    // A duplicate member: JSON.parse kept the last, the text has both.
    const dup = both('openai-chat', '{"model":"a","model":"alias","messages":[{"role":"user","content":"x"}]}', 'gpt-x');
    assert.equal(dup.fast, dup.slow);
    const escaped = both('openai-chat', '{"mod\\u0065l":"alias","messages":[{"role":"user","content":"x"}]}', 'gpt-x');
    assert.equal(escaped.fast, escaped.slow);
    const rewrite: BodyRewriter = (body) => ({ ...body, temperature: 0 });
    const ruled = both('openai-chat', '{"model":"alias","messages":[{"role":"user","content":"x"}]}', 'gpt-x', rewrite);
    assert.equal(ruled.fast, ruled.slow);
    // Rules that change nothing leave the caller's text in use.
    const same = both('openai-chat', '{"model":"alias", "messages":[{"role":"user","content":"x"}]}', 'gpt-x', (body) => body);
    assert.equal(same.fast, '{"model":"gpt-x", "messages":[{"role":"user","content":"x"}]}');
  });
});

describe('prepareCall with a text that no longer matches the body', () => {
  it('serializes the body when a member was added after parsing', () => {
    const text = '{"model":"alias","input":"hi"}';
    const body = { ...JSON.parse(text) as Record<string, unknown>, instructions: 'Be brief.' };
    const call = prepareCall(caller('openai-responses', text, body), runtimes.get('openai-responses')!, 'gpt-x');
    assert.equal(call.body, '{"model":"gpt-x","input":"hi","instructions":"Be brief."}');
  });
});
