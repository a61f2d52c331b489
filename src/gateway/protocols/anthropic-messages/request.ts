/** Anthropic Messages request → canonical ChatRequest. */
import { invalidRequest } from '../../core/errors';
import type { ChatRequest, Message, Part, ToolChoice, ToolDefinition } from '../../core/model';
import { NS, decodeContent, extraOf } from './content-decode';
import { decodeThinking } from './thinking';
import { isRecord } from './wire';

/** Top-level fields decoded into canonical fields; every other field goes to extra['anthropic-messages']. */
const KNOWN = new Set(['model', 'messages', 'system', 'max_tokens', 'temperature', 'top_p', 'top_k', 'stop_sequences',
  'stream', 'tools', 'tool_choice', 'thinking', 'output_config', 'metadata']);

/** Extra key holding server tools (web_search…), which have no canonical form. */
export const SERVER_TOOLS_KEY = 'serverTools';

function num(body: Record<string, unknown>, key: string): number | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw invalidRequest(`${key}: expected a number`, key);
  return v;
}

function decodeSystem(system: unknown): Message | undefined {
  if (system === undefined || system === null) return undefined;
  if (typeof system === 'string') return system ? { role: 'system', parts: [{ type: 'text', text: system }] } : undefined;
  if (!Array.isArray(system)) throw invalidRequest('system: expected a string or an array of text blocks', 'system');
  const parts = decodeContent(system, 'system');
  return parts.length ? { role: 'system', parts } : undefined;
}

/** One wire message → canonical messages; tool_result runs become 'tool' messages, order preserved. */
function decodeMessage(m: unknown, i: number): Message[] {
  const param = `messages[${i}]`;
  if (!isRecord(m)) throw invalidRequest(`${param}: expected an object`, param);
  if (m.role !== 'user' && m.role !== 'assistant' && m.role !== 'system') {
    throw invalidRequest(`${param}.role: expected "user", "assistant" or "system"`, `${param}.role`);
  }
  const parts = decodeContent(m.content, `${param}.content`);
  if (m.role === 'assistant') return [{ role: 'assistant', parts }];
  // Claude Code (2.1.3xx) sends mid-conversation system messages (its environment block) in `messages`.
  if (m.role === 'system') return parts.length ? [{ role: 'system', parts }] : [];
  const out: Message[] = [];
  for (const part of parts) {
    const role = part.type === 'tool-result' ? 'tool' : 'user';
    const last = out[out.length - 1];
    if (last?.role === role) last.parts.push(part);
    else out.push({ role, parts: [part] as Part[] });
  }
  return out.length ? out : [{ role: 'user', parts: [] }];
}

function decodeTools(tools: unknown): { tools?: ToolDefinition[]; server: unknown[] } {
  if (tools === undefined || tools === null) return { server: [] };
  if (!Array.isArray(tools)) throw invalidRequest('tools: expected an array', 'tools');
  const out: ToolDefinition[] = [];
  const server: unknown[] = [];
  tools.forEach((t, i) => {
    const param = `tools[${i}]`;
    if (!isRecord(t)) throw invalidRequest(`${param}: expected an object`, param);
    // Server tools (web_search_20250305, bash_…) have a versioned `type` and no schema; only Anthropic runs them.
    if (typeof t.type === 'string' && t.type !== 'custom') { server.push(t); return; }
    if (typeof t.name !== 'string' || !t.name) throw invalidRequest(`${param}.name: Field required`, `${param}.name`);
    const def: ToolDefinition = { name: t.name, parameters: isRecord(t.input_schema) ? t.input_schema : { type: 'object', properties: {} } };
    if (typeof t.description === 'string') def.description = t.description;
    const extra = extraOf(t, ['type', 'name', 'description', 'input_schema']);
    if (extra) def.extra = extra;
    out.push(def);
  });
  return { tools: out.length ? out : undefined, server };
}

function decodeToolChoice(tc: unknown): { toolChoice?: ToolChoice; parallelToolCalls?: boolean } {
  if (tc === undefined || tc === null) return {};
  if (!isRecord(tc)) throw invalidRequest('tool_choice: expected an object', 'tool_choice');
  const parallel = tc.disable_parallel_tool_use === true ? { parallelToolCalls: false } : {};
  switch (tc.type) {
    case 'auto': return { toolChoice: { type: 'auto' }, ...parallel };
    case 'any': return { toolChoice: { type: 'required' }, ...parallel };
    case 'none': return { toolChoice: { type: 'none' }, ...parallel };
    case 'tool':
      if (typeof tc.name !== 'string') throw invalidRequest('tool_choice.name: Field required', 'tool_choice.name');
      return { toolChoice: { type: 'tool', name: tc.name }, ...parallel };
    default: throw invalidRequest('tool_choice.type: expected auto, any, tool or none', 'tool_choice.type');
  }
}

function decodeStop(v: unknown): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) throw invalidRequest('stop_sequences: expected an array of strings', 'stop_sequences');
  return v.length ? v : undefined;
}

/** Options for decoding: count_tokens bodies carry no max_tokens. */
export interface DecodeOptions { requireMaxTokens?: boolean }

/** Wire request → canonical request. Throws GatewayError('invalid_request') naming the bad field. */
export function decodeRequest(body: Record<string, unknown>, opts: DecodeOptions = {}): ChatRequest {
  if (typeof body.model !== 'string' || !body.model) throw invalidRequest('model: Field required', 'model');
  if (!Array.isArray(body.messages)) throw invalidRequest('messages: Field required (an array of messages)', 'messages');
  const maxTokens = num(body, 'max_tokens');
  if ((opts.requireMaxTokens ?? true) && maxTokens === undefined) throw invalidRequest('max_tokens: Field required', 'max_tokens');

  const messages: Message[] = [];
  const system = decodeSystem(body.system);
  if (system) messages.push(system);
  body.messages.forEach((m, i) => messages.push(...decodeMessage(m, i)));

  const req: ChatRequest = { model: body.model, messages, stream: body.stream === true };
  if (maxTokens !== undefined) req.maxTokens = maxTokens;
  const temperature = num(body, 'temperature'); if (temperature !== undefined) req.temperature = temperature;
  const topP = num(body, 'top_p'); if (topP !== undefined) req.topP = topP;
  const topK = num(body, 'top_k'); if (topK !== undefined) req.topK = topK;
  const stop = decodeStop(body.stop_sequences); if (stop) req.stop = stop;

  const { tools, server } = decodeTools(body.tools);
  if (tools) req.tools = tools;
  Object.assign(req, decodeToolChoice(body.tool_choice));

  const thinking = decodeThinking(body.thinking, body.output_config);
  if (thinking.reasoning) req.reasoning = thinking.reasoning;
  if (thinking.responseFormat) req.responseFormat = thinking.responseFormat;

  const own: Record<string, unknown> = { ...thinking.keep };
  if (server.length) own[SERVER_TOOLS_KEY] = server;
  if (isRecord(body.metadata)) {
    const { user_id, ...rest } = body.metadata;
    if (typeof user_id === 'string') req.user = user_id;
    if (Object.keys(rest).length) own.metadata = rest;
  }
  for (const k of Object.keys(body)) if (!KNOWN.has(k) && body[k] !== undefined) own[k] = body[k];
  if (Object.keys(own).length) req.extra = { [NS]: own };
  return req;
}
