/** Translation matrix, Anthropic inbound: what Claude Code relies on (beta path, headers, cache_control, thinking, count_tokens, models). */
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { UPSTREAM_TYPES, startMatrix, type Matrix } from './matrix-upstreams';

/** The text of an Anthropic SSE body. */
const sseText = (raw: string): string => [...raw.matchAll(/"text_delta","text":("(?:[^"\\]|\\.)*")/g)].map((x) => JSON.parse(x[1]!) as string).join('');
const BETAS = 'claude-code-20250219,interleaved-thinking-2025-05-14,prompt-caching-scope-2026-01-05';

describe('matrix: Claude Code specifics', function () {
  this.timeout(20000);
  let m: Matrix;
  let client: Anthropic;
  /** Headers of the SDK's last request, as it sent them (its anthropic-version is newer than the gateway default). */
  let sent = new Headers();
  let sentUrl = '';
  const post = (path: string, body: unknown, extra: Record<string, string> = {}) => fetch(`${m.gw.url}${path}`, {
    method: 'POST', body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', authorization: `Bearer ${m.gw.key}`, 'anthropic-version': '2023-06-01', 'anthropic-beta': BETAS, 'x-app': 'cli', ...extra },
  });

  before(async () => {
    m = await startMatrix();
    client = new Anthropic({
      baseURL: m.gw.url, authToken: m.gw.key, apiKey: null, maxRetries: 0,
      fetch: (url: string | URL | Request, init?: RequestInit) => { sent = new Headers(init?.headers); sentUrl = String(url); return fetch(url, init); },
    });
  });
  after(() => m.close());

  it('beta requests (SDK and raw /v1/messages?beta=true): anthropic-version and anthropic-beta reach an Anthropic upstream unchanged', async () => {
    const r = await client.beta.messages.create({ model: m.up.anthropic.model, max_tokens: 64, betas: ['claude-code-20250219', 'interleaved-thinking-2025-05-14'], messages: [{ role: 'user', content: 'beta hello' }] });
    assert.match(r.content.map((b) => (b.type === 'text' ? b.text : '')).join(''), /beta hello/);
    const h = m.up.anthropic.chatRequests().at(-1)!.headers;
    // The SDK posts to /v1/messages (Claude Code adds ?beta=true; the raw request below covers that path).
    assert.ok(new URL(sentUrl).pathname === '/v1/messages', sentUrl);
    assert.ok(sent.get('anthropic-version'), 'the SDK sent a version');
    assert.match(sent.get('authorization') ?? '', /^Bearer /, 'ANTHROPIC_AUTH_TOKEN style');
    assert.equal(h['anthropic-version'], sent.get('anthropic-version'), 'the SDK\'s own anthropic-version, not the gateway default');
    assert.equal(h['anthropic-beta'], 'claude-code-20250219,interleaved-thinking-2025-05-14');
    const res = await post('/v1/messages?beta=true', { model: m.up.anthropic.model, max_tokens: 64, messages: [{ role: 'user', content: 'raw beta' }] }, { 'anthropic-version': '2024-10-22' });
    assert.equal(res.status, 200);
    const h2 = m.up.anthropic.chatRequests().at(-1)!.headers;
    assert.equal(h2['anthropic-version'], '2024-10-22', 'the caller version wins over the default');
    assert.equal(h2['anthropic-beta'], BETAS);
    assert.equal(h2['x-api-key'], 'anthropic-upstream-key');
    assert.equal(h2.authorization, undefined, 'the gateway key never reaches the upstream');
  });

  for (const type of UPSTREAM_TYPES.filter((t) => t !== 'anthropic')) {
    it(`betas and anthropic-version are dropped for a ${type} upstream`, async () => {
      const res = await post('/v1/messages?beta=true', { model: m.up[type].model, max_tokens: 64, stream: true, messages: [{ role: 'user', content: 'beta to other' }] });
      assert.equal(res.status, 200);
      assert.match(sseText(await res.text()), /beta to other/);
      const h = m.up[type].chatRequests().at(-1)!.headers;
      assert.equal(h['anthropic-beta'], undefined);
      assert.equal(h['anthropic-version'], undefined);
    });
  }

  it('cache_control survives to an Anthropic upstream, byte for byte', async () => {
    const body = {
      model: m.up.anthropic.model, max_tokens: 64, metadata: { user_id: 'user_abc' },
      system: [
        { type: 'text', text: 'x-anthropic-billing-header: cc_version=2.1.126; cc_entrypoint=cli; cch=abc' },
        { type: 'text', text: 'You are Claude Code.', cache_control: { type: 'ephemeral' } },
      ],
      tools: [{ name: 'Read', description: 'read a file', input_schema: { type: 'object', properties: { path: { type: 'string' } } }, cache_control: { type: 'ephemeral', ttl: '1h' } }],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'first', cache_control: { type: 'ephemeral' } }] },
        { role: 'assistant', content: [{ type: 'text', text: 'ok' }] },
        { role: 'user', content: [{ type: 'text', text: 'cached hello', cache_control: { type: 'ephemeral', ttl: '5m' } }] },
      ],
      context_management: { edits: [] },
    };
    const res = await post('/v1/messages?beta=true', body);
    assert.equal(res.status, 200);
    assert.deepEqual(m.up.anthropic.lastBody(), body);
  });

  for (const type of UPSTREAM_TYPES) {
    it(`thinking disabled + effort (a sub-agent) is resolved for a ${type} upstream`, async () => {
      const res = await post('/v1/messages?beta=true', {
        model: m.up[type].model, max_tokens: 64, thinking: { type: 'disabled' }, output_config: { effort: 'low' },
        messages: [{ role: 'user', content: 'sub agent' }],
      });
      assert.equal(res.status, 200, await res.clone().text());
      assert.match(JSON.stringify(await res.json()), /sub agent/);
      const up = m.up[type].lastBody();
      const thinking = up.thinking as { type?: string } | undefined;
      if (type === 'anthropic') {
        assert.deepEqual(up.thinking, { type: 'disabled' }, 'an Anthropic upstream understands the pair');
        assert.deepEqual(up.output_config, { effort: 'low' });
      } else {
        assert.equal(thinking, undefined, `no Anthropic thinking field leaks to ${type}`);
        assert.ok(!JSON.stringify(up).includes('"includeThoughts":true'), 'thinking was not turned on');
      }
    });
  }

  it('count_tokens is forwarded to an Anthropic upstream (the fake counts)', async () => {
    const { data, response } = await client.messages.countTokens({ model: m.up.anthropic.model, system: 'sys', messages: [{ role: 'user', content: 'count these tokens please' }] }).withResponse();
    assert.equal(response.headers.get('x-switchboard-token-count'), 'upstream');
    const counted = m.up.anthropic.front.requests.filter((r) => r.url.includes('/messages/count_tokens')).at(-1)!;
    assert.equal(data.input_tokens, Math.max(1, Math.ceil(counted.rawBody.length / 4)), 'the upstream figure, not an estimate');
    assert.equal(counted.headers['anthropic-version'], sent.get('anthropic-version'));
    const beta = await post('/v1/messages/count_tokens?beta=true', { model: m.up.anthropic.model, messages: [{ role: 'user', content: 'beta count' }] });
    assert.equal(beta.status, 200);
    assert.equal(beta.headers.get('x-switchboard-token-count'), 'upstream');
    assert.equal(m.up.anthropic.front.requests.filter((r) => r.url.includes('/messages/count_tokens')).at(-1)!.headers['anthropic-beta'], BETAS);
  });

  for (const type of UPSTREAM_TYPES.filter((t) => t !== 'anthropic')) {
    it(`count_tokens is estimated (never 0) for a ${type} upstream`, async () => {
      const before = m.up[type].front.requests.length;
      const { data, response } = await client.messages.countTokens({ model: m.up[type].model, messages: [{ role: 'user', content: 'count these tokens please, there are quite a few of them' }] }).withResponse();
      assert.equal(response.headers.get('x-switchboard-token-count'), 'estimate');
      assert.ok(data.input_tokens > 0);
      assert.equal(m.up[type].front.requests.length, before, 'nothing was sent upstream');
    });
  }

  it('GET /v1/models with anthropic-version is the Anthropic shape anthropic.models.list() parses', async () => {
    const page = await client.models.list();
    const ids = page.data.map((x) => x.id);
    assert.ok(ids.includes('claude-fake-sonnet'), ids.join(','));
    for (const x of page.data) {
      assert.equal(x.type, 'model');
      assert.ok(x.display_name && !Number.isNaN(Date.parse(x.created_at)));
    }
    const raw = await fetch(`${m.gw.url}/v1/models`, { headers: { 'x-api-key': m.gw.key, 'anthropic-version': '2023-06-01' } });
    const body = (await raw.json()) as { has_more: boolean; first_id: string; last_id: string; data: unknown[] };
    assert.equal(body.has_more, false);
    assert.equal(body.first_id, ids[0]);
    assert.equal(body.last_id, ids.at(-1));
  });
});
