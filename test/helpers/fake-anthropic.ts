/**
 * A fake Anthropic Messages API on 127.0.0.1, speaking the exact wire format (verified with @anthropic-ai/sdk in
 * test/unit/fakes/fake-anthropic.test.ts). Written by hand, independent of the codec under test.
 *
 * Default behaviour of POST /v1/messages (also /messages; the query string such as ?beta=true is ignored):
 * - needs `x-api-key` or `authorization: Bearer`, and `anthropic-version` (401 / 400 otherwise, like the real API);
 * - thinking enabled (`enabled` or `adaptive`) → a thinking block first (thinking_delta + signature_delta);
 * - tools present and the last user text contains "use tool" → a tool_use block for the first tool,
 *   its input streamed as several input_json_delta fragments, stop_reason tool_use;
 * - the last user turn holds tool_result blocks → text "tool result: <result text>";
 * - otherwise text "echo: <last user text>".
 * Tests can queue scripted replies (errors, raw frames, gated or hanging streams) with `enqueue`.
 */
import type http from 'node:http';
import { startFakeServer, writeJson, type FakeServer, type LoggedRequest } from './fake-server';

/** One scripted reply to the next POST /v1/messages. */
export type FakeAnthropicReply =
  /** An error: the body defaults to Anthropic's `{type:'error', error:{type, message}}`. */
  | { kind: 'error'; status: number; errorType?: string; message?: string; body?: unknown; headers?: Record<string, string> }
  /** A literal JSON reply. */
  | { kind: 'json'; body: unknown; status?: number; headers?: Record<string, string> }
  /** Raw SSE text frames, one write each (exact bytes, e.g. recorded fixtures). */
  | { kind: 'sse'; frames: string[]; status?: number; headers?: Record<string, string> }
  /** The default reply, but each SSE frame (or the JSON body) waits for a `release()`. */
  | { kind: 'gate' }
  /** Never answers; with `afterHeaders`, sends headers and message_start first (streams only). */
  | { kind: 'hang'; afterHeaders?: boolean }
  /** The default reply (useful after scripted failures). */
  | { kind: 'default' };

/** Options of the fake. */
export interface FakeAnthropicOptions {
  /** Model ids served by GET /v1/models. */
  models?: string[];
  /** Cache figures reported in usage (default 0). */
  cacheReadInputTokens?: number;
  cacheCreationInputTokens?: number;
  /** Tool input used for tool_use replies (default `{ query: <last user text> }`). */
  toolInput?: Record<string, unknown>;
}

/** A running fake Anthropic API. */
export interface FakeAnthropic extends FakeServer {
  /** Queues scripted replies for the next POST /v1/messages calls, in order. */
  enqueue(...replies: FakeAnthropicReply[]): void;
  /** Lets `n` gated chunks through (permits accumulate, so releasing early is fine). */
  release(n?: number): void;
  /** Requests that reached POST /v1/messages. */
  messageRequests(): LoggedRequest[];
}

type Json = Record<string, unknown>;
type Block = { type: 'thinking'; thinking: string; signature: string } | { type: 'text'; text: string } | { type: 'tool_use'; id: string; name: string; input: Json };

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.filter((b): b is { type: 'text'; text: string } => isObj(b) && b.type === 'text' && typeof b.text === 'string').map((b) => b.text).join(' ');
}

function lastUser(body: Json): Json | undefined {
  const messages = Array.isArray(body.messages) ? body.messages.filter(isObj) : [];
  return [...messages].reverse().find((m) => m.role === 'user');
}

function buildBlocks(body: Json, opts: FakeAnthropicOptions, seq: number): { blocks: Block[]; stopReason: string } {
  const blocks: Block[] = [];
  const user = lastUser(body);
  const userText = textOf(user?.content);
  const thinking = isObj(body.thinking) && (body.thinking.type === 'enabled' || body.thinking.type === 'adaptive');
  if (thinking) blocks.push({ type: 'thinking', thinking: `Thinking about: ${userText}`, signature: `c2lnbmF0dXJl${seq}` });
  const results = Array.isArray(user?.content) ? user.content.filter((b): b is Json => isObj(b) && b.type === 'tool_result') : [];
  const tools = Array.isArray(body.tools) ? body.tools.filter(isObj) : [];
  if (results.length) {
    blocks.push({ type: 'text', text: `tool result: ${results.map((r) => textOf(r.content)).join(' | ')}` });
    return { blocks, stopReason: 'end_turn' };
  }
  if (tools.length && /use tool/i.test(userText)) {
    blocks.push({ type: 'tool_use', id: `toolu_fake${seq}`, name: String(tools[0]!.name), input: opts.toolInput ?? { query: userText } });
    return { blocks, stopReason: 'tool_use' };
  }
  blocks.push({ type: 'text', text: `echo: ${userText}` });
  return { blocks, stopReason: 'end_turn' };
}

function pieces(s: string, n: number): string[] {
  const size = Math.max(1, Math.ceil(s.length / n));
  const out: string[] = [];
  for (let i = 0; i < s.length; i += size) out.push(s.slice(i, i + size));
  return out.length ? out : [''];
}

const ev = (data: Json): string => `event: ${String(data.type)}\ndata: ${JSON.stringify(data)}\n\n`;

function usageOf(body: Json, blocks: Block[], opts: FakeAnthropicOptions): Json {
  const input = Math.max(1, Math.ceil(JSON.stringify([body.system ?? '', body.messages, body.tools ?? []]).length / 4));
  const output = Math.max(1, Math.ceil(JSON.stringify(blocks).length / 4));
  return {
    input_tokens: input,
    cache_creation_input_tokens: opts.cacheCreationInputTokens ?? 0,
    cache_read_input_tokens: opts.cacheReadInputTokens ?? 0,
    output_tokens: output,
  };
}

function blockFrames(block: Block, index: number): string[] {
  if (block.type === 'thinking') {
    return [
      ev({ type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '', signature: '' } }),
      ...pieces(block.thinking, 2).map((t) => ev({ type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking: t } })),
      ev({ type: 'content_block_delta', index, delta: { type: 'signature_delta', signature: block.signature } }),
      ev({ type: 'content_block_stop', index }),
    ];
  }
  if (block.type === 'text') {
    return [
      ev({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } }),
      ...pieces(block.text, 3).map((t) => ev({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: t } })),
      ev({ type: 'content_block_stop', index }),
    ];
  }
  return [
    ev({ type: 'content_block_start', index, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } }),
    ev({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: '' } }),
    ...pieces(JSON.stringify(block.input), 3).map((p) => ev({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: p } })),
    ev({ type: 'content_block_stop', index }),
  ];
}

function validate(req: LoggedRequest): { status: number; type: string; message: string } | undefined {
  const h = req.headers;
  const bearer = typeof h.authorization === 'string' && /^Bearer\s+\S+/i.test(h.authorization);
  if (!h['x-api-key'] && !bearer) return { status: 401, type: 'authentication_error', message: 'x-api-key header is required' };
  if (!h['anthropic-version']) return { status: 400, type: 'invalid_request_error', message: 'anthropic-version: header is required' };
  return undefined;
}

function validateBody(body: unknown, countOnly: boolean): string | undefined {
  if (!isObj(body)) return 'body: expected a JSON object';
  if (typeof body.model !== 'string') return 'model: Field required';
  if (!Array.isArray(body.messages)) return 'messages: Field required';
  if (!countOnly && typeof body.max_tokens !== 'number') return 'max_tokens: Field required';
  return undefined;
}

const errorBody = (type: string, message: string): Json => ({ type: 'error', error: { type, message } });

/** Starts the fake on an ephemeral loopback port. */
export async function startFakeAnthropic(opts: FakeAnthropicOptions = {}): Promise<FakeAnthropic> {
  const queue: FakeAnthropicReply[] = [];
  let permits = 0;
  let waiters: Array<() => void> = [];
  let seq = 0;
  const models = opts.models ?? ['claude-test-sonnet', 'claude-test-haiku'];

  const take = (): Promise<void> => {
    if (permits > 0) { permits--; return Promise.resolve(); }
    return new Promise((resolve) => waiters.push(resolve));
  };
  const release = (n = 1): void => {
    for (let i = 0; i < n; i++) {
      const w = waiters.shift();
      if (w) w(); else permits++;
    }
  };

  async function reply(req: LoggedRequest, res: http.ServerResponse, script: FakeAnthropicReply): Promise<void> {
    if (script.kind === 'error') {
      writeJson(res, script.status, script.body ?? errorBody(script.errorType ?? 'api_error', script.message ?? 'scripted error'), script.headers);
      return;
    }
    if (script.kind === 'json') { writeJson(res, script.status ?? 200, script.body, script.headers); return; }
    if (script.kind === 'sse') {
      res.writeHead(script.status ?? 200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...script.headers });
      for (const f of script.frames) res.write(f);
      res.end();
      return;
    }
    const body = req.body as Json;
    const n = ++seq;
    const { blocks, stopReason } = buildBlocks(body, opts, n);
    const usage = usageOf(body, blocks, opts);
    const id = `msg_fake${String(n).padStart(4, '0')}`;
    const gated = script.kind === 'gate';
    if (body.stream !== true) {
      if (script.kind === 'hang') return;
      if (gated) await take();
      writeJson(res, 200, { id, type: 'message', role: 'assistant', model: body.model, content: blocks, stop_reason: stopReason, stop_sequence: null, usage },
        { 'request-id': `req_fake${n}` });
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'request-id': `req_fake${n}` });
    const start = ev({ type: 'message_start', message: { id, type: 'message', role: 'assistant', model: body.model, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1 } } });
    if (script.kind === 'hang') { if (script.afterHeaders) res.write(start); else res.flushHeaders(); return; }
    const frames = [
      start,
      ev({ type: 'ping' }),
      ...blocks.flatMap((b, i) => blockFrames(b, i)),
      ev({ type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: usage.output_tokens } }),
      ev({ type: 'message_stop' }),
    ];
    for (const f of frames) {
      if (gated) await take();
      if (res.destroyed) return;
      res.write(f);
    }
    res.end();
  }

  const server = await startFakeServer(async (req, res) => {
    const path = req.url.split('?')[0]!.replace(/\/+$/, '').replace(/^\/v1(?=\/)/, '');
    const known = path === '/messages' || path === '/messages/count_tokens' || path === '/models';
    if (!known) { writeJson(res, 404, errorBody('not_found_error', `Not found: ${req.method} ${path}`)); return; }
    const bad = validate(req);
    if (bad) { writeJson(res, bad.status, errorBody(bad.type, bad.message)); return; }
    if (path === '/models' && req.method === 'GET') {
      const data = models.map((id) => ({ type: 'model', id, display_name: id, created_at: '2025-01-01T00:00:00Z' }));
      writeJson(res, 200, { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data[data.length - 1]?.id ?? null });
      return;
    }
    if (req.method !== 'POST') { writeJson(res, 405, errorBody('invalid_request_error', `Method ${req.method} not allowed`)); return; }
    const invalid = validateBody(req.body, path !== '/messages');
    if (invalid) { writeJson(res, 400, errorBody('invalid_request_error', invalid)); return; }
    if (path === '/messages/count_tokens') {
      writeJson(res, 200, { input_tokens: Math.max(1, Math.ceil(req.rawBody.length / 4)) });
      return;
    }
    await reply(req, res, queue.shift() ?? { kind: 'default' });
  });

  return {
    ...server,
    enqueue: (...replies) => { queue.push(...replies); },
    release,
    messageRequests: () => server.requests.filter((r) => r.method === 'POST' && /^(\/v1)?\/messages\/?(\?|$)/.test(r.url)),
    close: async () => { const w = waiters; waiters = []; for (const resolve of w) resolve(); await server.close(); },
  };
}
