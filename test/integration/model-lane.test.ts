/**
 * The model lane (server/model-lane.ts) serves the model routes without Koa: it must route, guard, authenticate
 * and render errors exactly like the Koa side does for every other route.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { startFakeOpenAI, type FakeOpenAI } from '../helpers/fake-openai';
import { startGateway, type TestGateway } from '../helpers/gateway';

describe('model lane: routing, guard and errors outside Koa', () => {
  let fake: FakeOpenAI;
  let gw: TestGateway;
  const UPSTREAM_KEY = 'sk-upstream-lane-0001';
  const chatBody = JSON.stringify({ model: 'gpt-fake', messages: [{ role: 'user', content: 'lane' }] });

  before(async () => {
    fake = await startFakeOpenAI({ apiKeys: [UPSTREAM_KEY] });
    gw = await startGateway({
      server: { allowedOrigins: ['https://allowed.example'] },
      providers: [{ id: 'oa', type: 'openai', baseUrl: fake.baseURL, keys: [{ label: 'main', key: UPSTREAM_KEY }], models: ['gpt-fake'] }],
    });
  });
  after(async () => { await gw.close(); await fake.close(); });

  const post = (path: string, init: RequestInit = {}): Promise<Response> => fetch(`${gw.url}${path}`, {
    method: 'POST', body: chatBody, ...init,
    headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json', ...(init.headers as Record<string, string> | undefined) },
  });

  it('serves a chat with and without /v1, with a trailing slash and in any letter case, each with its own request id', async () => {
    const ids = new Set<string>();
    for (const path of ['/v1/chat/completions', '/chat/completions', '/v1/chat/completions/', '/V1/Chat/Completions']) {
      const res = await post(path);
      assert.equal(res.status, 200, path);
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
      assert.equal(res.headers.get('x-mapped-model'), 'gpt-fake');
      ids.add(res.headers.get('x-request-id') ?? '');
      const body = (await res.json()) as { choices: Array<{ message: { content: string } }> };
      assert.match(body.choices[0]!.message.content, /lane/);
    }
    assert.equal(ids.size, 4);
    for (const id of ids) assert.match(id, /^req_/);
  });

  it('answers a GET on a model route with 405 method_not_allowed and Allow: POST, after authentication', async () => {
    const res = await fetch(`${gw.url}/v1/chat/completions`, { headers: { authorization: `Bearer ${gw.key}` } });
    assert.equal(res.status, 405);
    assert.equal(res.headers.get('allow'), 'POST');
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'method_not_allowed');
    const anon = await fetch(`${gw.url}/v1/messages`);
    assert.equal(anon.status, 401, 'no key: authentication answers first');
    assert.equal(anon.headers.get('x-should-retry'), 'false');
    assert.equal(((await anon.json()) as { type: string }).type, 'error', 'Anthropic-shaped on /v1/messages');
  });

  it('refuses a foreign origin and a text/plain body before reading it, and answers an allowed origin with its own CORS headers', async () => {
    const before = fake.chatRequests().length;
    const foreign = await post('/v1/chat/completions', { headers: { origin: 'https://evil.example' } });
    assert.equal(foreign.status, 403);
    assert.equal(((await foreign.json()) as { error: { code: string } }).error.code, 'forbidden_origin');
    const plain = await post('/v1/chat/completions', { headers: { 'content-type': 'text/plain' } });
    assert.equal(plain.status, 403);
    await plain.arrayBuffer();
    assert.equal(fake.chatRequests().length, before, 'nothing reached the upstream');

    const preflight = await fetch(`${gw.url}/v1/chat/completions`, { method: 'OPTIONS', headers: { origin: 'https://allowed.example', 'access-control-request-method': 'POST' } });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), 'https://allowed.example');
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /authorization/);
    const allowed = await post('/v1/chat/completions', { headers: { origin: 'https://allowed.example' } });
    assert.equal(allowed.status, 200);
    assert.equal(allowed.headers.get('access-control-allow-origin'), 'https://allowed.example');
    await allowed.arrayBuffer();
  });

  it('renders bad JSON and unknown models in the caller protocol, and leaves other paths to the Koa side', async () => {
    const bad = await post('/v1/messages', { body: '{"model":', headers: { 'x-api-key': gw.key, 'anthropic-version': '2023-06-01' } });
    assert.equal(bad.status, 400);
    const badBody = (await bad.json()) as { type: string; error: { type: string } };
    assert.equal(badBody.type, 'error');
    assert.equal(badBody.error.type, 'invalid_request_error');
    const unknown = await post('/v1/chat/completions', { body: JSON.stringify({ model: 'no-such-model', messages: [{ role: 'user', content: 'x' }] }) });
    assert.equal(unknown.status, 404);
    assert.equal(((await unknown.json()) as { error: { code: string } }).error.code, 'model_not_found');
    const doubled = await post('/v1/v1/chat/completions');
    assert.equal(doubled.status, 404);
    assert.match(((await doubled.json()) as { error: { message: string } }).error.message, /base URL/);
    const models = await fetch(`${gw.url}/v1/models`, { headers: { authorization: `Bearer ${gw.key}` } });
    assert.equal(models.status, 200);
    await models.arrayBuffer();
  });

  it('routes Gemini model paths with an encoded model name, and rejects a malformed one', async () => {
    const res = await fetch(`${gw.url}/v1beta/models/gpt-fake%3AgenerateContent`, {
      method: 'POST', headers: { 'x-goog-api-key': gw.key, 'content-type': 'application/json' },
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'gemini lane' }] }] }),
    });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { candidates: Array<{ content: { parts: Array<{ text: string }> } }> };
    assert.match(body.candidates[0]!.content.parts[0]!.text, /gemini lane/);
    const bad = await fetch(`${gw.url}/v1beta/models/no-action`, { method: 'POST', headers: { 'x-goog-api-key': gw.key, 'content-type': 'application/json' }, body: '{}' });
    assert.equal(bad.status, 400);
    assert.ok(((await bad.json()) as { error: { status: string } }).error.status, 'Gemini-shaped error');
  });

  it('accepts absolute-form targets (clients that take the gateway for a proxy) and ignores a fragment', async () => {
    const raw = (target: string): Promise<{ status: number; body: string }> => new Promise((resolve, reject) => {
      const u = new URL(gw.url);
      const req = http.request({ host: u.hostname, port: u.port, method: 'POST', path: target,
        headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(chatBody) } }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => { body += c.toString(); });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end(chatBody);
    });
    for (const target of [`${gw.url}/v1/chat/completions`, '/v1/chat/completions#frag', `${gw.url}/v1/chat/completions?__proto__=x&constructor=1`]) {
      const r = await raw(target);
      assert.equal(r.status, 200, `${target}: ${r.body}`);
      assert.match(r.body, /lane/);
    }
  });
});
