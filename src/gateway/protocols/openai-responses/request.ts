/** Responses request ↔ canonical ChatRequest. */
import { fitOpenAIUser } from '../../core/user-id';
import type { ChatRequest, ReasoningConfig, ReasoningEffort, ResponseFormat } from '../../core/model';
import { GatewayError, invalidRequest } from '../../core/errors';
import type { UpstreamCall } from '../types';
import { isObject, normalizeInput, type JsonObject } from './normalize';
import { decodeInputItems } from './input-decode';
import { encodeInput } from './input-encode';
import { NS, builtinToolsOf, decodeToolChoice, decodeTools, encodeToolChoice, encodeTools } from './tools';
import type { OpenAIResponsesRequest, OpenAIResponsesTextFormat } from './wire';

const EFFORTS: readonly ReasoningEffort[] = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh'];

/** Fields decodeRequest maps itself; every other top-level field goes to extra and is re-applied upstream. */
const HANDLED = new Set([
  'model', 'input', 'instructions', 'tools', 'tool_choice', 'parallel_tool_calls', 'max_output_tokens', 'temperature',
  'top_p', 'reasoning', 'text', 'stream', 'user', 'metadata', 'previous_response_id',
]);
/** Extra keys that are ours, not wire fields. */
const INTERNAL = new Set(['builtin_tools', 'leading_items', 'text_verbosity', 'text_extra', 'reasoning_extra']);

function optionalNumber(body: JsonObject, key: string): number | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw invalidRequest(`${key} must be a number.`, key);
  return v;
}

function decodeReasoning(raw: unknown, extra: JsonObject): ReasoningConfig | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isObject(raw)) throw invalidRequest('reasoning must be an object.', 'reasoning');
  const config: ReasoningConfig = {};
  const rest: JsonObject = {};
  for (const [k, v] of Object.entries(raw)) {
    if (k === 'effort' && typeof v === 'string' && (EFFORTS as readonly string[]).includes(v)) {
      config.effort = v as ReasoningEffort;
      config.enabled = v !== 'none';
    } else if (k === 'summary' && typeof v === 'string') {
      config.summary = v;
    } else if (v !== null) {
      rest[k] = v;
    }
  }
  if (Object.keys(rest).length > 0) extra.reasoning_extra = rest;
  return config;
}

function decodeText(raw: unknown, extra: JsonObject): ResponseFormat | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isObject(raw)) throw invalidRequest('text must be an object.', 'text');
  if (typeof raw.verbosity === 'string') extra.text_verbosity = raw.verbosity;
  const rest = Object.fromEntries(Object.entries(raw).filter(([k]) => k !== 'format' && k !== 'verbosity'));
  if (Object.keys(rest).length > 0) extra.text_extra = rest;
  const f = raw.format;
  if (f === undefined || f === null) return undefined;
  if (!isObject(f)) throw invalidRequest('text.format must be an object.', 'text.format');
  if (f.type === 'text') return { type: 'text' };
  if (f.type === 'json_object') return { type: 'json' };
  if (f.type === 'json_schema') {
    if (!isObject(f.schema)) throw invalidRequest('text.format.schema must be an object.', 'text.format.schema');
    const out: ResponseFormat = { type: 'json-schema', schema: f.schema };
    if (typeof f.name === 'string') out.name = f.name;
    if (typeof f.strict === 'boolean') out.strict = f.strict;
    if (typeof f.description === 'string') out.description = f.description;
    return out;
  }
  throw invalidRequest(`Unsupported text.format type '${String(f.type)}'.`, 'text.format.type');
}

/** Decodes a Responses request body (after the Codex/Kilo normalisations in normalize.ts). */
export function decodeResponsesRequest(body: Record<string, unknown>): ChatRequest {
  if (body.previous_response_id !== undefined && body.previous_response_id !== null) {
    throw new GatewayError('invalid_request',
      'previous_response_id is not supported: this gateway keeps no conversation state. Send the full history in `input` (store: false).',
      { param: 'previous_response_id', code: 'previous_response_id_unsupported' });
  }
  if (typeof body.model !== 'string' || body.model === '') throw invalidRequest('model is required.', 'model');
  if (body.input === undefined || body.input === null) throw invalidRequest('input is required.', 'input');
  if (typeof body.input !== 'string' && !Array.isArray(body.input)) throw invalidRequest('input must be a string or an array.', 'input');
  if (body.instructions !== undefined && body.instructions !== null && typeof body.instructions !== 'string') {
    throw invalidRequest('instructions must be a string.', 'instructions');
  }
  const extra: JsonObject = {};
  for (const [k, v] of Object.entries(body)) if (!HANDLED.has(k)) extra[k] = v;

  const { items, hoistedTools } = normalizeInput(body.input);
  const { messages, leadingItems } = decodeInputItems(items);
  if (typeof body.instructions === 'string' && body.instructions !== '') {
    messages.unshift({ role: 'system', parts: [{ type: 'text', text: body.instructions }] });
  }
  if (leadingItems.length > 0) extra.leading_items = leadingItems;

  const { tools, builtins } = decodeTools(body.tools, hoistedTools);
  if (builtins.length > 0) extra.builtin_tools = builtins;
  const choice = decodeToolChoice(body.tool_choice, tools);
  if (choice.extra !== undefined) extra.tool_choice = choice.extra;

  const req: ChatRequest = { model: body.model, messages, stream: body.stream === true };
  if (tools.length > 0) req.tools = tools;
  if (choice.choice) req.toolChoice = choice.choice;
  if (typeof body.parallel_tool_calls === 'boolean') req.parallelToolCalls = body.parallel_tool_calls;
  const maxTokens = optionalNumber(body, 'max_output_tokens');
  if (maxTokens !== undefined) req.maxTokens = maxTokens;
  const temperature = optionalNumber(body, 'temperature');
  if (temperature !== undefined) req.temperature = temperature;
  const topP = optionalNumber(body, 'top_p');
  if (topP !== undefined) req.topP = topP;
  const reasoning = decodeReasoning(body.reasoning, extra);
  if (reasoning) req.reasoning = reasoning;
  const format = decodeText(body.text, extra);
  if (format) req.responseFormat = format;
  if (typeof body.user === 'string') req.user = body.user;
  if (isObject(body.metadata)) {
    req.metadata = Object.fromEntries(Object.entries(body.metadata).filter((e): e is [string, string] => typeof e[1] === 'string'));
  }
  if (Object.keys(extra).length > 0) req.extra = { [NS]: extra };
  return req;
}

function effortForBudget(budget: number): ReasoningEffort {
  if (budget <= 2048) return 'low';
  if (budget <= 8192) return 'medium';
  return 'high';
}

function encodeReasoning(r: ReasoningConfig | undefined, extra: JsonObject): { effort?: string; summary?: string } | undefined {
  const rest = isObject(extra.reasoning_extra) ? extra.reasoning_extra : {};
  if (!r && Object.keys(rest).length === 0) return undefined;
  const effort = r?.effort ?? (r?.budgetTokens !== undefined ? effortForBudget(r.budgetTokens) : undefined);
  if (r?.enabled === false && effort === undefined && Object.keys(rest).length === 0) return undefined;
  const out: { effort?: string; summary?: string } = { ...rest };
  if (effort !== undefined) out.effort = effort;
  if (r?.summary !== undefined) out.summary = r.summary;
  return out;
}

/** Canonical format → `text.format`. */
export function encodeTextFormat(f: ResponseFormat | undefined): OpenAIResponsesTextFormat | undefined {
  if (!f) return undefined;
  if (f.type === 'text') return { type: 'text' };
  if (f.type === 'json') return { type: 'json_object' };
  const out: OpenAIResponsesTextFormat = { type: 'json_schema', name: f.name ?? 'response', schema: f.schema };
  if (f.strict !== undefined) out.strict = f.strict;
  if (f.description !== undefined) out.description = f.description;
  return out;
}

/** Encodes a canonical request for an OpenAI Responses upstream. */
export function encodeResponsesRequest(req: ChatRequest, model: string): UpstreamCall {
  const extra = req.extra?.[NS] ?? {};
  const leading = Array.isArray(extra.leading_items) ? extra.leading_items : [];
  const { instructions, input } = encodeInput(req.messages, req.tools, leading);
  const body: OpenAIResponsesRequest = { model, input };
  for (const [k, v] of Object.entries(extra)) if (!INTERNAL.has(k)) body[k] = v;
  if (instructions !== undefined) body.instructions = instructions;
  const tools = encodeTools(req.tools, builtinToolsOf(req));
  if (tools.length > 0) body.tools = tools;
  const choice = encodeToolChoice(req.toolChoice, req.tools);
  if (choice !== undefined) body.tool_choice = choice;
  if (req.parallelToolCalls !== undefined) body.parallel_tool_calls = req.parallelToolCalls;
  if (req.maxTokens !== undefined) body.max_output_tokens = req.maxTokens;
  if (req.temperature !== undefined) body.temperature = req.temperature;
  if (req.topP !== undefined) body.top_p = req.topP;
  const reasoning = encodeReasoning(req.reasoning, extra);
  const include = new Set<string>(Array.isArray(extra.include) ? extra.include.filter((x): x is string => typeof x === 'string') : []);
  if (reasoning) {
    body.reasoning = reasoning;
    // With store:false the only way to replay reasoning next turn is the encrypted blob.
    include.add('reasoning.encrypted_content');
  }
  if (include.size > 0) body.include = [...include];
  const format = encodeTextFormat(req.responseFormat);
  const textExtra = isObject(extra.text_extra) ? extra.text_extra : {};
  if (format || typeof extra.text_verbosity === 'string' || Object.keys(textExtra).length > 0) {
    body.text = { ...textExtra, ...(format ? { format } : {}), ...(typeof extra.text_verbosity === 'string' ? { verbosity: extra.text_verbosity } : {}) };
  }
  if (req.user !== undefined) body.user = fitOpenAIUser(req.user);
  if (req.metadata !== undefined) body.metadata = req.metadata;
  // We keep no state upstream either: the client resends history, so nothing should be stored on its behalf.
  body.store = false;
  body.stream = req.stream;
  return { path: '/responses', body, stream: req.stream };
}
