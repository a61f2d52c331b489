/** Translation matrix, Gemini inbound: the official `@google/genai` SDK through the gateway to every upstream type. */
import assert from 'node:assert/strict';
import { ApiError, GoogleGenAI, Type, type Content, type GenerateContentResponse, type Tool } from '@google/genai';
import {
  PNG_1PX, UPSTREAM_TYPES, asksForReasoning, eventually, openHeldStream, openRaw, scriptedUsage, splitInto, startMatrix, type Matrix,
} from './matrix-upstreams';

const TOOLS: Tool[] = [{ functionDeclarations: [{ name: 'get_weather', description: 'Weather for a city', parameters: { type: Type.OBJECT, properties: { city: { type: Type.STRING } }, required: ['city'] } }] }];

async function drain(stream: AsyncIterable<GenerateContentResponse>): Promise<GenerateContentResponse[]> {
  const out: GenerateContentResponse[] = [];
  for await (const c of stream) out.push(c);
  return out;
}
const partsOf = (chunks: GenerateContentResponse[]) => chunks.flatMap((c) => c.candidates?.[0]?.content?.parts ?? []);
const answerText = (chunks: GenerateContentResponse[]): string => partsOf(chunks).filter((p) => !p.thought).map((p) => p.text ?? '').join('');

describe('matrix: Gemini client → every upstream', function () {
  this.timeout(20000);
  let m: Matrix;
  let ai: GoogleGenAI;
  const sseUrl = (model: string): string => `${m.gw.url}/v1beta/models/${model}:streamGenerateContent?alt=sse`;
  const rawHeaders = (): Record<string, string> => ({ 'x-goog-api-key': m.gw.key });

  before(async () => {
    m = await startMatrix();
    ai = new GoogleGenAI({ apiKey: m.gw.key, httpOptions: { baseUrl: m.gw.url } });
  });
  after(() => m.close());

  it('gateway-side error classes: bad key → 401, unknown model → 404', async () => {
    const bad = new GoogleGenAI({ apiKey: 'sb-wrong', httpOptions: { baseUrl: m.gw.url } });
    await assert.rejects(bad.models.generateContent({ model: 'gpt-fake', contents: 'x' }), (e: unknown) => e instanceof ApiError && e.status === 401);
    await assert.rejects(ai.models.generateContent({ model: 'nope', contents: 'x' }), (e: unknown) => e instanceof ApiError && e.status === 404);
  });

  for (const type of UPSTREAM_TYPES) {
    describe(`→ ${type}`, () => {
      const up = () => m.up[type];

      it('generateContent', async () => {
        const r = await ai.models.generateContent({ model: up().model, contents: 'hello matrix', config: { systemInstruction: 'be brief' } });
        assert.match(r.text ?? '', /hello matrix/);
        assert.equal(r.candidates?.[0]?.finishReason, 'STOP');
        assert.ok((r.usageMetadata?.promptTokenCount ?? 0) > 0 && (r.usageMetadata?.candidatesTokenCount ?? 0) > 0);
      });

      it('streamGenerateContent?alt=sse', async () => {
        const chunks = await drain(await ai.models.generateContentStream({ model: up().model, contents: 'stream matrix' }));
        assert.match(answerText(chunks), /stream matrix/);
        assert.ok(chunks.length >= 2, 'several chunks');
        assert.equal(chunks.map((c) => c.candidates?.[0]?.finishReason).filter(Boolean).at(-1), 'STOP');
      });

      it('tool round-trip, not streamed', async () => {
        const contents: Content[] = [{ role: 'user', parts: [{ text: 'please use tool for Paris' }] }];
        const r1 = await ai.models.generateContent({ model: up().model, contents, config: { tools: TOOLS } });
        const call = r1.functionCalls?.[0];
        assert.ok(call, `expected a functionCall, got ${JSON.stringify(r1.candidates)}`);
        assert.equal(call.name, 'get_weather');
        assert.equal(typeof call.args, 'object');
        contents.push(r1.candidates![0]!.content!, { role: 'user', parts: [{ functionResponse: { id: call.id, name: call.name, response: { result: 'sunny and 21C' } } }] });
        const r2 = await ai.models.generateContent({ model: up().model, contents, config: { tools: TOOLS } });
        assert.match(r2.text ?? '', /sunny and 21C/);
      });

      it('tool round-trip, streamed', async () => {
        const contents: Content[] = [{ role: 'user', parts: [{ text: 'please use tool for Rome' }] }];
        const chunks = await drain(await ai.models.generateContentStream({ model: up().model, contents, config: { tools: TOOLS } }));
        const calls = partsOf(chunks).filter((p) => p.functionCall);
        assert.equal(calls.length, 1, JSON.stringify(partsOf(chunks)));
        const call = calls[0]!.functionCall!;
        assert.equal(call.name, 'get_weather');
        contents.push({ role: 'model', parts: calls }, { role: 'user', parts: [{ functionResponse: { id: call.id, name: call.name, response: { result: 'rainy' } } }] });
        const final = await drain(await ai.models.generateContentStream({ model: up().model, contents, config: { tools: TOOLS } }));
        assert.match(answerText(final), /rainy/);
      });

      it('a streamed tool call with arguments split upstream arrives as one functionCall', async () => {
        up().script({ frames: up().toolFrames('call_split1', 'get_weather', splitInto('{"city":"Paris","days":3}', 9)) });
        const chunks = await drain(await ai.models.generateContentStream({ model: up().model, contents: 'x', config: { tools: TOOLS } }));
        const calls = partsOf(chunks).filter((p) => p.functionCall);
        assert.equal(calls.length, 1);
        assert.deepEqual(calls[0]!.functionCall!.args, { city: 'Paris', days: 3 });
      });

      it('an image message reaches the upstream', async () => {
        const r = await ai.models.generateContent({ model: up().model, contents: [{ role: 'user', parts: [{ inlineData: { mimeType: 'image/png', data: PNG_1PX } }, { text: 'describe this picture' }] }] });
        assert.match(r.text ?? '', /describe this picture/);
        assert.ok(JSON.stringify(up().lastBody()).includes(PNG_1PX), 'image bytes reached the upstream');
      });

      it('a thinking stream', async () => {
        const chunks = await drain(await ai.models.generateContentStream({ model: up().model, contents: 'think hard', config: { thinkingConfig: { includeThoughts: true, thinkingBudget: 4000 } } }));
        assert.ok(asksForReasoning(type, up().lastBody()), `upstream was asked to reason: ${JSON.stringify(up().lastBody())}`);
        const thoughts = partsOf(chunks).filter((p) => p.thought).map((p) => p.text ?? '').join('');
        if (up().reasoningText) assert.ok(thoughts.includes(up().reasoningText!), `thoughts streamed: '${thoughts}'`);
        assert.match(answerText(chunks), /think hard/);
      });

      it('usage is mapped exactly', async () => {
        const u = scriptedUsage(type);
        up().script({ json: up().textJson('counted', u) });
        const r = await ai.models.generateContent({ model: up().model, contents: 'x' });
        const um = r.usageMetadata;
        assert.deepEqual([um?.promptTokenCount, um?.cachedContentTokenCount, um?.candidatesTokenCount], [100, 30, 20]);
        up().script({ frames: up().textFrames(['coun', 'ted'], u) });
        const chunks = await drain(await ai.models.generateContentStream({ model: up().model, contents: 'x' }));
        assert.equal(answerText(chunks), 'counted');
        const last = chunks.at(-1)!.usageMetadata;
        assert.deepEqual([last?.promptTokenCount, last?.cachedContentTokenCount, last?.candidatesTokenCount], [100, 30, 20]);
      });

      it('upstream errors keep their HTTP class', async () => {
        up().script(up().error(400, 'upstream says the request is bad'));
        await assert.rejects(ai.models.generateContent({ model: up().model, contents: 'x' }), (e: unknown) => e instanceof ApiError && e.status === 400 && /request is bad/.test(e.message));
        up().script(up().error(429, 'slow down', { 'retry-after': '7' }));
        await assert.rejects(ai.models.generateContent({ model: `${up().model}-rl`, contents: 'x' }), (e: unknown) => e instanceof ApiError && e.status === 429);
        up().script(up().error(500, 'upstream exploded'));
        await assert.rejects(ai.models.generateContent({ model: up().model, contents: 'x' }), (e: unknown) => e instanceof ApiError && e.status >= 500);
        up().script(up().error(401, 'bad upstream key'));
        await assert.rejects(ai.models.generateContent({ model: `${up().model}-auth`, contents: 'x' }), (e: unknown) => e instanceof ApiError && e.status === 502);
        const ok = await ai.models.generateContent({ model: up().model, contents: 'still fine' });
        assert.match(ok.text ?? '', /still fine/);
      });

      it('a broken upstream stream ends with a Gemini error frame', async () => {
        const frames = up().textFrames(['Hello', ' there', ' friend'], scriptedUsage(type));
        up().script({ frames, destroyAfter: frames.findIndex((f) => f.includes('Hello')) + 1 });
        const raw = await openRaw(sseUrl(up().model), rawHeaders(), { contents: [{ role: 'user', parts: [{ text: 'x' }] }] });
        const all = (await raw.rest()).split(/\r?\n\r?\n/).filter((f) => f.startsWith('data:'));
        assert.match(all[0]!, /Hello/);
        assert.match(all.at(-1)!, /^data: \{"error":\{"code":5\d\d,"message":".*","status":"[A-Z_]+"/);
        up().script({ frames, destroyAfter: frames.findIndex((f) => f.includes('Hello')) + 1 });
        await assert.rejects(drain(await ai.models.generateContentStream({ model: up().model, contents: 'x' })));
      });

      it('a client disconnect aborts the upstream request', async () => {
        const { raw, release } = await openHeldStream(up(), type, ' never', () => openRaw(sseUrl(up().model), rawHeaders(), { contents: [{ role: 'user', parts: [{ text: 'x' }] }] }));
        const logged = up().chatRequests().at(-1)!;
        await raw.cancel();
        await eventually(() => logged.aborted, 'the upstream request to be aborted');
        release();
      });

      it('keep-alive comments flow while the upstream is silent', async () => {
        const { raw, release } = await openHeldStream(up(), type, ' after the pause', () => openRaw(sseUrl(up().model), rawHeaders(), { contents: [{ role: 'user', parts: [{ text: 'x' }] }] }));
        const hello = raw.text().indexOf('Hello');
        await raw.readUntil((t) => t.indexOf(': keep-alive', hello) > 0, 'a keep-alive comment');
        release();
        const all = await raw.rest();
        const ping = all.indexOf(': keep-alive', hello);
        assert.ok(hello < ping && ping < all.indexOf(' after the pause'), 'keep-alive between the two chunks');
      });
    });
  }
});
