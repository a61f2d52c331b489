/** Translation matrix, Anthropic Messages inbound: the official `@anthropic-ai/sdk` through the gateway to every upstream type. */
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import type { MessageParam, RawMessageStreamEvent, Tool } from '@anthropic-ai/sdk/resources/messages';
import {
  PNG_1PX, UPSTREAM_TYPES, asksForReasoning, eventually, openHeldStream, openRaw, scriptedUsage, splitInto, startMatrix, type Matrix,
} from './matrix-upstreams';

const TOOLS: Tool[] = [{ name: 'get_weather', description: 'Weather for a city', input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }];

async function events(stream: AsyncIterable<RawMessageStreamEvent>): Promise<RawMessageStreamEvent[]> {
  const out: RawMessageStreamEvent[] = [];
  for await (const e of stream) out.push(e);
  return out;
}
const textOf = (evs: RawMessageStreamEvent[]): string => evs.map((e) => (e.type === 'content_block_delta' && e.delta.type === 'text_delta' ? e.delta.text : '')).join('');
const blockText = (content: Anthropic.ContentBlock[]): string => content.map((b) => (b.type === 'text' ? b.text : '')).join('');

/** Checks a streamed tool_use block: start, input_json_delta fragments that parse as a whole, stop; returns the input. */
function streamedToolUse(evs: RawMessageStreamEvent[]): { id: string; name: string; input: unknown; fragments: number } {
  const start = evs.find((e) => e.type === 'content_block_start' && e.content_block.type === 'tool_use');
  assert.ok(start && start.type === 'content_block_start' && start.content_block.type === 'tool_use', 'a tool_use block started');
  const idx = start.index;
  const deltas = evs.filter((e): e is Anthropic.RawContentBlockDeltaEvent => e.type === 'content_block_delta' && e.index === idx);
  assert.ok(deltas.every((d) => d.delta.type === 'input_json_delta'), 'only input_json_delta inside the tool_use block');
  const json = deltas.map((d) => (d.delta.type === 'input_json_delta' ? d.delta.partial_json : '')).join('');
  assert.ok(evs.some((e) => e.type === 'content_block_stop' && e.index === idx), 'the tool_use block stopped');
  return { id: start.content_block.id, name: start.content_block.name, input: JSON.parse(json), fragments: deltas.filter((d) => d.delta.type === 'input_json_delta' && d.delta.partial_json).length };
}

describe('matrix: Anthropic client → every upstream', function () {
  this.timeout(20000);
  let m: Matrix;
  let client: Anthropic;
  const rawHeaders = (): Record<string, string> => ({ 'x-api-key': m.gw.key, 'anthropic-version': '2023-06-01' });

  before(async () => {
    m = await startMatrix();
    client = new Anthropic({ baseURL: m.gw.url, apiKey: m.gw.key, maxRetries: 0 });
  });
  after(() => m.close());

  it('gateway-side error classes: bad key → AuthenticationError, unknown model → NotFoundError', async () => {
    const bad = new Anthropic({ baseURL: m.gw.url, apiKey: 'sb-wrong', maxRetries: 0 });
    await assert.rejects(bad.messages.create({ model: 'claude-fake-sonnet', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }), Anthropic.AuthenticationError);
    await assert.rejects(client.messages.create({ model: 'nope', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }), Anthropic.NotFoundError);
  });

  for (const type of UPSTREAM_TYPES) {
    describe(`→ ${type}`, () => {
      const up = () => m.up[type];

      it('plain chat', async () => {
        const r = await client.messages.create({ model: up().model, max_tokens: 256, system: 'be brief', messages: [{ role: 'user', content: 'hello matrix' }] });
        assert.match(blockText(r.content), /hello matrix/);
        assert.equal(r.stop_reason, 'end_turn');
        assert.equal(r.role, 'assistant');
        assert.ok(r.usage.input_tokens > 0 && r.usage.output_tokens > 0);
      });

      it('streamed chat', async () => {
        const evs = await events(await client.messages.create({ model: up().model, max_tokens: 256, stream: true, messages: [{ role: 'user', content: 'stream matrix' }] }));
        assert.equal(evs[0]!.type, 'message_start');
        assert.equal(evs.at(-1)!.type, 'message_stop');
        assert.match(textOf(evs), /stream matrix/);
        const delta = evs.find((e) => e.type === 'message_delta');
        assert.ok(delta && delta.type === 'message_delta' && delta.delta.stop_reason === 'end_turn');
        const final = await client.messages.stream({ model: up().model, max_tokens: 256, messages: [{ role: 'user', content: 'final matrix' }] }).finalMessage();
        assert.match(blockText(final.content), /final matrix/);
      });

      it('tool round-trip, not streamed', async () => {
        const messages: MessageParam[] = [{ role: 'user', content: 'please use tool for Paris' }];
        const r1 = await client.messages.create({ model: up().model, max_tokens: 256, messages, tools: TOOLS });
        const use = r1.content.find((b) => b.type === 'tool_use');
        assert.ok(use && use.type === 'tool_use', `expected tool_use, got ${JSON.stringify(r1.content)}`);
        assert.equal(use.name, 'get_weather');
        assert.equal(typeof use.input, 'object');
        assert.equal(r1.stop_reason, 'tool_use');
        messages.push({ role: 'assistant', content: r1.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: 'sunny and 21C' }] });
        const r2 = await client.messages.create({ model: up().model, max_tokens: 256, messages, tools: TOOLS });
        assert.match(blockText(r2.content), /sunny and 21C/);
      });

      it('tool round-trip, streamed', async () => {
        const messages: MessageParam[] = [{ role: 'user', content: 'please use tool for Rome' }];
        const evs = await events(await client.messages.create({ model: up().model, max_tokens: 256, messages, tools: TOOLS, stream: true }));
        const use = streamedToolUse(evs);
        assert.equal(use.name, 'get_weather');
        const delta = evs.find((e) => e.type === 'message_delta');
        assert.ok(delta && delta.type === 'message_delta' && delta.delta.stop_reason === 'tool_use');
        messages.push({ role: 'assistant', content: [{ type: 'tool_use', id: use.id, name: use.name, input: use.input }] },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: [{ type: 'text', text: 'rainy' }] }] });
        const final = await client.messages.stream({ model: up().model, max_tokens: 256, messages, tools: TOOLS }).finalMessage();
        assert.match(blockText(final.content), /rainy/);
      });

      it('a streamed tool call with arguments split across many chunks becomes tool_use + input_json_delta', async () => {
        const args = '{"city":"Paris","days":3,"units":"metric"}';
        up().script({ frames: up().toolFrames('call_split1', 'get_weather', splitInto(args, 9)) });
        const evs = await events(await client.messages.create({ model: up().model, max_tokens: 256, messages: [{ role: 'user', content: 'x' }], tools: TOOLS, stream: true }));
        const use = streamedToolUse(evs);
        assert.equal(use.name, 'get_weather');
        assert.deepEqual(use.input, { city: 'Paris', days: 3, units: 'metric' });
        if (up().splitsToolArgs) assert.ok(use.fragments >= 5, `input kept streaming in fragments (got ${use.fragments})`);
        // The SDK's own accumulator agrees.
        up().script({ frames: up().toolFrames('call_split2', 'get_weather', splitInto(args, 9)) });
        const final = await client.messages.stream({ model: up().model, max_tokens: 256, messages: [{ role: 'user', content: 'x' }], tools: TOOLS }).finalMessage();
        const block = final.content.find((b) => b.type === 'tool_use');
        assert.ok(block && block.type === 'tool_use');
        assert.deepEqual(block.input, { city: 'Paris', days: 3, units: 'metric' });
      });

      it('an image message reaches the upstream', async () => {
        const r = await client.messages.create({ model: up().model, max_tokens: 256, messages: [{ role: 'user', content: [
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG_1PX } }, { type: 'text', text: 'describe this picture' }] }] });
        assert.match(blockText(r.content), /describe this picture/);
        assert.ok(JSON.stringify(up().lastBody()).includes(PNG_1PX), 'image bytes reached the upstream');
      });

      it('a thinking stream', async () => {
        const evs = await events(await client.messages.create({ model: up().model, max_tokens: 8000, stream: true, thinking: { type: 'enabled', budget_tokens: 4000 }, messages: [{ role: 'user', content: 'think hard' }] }));
        assert.ok(asksForReasoning(type, up().lastBody()), `upstream was asked to reason: ${JSON.stringify(up().lastBody())}`);
        const thinking = evs.map((e) => (e.type === 'content_block_delta' && e.delta.type === 'thinking_delta' ? e.delta.thinking : '')).join('');
        const expected = up().reasoningText;
        if (expected) {
          assert.ok(thinking.includes(expected), `thinking streamed: '${thinking}'`);
          const first = evs.find((e) => e.type === 'content_block_start');
          assert.ok(first && first.type === 'content_block_start' && first.content_block.type === 'thinking', 'the thinking block comes first');
        }
        assert.match(textOf(evs), /think hard/);
      });

      it('usage is mapped exactly (input_tokens excludes cache reads and writes)', async () => {
        const u = scriptedUsage(type);
        up().script({ json: up().textJson('counted', u) });
        const r = await client.messages.create({ model: up().model, max_tokens: 256, messages: [{ role: 'user', content: 'x' }] });
        assert.deepEqual([r.usage.input_tokens, r.usage.cache_read_input_tokens, r.usage.cache_creation_input_tokens ?? 0, r.usage.output_tokens], [100 - 30 - u.creation, 30, u.creation, 20]);
        up().script({ frames: up().textFrames(['coun', 'ted'], u) });
        const evs = await events(await client.messages.create({ model: up().model, max_tokens: 256, stream: true, messages: [{ role: 'user', content: 'x' }] }));
        assert.equal(textOf(evs), 'counted');
        const start = evs[0]!;
        const delta = evs.find((e) => e.type === 'message_delta');
        assert.ok(start.type === 'message_start' && delta?.type === 'message_delta');
        const input = delta.usage.input_tokens ?? start.message.usage.input_tokens;
        const read = delta.usage.cache_read_input_tokens ?? start.message.usage.cache_read_input_tokens;
        assert.deepEqual([input, read, delta.usage.output_tokens], [100 - 30 - u.creation, 30, 20]);
      });

      it('upstream errors map to the SDK error classes', async () => {
        up().script(up().error(400, 'upstream says the request is bad'));
        await assert.rejects(client.messages.create({ model: up().model, max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }),
          (e: unknown) => e instanceof Anthropic.BadRequestError && /request is bad/.test(e.message));
        up().script(up().error(429, 'slow down', { 'retry-after': '7' }));
        await assert.rejects(client.messages.create({ model: `${up().model}-rl`, max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }),
          (e: unknown) => e instanceof Anthropic.RateLimitError);
        up().script(up().error(500, 'upstream exploded'));
        await assert.rejects(client.messages.create({ model: up().model, max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }),
          (e: unknown) => e instanceof Anthropic.InternalServerError);
        up().script(up().error(401, 'bad upstream key'));
        await assert.rejects(client.messages.create({ model: `${up().model}-auth`, max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }),
          (e: unknown) => e instanceof Anthropic.APIError && e.status === 502 && !/probe-key/.test(e.message));
        const ok = await client.messages.create({ model: up().model, max_tokens: 10, messages: [{ role: 'user', content: 'still fine' }] });
        assert.match(blockText(ok.content), /still fine/);
      });

      it('a broken upstream stream ends with an Anthropic error event', async () => {
        const frames = up().textFrames(['Hello', ' there', ' friend'], scriptedUsage(type));
        const cut = frames.findIndex((f) => f.includes('Hello')) + 1;
        up().script({ frames, destroyAfter: cut });
        let text = '';
        await assert.rejects((async () => {
          for await (const e of await client.messages.create({ model: up().model, max_tokens: 10, stream: true, messages: [{ role: 'user', content: 'x' }] })) {
            if (e.type === 'content_block_delta' && e.delta.type === 'text_delta') text += e.delta.text;
          }
        })(), (e: unknown) => e instanceof Anthropic.APIError);
        assert.equal(text, 'Hello');
        up().script({ frames, destroyAfter: cut });
        const raw = await openRaw(`${m.gw.url}/v1/messages`, rawHeaders(), { model: up().model, max_tokens: 10, stream: true, messages: [{ role: 'user', content: 'x' }] });
        const all = (await raw.rest()).split('\n\n').filter((f) => f.trim() && !f.startsWith('event: ping'));
        assert.match(all.at(-1)!, /^event: error\ndata: \{"type":"error","error":\{"type":"[a-z_]+","message":/);
      });

      it('a client disconnect aborts the upstream request', async () => {
        const { raw, release } = await openHeldStream(up(), type, ' never', () => openRaw(`${m.gw.url}/v1/messages?beta=true`, rawHeaders(), { model: up().model, max_tokens: 10, stream: true, messages: [{ role: 'user', content: 'x' }] }));
        const logged = up().chatRequests().at(-1)!;
        await raw.cancel();
        await eventually(() => logged.aborted, 'the upstream request to be aborted');
        release();
      });

      it('ping events flow while the upstream is silent', async () => {
        const { raw, release } = await openHeldStream(up(), type, ' after the pause', () => openRaw(`${m.gw.url}/v1/messages`, rawHeaders(), { model: up().model, max_tokens: 10, stream: true, messages: [{ role: 'user', content: 'x' }] }));
        const hello = raw.text().indexOf('Hello');
        await raw.readUntil((t) => t.indexOf('event: ping\ndata: {"type":"ping"}', hello) > 0, 'a ping event');
        release();
        const all = await raw.rest();
        const ping = all.indexOf('event: ping', hello);
        assert.ok(hello < ping && ping < all.indexOf(' after the pause'), 'a ping between the two chunks');
        assert.match(all, /event: message_stop\ndata: \{"type":"message_stop"\}\n\n$/);
      });
    });
  }
});
