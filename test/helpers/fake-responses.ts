/**
 * A fake OpenAI Responses upstream (POST /v1/responses and /responses) on real loopback sockets. By default it
 * answers deterministically: an echo of the last user text, a function_call when tools exist and the prompt asks
 * for one, text quoting the tool output after a function_call_output, and a reasoning item first when reasoning
 * is requested. Tests can queue scripted replies (errors, raw frames, gated or hanging replies).
 * Written by hand, independently of the codec, so it can check the codec rather than mirror it.
 */
import type http from 'node:http';
import { startFakeServer, writeJson, type FakeServer, type LoggedRequest } from './fake-server';

/** A tool call the fake should make. */
export interface FakeToolCall { name: string; arguments: string }

/** Options for the default behaviour. */
export interface FakeResponsesOptions {
  /** Decides whether to call a tool; default: the first function tool when the last user text says "use tool" or "run a command". */
  toolCallFor?: (body: Record<string, unknown>) => FakeToolCall | undefined;
  /** Model name reported when the request has none. */
  model?: string;
}

/** One scripted reply, consumed in order before the default behaviour applies. */
export type FakeReply =
  | { kind: 'error'; status: number; body: unknown; headers?: Record<string, string> }
  | { kind: 'json'; body: unknown; status?: number }
  | { kind: 'frames'; frames: string[]; status?: number; headers?: Record<string, string> }
  | { kind: 'hang' }
  | { kind: 'gate'; wait: Promise<void>; then?: FakeReply };

/** A running fake Responses upstream. */
export interface FakeResponses {
  /** Base URL including `/v1`, as an OpenAI SDK `baseURL`. */
  baseUrl: string;
  server: FakeServer;
  requests: LoggedRequest[];
  enqueue(...replies: FakeReply[]): void;
  /** A gate: queue `{kind:'gate', wait}`; the reply is written once `release()` is called. */
  gate(): { wait: Promise<void>; release: () => void };
  close(): Promise<void>;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function textOfContent(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((p: unknown) => (isObj(p) && typeof p.text === 'string' ? p.text : '')).join('');
}

function inputItems(body: Obj): Obj[] {
  if (typeof body.input === 'string') return [{ type: 'message', role: 'user', content: body.input }];
  return Array.isArray(body.input) ? body.input.filter(isObj) : [];
}

/** The last user message's text. */
export function lastUserText(body: Obj): string {
  const items = inputItems(body);
  for (let i = items.length - 1; i >= 0; i--) {
    const it = items[i]!;
    if ((it.type === 'message' || it.type === undefined) && it.role === 'user') return textOfContent(it.content);
  }
  return '';
}

function defaultToolCall(body: Obj): FakeToolCall | undefined {
  const text = lastUserText(body).toLowerCase();
  if (!text.includes('use tool') && !text.includes('run a command')) return undefined;
  const tool = (Array.isArray(body.tools) ? body.tools : []).find((t: unknown) => isObj(t) && t.type === 'function');
  if (!isObj(tool) || typeof tool.name !== 'string') return undefined;
  return { name: tool.name, arguments: text.includes('run a command') ? '{"command":"echo hi"}' : '{"q":"test"}' };
}

/** The output items and status the fake answers a body with. */
export function fakeOutput(body: Obj, options: FakeResponsesOptions = {}): Obj[] {
  const items = inputItems(body);
  const last = items[items.length - 1];
  const output: Obj[] = [];
  const reasoning = isObj(body.reasoning) && typeof body.reasoning.effort === 'string' && body.reasoning.effort !== 'none';
  if (reasoning) {
    output.push({
      id: 'rs_fake1', type: 'reasoning', summary: [{ type: 'summary_text', text: 'Thinking briefly.' }],
      encrypted_content: 'gAAAAAfakeEncryptedReasoning',
    });
  }
  if (last?.type === 'function_call_output') {
    const out = typeof last.output === 'string' ? last.output : textOfContent(last.output);
    output.push(message(`Tool said: ${out}`));
    return output;
  }
  const hasTools = Array.isArray(body.tools) && body.tools.length > 0;
  const call = hasTools ? (options.toolCallFor ?? defaultToolCall)(body) : undefined;
  if (call) {
    output.push({ id: 'fc_fake1', type: 'function_call', status: 'completed', call_id: 'call_fake1', name: call.name, arguments: call.arguments });
    return output;
  }
  output.push(message(`Echo: ${lastUserText(body)}`));
  return output;
}

function message(text: string): Obj {
  return { id: 'msg_fake1', type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text, annotations: [] }] };
}

function responseObject(body: Obj, model: string, status: string, output: Obj[], usage: Obj | null): Obj {
  return {
    id: 'resp_fake1', object: 'response', created_at: 1700000000, status, error: null, incomplete_details: null,
    instructions: typeof body.instructions === 'string' ? body.instructions : null, max_output_tokens: body.max_output_tokens ?? null,
    model, output, parallel_tool_calls: true, previous_response_id: null, reasoning: { effort: null, summary: null }, store: false,
    temperature: null, text: { format: { type: 'text' } }, tool_choice: 'auto', tools: Array.isArray(body.tools) ? body.tools : [],
    top_p: null, truncation: 'disabled', usage, user: null, metadata: {},
  };
}

function usageFor(body: Obj, output: Obj[]): Obj {
  const input = Math.max(1, Math.ceil(JSON.stringify(body.input ?? '').length / 4));
  const out = Math.max(1, Math.ceil(JSON.stringify(output).length / 16));
  const reasoning = output.some((o) => o.type === 'reasoning') ? 5 : 0;
  return { input_tokens: input, input_tokens_details: { cached_tokens: 0 }, output_tokens: out + reasoning, output_tokens_details: { reasoning_tokens: reasoning }, total_tokens: input + out + reasoning };
}

/** The exact SSE event sequence (as encoded frames) for a body's default reply. */
export function fakeSseFrames(body: Obj, model: string, output: Obj[]): string[] {
  let seq = 0;
  const frames: string[] = [];
  const emit = (type: string, fields: Obj): void => {
    frames.push(`event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq++, ...fields })}\n\n`);
  };
  emit('response.created', { response: responseObject(body, model, 'in_progress', [], null) });
  emit('response.in_progress', { response: responseObject(body, model, 'in_progress', [], null) });
  output.forEach((item, outputIndex) => {
    const base = { item_id: item.id, output_index: outputIndex };
    if (item.type === 'message') {
      const text = textOfContent(item.content);
      emit('response.output_item.added', { output_index: outputIndex, item: { ...item, status: 'in_progress', content: [] } });
      emit('response.content_part.added', { ...base, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } });
      // Two deltas, so consumers must concatenate.
      const half = Math.ceil(text.length / 2);
      for (const piece of [text.slice(0, half), text.slice(half)]) if (piece) emit('response.output_text.delta', { ...base, content_index: 0, delta: piece, logprobs: [] });
      emit('response.output_text.done', { ...base, content_index: 0, text, logprobs: [] });
      emit('response.content_part.done', { ...base, content_index: 0, part: { type: 'output_text', text, annotations: [] } });
    } else if (item.type === 'reasoning') {
      const text = textOfContent(item.summary);
      emit('response.output_item.added', { output_index: outputIndex, item: { id: item.id, type: 'reasoning', summary: [] } });
      emit('response.reasoning_summary_part.added', { ...base, summary_index: 0, part: { type: 'summary_text', text: '' } });
      emit('response.reasoning_summary_text.delta', { ...base, summary_index: 0, delta: text });
      emit('response.reasoning_summary_text.done', { ...base, summary_index: 0, text });
      emit('response.reasoning_summary_part.done', { ...base, summary_index: 0, part: { type: 'summary_text', text } });
    } else if (item.type === 'function_call') {
      const args = String(item.arguments);
      emit('response.output_item.added', { output_index: outputIndex, item: { ...item, status: 'in_progress', arguments: '' } });
      emit('response.function_call_arguments.delta', { ...base, delta: args });
      emit('response.function_call_arguments.done', { ...base, arguments: args });
    }
    emit('response.output_item.done', { output_index: outputIndex, item });
  });
  emit('response.completed', { response: responseObject(body, model, 'completed', output, usageFor(body, output)) });
  return frames;
}

async function writeReply(reply: FakeReply, req: LoggedRequest, res: http.ServerResponse, options: FakeResponsesOptions): Promise<void> {
  switch (reply.kind) {
    case 'error': writeJson(res, reply.status, reply.body, reply.headers); return;
    case 'json': writeJson(res, reply.status ?? 200, reply.body); return;
    case 'frames':
      res.writeHead(reply.status ?? 200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...reply.headers });
      for (const f of reply.frames) res.write(f);
      res.end();
      return;
    case 'hang':
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.flushHeaders();
      return; // never ends; the client aborts or the server closes
    case 'gate':
      await reply.wait;
      if (reply.then) await writeReply(reply.then, req, res, options); else defaultReply(req, res, options);
  }
}

function defaultReply(req: LoggedRequest, res: http.ServerResponse, options: FakeResponsesOptions): void {
  const body = isObj(req.body) ? req.body : {};
  const model = typeof body.model === 'string' ? body.model : options.model ?? 'fake-model';
  const output = fakeOutput(body, options);
  if (body.stream === true) {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    for (const f of fakeSseFrames(body, model, output)) res.write(f);
    res.end();
    return;
  }
  writeJson(res, 200, responseObject(body, model, 'completed', output, usageFor(body, output)));
}

/** Starts the fake on an ephemeral loopback port. */
export async function startFakeResponses(options: FakeResponsesOptions = {}): Promise<FakeResponses> {
  const queue: FakeReply[] = [];
  const server = await startFakeServer(async (req, res) => {
    const path = req.url.split('?')[0];
    if (req.method !== 'POST' || (path !== '/v1/responses' && path !== '/responses')) {
      writeJson(res, 404, { error: { message: `No route ${req.method} ${path}`, type: 'invalid_request_error', param: null, code: null } });
      return;
    }
    const next = queue.shift();
    if (next) await writeReply(next, req, res, options); else defaultReply(req, res, options);
  });
  return {
    baseUrl: `${server.url}/v1`,
    server,
    requests: server.requests,
    enqueue: (...replies) => { queue.push(...replies); },
    gate() {
      let release!: () => void;
      const wait = new Promise<void>((resolve) => { release = resolve; });
      return { wait, release };
    },
    close: () => server.close(),
  };
}
