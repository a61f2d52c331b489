/**
 * A gateway key's deny list covers the targets a model maps to, not only the name asked for: an alias cannot lead
 * to a denied model. Denied targets are skipped by failover; a request whose every target is denied is refused
 * (403 model_not_allowed) before anything goes upstream and consumes nothing. Allow lists cover the name only.
 */
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { startFakeAnthropic, type FakeAnthropic } from '../helpers/fake-anthropic';
import { startFakeOpenAI, type FakeOpenAI } from '../helpers/fake-openai';
import { startGateway, type TestGateway } from '../helpers/gateway';
import type { CreateKeyOptions } from '../../src/gateway/policy/key-store';
import type { PrincipalDescription } from '../../src/gateway/policy/describe';

describe('gateway key deny lists cover mapped targets', function () {
  this.timeout(30_000);
  let oa: FakeOpenAI;
  let ob: FakeOpenAI;
  let an: FakeAnthropic;
  let gw: TestGateway;
  let seq = 0;

  const newKey = (opts: Omit<CreateKeyOptions, 'name'> = {}): string => gw.gateway.keys.create({ name: `deny${++seq}`, ...opts }).key;
  const openai = (key: string) => new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: key, maxRetries: 0 });
  const anthropic = (key: string) => new Anthropic({ baseURL: gw.url, apiKey: key, maxRetries: 0 });
  const post = (key: string, path: string, body: Record<string, unknown>, headers: Record<string, string> = {}) => fetch(`${gw.url}${path}`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, ...headers }, body: JSON.stringify(body),
  });
  const chat = (key: string, model: string, extra: Record<string, unknown> = {}) =>
    post(key, '/v1/chat/completions', { model, messages: [{ role: 'user', content: `hi ${model}` }], ...extra });
  /** Every request any upstream has seen so far. */
  const upstreamCalls = (): number => oa.requests.length + ob.requests.length + an.requests.length;
  const expectDenied = async (res: Response, model: string): Promise<void> => {
    assert.equal(res.status, 403);
    const body = (await res.json()) as { error: { code?: string; message: string; type: string } };
    assert.equal(body.error.code, 'model_not_allowed');
    assert.ok(body.error.message.includes(model), body.error.message);
  };
  const listed = async (key: string): Promise<string[]> => (await openai(key).models.list()).data.map((m) => m.id).sort();

  before(async () => {
    oa = await startFakeOpenAI({ models: ['gpt-4o', 'gpt-4o-mini', 'gpt-3.5-turbo'] });
    ob = await startFakeOpenAI({ models: ['llama-3'] });
    an = await startFakeAnthropic({ models: ['claude-fake'] });
    gw = await startGateway({
      providers: [
        { id: 'oa', type: 'openai', baseUrl: `${oa.url}/v1`, keys: [{ label: 'oa-main', key: 'sk-upstream-oa-0003' }], models: ['gpt-4o', 'gpt-4o-mini', 'gpt-3.5-turbo'] },
        { id: 'ob', type: 'openai-compatible', baseUrl: `${ob.url}/v1`, keys: [{ label: 'ob-main', key: 'sk-upstream-ob-0003' }], models: ['llama-3'] },
        { id: 'an', type: 'anthropic', baseUrl: `${an.url}/v1`, keys: [{ label: 'an-main', key: 'sk-ant-upstream-0003' }], models: ['claude-fake'] },
      ],
      modelMappings: [
        { from: 'cheap', to: 'oa/gpt-4o' },
        { from: 'chain', to: ['oa/gpt-4o', 'ob/llama-3'] },
        { from: 'local', to: 'ob/llama-3' },
        { from: 'sonnet', to: 'an/claude-fake' },
      ],
    });
  });
  after(async () => { await gw?.close(); await oa?.close(); await ob?.close(); await an?.close(); });

  it('refuses an alias whose only target is denied, on every endpoint, before anything goes upstream', async () => {
    const key = newKey({ denyModels: ['gpt-4o*'] });
    const before = upstreamCalls();
    await expectDenied(await chat(key, 'cheap'), 'cheap');
    await expectDenied(await chat(key, 'cheap', { stream: true }), 'cheap');
    await expectDenied(await post(key, '/v1/responses', { model: 'cheap', input: 'x' }), 'cheap');
    await expectDenied(await post(key, '/v1/completions', { model: 'cheap', prompt: 'x' }), 'cheap');
    await expectDenied(await post(key, '/v1/embeddings', { model: 'cheap', input: 'x' }), 'cheap');
    await assert.rejects(anthropic(key).messages.create({ model: 'cheap', max_tokens: 20, messages: [{ role: 'user', content: 'x' }] }), (e: unknown) => {
      assert.ok(e instanceof Anthropic.PermissionDeniedError);
      assert.match((e as Error).message, /cheap/);
      return true;
    });
    // The provider-prefix form reaches the same upstream model under another name.
    await expectDenied(await chat(key, 'oa/gpt-4o'), 'oa/gpt-4o');
    assert.equal(upstreamCalls(), before, 'nothing reached an upstream');
  });

  it('serves a chain alias from the first target the key may reach (the denied one is never attempted)', async () => {
    const key = newKey({ denyModels: ['gpt-4o*'] });
    const oaBefore = oa.chatRequests().length;
    for (const stream of [false, true]) {
      const res = await chat(key, 'chain', { stream });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('x-switchboard-provider'), 'ob');
      assert.equal(res.headers.get('x-mapped-model'), 'llama-3');
      await res.text();
      assert.equal(ob.lastChatBody().model, 'llama-3');
    }
    assert.equal(oa.chatRequests().length, oaBefore, 'the denied target got no attempt');
  });

  it('matches the provider/model form of a target', async () => {
    const key = newKey({ denyModels: ['ob/*'] });
    const before = upstreamCalls();
    await expectDenied(await chat(key, 'local'), 'local');
    // Listed by provider ob only: its target is ob/llama-3.
    await expectDenied(await chat(key, 'llama-3'), 'llama-3');
    assert.equal(upstreamCalls(), before);
    const res = await chat(key, 'chain');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-switchboard-provider'), 'oa');
    assert.equal(oa.lastChatBody().model, 'gpt-4o');
  });

  it('applies the allow list to the name asked for only', async () => {
    const key = newKey({ models: ['cheap'] });
    const res = await chat(key, 'cheap');
    assert.equal(res.status, 200);
    assert.equal(oa.lastChatBody().model, 'gpt-4o');
    await expectDenied(await chat(key, 'gpt-4o'), 'gpt-4o');
  });

  it('refuses count_tokens (Anthropic and Gemini) for a model whose every target is denied', async () => {
    const key = newKey({ denyModels: ['claude-*', 'gpt-4o*'] });
    const before = upstreamCalls();
    const count = (model: string) => post(key, '/v1/messages/count_tokens', { model, messages: [{ role: 'user', content: 'count me' }] }, { 'anthropic-version': '2023-06-01' });
    for (const model of ['sonnet', 'cheap']) {
      const res = await count(model);
      assert.equal(res.status, 403);
      const body = (await res.json()) as { error: { type: string; message: string } };
      assert.equal(body.error.type, 'permission_error');
      assert.match(body.error.message, new RegExp(model));
    }
    const gemini = await fetch(`${gw.url}/v1beta/models/cheap:countTokens`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-goog-api-key': key },
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'count me' }] }] }),
    });
    assert.equal(gemini.status, 403);
    assert.equal(upstreamCalls(), before, 'the Anthropic upstream was not asked to count');
    // A chain with a reachable target is counted (estimated: ob is not Anthropic).
    const ok = await count('chain');
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('x-switchboard-token-count'), 'estimate');
    const geminiOk = await fetch(`${gw.url}/v1beta/models/chain:countTokens`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-goog-api-key': key },
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'count me' }] }] }),
    });
    assert.equal(geminiOk.status, 200);
  });

  it('hides from /v1/models the names whose every target is denied', async () => {
    assert.deepEqual(await listed(newKey({ denyModels: ['gpt-4o*'] })),
      ['chain', 'claude-fake', 'gpt-3.5-turbo', 'llama-3', 'local', 'sonnet']);
    assert.deepEqual(await listed(newKey({ denyModels: ['ob/*'] })),
      ['chain', 'cheap', 'claude-fake', 'gpt-3.5-turbo', 'gpt-4o', 'gpt-4o-mini', 'sonnet']);
  });

  it('leaves a key without a deny list unaffected', async () => {
    const key = newKey({ rpm: 10 });
    const res = await chat(key, 'cheap');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-switchboard-provider'), 'oa');
    assert.equal(oa.lastChatBody().model, 'gpt-4o');
    const chained = await chat(key, 'chain');
    assert.equal(chained.headers.get('x-switchboard-provider'), 'oa');
    assert.deepEqual(await listed(key),
      ['chain', 'cheap', 'claude-fake', 'gpt-3.5-turbo', 'gpt-4o', 'gpt-4o-mini', 'llama-3', 'local', 'sonnet']);
  });

  it('a refused request consumes no RPM', async () => {
    const key = newKey({ denyModels: ['gpt-4o*'], rpm: 1 });
    for (let i = 0; i < 3; i++) await expectDenied(await chat(key, 'cheap'), 'cheap');
    const ok = await chat(key, 'chain');
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('x-ratelimit-remaining-requests'), '0');
    const usage = (await (await fetch(`${gw.url}/v1/usage`, { headers: { authorization: `Bearer ${key}` } })).json()) as PrincipalDescription;
    assert.equal(usage.current.requestsLastMinute, 1);
    assert.equal(usage.current.inFlight, 0);
    const limited = await chat(key, 'chain');
    assert.equal(limited.status, 429);
  });

  it('checks only what routes now before admission: a refused request for an unknown model calls no upstream', async () => {
    const disc = await startFakeOpenAI({ models: ['gpt-4o'] });
    const g = await startGateway({ providers: [{ id: 'disc', type: 'openai', baseUrl: `${disc.url}/v1`, keys: [{ label: 'd', key: 'sk-upstream-disc-0001' }] }] });
    try {
      const key = g.gateway.keys.create({ name: 'deny-rpm', rpm: 1, denyModels: ['zzz*'] }).key;
      const send = (model: string) => fetch(`${g.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify({ model, messages: [{ role: 'user', content: 'x' }] }) });
      const first = await send('gpt-4o');
      assert.equal(first.status, 200, 'served from the discovered list');
      await first.arrayBuffer();
      const modelCalls = () => disc.requests.filter((r) => r.url.includes('/models')).length;
      const before = modelCalls();
      for (let i = 0; i < 3; i++) {
        const r = await send(`unknown-${i}`);
        assert.equal(r.status, 429, 'over its RPM');
        await r.arrayBuffer();
      }
      assert.equal(modelCalls(), before, 'no model-list refresh for a request that was refused');
    } finally {
      await g.close();
      await disc.close();
    }
  });
});
