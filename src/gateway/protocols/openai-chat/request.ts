/** OpenAI Chat request ↔ canonical ChatRequest (top-level fields; messages live in messages-*.ts). */
import { fitOpenAIUser } from '../../core/user-id';
import type { ChatRequest, ReasoningEffort, ResponseFormat, ToolChoice, ToolDefinition } from '../../core/model';
import { invalidRequest } from '../../core/errors';
import type { UpstreamCall } from '../types';
import type { OpenAIChatRequest, OpenAIChatResponseFormat, OpenAIChatTool, OpenAIChatToolChoice } from './wire';
import { decodeMessages } from './messages-decode';
import { encodeMessages } from './messages-encode';
import { isRecord, num, str } from './narrow';

/** Top-level fields the canonical model carries; all others are kept in `extra['openai-chat']`. */
const KNOWN_FIELDS: ReadonlySet<string> = new Set([
  'model', 'messages', 'stream', 'stream_options', 'max_tokens', 'max_completion_tokens', 'temperature', 'top_p',
  'stop', 'presence_penalty', 'frequency_penalty', 'seed', 'response_format', 'tools', 'tool_choice',
  'parallel_tool_calls', 'reasoning_effort', 'user', 'metadata', 'n',
]);
const EFFORTS: ReadonlySet<string> = new Set(['none', 'minimal', 'low', 'medium', 'high', 'xhigh']);

function optNumber(body: Record<string, unknown>, key: string): number | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (num(v) === undefined) throw invalidRequest(`Invalid type for '${key}': expected a number.`, key, 'invalid_type');
  return v as number;
}

function optBoolean(body: Record<string, unknown>, key: string): boolean | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw invalidRequest(`Invalid type for '${key}': expected a boolean.`, key, 'invalid_type');
  return v;
}

function optString(body: Record<string, unknown>, key: string): string | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw invalidRequest(`Invalid type for '${key}': expected a string.`, key, 'invalid_type');
  return v;
}

function decodeStop(v: unknown): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.every((s) => typeof s === 'string')) return v as string[];
  throw invalidRequest("Invalid type for 'stop': expected a string or an array of strings.", 'stop', 'invalid_type');
}

function decodeResponseFormat(v: unknown): ResponseFormat | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isRecord(v)) throw invalidRequest("Invalid type for 'response_format': expected an object.", 'response_format', 'invalid_type');
  if (v.type === 'text') return { type: 'text' };
  if (v.type === 'json_object') return { type: 'json' };
  if (v.type === 'json_schema' && isRecord(v.json_schema)) {
    const s = v.json_schema;
    const out: ResponseFormat = { type: 'json-schema', schema: isRecord(s.schema) ? s.schema : {} };
    if (typeof s.name === 'string') out.name = s.name;
    if (typeof s.strict === 'boolean') out.strict = s.strict;
    if (typeof s.description === 'string') out.description = s.description;
    return out;
  }
  throw invalidRequest(`Invalid value for 'response_format.type': ${JSON.stringify(v.type)}.`, 'response_format.type', 'invalid_value');
}

function decodeTool(t: unknown, i: number): ToolDefinition {
  const at = `tools[${i}]`;
  if (!isRecord(t) || t.type !== 'function' || !isRecord(t.function)) {
    throw invalidRequest(`Invalid '${at}': only {type:'function', function:{…}} tools are supported.`, `${at}.type`, 'invalid_value');
  }
  const fn = t.function;
  if (typeof fn.name !== 'string' || fn.name === '') {
    throw invalidRequest(`Missing required parameter: '${at}.function.name'.`, `${at}.function.name`, 'missing_required_parameter');
  }
  // OpenAI allows omitting parameters for a no-argument function.
  const tool: ToolDefinition = { name: fn.name, parameters: isRecord(fn.parameters) ? fn.parameters : { type: 'object', properties: {} } };
  if (typeof fn.description === 'string') tool.description = fn.description;
  if (typeof fn.strict === 'boolean') tool.strict = fn.strict;
  return tool;
}

function decodeTools(v: unknown): ToolDefinition[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw invalidRequest("Invalid type for 'tools': expected an array.", 'tools', 'invalid_type');
  return v.map(decodeTool);
}

function decodeToolChoice(v: unknown): ToolChoice | undefined {
  if (v === undefined || v === null) return undefined;
  if (v === 'auto' || v === 'none' || v === 'required') return { type: v };
  if (isRecord(v) && v.type === 'function' && isRecord(v.function) && typeof v.function.name === 'string') {
    return { type: 'tool', name: v.function.name };
  }
  throw invalidRequest("Invalid value for 'tool_choice': expected 'auto', 'none', 'required' or {type:'function', function:{name}}.", 'tool_choice', 'invalid_value');
}

function decodeMetadata(v: unknown): Record<string, string> | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isRecord(v) || !Object.values(v).every((x) => typeof x === 'string')) {
    throw invalidRequest("Invalid type for 'metadata': expected an object of string values.", 'metadata', 'invalid_type');
  }
  return v as Record<string, string>;
}

/** Fields the canonical model lacks, plus the token-limit field name when the caller used the newer one. */
function decodeExtra(body: Record<string, unknown>): Record<string, unknown> | undefined {
  let extra: Record<string, unknown> | undefined;
  for (const k of Object.keys(body)) if (!KNOWN_FIELDS.has(k)) (extra ??= {})[k] = body[k];
  if (isRecord(body.stream_options)) {
    const { include_usage: _ignored, ...rest } = body.stream_options;
    if (Object.keys(rest).length) (extra ??= {}).stream_options = rest;
  }
  // Marks the field name only; encodeRequest writes the canonical value under it (see encodeTokenLimit).
  if (body.max_completion_tokens !== undefined && body.max_completion_tokens !== null) (extra ??= {}).max_completion_tokens = true;
  return extra;
}

/** Wire request → canonical. Throws invalid_request errors naming the offending param. */
export function decodeRequest(body: Record<string, unknown>): ChatRequest {
  if (body.model === undefined || body.model === null || body.model === '') {
    throw invalidRequest("Missing required parameter: 'model'.", 'model', 'missing_required_parameter');
  }
  if (typeof body.model !== 'string') throw invalidRequest("Invalid type for 'model': expected a string.", 'model', 'invalid_type');
  const req: ChatRequest = { model: body.model, messages: decodeMessages(body.messages), stream: optBoolean(body, 'stream') ?? false };
  const limits = [optNumber(body, 'max_tokens'), optNumber(body, 'max_completion_tokens')].filter((n): n is number => n !== undefined);
  if (limits.length) req.maxTokens = Math.max(...limits);
  const set = <K extends keyof ChatRequest>(k: K, v: ChatRequest[K] | undefined): void => { if (v !== undefined) req[k] = v; };
  set('temperature', optNumber(body, 'temperature'));
  set('topP', optNumber(body, 'top_p'));
  set('stop', decodeStop(body.stop));
  set('presencePenalty', optNumber(body, 'presence_penalty'));
  set('frequencyPenalty', optNumber(body, 'frequency_penalty'));
  set('seed', optNumber(body, 'seed'));
  set('n', optNumber(body, 'n'));
  set('responseFormat', decodeResponseFormat(body.response_format));
  set('tools', decodeTools(body.tools));
  set('toolChoice', decodeToolChoice(body.tool_choice));
  set('parallelToolCalls', optBoolean(body, 'parallel_tool_calls'));
  set('user', optString(body, 'user'));
  set('metadata', decodeMetadata(body.metadata));
  const effort = optString(body, 'reasoning_effort');
  if (effort !== undefined) {
    if (!EFFORTS.has(effort)) throw invalidRequest(`Invalid value for 'reasoning_effort': ${JSON.stringify(effort)}.`, 'reasoning_effort', 'invalid_value');
    req.reasoning = effort === 'none' ? { enabled: false, effort: 'none' } : { effort: effort as ReasoningEffort };
  }
  if (isRecord(body.stream_options) && typeof body.stream_options.include_usage === 'boolean') {
    req.includeUsage = body.stream_options.include_usage;
  }
  const extra = decodeExtra(body);
  if (extra) req.extra = { 'openai-chat': extra };
  return req;
}

function encodeTool(t: ToolDefinition): OpenAIChatTool {
  const fn: OpenAIChatTool['function'] = { name: t.name };
  if (t.description !== undefined) fn.description = t.description;
  fn.parameters = t.parameters;
  if (t.strict !== undefined) fn.strict = t.strict;
  return { type: 'function', function: fn };
}

function encodeToolChoice(c: ToolChoice): OpenAIChatToolChoice {
  return c.type === 'tool' ? { type: 'function', function: { name: c.name } } : c.type;
}

function encodeResponseFormat(f: ResponseFormat): OpenAIChatResponseFormat {
  if (f.type === 'text') return { type: 'text' };
  if (f.type === 'json') return { type: 'json_object' };
  const json_schema: { name: string; schema?: Record<string, unknown>; strict?: boolean; description?: string } =
    { name: f.name ?? 'response', schema: f.schema };
  if (f.strict !== undefined) json_schema.strict = f.strict;
  if (f.description !== undefined) json_schema.description = f.description;
  return { type: 'json_schema', json_schema };
}

/** A thinking budget (Anthropic, Gemini) as the nearest effort level; same thresholds as the Responses codec. */
function effortForBudget(budget: number): ReasoningEffort {
  if (budget <= 2048) return 'low';
  if (budget <= 8192) return 'medium';
  return 'high';
}

/** Options of request encoding (set by provider quirks through the pipeline if needed). */
export interface EncodeRequestOptions {
  /** Send assistant reasoning back as `reasoning_content` (default true; see messages-encode.ts). */
  reasoningContent?: boolean;
}

/**
 * Canonical → upstream call. The token limit goes in `max_tokens` (understood by every OpenAI-compatible
 * server) unless the caller itself used `max_completion_tokens`; models that reject `max_tokens` (OpenAI
 * o-series, gpt-5) need the provider's maxTokensField quirk. Streaming always asks for usage, because
 * usage accounting needs it whether or not the caller did.
 */
export function encodeRequest(req: ChatRequest, model: string, opts: EncodeRequestOptions = {}): UpstreamCall {
  const extra = req.extra?.['openai-chat'] ?? {};
  const { max_completion_tokens: useCompletionTokens, stream_options: extraStreamOptions, ...passThrough } = extra;
  const body: OpenAIChatRequest = {
    ...passThrough,
    model,
    messages: encodeMessages(req.messages, { reasoningContent: opts.reasoningContent ?? true }),
  };
  if (req.stream) {
    body.stream = true;
    body.stream_options = { ...(isRecord(extraStreamOptions) ? extraStreamOptions : {}), include_usage: true };
  }
  if (req.maxTokens !== undefined) {
    if (useCompletionTokens !== undefined) body.max_completion_tokens = req.maxTokens;
    else body.max_tokens = req.maxTokens;
  }
  const put = <K extends keyof OpenAIChatRequest>(k: K, v: OpenAIChatRequest[K] | undefined): void => { if (v !== undefined) body[k] = v; };
  put('temperature', req.temperature);
  put('top_p', req.topP);
  put('stop', req.stop);
  put('presence_penalty', req.presencePenalty);
  put('frequency_penalty', req.frequencyPenalty);
  put('seed', req.seed);
  put('n', req.n);
  put('response_format', req.responseFormat && encodeResponseFormat(req.responseFormat));
  if (req.tools?.length) body.tools = req.tools.map(encodeTool);
  put('tool_choice', req.toolChoice && encodeToolChoice(req.toolChoice));
  put('parallel_tool_calls', req.parallelToolCalls);
  put('reasoning_effort', req.reasoning?.effort ?? (req.reasoning?.enabled !== false && req.reasoning?.budgetTokens !== undefined ? effortForBudget(req.reasoning.budgetTokens) : undefined));
  put('user', req.user === undefined ? undefined : fitOpenAIUser(req.user));
  put('metadata', req.metadata);
  return { path: '/chat/completions', body, stream: req.stream };
}
