/**
 * Request rules (`requestRules`: default / force / remove by glob) applied to what reaches the upstream, on the
 * translated path (Anthropic inbound → OpenAI upstream) and on the identity path (OpenAI → OpenAI); checked in
 * the fake upstream's logged body.
 */
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { startFakeOpenAI, type FakeOpenAI } from '../helpers/fake-openai';
import { startGateway, type TestGateway } from '../helpers/gateway';

describe('request rules reach the upstream', () => {
  let fake: FakeOpenAI;
  let gw: TestGateway;
  let anthropic: Anthropic;
  let openai: OpenAI;

  before(async () => {
    fake = await startFakeOpenAI();
    gw = await startGateway({
      providers: [{ id: 'rp', type: 'openai', baseUrl: fake.baseURL, keys: [{ label: 'rk', key: 'sk-rules-secret-000001' }], models: ['gpt-rules-1', 'gpt-rules-2', 'plain-model'] }],
      modelMappings: [{ from: 'claude-via-rules', to: 'rp/gpt-rules-1' }],
      requestRules: [
        { match: 'gpt-rules-*', remove: ['temperature'], default: { top_p: 0.9, max_tokens: 5, 'metadata.origin': 'switchboard' }, force: { reasoning_effort: 'low', user: 'rule-0' } },
        { match: 'rp/gpt-rules-2', force: { user: 'rule-1', seed: 7 } },
        { match: 'nothing-*', force: { seed: 999 } },
      ],
    });
    anthropic = new Anthropic({ baseURL: gw.url, apiKey: gw.key, maxRetries: 0 });
    openai = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.key, maxRetries: 0 });
  });
  after(async () => { await gw.close(); await fake.close(); });

  it('translated (Anthropic → OpenAI): remove, default (only when absent) and force, by the upstream model', async () => {
    // `temperature` is a real Messages API field; this SDK version's types just do not list it.
    const params = { model: 'claude-via-rules', max_tokens: 77, temperature: 0.3, metadata: { user_id: 'caller' }, messages: [{ role: 'user', content: 'hello' }] };
    const r = await anthropic.messages.create(params as Anthropic.MessageCreateParamsNonStreaming);
    assert.deepEqual(r.content, [{ type: 'text', text: 'echo: hello' }]);
    const body = fake.lastChatBody();
    assert.equal(body.model, 'gpt-rules-1');
    assert.ok(!('temperature' in body), 'removed');
    assert.equal(body.max_tokens, 77, 'a default does not override what the request set');
    assert.equal(body.top_p, 0.9, 'a default fills what is absent');
    assert.deepEqual(body.metadata, { origin: 'switchboard' }, 'dotted paths create nested objects');
    assert.equal(body.reasoning_effort, 'low', 'forced');
    assert.equal(body.user, 'rule-0', 'force overrides the translated value');
    assert.ok(!('seed' in body), 'non-matching rules do nothing');
  });

  it('translated streaming requests get the rules too', async () => {
    const stream = anthropic.messages.stream({ model: 'claude-via-rules', max_tokens: 20, temperature: 1, messages: [{ role: 'user', content: 'stream' }] });
    const final = await stream.finalMessage();
    assert.deepEqual(final.content, [{ type: 'text', text: 'echo: stream' }]);
    const body = fake.lastChatBody();
    assert.equal(body.stream, true);
    assert.equal(body.reasoning_effort, 'low');
    assert.ok(!('temperature' in body));
  });

  it('a later rule matching "provider/model" overrides an earlier one', async () => {
    await anthropic.messages.create({ model: 'gpt-rules-2', max_tokens: 10, messages: [{ role: 'user', content: 'two' }] });
    const body = fake.lastChatBody();
    assert.equal(body.user, 'rule-1');
    assert.equal(body.seed, 7);
    assert.equal(body.reasoning_effort, 'low', 'the earlier rule still applied its other fields');
  });

  it('identity path (OpenAI → OpenAI): the caller\'s body gets the same rules', async () => {
    await openai.chat.completions.create({ model: 'gpt-rules-1', temperature: 0.2, max_tokens: 11, messages: [{ role: 'user', content: 'identity' }] });
    const body = fake.lastChatBody();
    assert.ok(!('temperature' in body));
    assert.equal(body.max_tokens, 11);
    assert.equal(body.top_p, 0.9);
    assert.equal(body.reasoning_effort, 'low');
    assert.equal(body.user, 'rule-0');
  });

  it('models no rule matches go through untouched', async () => {
    const sent = { model: 'plain-model', temperature: 0.2, messages: [{ role: 'user', content: 'plain' }] };
    await openai.chat.completions.create(sent as OpenAI.ChatCompletionCreateParamsNonStreaming);
    assert.deepEqual(fake.lastChatBody(), sent);
  });

  it('raw pass-through (X-Codex-Mode: raw) skips the rules', async () => {
    const sent = { model: 'gpt-rules-1', temperature: 0.2, messages: [{ role: 'user', content: 'raw' }] };
    await openai.chat.completions.create(sent as OpenAI.ChatCompletionCreateParamsNonStreaming, { headers: { 'x-codex-mode': 'raw' } });
    assert.deepEqual(fake.lastChatBody(), sent);
  });
});
