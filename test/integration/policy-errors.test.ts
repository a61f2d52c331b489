/**
 * The access policy's refusals through the running gateway, seen by the official SDKs (openai@6, @anthropic-ai/sdk)
 * and by raw HTTP: every row of the keys issue's table with its status, code, body shape, SDK error class and
 * Retry-After, on the OpenAI endpoint (/v1/chat/completions) and on the Anthropic endpoint (/v1/messages).
 */
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { startFakeAnthropic, type FakeAnthropic } from '../helpers/fake-anthropic';
import { startFakeOpenAI, type FakeOpenAI } from '../helpers/fake-openai';
import { startGateway, type TestGateway } from '../helpers/gateway';
import type { CreateKeyOptions } from '../../src/gateway/policy/key-store';

/** An SDK error class (each has its own constructor signature). */
type ErrorClass = new (...args: never[]) => Error;
type OpenAIErrorClass = ErrorClass;
type AnthropicErrorClass = ErrorClass;

/** One row of the table: how to get a key whose next chat request fails, and what the failure looks like. */
interface Row {
  code: string;
  status: number;
  openaiType: string;
  anthropicType: string;
  openaiClass: OpenAIErrorClass;
  anthropicClass: AnthropicErrorClass;
  /** Retry-After expected: a number of seconds range, or 'absent'. */
  retryAfter?: { min: number; max: number } | 'absent';
  /** Text the message must contain (per endpoint). */
  messageHas?: (model: string) => string;
  /** Request body extras. */
  maxTokens?: number;
  /** Returns the credential to send (undefined: none); may exhaust a fresh key first through `endpoint`. */
  prepare(endpoint: Endpoint): Promise<string | undefined>;
}

type Endpoint = 'openai' | 'anthropic';

const MODEL: Record<Endpoint, string> = { openai: 'gpt-fake', anthropic: 'claude-fake' };

describe('gateway key policy through the gateway (SDKs and raw HTTP)', function () {
  this.timeout(30_000);
  let oa: FakeOpenAI;
  let an: FakeAnthropic;
  let gw: TestGateway;
  let seq = 0;

  const newKey = (opts: Omit<CreateKeyOptions, 'name'>): { key: string; id: string } => {
    const { key, record } = gw.gateway.keys.create({ name: `k${++seq}`, ...opts });
    return { key, id: record.id };
  };

  /** A raw chat request on `endpoint` with `credential` in the header each SDK uses. */
  const rawChat = (endpoint: Endpoint, credential: string | undefined, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) => {
    if (endpoint === 'openai') {
      return fetch(`${gw.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(credential !== undefined ? { authorization: `Bearer ${credential}` } : {}), ...headers },
        body: JSON.stringify({ model: MODEL.openai, messages: [{ role: 'user', content: 'hi' }], ...extra }),
      });
    }
    return fetch(`${gw.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', ...(credential !== undefined ? { 'x-api-key': credential } : {}), ...headers },
      body: JSON.stringify({ model: MODEL.anthropic, max_tokens: 64, messages: [{ role: 'user', content: 'hi' }], ...extra }),
    });
  };

  /** Makes one successful chat on `endpoint` (to use up a limit). */
  const succeed = async (endpoint: Endpoint, credential: string): Promise<Response> => {
    const res = await rawChat(endpoint, credential);
    assert.equal(res.status, 200, `setup request on ${endpoint}: ${await res.clone().text()}`);
    await res.arrayBuffer();
    return res;
  };

  const openaiClient = (credential: string | undefined) => credential === undefined
    ? new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: 'unused', maxRetries: 0, defaultHeaders: { Authorization: null } })
    : new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: credential, maxRetries: 0 });
  const anthropicClient = (credential: string | undefined) => credential === undefined
    ? new Anthropic({ baseURL: gw.url, apiKey: null, authToken: null, maxRetries: 0, defaultHeaders: { 'x-api-key': null, authorization: null } })
    : new Anthropic({ baseURL: gw.url, apiKey: credential, maxRetries: 0 });

  before(async () => {
    oa = await startFakeOpenAI({ models: ['gpt-fake', 'gpt-fake-mini'] });
    an = await startFakeAnthropic({ models: ['claude-fake'] });
    gw = await startGateway({
      providers: [
        { id: 'oa', type: 'openai', baseUrl: `${oa.url}/v1`, keys: [{ label: 'oa-main', key: 'sk-upstream-oa-0001' }], models: ['gpt-fake', 'gpt-fake-mini'] },
        { id: 'an', type: 'anthropic', baseUrl: `${an.url}/v1`, keys: [{ label: 'an-main', key: 'sk-ant-upstream-0001' }], models: ['claude-fake'] },
      ],
      modelMappings: [{ from: 'fast', to: 'oa/gpt-fake-mini' }],
    });
  });
  after(async () => { await gw?.close(); await oa?.close(); await an?.close(); });

  const rows: Row[] = [
    {
      code: 'missing_api_key', status: 401, openaiType: 'authentication_error', anthropicType: 'authentication_error',
      openaiClass: OpenAI.AuthenticationError, anthropicClass: Anthropic.AuthenticationError,
      prepare: async () => undefined,
    },
    {
      code: 'invalid_api_key', status: 401, openaiType: 'authentication_error', anthropicType: 'authentication_error',
      openaiClass: OpenAI.AuthenticationError, anthropicClass: Anthropic.AuthenticationError,
      prepare: async () => 'sb-' + 'x'.repeat(40),
    },
    {
      code: 'api_key_disabled', status: 403, openaiType: 'permission_error', anthropicType: 'permission_error',
      openaiClass: OpenAI.PermissionDeniedError, anthropicClass: Anthropic.PermissionDeniedError,
      prepare: async () => { const k = newKey({}); gw.gateway.keys.disable(k.id); return k.key; },
    },
    {
      code: 'api_key_expired', status: 401, openaiType: 'authentication_error', anthropicType: 'authentication_error',
      openaiClass: OpenAI.AuthenticationError, anthropicClass: Anthropic.AuthenticationError,
      prepare: async () => newKey({ expiresAt: Date.now() - 1000 }).key,
    },
    {
      code: 'model_not_allowed', status: 403, openaiType: 'permission_error', anthropicType: 'permission_error',
      openaiClass: OpenAI.PermissionDeniedError, anthropicClass: Anthropic.PermissionDeniedError,
      messageHas: (model) => model,
      prepare: async () => newKey({ models: ['other-*'] }).key,
    },
    {
      code: 'max_tokens_exceeded', status: 400, openaiType: 'invalid_request_error', anthropicType: 'invalid_request_error',
      openaiClass: OpenAI.BadRequestError, anthropicClass: Anthropic.BadRequestError, maxTokens: 500,
      messageHas: () => '100',
      prepare: async () => newKey({ maxTokens: 100 }).key,
    },
    {
      code: 'quota_exceeded', status: 429, openaiType: 'rate_limit_error', anthropicType: 'rate_limit_error',
      openaiClass: OpenAI.RateLimitError, anthropicClass: Anthropic.RateLimitError,
      // A lifetime quota does not come back by waiting: the policy sends no Retry-After.
      retryAfter: 'absent',
      prepare: async (ep) => { const k = newKey({ quotaTokens: 5 }).key; await succeed(ep, k); return k; },
    },
    {
      code: 'quota_exceeded', status: 429, openaiType: 'rate_limit_error', anthropicType: 'rate_limit_error',
      openaiClass: OpenAI.RateLimitError, anthropicClass: Anthropic.RateLimitError,
      // A daily quota comes back at local midnight.
      retryAfter: { min: 1, max: 25 * 3600 },
      prepare: async (ep) => { const k = newKey({ quotaTokensPerDay: 5 }).key; await succeed(ep, k); return k; },
    },
    {
      code: 'rate_limit_rpm', status: 429, openaiType: 'rate_limit_error', anthropicType: 'rate_limit_error',
      openaiClass: OpenAI.RateLimitError, anthropicClass: Anthropic.RateLimitError, retryAfter: { min: 1, max: 60 },
      prepare: async (ep) => { const k = newKey({ rpm: 2 }).key; await succeed(ep, k); await succeed(ep, k); return k; },
    },
    {
      code: 'rate_limit_rpd', status: 429, openaiType: 'rate_limit_error', anthropicType: 'rate_limit_error',
      openaiClass: OpenAI.RateLimitError, anthropicClass: Anthropic.RateLimitError, retryAfter: { min: 1, max: 25 * 3600 },
      prepare: async (ep) => { const k = newKey({ rpd: 1 }).key; await succeed(ep, k); return k; },
    },
  ];

  for (const row of rows) {
    const label = `${row.status} ${row.code}${row.retryAfter && row.retryAfter !== 'absent' && row.code === 'quota_exceeded' ? ' (daily)' : ''}`;

    it(`${label}: OpenAI-style body on /v1/chat/completions and the SDK's error class`, async () => {
      const credential = await row.prepare('openai');
      const upstreamBefore = oa.chatRequests().length;
      const extra = row.maxTokens !== undefined ? { max_tokens: row.maxTokens } : {};
      const res = await rawChat('openai', credential, extra);
      const body = (await res.json()) as { error: { message: string; type: string; code: string } };
      assert.equal(res.status, row.status, JSON.stringify(body));
      assert.equal(body.error.code, row.code);
      assert.equal(body.error.type, row.openaiType);
      assert.equal(typeof body.error.message, 'string');
      if (row.messageHas) assert.ok(body.error.message.includes(row.messageHas(MODEL.openai)), body.error.message);
      checkRetryAfter(res.headers.get('retry-after'), row.retryAfter);

      const client = openaiClient(credential);
      await assert.rejects(
        client.chat.completions.create({ model: MODEL.openai, messages: [{ role: 'user', content: 'hi' }], ...extra }),
        (e: unknown) => {
          assert.ok(e instanceof row.openaiClass, `expected ${row.openaiClass.name}, got ${String(e)}`);
          const err = e as InstanceType<typeof OpenAI.APIError>;
          assert.equal(err.status, row.status);
          assert.equal(err.code, row.code);
          assert.equal(err.type, row.openaiType);
          return true;
        },
      );
      // A second raw request, this time with max_completion_tokens, for the token cap row.
      if (row.code === 'max_tokens_exceeded') {
        const r2 = await rawChat('openai', credential, { max_completion_tokens: 101 });
        assert.equal(r2.status, 400);
        assert.equal(((await r2.json()) as { error: { code: string } }).error.code, 'max_tokens_exceeded');
      }
      assert.equal(oa.chatRequests().length, upstreamBefore, 'a refused request never reaches the upstream');
    });

    it(`${label}: Anthropic-style body on /v1/messages and the SDK's error class`, async () => {
      const credential = await row.prepare('anthropic');
      const upstreamBefore = an.messageRequests().length;
      const extra = row.maxTokens !== undefined ? { max_tokens: row.maxTokens } : {};
      const res = await rawChat('anthropic', credential, extra);
      const body = (await res.json()) as { type: string; error: { type: string; message: string } };
      assert.equal(res.status, row.status, JSON.stringify(body));
      assert.equal(body.type, 'error');
      assert.equal(body.error.type, row.anthropicType);
      assert.equal(typeof body.error.message, 'string');
      if (row.messageHas) assert.ok(body.error.message.includes(row.messageHas(MODEL.anthropic)), body.error.message);
      checkRetryAfter(res.headers.get('retry-after'), row.retryAfter);

      const client = anthropicClient(credential);
      await assert.rejects(
        client.messages.create({ model: MODEL.anthropic, max_tokens: row.maxTokens ?? 64, messages: [{ role: 'user', content: 'hi' }] }),
        (e: unknown) => {
          assert.ok(e instanceof row.anthropicClass, `expected ${row.anthropicClass.name}, got ${String(e)}`);
          const err = e as InstanceType<typeof Anthropic.APIError>;
          assert.equal(err.status, row.status);
          assert.equal(err.type, row.anthropicType);
          return true;
        },
      );
      assert.equal(an.messageRequests().length, upstreamBefore, 'a refused request never reaches the upstream');
    });
  }

  function checkRetryAfter(value: string | null, want: Row['retryAfter']): void {
    if (want === undefined) return;
    if (want === 'absent') { assert.equal(value, null, 'no Retry-After'); return; }
    assert.ok(value !== null && /^\d+$/.test(value), `Retry-After is whole seconds: ${value}`);
    const n = Number(value);
    assert.ok(n >= want.min && n <= want.max, `Retry-After ${n} within [${want.min}, ${want.max}]`);
  }

  it('429 concurrent_limit while the key has a request in flight, on both endpoints and SDKs', async () => {
    const { key } = newKey({ concurrency: 1 });
    // Hold one request open upstream.
    oa.enqueue({ kind: 'hang' });
    const holder = new AbortController();
    const first = fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST', signal: holder.signal,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ model: 'gpt-fake', messages: [{ role: 'user', content: 'hold' }] }),
    }).catch(() => undefined);
    await waitFor(() => oa.chatRequests().some((r) => JSON.stringify(r.body).includes('hold')));
    try {
      const res = await rawChat('openai', key);
      const body = (await res.json()) as { error: { code: string; type: string } };
      assert.equal(res.status, 429);
      assert.equal(body.error.code, 'concurrent_limit');
      assert.equal(body.error.type, 'rate_limit_error');
      assert.equal(res.headers.get('retry-after'), '1');
      await assert.rejects(openaiClient(key).chat.completions.create({ model: 'gpt-fake', messages: [{ role: 'user', content: 'x' }] }),
        (e: unknown) => e instanceof OpenAI.RateLimitError && (e as InstanceType<typeof OpenAI.APIError>).code === 'concurrent_limit');

      const ares = await rawChat('anthropic', key);
      const abody = (await ares.json()) as { type: string; error: { type: string; message: string } };
      assert.equal(ares.status, 429);
      assert.equal(abody.type, 'error');
      assert.equal(abody.error.type, 'rate_limit_error');
      assert.match(abody.error.message, /1 requests at once/);
      await assert.rejects(anthropicClient(key).messages.create({ model: 'claude-fake', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }),
        Anthropic.RateLimitError);
    } finally {
      holder.abort();
      await first;
    }
    // The slot frees when the held request ends.
    await waitFor(() => gw.gateway.inFlight() === 0);
    const ok = await rawChat('openai', key);
    assert.equal(ok.status, 200);
  });

  it('a refused request consumes nothing: failures do not use up RPM', async () => {
    const { key } = newKey({ rpm: 1, maxTokens: 10 });
    for (let i = 0; i < 3; i++) {
      const r = await rawChat('openai', key, { max_tokens: 50 });
      assert.equal(r.status, 400);
      await r.arrayBuffer();
    }
    const ok = await rawChat('openai', key, { max_tokens: 5 });
    assert.equal(ok.status, 200);
  });

  it('renders errors Anthropic-style on /v1/messages even without an anthropic-version header', async () => {
    const res = await fetch(`${gw.url}/v1/messages`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude-fake', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }),
    });
    assert.equal(res.status, 401);
    const body = (await res.json()) as { type?: string; error: { type: string } };
    assert.equal(body.type, 'error', `Anthropic shape expected, got ${JSON.stringify(body)}`);
    assert.equal(body.error.type, 'authentication_error');
  });
});

/** Polls `cond` (bounded: 200 × 10 ms). */
async function waitFor(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail('condition not reached in 2 s');
}
