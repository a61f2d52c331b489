/**
 * A fake of OpenAI's legacy Completions (`POST /v1/completions`) and Embeddings (`POST /v1/embeddings`) endpoints
 * on 127.0.0.1, written by hand from the public wire format (the official SDK reads it in the integration tests).
 * Completions answer "completion of: <prompt>" per prompt (one choice per prompt of a batch), streamed in two text
 * chunks plus a finish chunk (and a usage-only chunk with `stream_options.include_usage`). Embeddings are
 * deterministic vectors of `dimensions` (default 4) per input, as floats or float32-LE base64.
 */
import type http from 'node:http';
import { startFakeServer, writeJson, type FakeServer, type LoggedRequest } from './fake-server';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A running fake. */
export interface FakeOpenAILegacy extends FakeServer {
  /** Base URL including `/v1`. */
  baseURL: string;
  completionRequests(): LoggedRequest[];
  embeddingRequests(): LoggedRequest[];
}

/** The deterministic vector of one input (also used by tests to check values). */
export function fakeVector(input: unknown, dims: number): number[] {
  const text = typeof input === 'string' ? input : JSON.stringify(input);
  let h = 7;
  for (const ch of text) h = (h * 31 + ch.charCodeAt(0)) % 9973;
  return Array.from({ length: dims }, (_, i) => ((h + i * 101) % 1000) / 1000 - 0.5);
}

function prompts(p: unknown): unknown[] {
  if (p === undefined) return ['<|endoftext|>'];
  if (typeof p === 'string') return [p];
  if (Array.isArray(p) && p.length > 0 && p.every((x) => typeof x === 'number')) return [p];
  return Array.isArray(p) ? p : [p];
}

const promptText = (p: unknown): string => (typeof p === 'string' ? p : `tokens ${JSON.stringify(p)}`);

function completions(req: LoggedRequest, res: http.ServerResponse): void {
  const body = isObj(req.body) ? req.body : {};
  if (typeof body.model !== 'string') { writeJson(res, 400, { error: { message: 'you must provide a model parameter', type: 'invalid_request_error', param: null, code: null } }); return; }
  const head = { id: 'cmpl-fake1', object: 'text_completion', created: 1700000000, model: body.model };
  const list = prompts(body.prompt);
  const texts = list.map((p) => `${body.echo === true ? promptText(p) : ''}completion of: ${promptText(p)}${typeof body.suffix === 'string' ? body.suffix : ''}`);
  const promptTokens = list.reduce<number>((s, p) => s + Math.max(1, Math.ceil(promptText(p).length / 4)), 0);
  const completionTokens = texts.reduce<number>((s, t) => s + Math.max(1, Math.ceil(t.length / 4)), 0);
  const usage = { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
  if (body.stream !== true) {
    writeJson(res, 200, { ...head, choices: texts.map((text, index) => ({ text, index, logprobs: null, finish_reason: 'stop' })), usage, system_fingerprint: 'fp_fake' });
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const frame = (d: unknown): void => { res.write(`data: ${JSON.stringify(d)}\n\n`); };
  // A stream that breaks off: the first piece, then the connection ends without a finish chunk or [DONE].
  if (body.prompt === 'cut me off') { frame({ ...head, choices: [{ text: texts[0]!.slice(0, 5), index: 0, logprobs: null, finish_reason: null }] }); res.end(); return; }
  texts.forEach((text, index) => {
    const mid = Math.ceil(text.length / 2);
    for (const piece of [text.slice(0, mid), text.slice(mid)]) frame({ ...head, choices: [{ text: piece, index, logprobs: null, finish_reason: null }] });
    frame({ ...head, choices: [{ text: '', index, logprobs: null, finish_reason: 'stop' }] });
  });
  if (isObj(body.stream_options) && body.stream_options.include_usage === true) frame({ ...head, choices: [], usage });
  res.write('data: [DONE]\n\n');
  res.end();
}

function embeddings(req: LoggedRequest, res: http.ServerResponse): void {
  const body = isObj(req.body) ? req.body : {};
  const input = body.input;
  const list: unknown[] = typeof input === 'string' ? [input]
    : Array.isArray(input) && input.every((x) => typeof x === 'number') ? [input] : Array.isArray(input) ? input : [];
  if (!list.length) { writeJson(res, 400, { error: { message: "'input' is required", type: 'invalid_request_error', param: 'input', code: null } }); return; }
  const dims = typeof body.dimensions === 'number' ? body.dimensions : 4;
  const data = list.map((item, index) => {
    const v = fakeVector(item, dims);
    if (body.encoding_format !== 'base64') return { object: 'embedding', index, embedding: v };
    const buf = Buffer.alloc(v.length * 4);
    v.forEach((x, i) => buf.writeFloatLE(x, i * 4));
    return { object: 'embedding', index, embedding: buf.toString('base64') };
  });
  const tokens = list.reduce<number>((s, x) => s + Math.max(1, Math.ceil(JSON.stringify(x).length / 4)), 0);
  writeJson(res, 200, { object: 'list', data, model: body.model, usage: { prompt_tokens: tokens, total_tokens: tokens } });
}

/** Starts the fake on an ephemeral loopback port. */
export async function startFakeOpenAILegacy(): Promise<FakeOpenAILegacy> {
  const server = await startFakeServer((req, res) => {
    const path = req.url.split('?')[0]!.replace(/^\/v1(?=\/)/, '');
    if (req.method === 'POST' && path === '/completions') return completions(req, res);
    if (req.method === 'POST' && path === '/embeddings') return embeddings(req, res);
    if (req.method === 'GET' && path === '/models') return writeJson(res, 200, { object: 'list', data: [] });
    writeJson(res, 404, { error: { message: `Unknown request URL: ${req.method} ${path}.`, type: 'invalid_request_error', param: null, code: 'unknown_url' } });
  });
  const on = (p: string) => (): LoggedRequest[] => server.requests.filter((r) => r.method === 'POST' && r.url.split('?')[0]!.replace(/^\/v1(?=\/)/, '') === p);
  return { ...server, baseURL: `${server.url}/v1`, completionRequests: on('/completions'), embeddingRequests: on('/embeddings') };
}
