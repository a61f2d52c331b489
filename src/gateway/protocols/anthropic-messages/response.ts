/** Anthropic message object ↔ canonical ChatResponse. */
import { GatewayError } from '../../core/errors';
import { generateId } from '../../core/ids';
import type { ChatRequest, ChatResponse, ReasoningPart, TextPart, ToolCallPart } from '../../core/model';
import { NS, extraOf } from './content-decode';
import { ownExtra, parseToolInput, safeToolId } from './content-encode';
import { decodeStopReason, encodeStopReason } from './finish-reason';
import { decodeUsage, encodeUsage } from './usage';
import { isRecord, type AnthropicMessagesResponse, type AnthropicOtherBlock } from './wire';

type OutputPart = TextPart | ReasoningPart | ToolCallPart;

function decodeOutputBlock(b: Record<string, unknown>): OutputPart | undefined {
  if (b.type === 'text' && typeof b.text === 'string') {
    const part: TextPart = { type: 'text', text: b.text };
    const extra = extraOf(b, ['type', 'text']);
    if (extra) part.extra = extra;
    return part;
  }
  if (b.type === 'thinking' && typeof b.thinking === 'string') {
    const part: ReasoningPart = { type: 'reasoning', text: b.thinking };
    if (typeof b.signature === 'string' && b.signature) part.signature = b.signature;
    return part;
  }
  if (b.type === 'redacted_thinking' && typeof b.data === 'string') return { type: 'reasoning', text: '', redactedData: b.data };
  if (b.type === 'tool_use' && typeof b.id === 'string' && typeof b.name === 'string') {
    return { type: 'tool-call', callId: b.id, name: b.name, argsJson: JSON.stringify(b.input ?? {}) };
  }
  return undefined;
}

/** Upstream message object → canonical response. Unknown blocks (server tools) are kept in extra. */
export function decodeResponse(body: unknown): ChatResponse {
  if (!isRecord(body) || !Array.isArray(body.content)) {
    throw new GatewayError('upstream', 'Anthropic upstream returned an unexpected response body (no content array)');
  }
  const content: OutputPart[] = [];
  const unsupported: unknown[] = [];
  for (const b of body.content) {
    const part = isRecord(b) ? decodeOutputBlock(b) : undefined;
    if (part) content.push(part); else unsupported.push(b);
  }
  const raw = typeof body.stop_reason === 'string' ? body.stop_reason : undefined;
  const res: ChatResponse = {
    id: typeof body.id === 'string' ? body.id : generateId('msg_'),
    model: typeof body.model === 'string' ? body.model : '',
    content,
    finish: { reason: decodeStopReason(raw), raw },
    usage: decodeUsage(isRecord(body.usage) ? body.usage : undefined),
  };
  const own: Record<string, unknown> = {};
  if (typeof body.stop_sequence === 'string') own.stop_sequence = body.stop_sequence;
  if (unsupported.length) own.unsupportedBlocks = unsupported;
  if (Object.keys(own).length) res.extra = { [NS]: own };
  return res;
}

/** Ids of Anthropic messages start with `msg_`; other upstreams' ids are replaced. */
export function messageId(id: string | undefined): string {
  return id && id.startsWith('msg_') ? id : generateId('msg_');
}

function encodeOutputPart(part: OutputPart): AnthropicOtherBlock | undefined {
  switch (part.type) {
    case 'text': return { type: 'text', text: part.text, ...ownExtra(part.extra) };
    case 'reasoning':
      if (part.redactedData) return { type: 'redacted_thinking', data: part.redactedData };
      // Unsigned reasoning (DeepSeek…) is shown with an empty signature; the client sends it back and
      // the Anthropic request encoder drops it, while OpenAI-style upstreams get it back as reasoning.
      return { type: 'thinking', thinking: part.text, signature: part.signature ?? '' };
    case 'tool-call':
      // input must be an object: invalid or non-object argument JSON becomes {} (documented choice).
      return { type: 'tool_use', id: safeToolId(part.callId), name: part.name, input: parseToolInput(part.argsJson) };
  }
}

/** Canonical response → Anthropic message object for the caller. */
export function encodeResponse(res: ChatResponse, req?: ChatRequest): AnthropicMessagesResponse {
  const content = res.content.map(encodeOutputPart).filter((b): b is AnthropicOtherBlock => b !== undefined);
  const hasTool = content.some((b) => b.type === 'tool_use');
  // Some upstreams (Gemini) report a plain stop next to function calls; Anthropic clients look for tool_use.
  const reason = hasTool && res.finish.reason === 'stop' ? 'tool-calls' : res.finish.reason;
  const stopSequence = res.extra?.[NS]?.stop_sequence;
  return {
    id: messageId(res.id),
    type: 'message',
    role: 'assistant',
    model: res.model || req?.model || '',
    content,
    stop_reason: encodeStopReason(reason, res.finish.raw),
    stop_sequence: typeof stopSequence === 'string' ? stopSequence : null,
    usage: encodeUsage(res.usage),
  };
}
