/**
 * A fake OpenAI Chat Completions upstream on 127.0.0.1, speaking the exact wire format (verified against the
 * official `openai` SDK in test/unit/fakes/fake-openai.test.ts).
 *
 * Default behaviour (no script):
 * - `POST /v1/chat/completions` (or `/chat/completions`) answers "echo: <last user text>" with usage, as JSON or,
 *   with `stream: true`, as SSE split every `chunkSize` characters (usage chunk only with `include_usage`, as OpenAI).
 * - If the request has tools and the last message is a user message containing "use tool", it calls the first
 *   tool ("use all tools": every tool, in parallel); streamed arguments are split into `argsChunks` pieces.
 * - If the last message is a tool result, it answers "tool result: <the tool message texts joined by ' | '>".
 * - `GET /v1/models` lists `models`. Other paths answer 404 in OpenAI's error shape.
 *
 * Scripts: `fake.enqueue(reply, …)` queues replies consumed in order by chat requests, overriding the default;
 * e.g. `{ kind: 'error', status: 429, headers: { 'retry-after': '1' } }`, `{ kind: 'hang' }`, or a gated stream
 * (`const gate = createGate(); fake.enqueue({ kind: 'text', text: 'abc', gate })`, then `gate.release()`).
 */
import type http from 'node:http';
import { startFakeServer, writeJson } from './fake-server';
import type { FakeServer, LoggedRequest } from './fake-server';

/** Options of the fake. */
export interface FakeOpenAIOptions {
  /** Model ids listed by `GET /v1/models`. Default `['gpt-fake', 'gpt-fake-mini']`. */
  models?: string[];
  /** When set, `Authorization: Bearer <key>` must match one of these, else 401 `invalid_api_key`. */
  apiKeys?: string[];
  /** Characters per streamed content/reasoning delta. Default 4. */
  chunkSize?: number;
  /** Pieces streamed tool-call arguments are split into. Default 3. */
  argsChunks?: number;
  /** `created` of every response. Default 1700000000. */
  created?: number;
  /** When set, default replies start with this reasoning (`reasoning_content`, DeepSeek style). */
  reasoning?: string;
}

/** A tool call the fake makes. `arguments` objects are JSON-encoded. */
export interface FakeToolCall { name: string; arguments: string | Record<string, unknown>; id?: string }

/** Stream pacing, for replies streamed as SSE. */
export interface StreamControl {
  /** Frame n+1 is written only after `gate.release()` (frame 0 goes out with the headers). */
  gate?: Gate;
  /** Destroys the socket after this many frames (a connection reset mid-stream). */
  destroyAfter?: number;
}

/** A scripted reply for one chat request. */
export type FakeOpenAIReply =
  /** Answer with this text (JSON or SSE, as the request asks). */
  | ({ kind: 'text'; text: string; reasoning?: string; finishReason?: string; usage?: FakeUsage } & StreamControl)
  /** Answer with tool calls (and optional text first). */
  | ({ kind: 'tool-calls'; calls: FakeToolCall[]; text?: string; usage?: FakeUsage } & StreamControl)
  /** An OpenAI-shaped error response. */
  | { kind: 'error'; status: number; message?: string; type?: string; code?: string | null; param?: string | null; headers?: Record<string, string> }
  /** Exactly this JSON body. */
  | { kind: 'json'; status?: number; body: unknown; headers?: Record<string, string> }
  /** These SSE data payloads (objects are JSON-encoded; strings such as '[DONE]' go as they are). */
  | ({ kind: 'sse'; frames: Array<string | Record<string, unknown>>; status?: number } & StreamControl)
  /** Raw bytes with a status and content type (e.g. an HTML 502 page). */
  | { kind: 'raw'; status: number; body: string; contentType?: string }
  /** Reads the request and never answers (until the client disconnects or the fake closes). */
  | { kind: 'hang' }
  /** Destroys the socket without answering. */
  | { kind: 'reset' }
  /** The default behaviour, computed from the request (to place a normal reply between scripted ones). */
  | ({ kind: 'default' } & StreamControl);

/** Usage figures of a reply; omitted ones are estimated (about 4 characters per token). */
export interface FakeUsage { prompt_tokens?: number; completion_tokens?: number; cached_tokens?: number; reasoning_tokens?: number }

/** Hand-released pacing for one streamed reply. Event-driven: no timers anywhere. */
export interface Gate {
  /** Allows `n` more frames (default 1). */
  release(n?: number): void;
  /** Allows every remaining frame. */
  releaseAll(): void;
  /** Frames written so far. */
  readonly sent: number;
  /** Resolves once at least `n` frames have been written. */
  waitForSent(n: number): Promise<void>;
}

/** Creates a gate for a streamed reply. */
export function createGate(): Gate {
  let allowed = 1;
  let sent = 0;
  let waiters: Array<() => void> = [];
  const wake = (): void => { const w = waiters; waiters = []; for (const f of w) f(); };
  const gate: Gate & { allow(i: number): Promise<void>; markSent(): void } = {
    release(n = 1) { allowed += n; wake(); },
    releaseAll() { allowed = Infinity; wake(); },
    get sent() { return sent; },
    async waitForSent(n) { while (sent < n) await new Promise<void>((r) => waiters.push(r)); },
    async allow(i) { while (allowed <= i) await new Promise<void>((r) => waiters.push(r)); },
    markSent() { sent++; wake(); },
  };
  return gate;
}

/** A running fake OpenAI upstream. */
export interface FakeOpenAI extends FakeServer {
  /** Base URL including `/v1`, for SDKs and provider configs. */
  baseURL: string;
  /** Queues scripted replies, consumed in order by chat requests. */
  enqueue(...replies: FakeOpenAIReply[]): void;
  /** Scripted replies not yet consumed. */
  pending(): number;
  /** Requests that reached the chat completions endpoint, in order. */
  chatRequests(): LoggedRequest[];
  /** The JSON body of the last chat request (throws if there was none). */
  lastChatBody(): Record<string, unknown>;
}

type Msg = { role?: unknown; content?: unknown };
interface Plan { text: string; reasoning?: string; calls: FakeToolCall[]; finishReason: string; usage?: FakeUsage }

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const sseHeaders = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' };

/** Text of a message's content: the string, or its text parts joined by blank lines. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.filter((p): p is { text: string } => isObj(p) && typeof p.text === 'string').map((p) => p.text).join('\n\n');
}

function sampleArgs(tool: unknown, text: string): Record<string, unknown> {
  const params = isObj(tool) && isObj(tool.function) ? tool.function.parameters : undefined;
  const props = isObj(params) && isObj(params.properties) ? params.properties : {};
  const out: Record<string, unknown> = {};
  for (const [k, schema] of Object.entries(props)) {
    const t = isObj(schema) ? schema.type : undefined;
    out[k] = t === 'number' || t === 'integer' ? 1 : t === 'boolean' ? true : t === 'array' ? [] : t === 'object' ? {} : text;
  }
  return out;
}

/** The default reply for a request body (see the file comment). */
function defaultPlan(body: Record<string, unknown>, opts: FakeOpenAIOptions): Plan {
  const messages = (Array.isArray(body.messages) ? body.messages : []) as Msg[];
  const last = messages.at(-1);
  const tools = Array.isArray(body.tools) ? body.tools : [];
  const reasoning = opts.reasoning;
  if (last?.role === 'tool') {
    let i = messages.length;
    while (i > 0 && messages[i - 1]!.role === 'tool') i--;
    const results = messages.slice(i).map((m) => contentText(m.content));
    return { text: `tool result: ${results.join(' | ')}`, reasoning, calls: [], finishReason: 'stop' };
  }
  const userText = contentText([...messages].reverse().find((m) => m.role === 'user')?.content);
  if (last?.role === 'user' && tools.length && /use (all )?tools?/i.test(userText)) {
    const chosen = /use all tools/i.test(userText) ? tools : tools.slice(0, 1);
    const calls = chosen.map((t) => ({
      name: isObj(t) && isObj(t.function) && typeof t.function.name === 'string' ? t.function.name : 'unknown',
      arguments: sampleArgs(t, userText),
    }));
    return { text: '', reasoning, calls, finishReason: 'tool_calls' };
  }
  return { text: `echo: ${userText}`, reasoning, calls: [], finishReason: 'stop' };
}

function usageOf(plan: Plan, body: Record<string, unknown>, args: string[]): Record<string, unknown> {
  const est = (s: string): number => Math.max(1, Math.ceil(s.length / 4));
  const u = plan.usage ?? {};
  const prompt = u.prompt_tokens ?? est(JSON.stringify(body.messages ?? ''));
  const completion = u.completion_tokens ?? est(plan.text + (plan.reasoning ?? '') + args.join(''));
  return {
    prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: u.cached_tokens ?? 0 },
    completion_tokens_details: { reasoning_tokens: u.reasoning_tokens ?? (plan.reasoning ? est(plan.reasoning) : 0) },
  };
}

function split(s: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < s.length; i += size) out.push(s.slice(i, i + size));
  return out;
}

/** Renders a plan as OpenAI's chat.completion JSON or chat.completion.chunk payloads. */
function render(plan: Plan, body: Record<string, unknown>, opts: FakeOpenAIOptions, seq: number, callSeq: () => string) {
  const head = { id: `chatcmpl-fake${seq}`, created: opts.created ?? 1700000000, model: typeof body.model === 'string' ? body.model : 'gpt-fake' };
  const calls = plan.calls.map((c) => ({ id: c.id ?? callSeq(), name: c.name, args: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments) }));
  const usage = usageOf(plan, body, calls.map((c) => c.args));
  const toolCalls = calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.args } }));
  const json = {
    ...head, object: 'chat.completion', system_fingerprint: 'fp_fake',
    choices: [{ index: 0, logprobs: null, finish_reason: plan.finishReason, message: {
      role: 'assistant', content: plan.text === '' && calls.length ? null : plan.text, refusal: null,
      ...(plan.reasoning ? { reasoning_content: plan.reasoning } : {}), ...(calls.length ? { tool_calls: toolCalls } : {}) } }],
    usage,
  };
  const withUsage = isObj(body.stream_options) && body.stream_options.include_usage === true;
  const chunk = (delta: Record<string, unknown>, finish: string | null = null): Record<string, unknown> => ({
    ...head, object: 'chat.completion.chunk', system_fingerprint: 'fp_fake',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...(withUsage ? { usage: null } : {}),
  });
  const size = Math.max(1, opts.chunkSize ?? 4);
  const frames: Array<string | Record<string, unknown>> = [chunk({ role: 'assistant', content: '', refusal: null })];
  for (const r of split(plan.reasoning ?? '', size)) frames.push(chunk({ reasoning_content: r }));
  for (const t of split(plan.text, size)) frames.push(chunk({ content: t }));
  calls.forEach((c, index) => {
    frames.push(chunk({ tool_calls: [{ index, id: c.id, type: 'function', function: { name: c.name, arguments: '' } }] }));
    const pieceSize = Math.max(1, Math.ceil(c.args.length / Math.max(1, opts.argsChunks ?? 3)));
    for (const a of split(c.args, pieceSize)) frames.push(chunk({ tool_calls: [{ index, function: { arguments: a } }] }));
  });
  frames.push(chunk({}, plan.finishReason));
  if (withUsage) frames.push({ ...head, object: 'chat.completion.chunk', system_fingerprint: 'fp_fake', choices: [], usage });
  frames.push('[DONE]');
  return { json, frames };
}

/** Writes SSE frames, honouring a gate and a mid-stream reset. */
async function writeFrames(res: http.ServerResponse, frames: Array<string | Record<string, unknown>>, ctl: StreamControl, status = 200): Promise<void> {
  const gate = ctl.gate as (Gate & { allow(i: number): Promise<void>; markSent(): void }) | undefined;
  res.writeHead(status, sseHeaders);
  for (const [i, f] of frames.entries()) {
    if (ctl.destroyAfter !== undefined && i >= ctl.destroyAfter) { res.destroy(); return; }
    if (gate) await gate.allow(i);
    if (res.destroyed) return;
    const text = `data: ${typeof f === 'string' ? f : JSON.stringify(f)}\n\n`;
    // Before a planned reset, wait until each frame is flushed so the client really sees the frames before it.
    if (ctl.destroyAfter !== undefined) await new Promise<void>((resolve) => res.write(text, () => resolve()));
    else res.write(text);
    gate?.markSent();
  }
  res.end();
}

function writeError(res: http.ServerResponse, status: number, message: string, type: string, code: string | null, param: string | null = null, headers: Record<string, string> = {}): void {
  writeJson(res, status, { error: { message, type, param, code } }, headers);
}

const DEFAULT_TYPE: Record<number, string> = { 400: 'invalid_request_error', 401: 'invalid_request_error', 403: 'permission_error', 404: 'invalid_request_error', 429: 'rate_limit_error' };

/** Starts the fake on an ephemeral loopback port. */
export async function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const queue: FakeOpenAIReply[] = [];
  let seq = 0;
  let calls = 0;
  const callSeq = (): string => `call_fake${++calls}`;

  async function chat(req: LoggedRequest, res: http.ServerResponse): Promise<void> {
    const body = req.body;
    if (!isObj(body)) return writeError(res, 400, 'We could not parse the JSON body of your request.', 'invalid_request_error', null);
    const reply = queue.shift() ?? { kind: 'default' };
    seq++;
    const stream = body.stream === true;
    switch (reply.kind) {
      case 'hang': return;
      case 'reset': res.destroy(); return;
      case 'error':
        return writeError(res, reply.status, reply.message ?? `Fake error ${reply.status}`, reply.type ?? DEFAULT_TYPE[reply.status] ?? 'server_error',
          reply.code === undefined ? null : reply.code, reply.param ?? null, reply.headers);
      case 'json': return writeJson(res, reply.status ?? 200, reply.body, reply.headers);
      case 'raw':
        res.writeHead(reply.status, { 'content-type': reply.contentType ?? 'text/html' });
        res.end(reply.body);
        return;
      case 'sse': return writeFrames(res, reply.frames, reply, reply.status);
      default: break;
    }
    if (typeof body.model !== 'string') return writeError(res, 400, 'you must provide a model parameter', 'invalid_request_error', null, null);
    if (!Array.isArray(body.messages) || body.messages.length === 0) {
      return writeError(res, 400, "Invalid 'messages': empty array. Expected an array with minimum length 1.", 'invalid_request_error', 'empty_array', 'messages');
    }
    const plan: Plan = reply.kind === 'text'
      ? { text: reply.text, reasoning: reply.reasoning, calls: [], finishReason: reply.finishReason ?? 'stop', usage: reply.usage }
      : reply.kind === 'tool-calls'
        ? { text: reply.text ?? '', calls: reply.calls, finishReason: 'tool_calls', usage: reply.usage }
        : defaultPlan(body, options);
    const out = render(plan, body, options, seq, callSeq);
    if (!stream) return writeJson(res, 200, out.json);
    return writeFrames(res, out.frames, reply);
  }

  const handler = async (req: LoggedRequest, res: http.ServerResponse): Promise<void> => {
    const path = req.url.split('?')[0]!.replace(/\/+$/, '');
    if (options.apiKeys) {
      const auth = req.headers.authorization ?? '';
      if (!options.apiKeys.some((k) => auth === `Bearer ${k}`)) {
        return writeError(res, 401, 'Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key');
      }
    }
    if (req.method === 'POST' && (path === '/v1/chat/completions' || path === '/chat/completions')) return chat(req, res);
    if (req.method === 'GET' && (path === '/v1/models' || path === '/models')) {
      const data = (options.models ?? ['gpt-fake', 'gpt-fake-mini']).map((id) => ({ id, object: 'model', created: options.created ?? 1700000000, owned_by: 'fake' }));
      return writeJson(res, 200, { object: 'list', data });
    }
    return writeError(res, 404, `Unknown request URL: ${req.method} ${path}.`, 'invalid_request_error', 'unknown_url');
  };

  const server = await startFakeServer(handler);
  const isChat = (r: LoggedRequest): boolean => r.method === 'POST' && /^\/(v1\/)?chat\/completions\/?(\?|$)/.test(r.url);
  return {
    ...server,
    baseURL: `${server.url}/v1`,
    enqueue: (...replies) => { queue.push(...replies); },
    pending: () => queue.length,
    chatRequests: () => server.requests.filter(isChat),
    lastChatBody() {
      const last = server.requests.filter(isChat).at(-1);
      if (!last || !isObj(last.body)) throw new Error('fake-openai: no chat request with a JSON body yet');
      return last.body;
    },
  };
}
