/** GenerateContentResponse ↔ canonical ChatResponse, and usage metadata ↔ Usage. */
import { GatewayError } from '../../core/errors';
import { generateId } from '../../core/ids';
import type { ChatResponse, Usage } from '../../core/model';
import { stableCallId } from './call-ids';
import { decodeFinishReason, encodeFinishReason } from './finish-reason';
import { decodeModelParts, encodeModelParts, type CallIdSource } from './parts';
import type { GeminiGenerateContentResponse, GeminiUsageMetadata } from './wire';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * usageMetadata → Usage. promptTokenCount already includes cached tokens (as canonical wants);
 * thoughts are billed as output but not counted in candidatesTokenCount, so they are added.
 */
export function decodeGeminiUsage(u: GeminiUsageMetadata): Usage {
  const thoughts = u.thoughtsTokenCount ?? 0;
  const usage: Usage = { inputTokens: u.promptTokenCount ?? 0, outputTokens: (u.candidatesTokenCount ?? 0) + thoughts };
  if (u.cachedContentTokenCount) usage.cachedInputTokens = u.cachedContentTokenCount;
  if (u.thoughtsTokenCount) usage.reasoningTokens = u.thoughtsTokenCount;
  return usage;
}

/** Usage → usageMetadata (the inverse of decodeGeminiUsage). */
export function encodeGeminiUsage(u: Partial<Usage>): GeminiUsageMetadata {
  const input = u.inputTokens ?? 0;
  const output = u.outputTokens ?? 0;
  const thoughts = u.reasoningTokens ?? 0;
  const meta: GeminiUsageMetadata = {
    promptTokenCount: input,
    candidatesTokenCount: Math.max(0, output - thoughts),
    totalTokenCount: input + output,
  };
  if (u.cachedInputTokens) meta.cachedContentTokenCount = u.cachedInputTokens;
  if (thoughts) meta.thoughtsTokenCount = thoughts;
  return meta;
}

/** Ids for id-less function calls in a response: stable per response id, random when there is none. */
export function responseCallIds(responseId: string | undefined): CallIdSource {
  const scope = responseId ?? generateId('', 16);
  let n = 0;
  return (name) => stableCallId(scope, name, n++);
}

/** Upstream GenerateContentResponse → canonical (first candidate only; only n=1 is translated). */
export function decodeGeminiResponse(body: unknown): ChatResponse {
  if (!isRecord(body)) throw new GatewayError('upstream', 'Gemini response is not a JSON object');
  const res = body as GeminiGenerateContentResponse;
  const candidate = res.candidates?.[0];
  const content = decodeModelParts(candidate?.content?.parts ?? [], responseCallIds(res.responseId));
  const hadToolCalls = content.some((p) => p.type === 'tool-call');
  // A blocked prompt has no candidates; the reason sits in promptFeedback.
  const raw = candidate?.finishReason ?? res.promptFeedback?.blockReason;
  const reason = candidate ? decodeFinishReason(raw, hadToolCalls) : raw ? 'content-filter' : 'other';
  const out: ChatResponse = {
    id: res.responseId ?? generateId('gen-'),
    model: res.modelVersion ?? '',
    content,
    finish: raw !== undefined ? { reason, raw } : { reason },
  };
  if (res.usageMetadata) out.usage = decodeGeminiUsage(res.usageMetadata);
  if (res.createTime) {
    const ms = Date.parse(res.createTime);
    if (Number.isFinite(ms)) out.created = Math.floor(ms / 1000);
  }
  if (res.promptFeedback) out.extra = { gemini: { promptFeedback: res.promptFeedback } };
  return out;
}

/** Canonical response → GenerateContentResponse for a Gemini caller. */
export function encodeGeminiResponse(res: ChatResponse): GeminiGenerateContentResponse {
  const parts = encodeModelParts(res.content, { keepThoughts: true, sendGeneratedIds: true });
  const finishReason = encodeFinishReason(res.finish.reason, res.finish.raw);
  // Gemini omits `content` when a candidate produced nothing (e.g. a safety stop); an empty parts list breaks clients.
  const candidate = parts.length ? { content: { role: 'model' as const, parts }, finishReason, index: 0 } : { finishReason, index: 0 };
  const out: GeminiGenerateContentResponse = { candidates: [candidate] };
  if (res.usage) out.usageMetadata = encodeGeminiUsage(res.usage);
  out.modelVersion = res.model;
  out.responseId = res.id;
  return out;
}
