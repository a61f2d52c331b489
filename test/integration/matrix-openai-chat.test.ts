/** Translation matrix, OpenAI Chat Completions inbound: the official `openai` SDK through the gateway to every upstream type. */
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import type { ChatCompletionChunk, ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import {
  PNG_1PX, UPSTREAM_TYPES, asksForReasoning, eventually, openHeldStream, openRaw, scriptedUsage, splitInto, startMatrix, type Matrix,
} from './matrix-upstreams';

const TOOLS: ChatCompletionTool[] = [{
  type: 'function',
  function: { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
}];

/** Joins streamed tool-call deltas by index. */
function joinToolCalls(chunks: ChatCompletionChunk[]): { calls: Array<{ id: string; name: string; args: string }>; argDeltas: number } {
  const calls: Array<{ id: string; name: string; args: string }> = [];
  let argDeltas = 0;
  for (const c of chunks) {
    for (const tc of c.choices[0]?.delta?.tool_calls ?? []) {
      const cur = calls[tc.index] ?? (calls[tc.index] = { id: '', name: '', args: '' });
      if (tc.id) cur.id = tc.id;
      if (tc.function?.name) cur.name += tc.function.name;
      if (tc.function?.arguments) { cur.args += tc.function.arguments; argDeltas++; }
    }
  }
  return { calls, argDeltas };
}

const textOf = (chunks: ChatCompletionChunk[]): string => chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('');

describe('matrix: OpenAI Chat client → every upstream', function () {
  this.timeout(20000);
  let m: Matrix;
  let client: OpenAI;

  before(async () => {
    m = await startMatrix();
    client = new OpenAI({ baseURL: `${m.gw.url}/v1`, apiKey: m.gw.key, maxRetries: 0 });
  });
  after(() => m.close());

  it('gateway-side error classes: bad gateway key → AuthenticationError, unknown model → NotFoundError', async () => {
    const bad = new OpenAI({ baseURL: `${m.gw.url}/v1`, apiKey: 'sb-wrong', maxRetries: 0 });
    await assert.rejects(bad.chat.completions.create({ model: 'gpt-fake', messages: [{ role: 'user', content: 'x' }] }), OpenAI.AuthenticationError);
    await assert.rejects(client.chat.completions.create({ model: 'nope', messages: [{ role: 'user', content: 'x' }] }), OpenAI.NotFoundError);
  });

  for (const type of UPSTREAM_TYPES) {
    describe(`→ ${type}`, () => {
      const up = () => m.up[type];

      it('plain chat', async () => {
        const before = up().chatRequests().length;
        const r = await client.chat.completions.create({ model: up().model, messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'hello matrix' }] });
        assert.match(r.choices[0]!.message.content ?? '', /hello matrix/);
        assert.equal(r.choices[0]!.finish_reason, 'stop');
        assert.equal(up().chatRequests().length, before + 1, 'one upstream call');
        assert.ok(r.usage && r.usage.prompt_tokens > 0 && r.usage.completion_tokens > 0, 'usage present');
      });

      it('streamed chat', async () => {
        const stream = await client.chat.completions.create({ model: up().model, stream: true, messages: [{ role: 'user', content: 'stream matrix' }] });
        const chunks: ChatCompletionChunk[] = [];
        for await (const c of stream) chunks.push(c);
        assert.match(textOf(chunks), /stream matrix/);
        assert.ok(chunks.filter((c) => c.choices[0]?.delta?.content).length >= 2, 'text arrives in several chunks');
        assert.equal(chunks.map((c) => c.choices[0]?.finish_reason).filter(Boolean).at(-1), 'stop');
        const last = up().chatRequests().at(-1)!;
        assert.ok(type === 'gemini' ? last.url.includes(':streamGenerateContent') : up().lastBody().stream === true, 'the upstream was asked to stream');
      });

      it('tool round-trip, not streamed', async () => {
        const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: 'please use tool for Paris' }];
        const r1 = await client.chat.completions.create({ model: up().model, messages, tools: TOOLS });
        const call = r1.choices[0]!.message.tool_calls?.[0];
        assert.ok(call && call.type === 'function', `expected a tool call, got ${JSON.stringify(r1.choices[0]!.message)}`);
        assert.equal(call.function.name, 'get_weather');
        assert.equal(r1.choices[0]!.finish_reason, 'tool_calls');
        assert.equal(typeof JSON.parse(call.function.arguments), 'object');
        messages.push(r1.choices[0]!.message as ChatCompletionMessageParam, { role: 'tool', tool_call_id: call.id, content: 'sunny and 21C' });
        const r2 = await client.chat.completions.create({ model: up().model, messages, tools: TOOLS });
        assert.match(r2.choices[0]!.message.content ?? '', /sunny and 21C/);
      });

      it('tool round-trip, streamed', async () => {
        const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: 'please use tool for Rome' }];
        const chunks: ChatCompletionChunk[] = [];
        for await (const c of await client.chat.completions.create({ model: up().model, messages, tools: TOOLS, stream: true })) chunks.push(c);
        const { calls } = joinToolCalls(chunks);
        assert.equal(calls.length, 1);
        assert.equal(calls[0]!.name, 'get_weather');
        assert.ok(calls[0]!.id, 'tool call id');
        assert.equal(typeof JSON.parse(calls[0]!.args), 'object');
        assert.equal(chunks.map((c) => c.choices[0]?.finish_reason).filter(Boolean).at(-1), 'tool_calls');
        messages.push({ role: 'assistant', content: null, tool_calls: [{ id: calls[0]!.id, type: 'function', function: { name: calls[0]!.name, arguments: calls[0]!.args } }] },
          { role: 'tool', tool_call_id: calls[0]!.id, content: 'rainy' });
        const final: ChatCompletionChunk[] = [];
        for await (const c of await client.chat.completions.create({ model: up().model, messages, tools: TOOLS, stream: true })) final.push(c);
        assert.match(textOf(final), /rainy/);
      });

      it('a streamed tool call with arguments split across many chunks arrives whole', async () => {
        const args = '{"city":"Paris","days":3,"units":"metric"}';
        up().script({ frames: up().toolFrames('call_split1', 'get_weather', splitInto(args, 9)) });
        const chunks: ChatCompletionChunk[] = [];
        for await (const c of await client.chat.completions.create({ model: up().model, messages: [{ role: 'user', content: 'x' }], tools: TOOLS, stream: true })) chunks.push(c);
        const { calls, argDeltas } = joinToolCalls(chunks);
        assert.equal(calls.length, 1);
        assert.equal(calls[0]!.name, 'get_weather');
        assert.deepEqual(JSON.parse(calls[0]!.args), { city: 'Paris', days: 3, units: 'metric' });
        if (up().splitsToolArgs) assert.ok(argDeltas >= 5, `arguments kept streaming in pieces (got ${argDeltas})`);
      });

      it('an image message reaches the upstream', async () => {
        const r = await client.chat.completions.create({ model: up().model, messages: [{ role: 'user', content: [
          { type: 'text', text: 'describe this picture' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG_1PX}` } }] }] });
        assert.match(r.choices[0]!.message.content ?? '', /describe this picture/);
        assert.ok(JSON.stringify(up().lastBody()).includes(PNG_1PX), 'image bytes reached the upstream');
      });

      it('a reasoning stream', async () => {
        const chunks: ChatCompletionChunk[] = [];
        for await (const c of await client.chat.completions.create({ model: up().model, reasoning_effort: 'high', stream: true, messages: [{ role: 'user', content: 'think hard' }] })) chunks.push(c);
        assert.ok(asksForReasoning(type, up().lastBody()), `upstream was asked to reason: ${JSON.stringify(up().lastBody())}`);
        const reasoning = chunks.map((c) => (c.choices[0]?.delta as { reasoning_content?: string } | undefined)?.reasoning_content ?? '').join('');
        const expected = up().reasoningText;
        if (expected) assert.ok(reasoning.includes(expected), `reasoning_content streamed: '${reasoning}'`);
        assert.match(textOf(chunks), /think hard/);
        const firstReasoning = chunks.findIndex((c) => (c.choices[0]?.delta as { reasoning_content?: string } | undefined)?.reasoning_content);
        const firstText = chunks.findIndex((c) => c.choices[0]?.delta?.content);
        if (expected) assert.ok(firstReasoning >= 0 && firstReasoning < firstText, 'reasoning comes before the answer');
      });

      it('usage is mapped exactly (JSON and stream)', async () => {
        const u = scriptedUsage(type);
        up().script({ json: up().textJson('counted', u) });
        const r = await client.chat.completions.create({ model: up().model, messages: [{ role: 'user', content: 'x' }] });
        assert.equal(r.usage?.prompt_tokens, 100, 'prompt_tokens includes cached (and cache-written) tokens');
        assert.equal(r.usage?.prompt_tokens_details?.cached_tokens, 30);
        assert.equal(r.usage?.completion_tokens, 20);
        assert.equal(r.usage?.total_tokens, 120);
        up().script({ frames: up().textFrames(['coun', 'ted'], u) });
        const chunks: ChatCompletionChunk[] = [];
        for await (const c of await client.chat.completions.create({ model: up().model, stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'x' }] })) chunks.push(c);
        const usage = chunks.find((c) => c.usage)?.usage;
        assert.equal(textOf(chunks), 'counted');
        assert.deepEqual([usage?.prompt_tokens, usage?.prompt_tokens_details?.cached_tokens, usage?.completion_tokens, usage?.total_tokens], [100, 30, 20, 120]);
      });

      it('upstream errors map to the SDK error classes', async () => {
        up().script(up().error(400, 'upstream says the request is bad'));
        await assert.rejects(client.chat.completions.create({ model: up().model, messages: [{ role: 'user', content: 'x' }] }),
          (e: unknown) => e instanceof OpenAI.BadRequestError && /request is bad/.test(e.message));
        up().script(up().error(429, 'slow down', { 'retry-after': '7' }));
        await assert.rejects(client.chat.completions.create({ model: `${up().model}-rl`, messages: [{ role: 'user', content: 'x' }] }),
          (e: unknown) => e instanceof OpenAI.RateLimitError);
        up().script(up().error(500, 'upstream exploded'));
        await assert.rejects(client.chat.completions.create({ model: up().model, messages: [{ role: 'user', content: 'x' }] }),
          (e: unknown) => e instanceof OpenAI.InternalServerError && e.status >= 500);
        up().script(up().error(401, 'bad upstream key'));
        await assert.rejects(client.chat.completions.create({ model: `${up().model}-auth`, messages: [{ role: 'user', content: 'x' }] }),
          (e: unknown) => e instanceof OpenAI.APIError && e.status === 502 && !/probe-key/.test(e.message));
        // The main route still works after all that.
        const ok = await client.chat.completions.create({ model: up().model, messages: [{ role: 'user', content: 'still fine' }] });
        assert.match(ok.choices[0]!.message.content ?? '', /still fine/);
      });

      it('a broken upstream stream ends with an error in the OpenAI shape', async () => {
        const frames = up().textFrames(['Hello', ' there', ' friend'], scriptedUsage(type));
        up().script({ frames, destroyAfter: frames.findIndex((f) => f.includes('Hello')) + 1 });
        let text = '';
        await assert.rejects((async () => {
          for await (const c of await client.chat.completions.create({ model: up().model, stream: true, messages: [{ role: 'user', content: 'x' }] })) text += c.choices[0]?.delta?.content ?? '';
        })(), (e: unknown) => e instanceof OpenAI.APIError);
        assert.equal(text, 'Hello');
        // Raw: the last frame is an OpenAI error frame, and the stream ends.
        up().script({ frames, destroyAfter: frames.findIndex((f) => f.includes('Hello')) + 1 });
        const raw = await openRaw(`${m.gw.url}/v1/chat/completions`, { authorization: `Bearer ${m.gw.key}` }, { model: up().model, stream: true, messages: [{ role: 'user', content: 'x' }] });
        const all = (await raw.rest()).split('\n\n').filter((f) => f.startsWith('data:'));
        assert.match(all.at(-1)!, /^data: \{"error":\{/);
      });

      it('a client disconnect aborts the upstream request', async () => {
        const { raw, release } = await openHeldStream(up(), type, ' never', () => openRaw(`${m.gw.url}/v1/chat/completions`, { authorization: `Bearer ${m.gw.key}` }, { model: up().model, stream: true, messages: [{ role: 'user', content: 'x' }] }));
        const logged = up().chatRequests().at(-1)!;
        assert.equal(logged.aborted, false);
        await raw.cancel();
        await eventually(() => logged.aborted, 'the upstream request to be aborted');
        release();
      });

      it('keep-alive comments flow while the upstream is silent', async () => {
        const { raw, release } = await openHeldStream(up(), type, ' after the pause', () => openRaw(`${m.gw.url}/v1/chat/completions`, { authorization: `Bearer ${m.gw.key}` }, { model: up().model, stream: true, messages: [{ role: 'user', content: 'x' }] }));
        const hello = raw.text().indexOf('Hello');
        await raw.readUntil((t) => t.indexOf(': keep-alive', hello) > 0, 'a keep-alive comment');
        release();
        const all = await raw.rest();
        const ping = all.indexOf(': keep-alive', hello);
        assert.ok(hello < ping && ping < all.indexOf(' after the pause'), 'keep-alive between the two chunks');
        assert.match(all, /data: \[DONE\]\n\n$/);
      });
    });
  }
});
