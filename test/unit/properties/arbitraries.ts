/** fast-check generators of canonical chat requests that every protocol can express (one system prompt, tool rounds). */
import fc from 'fast-check';
import type {
  ChatRequest, FilePart, ImagePart, Message, Part, TextPart, ToolCallPart, ToolChoice, ToolDefinition, ToolResultPart,
} from '../../../src/gateway/core/model';

/** Visible text: non-empty, not only whitespace, any Unicode. */
const text = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 24 }).filter((s) => s.trim().length > 0 && s === s.trim());
const ident = fc.stringMatching(/^[a-z][a-z0-9_]{0,15}$/);
const callId = fc.stringMatching(/^[A-Za-z0-9]{8,20}$/).map((s) => `call_${s}`);
const key = fc.stringMatching(/^[a-z][a-zA-Z0-9_]{0,8}$/);
/** JSON argument objects (round-tripped through text, so -0 and the like normalise away). */
const args = fc.dictionary(key, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }).map((o) => JSON.stringify(o));

const image: fc.Arbitrary<ImagePart> = fc.record({
  mediaType: fc.constantFrom('image/png', 'image/jpeg', 'image/webp'),
  bytes: fc.uint8Array({ minLength: 1, maxLength: 24 }),
}).map(({ mediaType, bytes }) => ({ type: 'image', source: { kind: 'base64', mediaType, data: Buffer.from(bytes).toString('base64') } }));

/** Inline PDFs, the one document form every protocol carries, named (OpenAI protocols invent a name when there is none). */
const pdf: fc.Arbitrary<FilePart> = fc.record({
  bytes: fc.uint8Array({ minLength: 1, maxLength: 24 }),
  name: ident.map((n) => `${n}.pdf`),
}).map(({ bytes, name }) => ({
  type: 'file', source: { kind: 'base64', mediaType: 'application/pdf', data: Buffer.from(bytes).toString('base64') }, filename: name,
}));

const schema = fc.record({
  prop: key,
  type: fc.constantFrom('string', 'integer', 'number', 'boolean'),
  description: fc.option(text, { nil: undefined }),
}).map(({ prop, type, description }) => ({
  type: 'object',
  properties: { [prop]: description === undefined ? { type } : { type, description } },
  required: [prop],
}));

const toolDefs: fc.Arbitrary<ToolDefinition[]> = fc.uniqueArray(
  fc.record({ name: ident, description: text, parameters: schema }),
  { minLength: 1, maxLength: 3, selector: (t) => t.name },
);

/** A tool round: assistant text and calls, then one result per call (results carry the tool's name for Gemini). */
function toolRound(names: string[]): fc.Arbitrary<Message[]> {
  const call = fc.record({ callId, name: fc.constantFrom(...names), argsJson: args });
  return fc.record({
    lead: fc.option(text, { nil: undefined }),
    calls: fc.uniqueArray(call, { minLength: 1, maxLength: 3, selector: (c) => c.callId }),
    results: fc.array(text, { minLength: 3, maxLength: 3 }),
  }).map(({ lead, calls, results }) => {
    const assistant: Part[] = [];
    if (lead !== undefined) assistant.push({ type: 'text', text: lead });
    assistant.push(...calls.map((c): ToolCallPart => ({ type: 'tool-call', ...c })));
    const toolParts = calls.map((c, i): ToolResultPart => ({
      type: 'tool-result', callId: c.callId, name: c.name, content: [{ type: 'text', text: results[i]! }],
    }));
    return [{ role: 'assistant', parts: assistant }, { role: 'tool', parts: toolParts }];
  });
}

/** A canonical request with the fields the property test compares. */
export const chatRequest: fc.Arbitrary<ChatRequest> = fc.record({
  system: fc.option(text, { nil: undefined }),
  userText: text,
  images: fc.array(image, { maxLength: 2 }),
  files: fc.array(pdf, { maxLength: 2 }),
  tools: fc.option(toolDefs, { nil: undefined }),
  withRound: fc.boolean(),
  finalUser: text,
  temperature: fc.option(fc.integer({ min: 0, max: 100 }).map((n) => n / 100), { nil: undefined }),
  maxTokens: fc.option(fc.integer({ min: 1, max: 8192 }), { nil: undefined }),
  stop: fc.option(fc.array(text, { minLength: 1, maxLength: 4 }), { nil: undefined }),
  choice: fc.constantFrom('none-set', 'auto', 'none', 'required', 'tool'),
  stream: fc.boolean(),
  topP: fc.option(fc.integer({ min: 1, max: 100 }).map((n) => n / 100), { nil: undefined }),
  seed: fc.option(fc.integer({ min: 0, max: 1_000_000 }), { nil: undefined }),
  presencePenalty: fc.option(fc.integer({ min: -20, max: 20 }).map((n) => n / 10), { nil: undefined }),
  user: fc.option(ident, { nil: undefined }),
  parallelToolCalls: fc.option(fc.boolean(), { nil: undefined }),
  jsonSchema: fc.option(fc.record({ name: ident, schema }), { nil: undefined }),
}).chain((g) => {
  const round = g.tools && g.withRound ? toolRound(g.tools.map((t) => t.name)) : fc.constant<Message[]>([]);
  return round.map((rounds): ChatRequest => {
    const messages: Message[] = [];
    if (g.system !== undefined) messages.push({ role: 'system', parts: [{ type: 'text', text: g.system }] });
    messages.push({ role: 'user', parts: [{ type: 'text', text: g.userText } as TextPart, ...g.images, ...g.files] });
    if (rounds.length) messages.push(...rounds, { role: 'user', parts: [{ type: 'text', text: g.finalUser }] });
    const req: ChatRequest = { model: 'm', messages, stream: g.stream };
    if (g.temperature !== undefined) req.temperature = g.temperature;
    if (g.maxTokens !== undefined) req.maxTokens = g.maxTokens;
    if (g.stop !== undefined) req.stop = g.stop;
    if (g.topP !== undefined) req.topP = g.topP;
    if (g.seed !== undefined) req.seed = g.seed;
    if (g.presencePenalty !== undefined) req.presencePenalty = g.presencePenalty;
    if (g.user !== undefined) req.user = g.user;
    if (g.jsonSchema !== undefined) req.responseFormat = { type: 'json-schema', name: g.jsonSchema.name, schema: g.jsonSchema.schema };
    if (g.tools && g.parallelToolCalls !== undefined) req.parallelToolCalls = g.parallelToolCalls;
    if (g.tools) {
      req.tools = g.tools;
      if (g.choice !== 'none-set') {
        req.toolChoice = g.choice === 'tool' ? { type: 'tool', name: g.tools[0]!.name } : ({ type: g.choice } as ToolChoice);
      }
    }
    return req;
  });
});
