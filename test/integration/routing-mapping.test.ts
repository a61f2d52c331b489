/**
 * Model mapping through the real gateway: exact / wildcard / provider list / provider prefix / default precedence,
 * fallback chains, the routing headers the official SDKs see, aliases in /v1/models, and unknown models → 404.
 * Each provider is its own fake with its own key, so the fakes' logs say where a request really went.
 */
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { startFakeOpenAI, type FakeOpenAI } from '../helpers/fake-openai';
import { startGateway, type TestGateway } from '../helpers/gateway';
import type { GatewayConfigInput } from '../../src/gateway/config';

const SECRET: Record<string, string> = { p1: 'sk-mapping-p1-secret-01', p2: 'sk-mapping-p2-secret-02', off: 'sk-mapping-off-secret-03' };

function config(fakes: Record<string, FakeOpenAI>, withDefault: boolean): GatewayConfigInput {
  return {
    providers: [
      { id: 'p1', type: 'openai', baseUrl: fakes.p1!.baseURL, keys: [{ label: 'p1-key', key: SECRET.p1! }], models: ['listed-both', 'listed-p1'] },
      { id: 'p2', type: 'openai', baseUrl: fakes.p2!.baseURL, keys: [{ label: 'p2-key', key: SECRET.p2! }], models: ['listed-both', 'listed-p2'] },
      { id: 'off', type: 'openai', baseUrl: fakes.off!.baseURL, keys: [{ label: 'off-key', key: SECRET.off! }], models: ['listed-off'], enabled: false },
    ],
    modelMappings: [
      { from: 'gpt-*', to: 'p1/*' },
      { from: 'gpt-4*', to: 'p2/four-family' },
      { from: 'gpt-4o', to: 'p1/exact-4o' },
      { from: 'listed-p2', to: 'p1/overridden' },
      { from: 'alias', to: 'p2/real-model' },
      { from: 'chain', to: ['p1/chain-first', 'p2/chain-second'] },
      { from: 'skip-disabled', to: ['off/x', 'p2/after-disabled'] },
      ...(withDefault ? [{ from: '*', to: 'p2/default-model' }] : []),
    ],
    routing: { maxAttempts: 5 },
  };
}

describe('model mapping through the gateway', () => {
  const fakes: Record<string, FakeOpenAI> = {};
  let gw: TestGateway;
  let openai: OpenAI;
  let anthropic: Anthropic;

  before(async () => {
    for (const id of ['p1', 'p2', 'off']) fakes[id] = await startFakeOpenAI();
    gw = await startGateway(config(fakes, true));
    openai = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.key, maxRetries: 0 });
    anthropic = new Anthropic({ baseURL: gw.url, apiKey: gw.key, maxRetries: 0 });
  });
  after(async () => {
    await gw.close();
    for (const f of Object.values(fakes)) await f.close();
  });
  beforeEach(() => { for (const f of Object.values(fakes)) f.requests.length = 0; });

  /** requested → the provider, upstream model and key that must serve it, and why. */
  const table: Array<{ requested: string; provider: 'p1' | 'p2'; upstream: string; why: string }> = [
    { requested: 'gpt-4o', provider: 'p1', upstream: 'exact-4o', why: 'an exact rule beats every wildcard, even when listed later' },
    { requested: 'gpt-4.1', provider: 'p2', upstream: 'four-family', why: 'the most specific wildcard (gpt-4*) beats gpt-*' },
    { requested: 'gpt-3.5-turbo', provider: 'p1', upstream: 'gpt-3.5-turbo', why: '* in the target stands for the requested name' },
    { requested: 'alias', provider: 'p2', upstream: 'real-model', why: 'an alias' },
    { requested: 'listed-p2', provider: 'p1', upstream: 'overridden', why: 'a rule beats a provider model list' },
    { requested: 'listed-p1', provider: 'p1', upstream: 'listed-p1', why: 'a provider model list beats the default rule' },
    { requested: 'listed-both', provider: 'p1', upstream: 'listed-both', why: 'listed by two providers: the first in config order' },
    { requested: 'p2/some/nested-id', provider: 'p2', upstream: 'some/nested-id', why: 'the provider/model form, split at the first slash' },
    { requested: 'skip-disabled', provider: 'p2', upstream: 'after-disabled', why: 'targets on a disabled provider are dropped' },
    { requested: 'listed-off', provider: 'p2', upstream: 'default-model', why: 'a disabled provider\'s models are not served; the default rule catches it' },
    { requested: 'anything-else', provider: 'p2', upstream: 'default-model', why: 'the default rule catches the rest' },
  ];

  for (const row of table) {
    it(`${row.requested} → ${row.provider}/${row.upstream} (${row.why})`, async () => {
      const { data, response } = await openai.chat.completions.create({ model: row.requested, messages: [{ role: 'user', content: `to ${row.requested}` }] }).withResponse();
      assert.match(data.choices[0]!.message.content ?? '', new RegExp(`echo: to ${row.requested.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
      assert.equal(response.headers.get('x-switchboard-provider'), row.provider);
      assert.equal(response.headers.get('x-mapped-model'), row.upstream);
      assert.equal(response.headers.get('x-switchboard-key'), `${row.provider}-key`);
      const served = fakes[row.provider]!.chatRequests();
      assert.equal(served.length, 1, 'the right provider got the request');
      assert.equal((served[0]!.body as { model: string }).model, row.upstream);
      assert.equal(served[0]!.headers.authorization, `Bearer ${SECRET[row.provider]}`);
      const others = Object.entries(fakes).filter(([id]) => id !== row.provider);
      for (const [id, f] of others) assert.equal(f.chatRequests().length, 0, `${id} got nothing`);
    });
  }

  it('a fallback chain: when the first target fails the next serves, and the headers say so', async () => {
    fakes.p1!.enqueue({ kind: 'error', status: 503, message: 'down' });
    const { response } = await openai.chat.completions.create({ model: 'chain', messages: [{ role: 'user', content: 'chain' }] }).withResponse();
    assert.equal(response.headers.get('x-switchboard-provider'), 'p2');
    assert.equal(response.headers.get('x-mapped-model'), 'chain-second');
    assert.equal((fakes.p1!.chatRequests()[0]!.body as { model: string }).model, 'chain-first');
    assert.equal((fakes.p2!.chatRequests()[0]!.body as { model: string }).model, 'chain-second');
  });

  it('a streamed answer carries the same routing headers, and a request id', async () => {
    fakes.p1!.enqueue({ kind: 'error', status: 503, message: 'down' });
    const { data, response } = await openai.chat.completions.create({ model: 'chain', stream: true, messages: [{ role: 'user', content: 'chain' }] }).withResponse();
    let text = '';
    for await (const chunk of data) text += chunk.choices[0]?.delta.content ?? '';
    assert.match(text, /echo: chain/);
    assert.equal(response.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    assert.equal(response.headers.get('x-switchboard-provider'), 'p2');
    assert.equal(response.headers.get('x-mapped-model'), 'chain-second');
    assert.equal(response.headers.get('x-switchboard-key'), 'p2-key');
    assert.match(response.headers.get('x-request-id') ?? '', /\S{8,}/);
  });

  it('a fallback chain also moves on when the first target says 404 model not found', async () => {
    fakes.p1!.enqueue({ kind: 'error', status: 404, message: 'The model `chain-first` does not exist', code: 'model_not_found' });
    const { response } = await openai.chat.completions.create({ model: 'chain', messages: [{ role: 'user', content: 'chain' }] }).withResponse();
    assert.equal(response.headers.get('x-mapped-model'), 'chain-second');
  });

  it('a fallback chain does not move on after a request error (400): another upstream would fail the same way', async () => {
    fakes.p1!.enqueue({ kind: 'error', status: 400, message: 'Invalid temperature', param: 'temperature' });
    const err = await openai.chat.completions.create({ model: 'chain', messages: [{ role: 'user', content: 'bad' }] }).then(() => assert.fail('expected 400'), (e: unknown) => e);
    assert.ok(err instanceof OpenAI.BadRequestError, String(err));
    assert.match(err.message, /Invalid temperature/);
    assert.equal(fakes.p2!.chatRequests().length, 0);
  });

  it('the Anthropic SDK sees the same routing headers (label, never the key)', async () => {
    const { data, response } = await anthropic.messages.create({ model: 'alias', max_tokens: 20, messages: [{ role: 'user', content: 'from claude' }] }).withResponse();
    assert.equal(data.type, 'message');
    assert.equal(response.headers.get('x-switchboard-provider'), 'p2');
    assert.equal(response.headers.get('x-mapped-model'), 'real-model');
    assert.equal(response.headers.get('x-switchboard-key'), 'p2-key');
    assert.equal(fakes.p2!.lastChatBody().model, 'real-model');
    const all = [...response.headers.entries()].map(([k, v]) => `${k}: ${v}`).join('\n');
    for (const s of Object.values(SECRET)) assert.ok(!all.includes(s), 'no response header carries an upstream key');
  });

  it('streams carry the routing headers too', async () => {
    const { data: stream, response } = await openai.chat.completions.create({ model: 'gpt-4.1', stream: true, messages: [{ role: 'user', content: 's' }] }).withResponse();
    for await (const chunk of stream) void chunk;
    assert.equal(response.headers.get('x-mapped-model'), 'four-family');
    assert.equal(response.headers.get('x-switchboard-provider'), 'p2');
    assert.equal(response.headers.get('x-switchboard-key'), 'p2-key');
  });

  it('aliases appear in /v1/models next to the providers\' models; globs and disabled providers do not', async () => {
    const ids = (await openai.models.list()).data.map((m) => m.id);
    for (const alias of ['gpt-4o', 'listed-p2', 'alias', 'chain', 'skip-disabled']) assert.ok(ids.includes(alias), `${alias} is listed`);
    for (const listed of ['listed-both', 'listed-p1']) assert.ok(ids.includes(listed), `${listed} is listed`);
    assert.ok(!ids.some((id) => id.includes('*')), 'no glob is listed');
    assert.ok(!ids.includes('listed-off'), 'a disabled provider\'s model is not listed');
    assert.equal(new Set(ids).size, ids.length, 'no duplicates');
    const anthropicIds = (await anthropic.models.list()).data.map((m) => m.id);
    assert.ok(anthropicIds.includes('alias') && anthropicIds.includes('chain'));
  });
});

describe('unknown models through the gateway (no default rule)', () => {
  const fakes: Record<string, FakeOpenAI> = {};
  let gw: TestGateway;

  before(async () => {
    for (const id of ['p1', 'p2', 'off']) fakes[id] = await startFakeOpenAI();
    gw = await startGateway(config(fakes, false));
  });
  after(async () => {
    await gw.close();
    for (const f of Object.values(fakes)) await f.close();
  });

  it('→ 404 model_not_found in OpenAI format', async () => {
    const openai = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.key, maxRetries: 0 });
    const err = await openai.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'x' }] }).then(() => assert.fail('expected 404'), (e: unknown) => e);
    assert.ok(err instanceof OpenAI.NotFoundError, String(err));
    assert.equal(err.code, 'model_not_found');
    assert.equal(err.param, 'model');
    assert.match(err.message, /no-such-model/);
    for (const f of Object.values(fakes)) assert.equal(f.chatRequests().length, 0);
  });

  it('→ 404 not_found_error in Anthropic format', async () => {
    const anthropic = new Anthropic({ baseURL: gw.url, apiKey: gw.key, maxRetries: 0 });
    const err = await anthropic.messages.create({ model: 'no-such-claude', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }).then(() => assert.fail('expected 404'), (e: unknown) => e);
    assert.ok(err instanceof Anthropic.NotFoundError, String(err));
    const body = err.error as { type: string; error: { type: string; message: string } };
    assert.equal(body.type, 'error');
    assert.equal(body.error.type, 'not_found_error');
    assert.match(body.error.message, /no-such-claude/);
  });

  it('a model only a disabled provider serves is unknown too', async () => {
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST', headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'listed-off', messages: [{ role: 'user', content: 'x' }] }),
    });
    assert.equal(res.status, 404);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'model_not_found');
    assert.equal(fakes.off!.chatRequests().length, 0);
  });
});
