/**
 * The upstream side of the translation matrix: one entry per upstream type (openai, openai-compatible with
 * reasoning_content, anthropic, gemini, openai-responses). Each runs the real fake of its protocol behind a thin
 * "front" fake server: the front logs every request the gateway sends (so `aborted` is observable for every type),
 * forwards to the fake by default, and plays scripted protocol-native replies (exact frames, held by a gate, cut
 * off mid-stream, or never finished) when a test queues one. Wire frames here are written by hand per protocol.
 */
import http from 'node:http';
import type { ProviderConfig } from '../../src/gateway/config';
import { startFakeServer, writeJson, type FakeServer, type LoggedRequest } from '../helpers/fake-server';
import { startFakeOpenAI } from '../helpers/fake-openai';
import { startFakeAnthropic } from '../helpers/fake-anthropic';
import { startFakeGemini } from '../helpers/fake-gemini';
import { startFakeResponses } from '../helpers/fake-responses';
import { startGateway, type TestGateway } from '../helpers/gateway';

/** Upstream provider types under test. */
export type UpstreamType = 'openai' | 'openai-compatible' | 'anthropic' | 'gemini' | 'openai-responses';
export const UPSTREAM_TYPES: UpstreamType[] = ['openai', 'openai-compatible', 'anthropic', 'gemini', 'openai-responses'];

/** Usage in neutral terms: `input` counts every input token, cached and cache-written ones included. */
export interface NeutralUsage { input: number; cached: number; creation: number; output: number }

/** A scripted reply: exact frames (or a JSON body), optionally held after `holdAfter` frames or cut after `destroyAfter`. */
export interface Script {
  status?: number;
  frames?: string[];
  json?: unknown;
  headers?: Record<string, string>;
  /** Frames written before waiting on `gate` (needs `gate`). */
  holdAfter?: number;
  gate?: Promise<void>;
  /** Destroys the socket after this many frames (each flushed first). */
  destroyAfter?: number;
}

/** One upstream of the matrix. */
export interface Upstream {
  type: UpstreamType;
  /** Provider id of the main provider. */
  id: string;
  /** The main model; `${model}-rl` cools on 429 alone; `${model}-auth` lives on a separate probe provider. */
  model: string;
  /** Text of the reasoning the default reply streams when reasoning is asked for; undefined when the wire has none. */
  reasoningText?: string;
  /** Whether streamed tool arguments arrive in pieces on this wire (Gemini sends them whole). */
  splitsToolArgs: boolean;
  front: FakeServer;
  providers(): ProviderConfig[];
  /** Requests that reached the upstream's chat endpoint. */
  chatRequests(): LoggedRequest[];
  lastBody(): Record<string, unknown>;
  script(...s: Script[]): void;
  /** An error reply in the upstream's own wire shape. */
  error(status: number, message: string, headers?: Record<string, string>): Script;
  /** A complete streamed text answer of `pieces` with `usage`. */
  textFrames(pieces: string[], usage: NeutralUsage): string[];
  /** A complete non-streamed text answer. */
  textJson(text: string, usage: NeutralUsage): unknown;
  /** A streamed tool call whose argument JSON arrives as `pieces`. */
  toolFrames(callId: string, name: string, pieces: string[]): string[];
  close(): Promise<void>;
}

type Obj = Record<string, unknown>;
const sse = (data: unknown, event?: string): string => `${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;

function openaiType(status: number): string {
  return ({ 400: 'invalid_request_error', 401: 'invalid_request_error', 403: 'permission_error', 404: 'invalid_request_error', 429: 'rate_limit_error' } as Record<number, string>)[status] ?? 'server_error';
}
function anthropicType(status: number): string {
  return ({ 400: 'invalid_request_error', 401: 'authentication_error', 403: 'permission_error', 404: 'not_found_error', 429: 'rate_limit_error', 529: 'overloaded_error' } as Record<number, string>)[status] ?? 'api_error';
}
function geminiStatus(status: number): string {
  return ({ 400: 'INVALID_ARGUMENT', 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND', 429: 'RESOURCE_EXHAUSTED', 503: 'UNAVAILABLE' } as Record<number, string>)[status] ?? 'INTERNAL';
}

/** Wire builders of one protocol family. */
interface Wire {
  isChat(req: LoggedRequest): boolean;
  error(status: number, message: string): unknown;
  textFrames(model: string, pieces: string[], u: NeutralUsage): string[];
  textJson(model: string, text: string, u: NeutralUsage): unknown;
  toolFrames(model: string, callId: string, name: string, pieces: string[]): string[];
}

const chatWire: Wire = {
  isChat: (r) => r.method === 'POST' && /\/chat\/completions(\?|$)/.test(r.url),
  error: (status, message) => ({ error: { message, type: openaiType(status), param: null, code: status === 429 ? 'rate_limit_exceeded' : null } }),
  textFrames(model, pieces, u) {
    const chunk = (delta: Obj, finish: string | null = null): string => sse({ id: 'chatcmpl-s1', object: 'chat.completion.chunk', created: 1700000000, model, choices: [{ index: 0, delta, finish_reason: finish }] });
    return [chunk({ role: 'assistant', content: '' }), ...pieces.map((p) => chunk({ content: p })), chunk({}, 'stop'),
      sse({ id: 'chatcmpl-s1', object: 'chat.completion.chunk', created: 1700000000, model, choices: [], usage: chatUsage(u) }), sse('[DONE]')];
  },
  textJson: (model, text, u) => ({ id: 'chatcmpl-j1', object: 'chat.completion', created: 1700000000, model,
    choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop', logprobs: null }], usage: chatUsage(u) }),
  toolFrames(model, callId, name, pieces) {
    const chunk = (delta: Obj, finish: string | null = null): string => sse({ id: 'chatcmpl-t1', object: 'chat.completion.chunk', created: 1700000000, model, choices: [{ index: 0, delta, finish_reason: finish }] });
    return [chunk({ role: 'assistant', content: null }), chunk({ tool_calls: [{ index: 0, id: callId, type: 'function', function: { name, arguments: '' } }] }),
      ...pieces.map((a) => chunk({ tool_calls: [{ index: 0, function: { arguments: a } }] })), chunk({}, 'tool_calls'), sse('[DONE]')];
  },
};
const chatUsage = (u: NeutralUsage): Obj => ({ prompt_tokens: u.input, completion_tokens: u.output, total_tokens: u.input + u.output, prompt_tokens_details: { cached_tokens: u.cached } });

const anthropicUsage = (u: NeutralUsage, output: number): Obj => ({ input_tokens: u.input - u.cached - u.creation, cache_creation_input_tokens: u.creation, cache_read_input_tokens: u.cached, output_tokens: output });
const messageStart = (model: string, u: NeutralUsage): string => sse({ type: 'message_start', message: { id: 'msg_s1', type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: anthropicUsage(u, 1) } }, 'message_start');
const anthropicWire: Wire = {
  isChat: (r) => r.method === 'POST' && /^(\/v1)?\/messages\/?(\?|$)/.test(r.url),
  error: (status, message) => ({ type: 'error', error: { type: anthropicType(status), message } }),
  textFrames(model, pieces, u) {
    return [messageStart(model, u), sse({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }, 'content_block_start'),
      ...pieces.map((t) => sse({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: t } }, 'content_block_delta')),
      sse({ type: 'content_block_stop', index: 0 }, 'content_block_stop'),
      sse({ type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: u.output } }, 'message_delta'),
      sse({ type: 'message_stop' }, 'message_stop')];
  },
  textJson: (model, text, u) => ({ id: 'msg_j1', type: 'message', role: 'assistant', model, content: [{ type: 'text', text }], stop_reason: 'end_turn', stop_sequence: null, usage: anthropicUsage(u, u.output) }),
  toolFrames(model, callId, name, pieces) {
    const u = { input: 10, cached: 0, creation: 0, output: 5 };
    return [messageStart(model, u), sse({ type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: callId, name, input: {} } }, 'content_block_start'),
      ...pieces.map((p) => sse({ type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: p } }, 'content_block_delta')),
      sse({ type: 'content_block_stop', index: 0 }, 'content_block_stop'),
      sse({ type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 5 } }, 'message_delta'),
      sse({ type: 'message_stop' }, 'message_stop')];
  },
};

const geminiUsage = (u: NeutralUsage): Obj => ({ promptTokenCount: u.input, candidatesTokenCount: u.output, totalTokenCount: u.input + u.output, ...(u.cached ? { cachedContentTokenCount: u.cached } : {}) });
const geminiChunk = (model: string, parts: Obj[], last?: { usage: Obj }): string => `data: ${JSON.stringify({
  candidates: [{ content: { role: 'model', parts }, index: 0, ...(last ? { finishReason: 'STOP' } : {}) }],
  ...(last ? { usageMetadata: last.usage } : {}), modelVersion: model, responseId: 'resp-s1',
})}\r\n\r\n`;
const geminiWire: Wire = {
  isChat: (r) => r.method === 'POST' && /:(stream)?generateContent/i.test(r.url),
  error: (status, message) => ({ error: { code: status, message, status: geminiStatus(status) } }),
  textFrames: (model, pieces, u) => pieces.map((p, i) => geminiChunk(model, [{ text: p }], i === pieces.length - 1 ? { usage: geminiUsage(u) } : undefined)),
  textJson: (model, text, u) => ({ candidates: [{ content: { role: 'model', parts: [{ text }] }, finishReason: 'STOP', index: 0 }], usageMetadata: geminiUsage(u), modelVersion: model, responseId: 'resp-j1' }),
  // Gemini sends a functionCall whole, never as argument fragments.
  toolFrames: (model, _callId, name, pieces) => [geminiChunk(model, [{ functionCall: { name, args: JSON.parse(pieces.join('')) as Obj } }], { usage: geminiUsage({ input: 10, cached: 0, creation: 0, output: 5 }) })],
};

const respUsage = (u: NeutralUsage): Obj => ({ input_tokens: u.input, input_tokens_details: { cached_tokens: u.cached }, output_tokens: u.output, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: u.input + u.output });
function respObject(model: string, status: string, output: Obj[], usage: Obj | null): Obj {
  return { id: 'resp_s1', object: 'response', created_at: 1700000000, status, error: null, incomplete_details: null, model, output, usage, parallel_tool_calls: true, tools: [], metadata: {} };
}
function respEvents(events: Array<[string, Obj]>): string[] {
  return events.map(([type, fields], i) => sse({ type, sequence_number: i, ...fields }, type));
}
const responsesWire: Wire = {
  isChat: (r) => r.method === 'POST' && /\/responses(\?|$)/.test(r.url),
  error: chatWire.error,
  textFrames(model, pieces, u) {
    const text = pieces.join('');
    const item = { id: 'msg_s1', type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text, annotations: [] }] };
    const base = { item_id: 'msg_s1', output_index: 0, content_index: 0 };
    return respEvents([
      ['response.created', { response: respObject(model, 'in_progress', [], null) }],
      ['response.output_item.added', { output_index: 0, item: { ...item, status: 'in_progress', content: [] } }],
      ['response.content_part.added', { ...base, part: { type: 'output_text', text: '', annotations: [] } }],
      ...pieces.map((p): [string, Obj] => ['response.output_text.delta', { ...base, delta: p }]),
      ['response.output_text.done', { ...base, text }],
      ['response.output_item.done', { output_index: 0, item }],
      ['response.completed', { response: respObject(model, 'completed', [item], respUsage(u)) }],
    ]);
  },
  textJson: (model, text, u) => respObject(model, 'completed', [{ id: 'msg_j1', type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text, annotations: [] }] }], respUsage(u)),
  toolFrames(model, callId, name, pieces) {
    const args = pieces.join('');
    const item = { id: 'fc_s1', type: 'function_call', status: 'completed', call_id: callId, name, arguments: args };
    return respEvents([
      ['response.created', { response: respObject(model, 'in_progress', [], null) }],
      ['response.output_item.added', { output_index: 0, item: { ...item, status: 'in_progress', arguments: '' } }],
      ...pieces.map((p): [string, Obj] => ['response.function_call_arguments.delta', { item_id: 'fc_s1', output_index: 0, delta: p }]),
      ['response.function_call_arguments.done', { item_id: 'fc_s1', output_index: 0, arguments: args }],
      ['response.output_item.done', { output_index: 0, item }],
      ['response.completed', { response: respObject(model, 'completed', [item], respUsage({ input: 10, cached: 0, creation: 0, output: 5 })) }],
    ]);
  },
};

/** Forwards a request to the real fake, aborting it when the gateway goes away. */
function forward(target: string, req: LoggedRequest, res: http.ServerResponse): void {
  const { host: _h, connection: _c, 'content-length': _l, 'transfer-encoding': _t, ...headers } = req.headers;
  const up = http.request(target + req.url, { method: req.method, headers: { ...headers, 'content-length': Buffer.byteLength(req.rawBody) } }, (ur) => {
    res.writeHead(ur.statusCode ?? 502, ur.headers);
    ur.pipe(res);
  });
  res.on('close', () => { if (!res.writableFinished) up.destroy(); });
  up.on('error', () => res.destroy());
  up.end(req.rawBody);
}

async function play(s: Script, res: http.ServerResponse): Promise<void> {
  if (s.json !== undefined) { writeJson(res, s.status ?? 200, s.json, s.headers); return; }
  res.writeHead(s.status ?? 200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...s.headers });
  res.flushHeaders();
  for (const [i, f] of (s.frames ?? []).entries()) {
    if (s.gate && i === s.holdAfter) await s.gate;
    if (s.destroyAfter !== undefined && i >= s.destroyAfter) { res.destroy(); return; }
    if (res.destroyed) return;
    await new Promise<void>((resolve) => res.write(f, () => resolve()));
  }
  if (s.gate && s.holdAfter === (s.frames ?? []).length) await s.gate;
  if (s.destroyAfter !== undefined) { res.destroy(); return; }
  res.end();
}

const MODELS: Record<UpstreamType, string> = {
  openai: 'gpt-fake', 'openai-compatible': 'deepseek-fake', anthropic: 'claude-fake-sonnet', gemini: 'gemini-2.5-flash', 'openai-responses': 'resp-fake',
};
const WIRES: Record<UpstreamType, Wire> = { openai: chatWire, 'openai-compatible': chatWire, anthropic: anthropicWire, gemini: geminiWire, 'openai-responses': responsesWire };
const REASONING: Partial<Record<UpstreamType, string>> = {
  'openai-compatible': 'Let me reason about this carefully.', anthropic: 'Thinking about:', gemini: 'Thinking about:', 'openai-responses': 'Thinking briefly.',
};

/** Starts the fake of `type` and returns its base URL root (no API path) and closer. */
async function startBackend(type: UpstreamType): Promise<{ url: string; close(): Promise<void> }> {
  switch (type) {
    case 'openai': return startFakeOpenAI({ chunkSize: 3 });
    case 'openai-compatible': return startFakeOpenAI({ chunkSize: 3, reasoning: REASONING['openai-compatible'] });
    case 'anthropic': return startFakeAnthropic({ models: ['claude-fake-sonnet'] });
    case 'gemini': return startFakeGemini();
    case 'openai-responses': { const f = await startFakeResponses(); return { url: f.server.url, close: () => f.close() }; }
  }
}

/** Starts one upstream of the matrix. */
export async function startUpstream(type: UpstreamType): Promise<Upstream> {
  const backend = await startBackend(type);
  const wire = WIRES[type];
  const scripts: Script[] = [];
  const front = await startFakeServer(async (req, res) => {
    const s = wire.isChat(req) ? scripts.shift() : undefined;
    if (s) await play(s, res); else forward(backend.url, req, res);
  });
  const id = `up-${type}`;
  const model = MODELS[type];
  const base = front.url + (type === 'gemini' ? '/v1beta' : '/v1');
  const chatRequests = (): LoggedRequest[] => front.requests.filter((r) => wire.isChat(r));
  return {
    type, id, model, front, reasoningText: REASONING[type], splitsToolArgs: type !== 'gemini',
    providers: () => [
      { id, type, baseUrl: base, keys: [{ label: 'main', key: `${type}-upstream-key` }], models: [model, `${model}-rl`] },
      { id: `${id}-probe`, type, baseUrl: base, keys: [{ label: 'probe', key: `${type}-probe-key` }], models: [`${model}-auth`] },
    ],
    chatRequests,
    lastBody() {
      const last = chatRequests().at(-1);
      if (!last || typeof last.body !== 'object' || last.body === null) throw new Error(`${type}: no chat request yet`);
      return last.body as Record<string, unknown>;
    },
    script: (...s) => { scripts.push(...s); },
    error: (status, message, headers) => ({ status, json: wire.error(status, message), headers }),
    textFrames: (pieces, usage) => wire.textFrames(model, pieces, usage),
    textJson: (text, usage) => wire.textJson(model, text, usage),
    toolFrames: (callId, name, pieces) => wire.toolFrames(model, callId, name, pieces),
    close: async () => { await front.close(); await backend.close(); },
  };
}

/** Starts every upstream type. */
export async function startAllUpstreams(): Promise<Record<UpstreamType, Upstream>> {
  const list = await Promise.all(UPSTREAM_TYPES.map(startUpstream));
  return Object.fromEntries(list.map((u) => [u.type, u])) as Record<UpstreamType, Upstream>;
}

/** A hand-opened latch for scripted replies. */
export function latch(): { wait: Promise<void>; open(): void } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => { open = resolve; });
  return { wait, open };
}

/** Waits (bounded) until `cond` holds, checking after each macrotask; throws with `what` if it never does. */
export async function eventually(cond: () => boolean, what: string, maxMs = 5000): Promise<void> {
  const until = Date.now() + maxMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Splits `s` into `n` roughly equal pieces. */
export function splitInto(s: string, n: number): string[] {
  const size = Math.max(1, Math.ceil(s.length / n));
  const out: string[] = [];
  for (let i = 0; i < s.length; i += size) out.push(s.slice(i, i + size));
  return out;
}

/** A readable SSE body read incrementally, for keep-alive and disconnect tests. */
export interface RawStream { text(): string; readUntil(pred: (t: string) => boolean, what: string, maxMs?: number): Promise<void>; rest(): Promise<string>; cancel(): Promise<void> }

/** Opens a raw streamed POST (fetch) and lets the test read it step by step. */
export async function openRaw(url: string, headers: Record<string, string>, body: unknown): Promise<RawStream> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  if (!res.body) throw new Error(`no body (status ${res.status})`);
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let acc = '';
  let done = false;
  const pull = async (): Promise<void> => {
    const r = await reader.read();
    if (r.done) done = true; else acc += decoder.decode(r.value, { stream: true });
  };
  return {
    text: () => acc,
    async readUntil(pred, what, maxMs = 5000) {
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<'expired'>((resolve) => { timer = setTimeout(() => resolve('expired'), maxMs); });
      try {
        for (let i = 0; i < 10_000 && !pred(acc); i++) {
          if (done) throw new Error(`stream ended before ${what}: ${acc}`);
          if ((await Promise.race([pull(), expired])) === 'expired') throw new Error(`no ${what} within ${maxMs} ms: ${acc}`);
        }
      } finally { clearTimeout(timer); }
      if (!pred(acc)) throw new Error(`never saw ${what}`);
    },
    async rest() { for (let i = 0; i < 100_000 && !done; i++) await pull(); return acc; },
    cancel: () => reader.cancel(),
  };
}

/** A 1×1 transparent PNG, base64. */
export const PNG_1PX = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

/** Every upstream behind one gateway (keep-alives every 50 ms of upstream silence). */
export interface Matrix { up: Record<UpstreamType, Upstream>; gw: TestGateway; close(): Promise<void> }

/** Starts the matrix: all upstream types, one gateway routing to them. */
export async function startMatrix(): Promise<Matrix> {
  const up = await startAllUpstreams();
  const gw = await startGateway({ providers: UPSTREAM_TYPES.flatMap((t) => up[t].providers()) }, { keepAliveMs: 50 });
  return { up, gw, close: async () => { await gw.close(); await Promise.all(UPSTREAM_TYPES.map((t) => up[t].close())); } };
}

/** Whether the upstream body asks for reasoning, in the upstream's own terms. */
export function asksForReasoning(type: UpstreamType, body: Record<string, unknown>): boolean {
  const o = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null ? v as Record<string, unknown> : {});
  switch (type) {
    case 'openai': case 'openai-compatible': return typeof body.reasoning_effort === 'string';
    case 'anthropic': return o(body.thinking).type === 'enabled' || o(body.thinking).type === 'adaptive';
    case 'gemini': return o(o(body.generationConfig).thinkingConfig).includeThoughts === true;
    case 'openai-responses': return typeof o(body.reasoning).effort === 'string';
  }
}

/** The usage every usage test scripts: 100 input tokens of which 30 cache reads (and 10 cache writes on Anthropic). */
export function scriptedUsage(type: UpstreamType): NeutralUsage {
  return { input: 100, cached: 30, creation: type === 'anthropic' ? 10 : 0, output: 20 };
}

/**
 * Opens a stream whose upstream sends "Hello" and then holds the rest (`tail`) until `release()`: resolves once the
 * client has read "Hello", for disconnect and keep-alive tests.
 */
export async function openHeldStream(upstream: Upstream, type: UpstreamType, tail: string, open: () => Promise<RawStream>): Promise<{ raw: RawStream; release(): void }> {
  const gate = latch();
  const frames = upstream.textFrames(['Hello', tail], scriptedUsage(type));
  upstream.script({ frames, gate: gate.wait, holdAfter: frames.findIndex((f) => f.includes('Hello')) + 1 });
  const raw = await open();
  await raw.readUntil((t) => t.includes('Hello'), 'the first text');
  return { raw, release: gate.open };
}
