/** Responses response object ↔ canonical ChatResponse; the output-item and response-object builders are shared with the stream encoder. */
import type { ChatRequest, ChatResponse, ReasoningPart, TextPart, ToolCallPart, Usage } from '../../core/model';
import { generateId } from '../../core/ids';
import { isObject, type JsonObject } from './normalize';
import { decodeFinishReason, encodeFinishReason } from './finish-reason';
import { decodeReasoningCarry, encryptedContentFor, isReasoningCarry } from './reasoning-carry';
import { customInputOf, isCustomCall } from './input-encode';
import { encodeTextFormat } from './request';
import { NS, builtinToolsOf, encodeToolChoice, encodeTools, namespacedName, wireToolName } from './tools';
import type {
  OpenAIResponsesCustomToolCallItem, OpenAIResponsesFunctionCallItem, OpenAIResponsesItemStatus, OpenAIResponsesMessageItem,
  OpenAIResponsesOutputItem, OpenAIResponsesReasoningItem, OpenAIResponsesResponse, OpenAIResponsesStatus, OpenAIResponsesUsage,
} from './wire';

/** Wire usage → canonical (both count cached tokens inside input tokens). */
export function decodeUsage(u: unknown): Usage | undefined {
  if (!isObject(u)) return undefined;
  const usage: Usage = { inputTokens: num(u.input_tokens), outputTokens: num(u.output_tokens) };
  const cached = isObject(u.input_tokens_details) ? u.input_tokens_details.cached_tokens : undefined;
  if (typeof cached === 'number') usage.cachedInputTokens = cached;
  const reasoning = isObject(u.output_tokens_details) ? u.output_tokens_details.reasoning_tokens : undefined;
  if (typeof reasoning === 'number') usage.reasoningTokens = reasoning;
  return usage;
}

function num(v: unknown): number { return typeof v === 'number' && Number.isFinite(v) ? v : 0; }

/** Canonical usage → wire, always with the detail objects Codex reads. */
export function encodeUsage(u: Partial<Usage> | undefined): OpenAIResponsesUsage {
  const input = u?.inputTokens ?? 0;
  const output = u?.outputTokens ?? 0;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: u?.cachedInputTokens ?? 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: u?.reasoningTokens ?? 0 },
    total_tokens: input + output,
  };
}

/** A Responses id for a canonical id from any protocol. */
export function responseIdFor(id: string): string {
  return id.startsWith('resp_') ? id : `resp_${id.replace(/[^A-Za-z0-9]/g, '')}`;
}

/** A completed assistant message item. */
export function messageItem(id: string, texts: TextPart[], status: OpenAIResponsesItemStatus = 'completed'): OpenAIResponsesMessageItem {
  return {
    id, type: 'message', role: 'assistant', status,
    content: texts.map((t) => (t.extra?.[NS]?.refusal === true
      ? { type: 'refusal', refusal: t.text }
      : { type: 'output_text', text: t.text, annotations: [], logprobs: [] })),
  };
}

/** A reasoning item; `encrypted_content` carries an OpenAI blob or our `sbr1:` carry. */
export function reasoningItem(id: string, part: ReasoningPart): OpenAIResponsesReasoningItem {
  const item: OpenAIResponsesReasoningItem = { id, type: 'reasoning', summary: part.text ? [{ type: 'summary_text', text: part.text }] : [] };
  const encrypted = encryptedContentFor(part);
  if (encrypted !== undefined) item.encrypted_content = encrypted;
  return item;
}

/** A function_call item, or a custom_tool_call item when the client declared the tool as freeform. */
export function toolCallItem(id: string, part: ToolCallPart, req: ChatRequest, status: OpenAIResponsesItemStatus = 'completed'): OpenAIResponsesFunctionCallItem | OpenAIResponsesCustomToolCallItem {
  const wire = wireToolName(req.tools, part.name);
  if (isCustomCall(part, req.tools)) {
    const item: OpenAIResponsesCustomToolCallItem = { id, type: 'custom_tool_call', status, call_id: part.callId, name: wire.name, input: customInputOf(part.argsJson) };
    if (wire.namespace !== undefined) item.namespace = wire.namespace;
    return item;
  }
  const item: OpenAIResponsesFunctionCallItem = { id, type: 'function_call', status, call_id: part.callId, name: wire.name, arguments: part.argsJson };
  if (wire.namespace !== undefined) item.namespace = wire.namespace;
  return item;
}

/** The fields of a response object other than id/status/output/usage, echoed from the request as the SDK expects. */
export function responseObject(
  req: ChatRequest,
  fields: { id: string; model: string; createdAt: number; status: OpenAIResponsesStatus; output: OpenAIResponsesOutputItem[]; usage?: OpenAIResponsesUsage; incompleteReason?: string; error?: { code: string; message: string } },
): OpenAIResponsesResponse {
  const extra = req.extra?.[NS] ?? {};
  const system = req.messages[0]?.role === 'system' ? req.messages[0].parts.map((p) => (p.type === 'text' ? p.text : '')).join('') : null;
  const text: OpenAIResponsesResponse['text'] = { format: encodeTextFormat(req.responseFormat) ?? { type: 'text' } };
  if (typeof extra.text_verbosity === 'string') text.verbosity = extra.text_verbosity;
  return {
    id: fields.id,
    object: 'response',
    created_at: fields.createdAt,
    status: fields.status,
    error: fields.error ?? null,
    incomplete_details: fields.incompleteReason !== undefined ? { reason: fields.incompleteReason } : null,
    instructions: system,
    max_output_tokens: req.maxTokens ?? null,
    model: fields.model,
    output: fields.output,
    parallel_tool_calls: req.parallelToolCalls ?? true,
    previous_response_id: null,
    reasoning: { effort: req.reasoning?.effort ?? null, summary: req.reasoning?.summary ?? null },
    store: false,
    temperature: req.temperature ?? null,
    text,
    tool_choice: encodeToolChoice(req.toolChoice, req.tools) ?? 'auto',
    tools: encodeTools(req.tools, builtinToolsOf(req)),
    top_p: req.topP ?? null,
    truncation: 'disabled',
    usage: fields.usage ?? null,
    user: req.user ?? null,
    metadata: req.metadata ?? {},
  };
}

/** Encodes a canonical response for a Responses client. */
export function encodeResponsesResponse(res: ChatResponse, req: ChatRequest): OpenAIResponsesResponse {
  const output: OpenAIResponsesOutputItem[] = [];
  let texts: TextPart[] = [];
  const flush = (): void => { if (texts.length) output.push(messageItem(generateId('msg_'), texts)); texts = []; };
  for (const part of res.content) {
    if (part.type === 'text') { texts.push(part); continue; }
    flush();
    output.push(part.type === 'reasoning' ? reasoningItem(generateId('rs_'), part) : toolCallItem(generateId('fc_'), part, req));
  }
  flush();
  const finish = encodeFinishReason(res.finish.reason);
  return responseObject(req, {
    id: responseIdFor(res.id), model: res.model, createdAt: res.created ?? Math.floor(Date.now() / 1000),
    status: finish.status, output, usage: encodeUsage(res.usage), incompleteReason: finish.incompleteReason,
    error: finish.status === 'failed' ? { code: 'server_error', message: 'The upstream model failed.' } : undefined,
  });
}

/** A reasoning output item → canonical part. OpenAI blobs ride in `signature` too, so streams and bodies agree. */
export function decodeReasoningItem(item: JsonObject): ReasoningPart {
  const texts = (v: unknown): string[] => (Array.isArray(v) ? v : []).map((s: unknown) => (isObject(s) && typeof s.text === 'string' ? s.text : ''));
  const content = texts(item.content).join('');
  const summary = texts(item.summary).filter((t) => t !== '').join('\n\n');
  const part: ReasoningPart = { type: 'reasoning', text: content || summary };
  const extra: JsonObject = {};
  if (typeof item.id === 'string') extra.id = item.id;
  const encrypted = typeof item.encrypted_content === 'string' ? item.encrypted_content : undefined;
  const carry = encrypted !== undefined ? decodeReasoningCarry(encrypted) : undefined;
  if (carry) {
    part.text = carry.text;
    if (carry.signature !== undefined) part.signature = carry.signature;
    if (carry.redactedData !== undefined) part.redactedData = carry.redactedData;
  } else if (encrypted !== undefined && !isReasoningCarry(encrypted)) {
    part.signature = encrypted;
    extra.encrypted_content = encrypted;
  }
  if (Object.keys(extra).length > 0) part.extra = { [NS]: extra };
  return part;
}

/** A function_call / custom_tool_call output item → canonical tool-call part. */
export function decodeToolCallItem(item: JsonObject): ToolCallPart {
  const name = typeof item.name === 'string' ? item.name : '';
  const namespace = typeof item.namespace === 'string' ? item.namespace : undefined;
  const callId = typeof item.call_id === 'string' ? item.call_id : typeof item.id === 'string' ? item.id : generateId('call_');
  const custom = item.type === 'custom_tool_call';
  const argsJson = custom ? JSON.stringify({ input: typeof item.input === 'string' ? item.input : '' }) : typeof item.arguments === 'string' ? item.arguments : '{}';
  const part: ToolCallPart = { type: 'tool-call', callId, name: namespace ? namespacedName(namespace, name) : name, argsJson };
  const extra: JsonObject = {};
  if (namespace) { extra.namespace = namespace; extra.name = name; }
  if (custom) extra.custom = true;
  if (Object.keys(extra).length > 0) part.extra = { [NS]: extra };
  return part;
}

/** Decodes an upstream Responses JSON body. */
export function decodeResponsesResponse(body: unknown): ChatResponse {
  const b = isObject(body) ? body : {};
  const content: ChatResponse['content'] = [];
  for (const item of Array.isArray(b.output) ? b.output : []) {
    if (!isObject(item)) continue;
    if (item.type === 'message') {
      for (const c of Array.isArray(item.content) ? item.content : []) {
        if (!isObject(c)) continue;
        if (c.type === 'output_text' && typeof c.text === 'string') content.push({ type: 'text', text: c.text });
        else if (c.type === 'refusal' && typeof c.refusal === 'string') content.push({ type: 'text', text: c.refusal, extra: { [NS]: { refusal: true } } });
      }
    } else if (item.type === 'reasoning') {
      content.push(decodeReasoningItem(item));
    } else if (item.type === 'function_call' || item.type === 'custom_tool_call') {
      content.push(decodeToolCallItem(item));
    }
  }
  const incomplete = isObject(b.incomplete_details) && typeof b.incomplete_details.reason === 'string' ? b.incomplete_details.reason : undefined;
  const finish = decodeFinishReason(typeof b.status === 'string' ? b.status : undefined, incomplete, content.some((p) => p.type === 'tool-call'));
  const res: ChatResponse = {
    id: typeof b.id === 'string' ? b.id : generateId('resp_'),
    model: typeof b.model === 'string' ? b.model : '',
    content,
    finish: finish.raw !== undefined ? { reason: finish.reason, raw: finish.raw } : { reason: finish.reason },
  };
  const usage = decodeUsage(b.usage);
  if (usage) res.usage = usage;
  if (typeof b.created_at === 'number') res.created = b.created_at;
  return res;
}
