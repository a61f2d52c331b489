/**
 * What a gateway key sees through the running gateway: rate-limit headers, /v1/models filtered to its models,
 * where the key is read from (and in which precedence), endpoints that need a key but do not count against
 * RPM/RPD, and GET /v1/usage reporting the caller's own limits and usage only.
 */
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { startFakeAnthropic, type FakeAnthropic } from '../helpers/fake-anthropic';
import { startFakeOpenAI, type FakeOpenAI } from '../helpers/fake-openai';
import { startGateway, type TestGateway } from '../helpers/gateway';
import type { CreateKeyOptions } from '../../src/gateway/policy/key-store';
import type { PrincipalDescription } from '../../src/gateway/policy/describe';

describe('gateway key access through the gateway: headers, model lists, key sources, /v1/usage', function () {
  this.timeout(30_000);
  let oa: FakeOpenAI;
  let an: FakeAnthropic;
  let gw: TestGateway;
  let seq = 0;

  const newKey = (opts: Omit<CreateKeyOptions, 'name'> = {}, name = `acc${++seq}`): { key: string; id: string; name: string } => {
    const { key, record } = gw.gateway.keys.create({ name, ...opts });
    return { key, id: record.id, name };
  };
  const openai = (key: string) => new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: key, maxRetries: 0 });
  const anthropic = (key: string) => new Anthropic({ baseURL: gw.url, apiKey: key, maxRetries: 0 });
  const usageOf = async (headers: Record<string, string>, query = ''): Promise<{ status: number; body: PrincipalDescription & { error?: { code: string } } }> => {
    const res = await fetch(`${gw.url}/v1/usage${query}`, { headers });
    return { status: res.status, body: (await res.json()) as PrincipalDescription & { error?: { code: string } } };
  };
  const chat = (key: string, extra: Record<string, unknown> = {}) => fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ model: 'gpt-fake', messages: [{ role: 'user', content: 'hi' }], ...extra }),
  });

  before(async () => {
    oa = await startFakeOpenAI({ models: ['gpt-fake', 'gpt-fake-mini'] });
    an = await startFakeAnthropic({ models: ['claude-fake'] });
    gw = await startGateway({
      providers: [
        { id: 'oa', type: 'openai', baseUrl: `${oa.url}/v1`, keys: [{ label: 'oa-main', key: 'sk-upstream-oa-0002' }], models: ['gpt-fake', 'gpt-fake-mini'] },
        { id: 'an', type: 'anthropic', baseUrl: `${an.url}/v1`, keys: [{ label: 'an-main', key: 'sk-ant-upstream-0002' }], models: ['claude-fake'] },
      ],
      modelMappings: [{ from: 'fast', to: 'oa/gpt-fake-mini' }],
    });
  });
  after(async () => { await gw?.close(); await oa?.close(); await an?.close(); });

  describe('x-ratelimit headers', () => {
    it('reports request limit and remaining requests (RPM) on each admitted response, JSON and streaming', async () => {
      const { key } = newKey({ rpm: 3 });
      const client = openai(key);
      const first = await client.chat.completions.create({ model: 'gpt-fake', messages: [{ role: 'user', content: 'a' }] }).withResponse();
      assert.equal(first.response.headers.get('x-ratelimit-limit-requests'), '3');
      assert.equal(first.response.headers.get('x-ratelimit-remaining-requests'), '2');
      const second = await client.chat.completions.create({ model: 'gpt-fake', stream: true, messages: [{ role: 'user', content: 'b' }] }).withResponse();
      assert.equal(second.response.headers.get('x-ratelimit-limit-requests'), '3');
      assert.equal(second.response.headers.get('x-ratelimit-remaining-requests'), '1');
      for await (const _ of second.data) { /* drain */ }
      // No token quota: no token headers.
      assert.equal(first.response.headers.get('x-ratelimit-limit-tokens'), null);
      assert.equal(first.response.headers.get('x-ratelimit-remaining-tokens'), null);
    });

    it('reports the daily request limit when only RPD is set, also on /v1/messages', async () => {
      const { key } = newKey({ rpd: 5 });
      const r = await anthropic(key).messages.create({ model: 'claude-fake', max_tokens: 20, messages: [{ role: 'user', content: 'x' }] }).withResponse();
      assert.equal(r.response.headers.get('x-ratelimit-limit-requests'), '5');
      assert.equal(r.response.headers.get('x-ratelimit-remaining-requests'), '4');
    });

    it('reports the token quota and what is left of it when a quota is set', async () => {
      const { key } = newKey({ quotaTokens: 100_000 });
      const client = openai(key);
      const first = await client.chat.completions.create({ model: 'gpt-fake', max_tokens: 50, messages: [{ role: 'user', content: 'quota one' }] }).withResponse();
      assert.equal(first.response.headers.get('x-ratelimit-limit-tokens'), '100000');
      // At admission nothing is used yet; this request's own reservation (its max_tokens) is held.
      assert.equal(first.response.headers.get('x-ratelimit-remaining-tokens'), String(100_000 - 50));
      const used = first.data.usage!.prompt_tokens + first.data.usage!.completion_tokens;
      assert.ok(used > 0);
      const second = await client.chat.completions.create({ model: 'gpt-fake', max_tokens: 50, messages: [{ role: 'user', content: 'quota two' }] }).withResponse();
      assert.equal(second.response.headers.get('x-ratelimit-limit-tokens'), '100000');
      assert.equal(second.response.headers.get('x-ratelimit-remaining-tokens'), String(100_000 - used - 50));
      // No request limit: no request headers.
      assert.equal(second.response.headers.get('x-ratelimit-limit-requests'), null);
    });

    it('sends no x-ratelimit headers for a key without limits', async () => {
      const res = await chat(gw.key);
      assert.equal(res.status, 200);
      for (const h of ['x-ratelimit-limit-requests', 'x-ratelimit-remaining-requests', 'x-ratelimit-limit-tokens', 'x-ratelimit-remaining-tokens']) {
        assert.equal(res.headers.get(h), null, h);
      }
    });
  });

  describe('/v1/models filtering', () => {
    it('lists everything (aliases included) for an unrestricted key', async () => {
      const ids = (await openai(gw.key).models.list()).data.map((m) => m.id).sort();
      assert.deepEqual(ids, ['claude-fake', 'fast', 'gpt-fake', 'gpt-fake-mini']);
    });

    it('lists only the models and aliases an allow list permits (OpenAI and Anthropic shapes)', async () => {
      const { key } = newKey({ models: ['gpt-fake', 'fa*'] });
      const ids = (await openai(key).models.list()).data.map((m) => m.id).sort();
      assert.deepEqual(ids, ['fast', 'gpt-fake']);
      const aids = (await anthropic(key).models.list()).data.map((m) => m.id).sort();
      assert.deepEqual(aids, ['fast', 'gpt-fake']);
    });

    it('hides denied models; deny wins over allow', async () => {
      const { key } = newKey({ models: ['gpt-*', 'claude-*'], denyModels: ['*-mini'] });
      const ids = (await openai(key).models.list()).data.map((m) => m.id).sort();
      assert.deepEqual(ids, ['claude-fake', 'gpt-fake']);
    });

    it('a listed alias is usable and an unlisted model is refused, naming the model', async () => {
      const { key } = newKey({ models: ['fast'] });
      const client = openai(key);
      const ok = await client.chat.completions.create({ model: 'fast', messages: [{ role: 'user', content: 'alias' }] });
      assert.match(ok.choices[0]!.message.content ?? '', /alias/);
      assert.equal(oa.lastChatBody().model, 'gpt-fake-mini');
      for (const model of ['gpt-fake-mini', 'oa/gpt-fake-mini']) {
        await assert.rejects(client.chat.completions.create({ model, messages: [{ role: 'user', content: 'x' }] }), (e: unknown) => {
          assert.ok(e instanceof OpenAI.PermissionDeniedError);
          assert.equal((e as InstanceType<typeof OpenAI.APIError>).code, 'model_not_allowed');
          assert.ok((e as Error).message.includes(model), (e as Error).message);
          return true;
        });
      }
    });
  });

  describe('where the key is read from', () => {
    let a: ReturnType<typeof newKey>, b: ReturnType<typeof newKey>, c: ReturnType<typeof newKey>, d: ReturnType<typeof newKey>;
    before(() => { a = newKey({}, 'src-bearer'); b = newKey({}, 'src-x-api-key'); c = newKey({}, 'src-goog'); d = newKey({}, 'src-query'); });

    it('accepts each source alone', async () => {
      assert.equal((await usageOf({ authorization: `Bearer ${a.key}` })).body.key.name, a.name);
      assert.equal((await usageOf({ 'x-api-key': b.key })).body.key.name, b.name);
      assert.equal((await usageOf({ 'x-goog-api-key': c.key })).body.key.name, c.name);
      assert.equal((await usageOf({}, `?key=${encodeURIComponent(d.key)}`)).body.key.name, d.name);
    });

    it('uses Authorization Bearer, then x-api-key, then x-goog-api-key, then ?key=', async () => {
      const q = `?key=${encodeURIComponent(d.key)}`;
      assert.equal((await usageOf({ authorization: `Bearer ${a.key}`, 'x-api-key': b.key, 'x-goog-api-key': c.key }, q)).body.key.name, a.name);
      assert.equal((await usageOf({ 'x-api-key': b.key, 'x-goog-api-key': c.key }, q)).body.key.name, b.name);
      assert.equal((await usageOf({ 'x-goog-api-key': c.key }, q)).body.key.name, c.name);
    });

    it('the first present source decides: a bad Bearer is not rescued by a good x-api-key', async () => {
      const r1 = await usageOf({ authorization: 'Bearer sb-nope', 'x-api-key': b.key });
      assert.equal(r1.status, 401);
      assert.equal(r1.body.error?.code, 'invalid_api_key');
      const r2 = await usageOf({ 'x-api-key': 'sb-nope', 'x-goog-api-key': c.key });
      assert.equal(r2.status, 401);
      const r3 = await usageOf({ 'x-goog-api-key': 'sb-nope' }, `?key=${encodeURIComponent(d.key)}`);
      assert.equal(r3.status, 401);
    });

    it('a chat through the Gemini-style ?key= parameter is attributed to that key', async () => {
      const res = await fetch(`${gw.url}/v1/chat/completions?key=${encodeURIComponent(d.key)}`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-fake', messages: [{ role: 'user', content: 'q' }] }),
      });
      assert.equal(res.status, 200);
      const u = await usageOf({}, `?key=${encodeURIComponent(d.key)}`);
      assert.equal(u.body.usage.total.requests, 1);
    });
  });

  describe('endpoints that need a key but do not count against RPM/RPD', () => {
    it('count_tokens, /v1/models and /v1/usage need a valid key', async () => {
      const none = [
        fetch(`${gw.url}/v1/models`),
        fetch(`${gw.url}/v1/usage`),
        fetch(`${gw.url}/v1/messages/count_tokens`, { method: 'POST', headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' }, body: JSON.stringify({ model: 'claude-fake', messages: [{ role: 'user', content: 'x' }] }) }),
      ];
      for (const res of await Promise.all(none)) {
        assert.equal(res.status, 401, res.url);
        assert.match(await res.text(), /missing_api_key|authentication_error/);
      }
      await assert.rejects(new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: 'sb-bad', maxRetries: 0 }).models.list(), OpenAI.AuthenticationError);
      await assert.rejects(anthropic('sb-bad').messages.countTokens({ model: 'claude-fake', messages: [{ role: 'user', content: 'x' }] }), Anthropic.AuthenticationError);
    });

    for (const limit of ['rpm', 'rpd'] as const) {
      it(`do not use up ${limit.toUpperCase()}: many of them, then exactly one chat is admitted`, async () => {
        const { key } = newKey({ [limit]: 1 });
        const oc = openai(key);
        const ac = anthropic(key);
        for (let i = 0; i < 3; i++) {
          assert.ok((await oc.models.list()).data.length > 0);
          const counted = await ac.messages.countTokens({ model: 'claude-fake', messages: [{ role: 'user', content: 'count me' }] });
          assert.ok(counted.input_tokens > 0);
          const u = await usageOf({ authorization: `Bearer ${key}` });
          assert.equal(u.status, 200);
        }
        const ok = await chat(key);
        assert.equal(ok.status, 200);
        assert.equal(ok.headers.get('x-ratelimit-remaining-requests'), '0');
        const refused = await chat(key);
        assert.equal(refused.status, 429);
        assert.equal(((await refused.json()) as { error: { code: string } }).error.code, `rate_limit_${limit}`);
        // Still usable after the limit is hit.
        assert.equal((await usageOf({ authorization: `Bearer ${key}` })).status, 200);
        const u = await usageOf({ authorization: `Bearer ${key}` });
        assert.equal(limit === 'rpm' ? u.body.current.requestsLastMinute : u.body.current.requestsToday, 1);
        assert.equal(u.body.remaining[limit === 'rpm' ? 'requestsThisMinute' : 'requestsToday'], 0);
      });
    }

    it('count_tokens still checks the model allow list', async () => {
      const { key } = newKey({ models: ['gpt-*'] });
      await assert.rejects(anthropic(key).messages.countTokens({ model: 'claude-fake', messages: [{ role: 'user', content: 'x' }] }), (e: unknown) => {
        assert.ok(e instanceof Anthropic.PermissionDeniedError);
        assert.match((e as Error).message, /claude-fake/);
        return true;
      });
    });
  });

  describe('streams and other endpoints', () => {
    it('streamed replies count against the token quota (OpenAI stream without include_usage, Anthropic stream)', async () => {
      const k1 = newKey({ quotaTokens: 5 });
      const stream = await openai(k1.key).chat.completions.create({ model: 'gpt-fake', stream: true, messages: [{ role: 'user', content: 'stream quota' }] });
      for await (const _ of stream) { /* drain */ }
      const refused = await chat(k1.key);
      assert.equal(refused.status, 429);
      assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'quota_exceeded');

      const k2 = newKey({ quotaTokens: 5 });
      const astream = anthropic(k2.key).messages.stream({ model: 'claude-fake', max_tokens: 20, messages: [{ role: 'user', content: 'stream quota' }] });
      await astream.finalMessage();
      await assert.rejects(anthropic(k2.key).messages.create({ model: 'claude-fake', max_tokens: 20, messages: [{ role: 'user', content: 'x' }] }), Anthropic.RateLimitError);
      const u = await usageOf({ 'x-api-key': k2.key });
      assert.ok(u.body.usage.total.outputTokens > 0, 'the streamed output was accounted');
    });

    it('the Responses API endpoint enforces the token cap and the model list with OpenAI-style errors', async () => {
      const { key } = newKey({ maxTokens: 100, models: ['gpt-fake'] });
      const client = openai(key);
      const before = oa.requests.length;
      await assert.rejects(client.responses.create({ model: 'gpt-fake', input: 'x', max_output_tokens: 500 }),
        (e: unknown) => e instanceof OpenAI.BadRequestError && (e as InstanceType<typeof OpenAI.APIError>).code === 'max_tokens_exceeded');
      await assert.rejects(client.responses.create({ model: 'gpt-fake-mini', input: 'x' }),
        (e: unknown) => e instanceof OpenAI.PermissionDeniedError && (e as InstanceType<typeof OpenAI.APIError>).code === 'model_not_allowed');
      assert.equal(oa.requests.length, before, 'refused before any upstream call');
    });
  });

  describe('GET /v1/usage', () => {
    it("returns the caller's own limits and usage only", async () => {
      const a = newKey({ rpm: 50, quotaTokens: 1_000_000, models: ['gpt-*'] }, 'usage-a');
      const b = newKey({ rpd: 7 }, 'usage-b');
      for (let i = 0; i < 2; i++) assert.equal((await chat(a.key)).status, 200);
      await anthropic(b.key).messages.create({ model: 'claude-fake', max_tokens: 20, messages: [{ role: 'user', content: 'b' }] });

      const { status, body } = await usageOf({ authorization: `Bearer ${a.key}` });
      assert.equal(status, 200);
      assert.equal(body.key.id, a.id);
      assert.equal(body.key.name, 'usage-a');
      assert.equal(body.key.hint, a.key.slice(-4));
      assert.deepEqual(body.limits, { rpm: 50, quotaTokens: 1_000_000, models: ['gpt-*'] });
      assert.equal(body.usage.total.requests, 2);
      assert.deepEqual(Object.keys(body.usage.models), ['gpt-fake']);
      assert.ok(body.usage.total.inputTokens > 0 && body.usage.total.outputTokens > 0);
      assert.equal(body.current.requestsLastMinute, 2);
      assert.equal(body.remaining.requestsThisMinute, 48);
      assert.equal(body.remaining.tokens, 1_000_000 - body.usage.total.inputTokens - body.usage.total.outputTokens);
      const text = JSON.stringify(body);
      for (const foreign of [b.id, 'usage-b', 'claude-fake', gw.key, a.key]) assert.ok(!text.includes(foreign), `usage must not mention ${foreign.slice(0, 12)}`);

      const other = await usageOf({ 'x-api-key': b.key });
      assert.equal(other.body.key.name, 'usage-b');
      assert.deepEqual(other.body.limits, { rpd: 7 });
      assert.equal(other.body.usage.total.requests, 1);
      assert.deepEqual(Object.keys(other.body.usage.models), ['claude-fake']);
      assert.ok(!JSON.stringify(other.body).includes(a.id));
    });
  });
});
