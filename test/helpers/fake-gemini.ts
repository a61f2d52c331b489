/**
 * A fake Gemini API (v1beta) on 127.0.0.1, speaking the real wire format (checked with @google/genai in
 * test/unit/fakes/fake-gemini.test.ts). It writes wire JSON by hand, never through the gateway's codec, so codec
 * bugs cannot hide behind it.
 *
 * Default replies are deterministic: "Echo: <last user text>"; a functionCall when tools are declared and the last
 * user text contains "use tool"; "Tool <name> returned <json>" after a functionResponse; a thought part and
 * thoughtSignatures when generationConfig.thinkingConfig.includeThoughts is set. Scripted replies (enqueue) win.
 */
import type http from 'node:http';
import { startFakeServer, writeJson, type FakeServer, type LoggedRequest } from './fake-server';

/** A scripted reply, consumed in order by the next requests. */
export type FakeGeminiReply =
  | { kind: 'error'; status: number; body: unknown; headers?: Record<string, string> }
  | { kind: 'json'; body: unknown; status?: number }
  /** Raw text pieces written one per write (e.g. SSE frames); `gateAfter` pieces are written before waiting on `gate`. */
  | { kind: 'raw'; pieces: string[]; status?: number; contentType?: string; gate?: FakeGate; gateAfter?: number }
  /** Waits for `gate` before answering with `then` (or the default reply). */
  | { kind: 'gate'; gate: FakeGate; then?: FakeGeminiReply }
  /** Accepts the request and never answers (until the client goes away). */
  | { kind: 'hang' };

/** A latch a test opens to let a held reply continue. */
export interface FakeGate { release(): void; readonly released: Promise<void> }

/** Creates a gate. */
export function createGate(): FakeGate {
  let open!: () => void;
  const released = new Promise<void>((resolve) => { open = resolve; });
  return { release: () => open(), released };
}

/** Options of the fake. */
export interface FakeGeminiOptions {
  /** Put `id` on functionCall parts (Gemini 3 does; 2.5 does not). Default false. */
  functionCallIds?: boolean;
  /** Models listed by GET /v1beta/models. */
  models?: string[];
}

/** A running fake Gemini. `url` is the SDK's `baseUrl` (no /v1beta suffix). */
export interface FakeGemini extends FakeServer {
  /** Queues scripted replies. */
  enqueue(...replies: FakeGeminiReply[]): void;
}

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The 400 Gemini sends for an unknown key. */
export const API_KEY_INVALID_BODY = {
  error: {
    code: 400,
    message: 'API key not valid. Please pass a valid API key.',
    status: 'INVALID_ARGUMENT',
    details: [{
      '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com',
      metadata: { service: 'generativelanguage.googleapis.com' },
    }],
  },
};

/** A 429 with a RetryInfo detail, as Gemini sends on quota exhaustion. */
export function resourceExhaustedBody(retryDelay = '20s'): Json {
  return {
    error: {
      code: 429, message: 'You exceeded your current quota.', status: 'RESOURCE_EXHAUSTED',
      details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay }],
    },
  };
}

const tokens = (text: string): number => Math.max(1, Math.ceil(text.length / 4));

function allText(body: Json): string {
  const contents = Array.isArray(body.contents) ? body.contents : [];
  const sys = isRecord(body.systemInstruction) ? [body.systemInstruction] : [];
  return [...sys, ...contents].filter(isRecord).flatMap((c) => (Array.isArray(c.parts) ? c.parts : []))
    .filter(isRecord).map((p) => (typeof p.text === 'string' ? p.text : JSON.stringify(p))).join(' ');
}

function declarations(body: Json): Json[] {
  const tools = Array.isArray(body.tools) ? body.tools.filter(isRecord) : [];
  return tools.flatMap((t) => (Array.isArray(t.functionDeclarations) ? t.functionDeclarations.filter(isRecord) : []));
}

function argsFor(decl: Json, text: string): Json {
  const schema = isRecord(decl.parameters) ? decl.parameters : isRecord(decl.parametersJsonSchema) ? decl.parametersJsonSchema : {};
  const props = isRecord(schema.properties) ? schema.properties : {};
  const args: Json = {};
  for (const [name, p] of Object.entries(props)) {
    const type = isRecord(p) ? String(p.type).toLowerCase() : 'string';
    args[name] = type === 'number' || type === 'integer' ? 1 : type === 'boolean' ? true : text;
  }
  return args;
}

/** The parts of the deterministic reply to a generateContent body. */
export function replyParts(body: Json, opts: FakeGeminiOptions, n: number): Json[] {
  const contents = (Array.isArray(body.contents) ? body.contents : []).filter(isRecord);
  const last = [...contents].reverse().find((c) => c.role !== 'model');
  const parts = (last && Array.isArray(last.parts) ? last.parts : []).filter(isRecord);
  const thinking = isRecord(body.generationConfig) && isRecord(body.generationConfig.thinkingConfig)
    && body.generationConfig.thinkingConfig.includeThoughts === true;
  const text = parts.map((p) => (typeof p.text === 'string' ? p.text : '')).join('');
  const out: Json[] = [];
  if (thinking) out.push({ text: `Thinking about: ${text}`, thought: true });
  const response = parts.find((p) => isRecord(p.functionResponse));
  const decl = declarations(body)[0];
  let answer: Json;
  if (response && isRecord(response.functionResponse)) {
    const fr = response.functionResponse;
    answer = { text: `Tool ${String(fr.name)} returned ${JSON.stringify(fr.response)}` };
  } else if (decl && text.includes('use tool')) {
    const call: Json = { name: decl.name, args: argsFor(decl, text) };
    if (opts.functionCallIds) call.id = `fc-${n}`;
    answer = { functionCall: call };
  } else {
    answer = { text: `Echo: ${text}` };
  }
  if (thinking) answer.thoughtSignature = Buffer.from(`sig-${n}`).toString('base64');
  out.push(answer);
  return out;
}

function usageFor(body: Json, parts: Json[]): Json {
  const prompt = tokens(allText(body));
  const thoughts = parts.filter((p) => p.thought === true).reduce((s, p) => s + tokens(String(p.text)), 0);
  const candidates = parts.filter((p) => p.thought !== true).reduce((s, p) => s + tokens(JSON.stringify(p)), 0);
  const usage: Json = { promptTokenCount: prompt, candidatesTokenCount: candidates, totalTokenCount: prompt + candidates + thoughts };
  if (thoughts) usage.thoughtsTokenCount = thoughts;
  return usage;
}

/** Splits a reply into stream chunks: thoughts, then the answer text in two halves (or the call whole). */
function streamChunks(parts: Json[], model: string, responseId: string, usage: Json): Json[] {
  const pieces: Json[] = [];
  for (const p of parts) {
    if (typeof p.text === 'string' && p.thought !== true && p.text.length > 1) {
      const mid = Math.floor(p.text.length / 2);
      pieces.push({ text: p.text.slice(0, mid) });
      const tail: Json = { ...p, text: p.text.slice(mid) };
      pieces.push(tail);
    } else pieces.push(p);
  }
  return pieces.map((part, i) => {
    const candidate: Json = { content: { role: 'model', parts: [part] }, index: 0 };
    const chunk: Json = { candidates: [candidate], modelVersion: model, responseId };
    if (i === pieces.length - 1) { candidate.finishReason = 'STOP'; chunk.usageMetadata = usage; }
    return chunk;
  });
}

function embedding(text: string, dims: number): number[] {
  let h = 2166136261;
  for (const ch of text) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return Array.from({ length: dims }, (_, i) => ((h + i * 7919) % 1000) / 1000);
}

function embedOne(req: Json): Json {
  const content = isRecord(req.content) && Array.isArray(req.content.parts) ? req.content.parts.filter(isRecord) : [];
  const text = content.map((p) => String(p.text ?? '')).join('');
  const dims = typeof req.outputDimensionality === 'number' ? req.outputDimensionality : 8;
  return { values: embedding(text, dims) };
}

function notFound(res: http.ServerResponse, what: string): void {
  writeJson(res, 404, { error: { code: 404, message: `${what} is not found`, status: 'NOT_FOUND' } });
}

/** Starts the fake on an ephemeral loopback port. */
export async function startFakeGemini(options: FakeGeminiOptions = {}): Promise<FakeGemini> {
  const queue: FakeGeminiReply[] = [];
  const models = options.models ?? ['gemini-2.5-pro', 'gemini-2.5-flash', 'gemini-embedding-001'];
  let counter = 0;

  const scripted = async (reply: FakeGeminiReply, req: LoggedRequest, res: http.ServerResponse): Promise<void> => {
    switch (reply.kind) {
      case 'error': writeJson(res, reply.status, reply.body, reply.headers); return;
      case 'json': writeJson(res, reply.status ?? 200, reply.body); return;
      case 'hang': return;
      case 'gate':
        await reply.gate.released;
        if (reply.then) await scripted(reply.then, req, res); else answer(req, res);
        return;
      case 'raw': {
        res.writeHead(reply.status ?? 200, { 'content-type': reply.contentType ?? 'text/event-stream' });
        const held = reply.gate ? (reply.gateAfter ?? 1) : reply.pieces.length;
        for (const p of reply.pieces.slice(0, held)) res.write(p);
        if (reply.gate) { await reply.gate.released; for (const p of reply.pieces.slice(held)) res.write(p); }
        res.end();
      }
    }
  };

  const answer = (req: LoggedRequest, res: http.ServerResponse): void => {
    const url = new URL(req.url, 'http://fake');
    const body = isRecord(req.body) ? req.body : {};
    if (req.method === 'GET' && url.pathname === '/v1beta/models') {
      writeJson(res, 200, { models: models.map(modelInfo) });
      return;
    }
    const m = /^\/v1beta\/models\/([^/:]+):([A-Za-z]+)$/.exec(url.pathname) ?? /^\/v1beta\/models\/([^/:]+)()$/.exec(url.pathname);
    if (!m) { notFound(res, url.pathname); return; }
    const [, model, action] = m as unknown as [string, string, string];
    if (req.method === 'GET' && action === '') {
      if (models.includes(model)) writeJson(res, 200, modelInfo(model)); else notFound(res, `models/${model}`);
      return;
    }
    const n = ++counter;
    switch (action) {
      case 'generateContent': case 'streamGenerateContent': {
        const parts = replyParts(body, options, n);
        const usage = usageFor(body, parts);
        const responseId = `resp-${n}`;
        if (action === 'generateContent') {
          writeJson(res, 200, {
            candidates: [{ content: { role: 'model', parts }, finishReason: 'STOP', index: 0 }],
            usageMetadata: usage, modelVersion: model, responseId,
          });
          return;
        }
        const chunks = streamChunks(parts, model, responseId, usage).map((c) => JSON.stringify(c));
        if (url.searchParams.get('alt') === 'sse') {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          for (const c of chunks) res.write(`data: ${c}\r\n\r\n`);
        } else {
          res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' });
          chunks.forEach((c, i) => res.write(`${i === 0 ? '[' : '\r\n,'}${c}`));
          res.write(chunks.length ? '\r\n]' : '[]');
        }
        res.end();
        return;
      }
      case 'countTokens': {
        const inner = isRecord(body.generateContentRequest) ? body.generateContentRequest : body;
        writeJson(res, 200, { totalTokens: tokens(allText(inner)) });
        return;
      }
      case 'embedContent': writeJson(res, 200, { embedding: embedOne(body) }); return;
      case 'batchEmbedContents': {
        const requests = Array.isArray(body.requests) ? body.requests.filter(isRecord) : [];
        writeJson(res, 200, { embeddings: requests.map(embedOne) });
        return;
      }
      default: notFound(res, `action ${action}`);
    }
  };

  const server = await startFakeServer(async (req, res) => {
    const next = queue.shift();
    if (next) { await scripted(next, req, res); return; }
    const url = new URL(req.url, 'http://fake');
    const header = req.headers['x-goog-api-key'];
    const key = (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get('key') ?? undefined;
    if (!key) {
      writeJson(res, 403, { error: { code: 403, message: 'Method doesn\'t allow unregistered callers. Please use API Key.', status: 'PERMISSION_DENIED' } });
      return;
    }
    if (key === 'bad-key') { writeJson(res, 400, API_KEY_INVALID_BODY); return; }
    answer(req, res);
  });
  return { ...server, enqueue: (...replies) => { queue.push(...replies); } };
}

function modelInfo(model: string): Json {
  const embed = model.includes('embedding');
  return {
    name: `models/${model}`,
    version: '001',
    displayName: model.replace(/-/g, ' '),
    description: `Fake ${model}`,
    inputTokenLimit: embed ? 2048 : 1048576,
    outputTokenLimit: embed ? 1 : 65536,
    supportedGenerationMethods: embed ? ['embedContent', 'countTextTokens', 'countTokens'] : ['generateContent', 'countTokens', 'createCachedContent', 'batchGenerateContent'],
    ...(embed ? {} : { temperature: 1, topP: 0.95, topK: 64, maxTemperature: 2, thinking: true }),
  };
}
