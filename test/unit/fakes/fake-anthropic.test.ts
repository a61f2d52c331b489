import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { startFakeAnthropic, type FakeAnthropic } from '../../helpers/fake-anthropic';

const H = { 'content-type': 'application/json', 'x-api-key': 'sk-test', 'anthropic-version': '2023-06-01' };
const tool = { name: 'lookup', description: 'Looks things up', input_schema: { type: 'object' as const, properties: { query: { type: 'string' } } } };

/** Polls a condition a bounded number of times (the server sees a client abort asynchronously). */
async function eventually(check: () => boolean): Promise<boolean> {
  for (let i = 0; i < 200; i++) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 5));
  }
  return check();
}

describe('fake Anthropic upstream (checked with @anthropic-ai/sdk)', () => {
  let fake: FakeAnthropic;
  let client: Anthropic;
  beforeEach(async () => {
    fake = await startFakeAnthropic({ cacheReadInputTokens: 7, cacheCreationInputTokens: 3 });
    client = new Anthropic({ apiKey: 'sk-test', baseURL: fake.url, maxRetries: 0 });
  });
  afterEach(() => fake.close());

  it('answers messages.create with an echo', async () => {
    const msg = await client.messages.create({ model: 'claude-test-sonnet', max_tokens: 100, messages: [{ role: 'user', content: 'hello there' }] });
    assert.equal(msg.type, 'message');
    assert.match(msg.id, /^msg_/);
    assert.equal(msg.model, 'claude-test-sonnet');
    assert.deepEqual(msg.content, [{ type: 'text', text: 'echo: hello there' }]);
    assert.equal(msg.stop_reason, 'end_turn');
    assert.equal(msg.usage.cache_read_input_tokens, 7);
    assert.equal(msg.usage.cache_creation_input_tokens, 3);
    assert.ok(msg.usage.input_tokens > 0);
    assert.match(String(fake.messageRequests()[0]!.headers['anthropic-version']), /^\d{4}-\d{2}-\d{2}$/);
  });

  it('streams thinking (with signature) then text; finalMessage assembles it', async () => {
    const stream = client.messages.stream({ model: 'claude-test-sonnet', max_tokens: 4000, thinking: { type: 'enabled', budget_tokens: 1024 }, messages: [{ role: 'user', content: 'why?' }] });
    const deltas: string[] = [];
    stream.on('text', (t) => deltas.push(t));
    const msg = await stream.finalMessage();
    assert.deepEqual(msg.content.map((b) => b.type), ['thinking', 'text']);
    const thinking = msg.content[0]!;
    assert.ok(thinking.type === 'thinking');
    assert.equal(thinking.thinking, 'Thinking about: why?');
    assert.match(thinking.signature, /^c2lnbmF0dXJl/);
    assert.equal(deltas.join(''), 'echo: why?');
    assert.ok(deltas.length > 1, 'text arrives in several deltas');
    assert.equal(msg.usage.cache_read_input_tokens, 7);
    assert.ok(msg.usage.output_tokens > 1);
  });

  it('streams a tool_use whose input arrives in several input_json_delta fragments', async () => {
    const stream = client.messages.stream({ model: 'claude-test-sonnet', max_tokens: 100, tools: [tool], messages: [{ role: 'user', content: 'please use tool now' }] });
    const fragments: string[] = [];
    stream.on('inputJson', (partial) => fragments.push(partial));
    const msg = await stream.finalMessage();
    assert.equal(msg.stop_reason, 'tool_use');
    const use = msg.content[0]!;
    assert.ok(use.type === 'tool_use');
    assert.equal(use.name, 'lookup');
    assert.deepEqual(use.input, { query: 'please use tool now' });
    assert.ok(fragments.length >= 3, `fragments: ${fragments.length}`);

    const next = await client.messages.create({ model: 'claude-test-sonnet', max_tokens: 100, tools: [tool], messages: [
      { role: 'user', content: 'please use tool now' },
      { role: 'assistant', content: msg.content },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: '42 apples' }] },
    ] });
    assert.deepEqual(next.content, [{ type: 'text', text: 'tool result: 42 apples' }]);
  });

  it('counts tokens and lists models in the Anthropic shape', async () => {
    const count = await client.messages.countTokens({ model: 'claude-test-sonnet', messages: [{ role: 'user', content: 'count me' }] });
    assert.ok(count.input_tokens > 0);
    const page = await client.models.list();
    assert.deepEqual(page.data.map((m) => m.id), ['claude-test-sonnet', 'claude-test-haiku']);
    assert.equal(page.data[0]!.type, 'model');
  });

  it('surfaces scripted errors with status and retry-after to the SDK', async () => {
    fake.enqueue({ kind: 'error', status: 429, errorType: 'rate_limit_error', message: 'slow down', headers: { 'retry-after': '3' } });
    await assert.rejects(client.messages.create({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }), (e: unknown) => {
      assert.ok(e instanceof Anthropic.RateLimitError);
      assert.equal(e.status, 429);
      assert.equal(e.headers?.get('retry-after'), '3');
      assert.match(e.message, /slow down/);
      return true;
    });
    // The queue is consumed: the next call gets the default reply.
    const ok = await client.messages.create({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] });
    assert.equal(ok.content[0]?.type, 'text');
  });

  it('requires a key and anthropic-version, accepts bearer auth, /messages without /v1 and ?beta=true', async () => {
    const body = JSON.stringify({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] });
    const noKey = await fetch(`${fake.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' }, body });
    assert.equal(noKey.status, 401);
    assert.equal(((await noKey.json()) as { error: { type: string } }).error.type, 'authentication_error');
    const noVersion = await fetch(`${fake.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'k' }, body });
    assert.equal(noVersion.status, 400);
    const noMax = await fetch(`${fake.url}/v1/messages`, { method: 'POST', headers: H, body: JSON.stringify({ model: 'm', messages: [] }) });
    assert.equal(noMax.status, 400);
    const bearer = await fetch(`${fake.url}/messages?beta=true`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer t', 'anthropic-version': '2023-06-01' }, body });
    assert.equal(bearer.status, 200);
    assert.equal(fake.messageRequests().length, 4);
    assert.equal(fake.messageRequests()[3]!.url, '/messages?beta=true');
  });

  it('replays raw SSE frames byte for byte', async () => {
    const frames = ['event: ping\ndata: {"type":"ping"}\n\n', ': comment\r\n\r\n', 'event: message_stop\ndata: {"type":"message_stop"}\n\n'];
    fake.enqueue({ kind: 'sse', frames });
    const res = await fetch(`${fake.url}/v1/messages`, { method: 'POST', headers: H, body: JSON.stringify({ model: 'm', max_tokens: 5, stream: true, messages: [] }) });
    assert.equal(res.headers.get('content-type'), 'text/event-stream');
    assert.equal(await res.text(), frames.join(''));
  });

  it('gate mode writes exactly one frame per release', async () => {
    fake.enqueue({ kind: 'gate' });
    fake.release(1);
    const res = await fetch(`${fake.url}/v1/messages`, { method: 'POST', headers: H, body: JSON.stringify({ model: 'm', max_tokens: 5, stream: true, messages: [{ role: 'user', content: 'hi' }] }) });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    const seen: string[] = [];
    let buffer = '';
    for (let guard = 0; guard < 100; guard++) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      const complete = buffer.split('\n\n');
      buffer = complete.pop()!;
      // Only one permit was given since the last frame, so at most one complete frame can be here.
      assert.ok(complete.length <= 1, `got ${complete.length} frames for one release`);
      if (complete.length === 1) { seen.push(complete[0]!.split('\n')[0]!); fake.release(1); }
    }
    assert.deepEqual(seen.slice(0, 3), ['event: message_start', 'event: ping', 'event: content_block_start']);
    assert.equal(seen[seen.length - 1], 'event: message_stop');
  });

  it('hang mode keeps the request open until the client aborts', async () => {
    fake.enqueue({ kind: 'hang', afterHeaders: true });
    const ac = new AbortController();
    const res = await fetch(`${fake.url}/v1/messages`, { method: 'POST', headers: H, signal: ac.signal, body: JSON.stringify({ model: 'm', max_tokens: 5, stream: true, messages: [{ role: 'user', content: 'hi' }] }) });
    const reader = res.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    assert.match(first, /^event: message_start\n/);
    ac.abort();
    await reader.read().catch(() => undefined);
    assert.ok(await eventually(() => fake.messageRequests()[0]!.aborted), 'the fake saw the abort');
  });
});
