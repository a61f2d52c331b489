/** OpenAI `chat.completion` ↔ canonical ChatResponse. */
import type { ChatRequest, ChatResponse, ReasoningPart, TextPart, ToolCallPart } from '../../core/model';
import { GatewayError } from '../../core/errors';
import { generateId } from '../../core/ids';
import type { OpenAIChatResponse, OpenAIChatResponseMessage } from './wire';
import { decodeFinishReason, encodeFinishReason } from './finish-reason';
import { decodeUsage, encodeUsage } from './usage';
import { isRecord, num, str } from './narrow';

/** Response fields kept in `extra['openai-chat']` for a faithful re-encode. */
const KEPT_FIELDS = ['system_fingerprint', 'service_tier'] as const;

function malformed(what: string): GatewayError {
  return new GatewayError('upstream', `Malformed upstream chat.completion: ${what}`, { code: 'bad_upstream_response' });
}

/** Message content may be a string, null, or (some compatible servers) an array of text parts. */
function decodeText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => (isRecord(p) ? str(p.text) ?? '' : '')).join('');
  return '';
}

function decodeToolCalls(raw: unknown): ToolCallPart[] {
  if (!Array.isArray(raw)) return [];
  const out: ToolCallPart[] = [];
  for (const c of raw) {
    if (!isRecord(c) || !isRecord(c.function)) continue;
    const args = c.function.arguments;
    out.push({
      type: 'tool-call',
      callId: str(c.id) ?? generateId('call_'), // some compatible servers omit ids
      name: str(c.function.name) ?? '',
      argsJson: typeof args === 'string' ? args : args === undefined ? '' : JSON.stringify(args),
    });
  }
  return out;
}

/** Upstream JSON → canonical. Throws an `upstream` GatewayError when there is no choice to read. */
export function decodeResponse(body: unknown): ChatResponse {
  if (!isRecord(body)) throw malformed('body is not an object');
  const choice = Array.isArray(body.choices) ? body.choices[0] : undefined;
  if (!isRecord(choice)) throw malformed('no choices');
  const message = isRecord(choice.message) ? choice.message : {};
  const content: ChatResponse['content'] = [];
  const reasoning = str(message.reasoning_content) ?? str(message.reasoning);
  if (reasoning) content.push({ type: 'reasoning', text: reasoning });
  const text = decodeText(message.content) || (str(message.refusal) ?? '');
  if (text) content.push({ type: 'text', text });
  const toolCalls = decodeToolCalls(message.tool_calls);
  content.push(...toolCalls);
  const raw = str(choice.finish_reason);
  let reason = decodeFinishReason(raw);
  // Some compatible servers (older Ollama, Gemini's OpenAI layer) say 'stop' after tool calls.
  if (toolCalls.length && reason === 'stop') reason = 'tool-calls';
  const res: ChatResponse = {
    id: str(body.id) ?? generateId('chatcmpl-'),
    model: str(body.model) ?? '',
    content,
    finish: raw === undefined ? { reason } : { reason, raw },
  };
  const usage = decodeUsage(body.usage);
  if (usage) res.usage = usage;
  const created = num(body.created);
  if (created !== undefined) res.created = created;
  const extra: Record<string, unknown> = {};
  for (const k of KEPT_FIELDS) if (body[k] !== undefined) extra[k] = body[k];
  if (Object.keys(extra).length) res.extra = { 'openai-chat': extra };
  return res;
}

/** A response id in OpenAI style; foreign ids are prefixed so they stay traceable. */
export function chatCompletionId(id: string): string {
  return id.startsWith('chatcmpl-') ? id : `chatcmpl-${id}`;
}

/** Canonical → `chat.completion` JSON for the caller. `content` is null when the turn is only tool calls. */
export function encodeResponse(res: ChatResponse, _req?: ChatRequest): OpenAIChatResponse {
  const text = res.content.filter((p): p is TextPart => p.type === 'text').map((p) => p.text).join('');
  const reasoning = res.content.filter((p): p is ReasoningPart => p.type === 'reasoning').map((p) => p.text).join('');
  const toolCalls = res.content.filter((p): p is ToolCallPart => p.type === 'tool-call');
  const message: OpenAIChatResponseMessage = { role: 'assistant', content: text === '' && toolCalls.length ? null : text };
  if (reasoning) message.reasoning_content = reasoning;
  if (toolCalls.length) {
    message.tool_calls = toolCalls.map((c) => ({
      id: c.callId, type: 'function', function: { name: c.name, arguments: c.argsJson === '' ? '{}' : c.argsJson },
    }));
  }
  const out: OpenAIChatResponse = {
    id: chatCompletionId(res.id),
    object: 'chat.completion',
    created: res.created ?? Math.floor(Date.now() / 1000),
    model: res.model,
    choices: [{ index: 0, message, finish_reason: encodeFinishReason(res.finish.reason, res.finish.raw), logprobs: null }],
  };
  if (res.usage) out.usage = encodeUsage(res.usage);
  const extra = res.extra?.['openai-chat'];
  if (extra) for (const k of KEPT_FIELDS) if (extra[k] !== undefined) out[k] = extra[k];
  return out;
}
