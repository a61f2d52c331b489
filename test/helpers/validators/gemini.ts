/**
 * Strict grammar of a Gemini `streamGenerateContent?alt=sse` stream, from the API reference
 * (GenerateContentResponse, Candidate, Part, UsageMetadata):
 * - unnamed `data:` events, each one whole GenerateContentResponse with a `candidates` array (no [DONE]);
 * - a part carries exactly one kind of data (text, functionCall, inlineData…); `thought` and `thoughtSignature`
 *   are flags beside it; functionCall has a name and an object `args` (calls arrive whole);
 * - `finishReason` appears once, on the last chunk;
 * - usageMetadata counters are numbers;
 * - an error is `{"error": {code, message, status}}` and ends the stream.
 */
import { type Obj, type SseEvent, isCount, isObj, parseObj } from './common';

const FINISH = new Set(['STOP', 'MAX_TOKENS', 'SAFETY', 'RECITATION', 'LANGUAGE', 'OTHER', 'BLOCKLIST', 'PROHIBITED_CONTENT',
  'SPII', 'MALFORMED_FUNCTION_CALL', 'IMAGE_SAFETY', 'UNEXPECTED_TOOL_CALL', 'FINISH_REASON_UNSPECIFIED']);
const DATA_FIELDS = ['text', 'inlineData', 'functionCall', 'functionResponse', 'fileData', 'executableCode', 'codeExecutionResult'];
const USAGE_FIELDS = ['promptTokenCount', 'candidatesTokenCount', 'totalTokenCount', 'thoughtsTokenCount', 'cachedContentTokenCount', 'toolUsePromptTokenCount'];

function checkPart(at: string, p: unknown, v: string[]): void {
  if (!isObj(p)) { v.push(`${at}: part is not an object`); return; }
  const kinds = DATA_FIELDS.filter((k) => p[k] !== undefined);
  if (kinds.length !== 1 && !(kinds.length === 0 && typeof p.thoughtSignature === 'string')) {
    v.push(`${at}: part must carry exactly one data field, has ${kinds.join(',') || 'none'}`);
  }
  if (p.text !== undefined && typeof p.text !== 'string') v.push(`${at}: text is not a string`);
  if (p.thought !== undefined && typeof p.thought !== 'boolean') v.push(`${at}: thought is not a boolean`);
  if (p.thoughtSignature !== undefined && (typeof p.thoughtSignature !== 'string' || !p.thoughtSignature)) v.push(`${at}: thoughtSignature is not a non-empty string`);
  if (p.functionCall !== undefined) {
    const fc = p.functionCall;
    if (!isObj(fc) || typeof fc.name !== 'string' || !fc.name) v.push(`${at}: functionCall without name`);
    else if (fc.args !== undefined && !isObj(fc.args)) v.push(`${at}: functionCall.args is not an object`);
    if (p.thought === true) v.push(`${at}: a functionCall part cannot be a thought`);
  }
}

function checkUsage(at: string, u: unknown, v: string[]): void {
  if (!isObj(u)) { v.push(`${at}: usageMetadata is not an object`); return; }
  for (const k of USAGE_FIELDS) if (u[k] !== undefined && !isCount(u[k])) v.push(`${at}: usageMetadata.${k} is not a count`);
  if (isCount(u.promptTokenCount) && isCount(u.totalTokenCount) && u.totalTokenCount < u.promptTokenCount) v.push(`${at}: totalTokenCount below promptTokenCount`);
}

/** Returns every grammar violation in a Gemini SSE stream (empty = valid). */
export function validateGeminiStream(events: SseEvent[]): string[] {
  const v: string[] = [];
  let finishAt = -1;
  let errorAt = -1;
  let responseId: string | undefined;
  events.forEach((e, i) => {
    const at = `event ${i}`;
    if (errorAt >= 0) { v.push(`${at}: event after the error`); return; }
    if (finishAt >= 0) v.push(`${at}: chunk after the chunk with finishReason`);
    if (e.event !== undefined && e.event !== 'message') v.push(`${at}: Gemini events are unnamed, got "${e.event}"`);
    if (e.data === '[DONE]') { v.push(`${at}: Gemini streams have no [DONE]`); return; }
    const d = parseObj(e.data);
    if (!d) { v.push(`${at}: data is not a JSON object`); return; }
    if (d.error !== undefined) {
      errorAt = i;
      const err = d.error;
      if (!isObj(err) || !isCount(err.code) || typeof err.message !== 'string' || typeof err.status !== 'string') v.push(`${at}: error needs code, message and status`);
      return;
    }
    checkChunk(at, d, i);
  });

  function checkChunk(at: string, d: Obj, i: number): void {
    if (!Array.isArray(d.candidates) || d.candidates.length === 0) { v.push(`${at}: no candidates`); return; }
    if (typeof d.responseId === 'string') {
      if (responseId !== undefined && d.responseId !== responseId) v.push(`${at}: responseId changed`);
      responseId = d.responseId;
    }
    if (d.modelVersion !== undefined && typeof d.modelVersion !== 'string') v.push(`${at}: modelVersion is not a string`);
    if (d.usageMetadata !== undefined) checkUsage(at, d.usageMetadata, v);
    d.candidates.forEach((c: unknown, j: number) => {
      const cat = `${at}.candidates[${j}]`;
      if (!isObj(c)) { v.push(`${cat}: candidate is not an object`); return; }
      if (c.index !== undefined && !isCount(c.index)) v.push(`${cat}: index is not a count`);
      if (c.content !== undefined) {
        if (!isObj(c.content)) v.push(`${cat}: content is not an object`);
        else {
          if (c.content.role !== undefined && c.content.role !== 'model') v.push(`${cat}: content.role is ${String(c.content.role)}`);
          if (!Array.isArray(c.content.parts)) v.push(`${cat}: content.parts is not an array`);
          else c.content.parts.forEach((p: unknown, k: number) => checkPart(`${cat}.parts[${k}]`, p, v));
        }
      }
      if (c.finishReason !== undefined) {
        if (typeof c.finishReason !== 'string' || !FINISH.has(c.finishReason)) v.push(`${cat}: unknown finishReason ${String(c.finishReason)}`);
        if (finishAt >= 0 && finishAt !== i) v.push(`${cat}: second finishReason`);
        finishAt = i;
      } else if (c.content === undefined) v.push(`${cat}: candidate with neither content nor finishReason`);
    });
  }

  if (events.length === 0) v.push('empty stream');
  if (errorAt < 0 && finishAt < 0) v.push('no chunk carries a finishReason');
  return v;
}
