/**
 * Gemini streams: every SSE `data:` is a whole GenerateContentResponse chunk (no event names, no [DONE]).
 *
 * Decoding: consecutive text parts share one text block, consecutive thought parts one reasoning block.
 * Function calls arrive whole, so each becomes tool-start, one tool-delta with the JSON args, tool-end.
 * A `thoughtSignature` on a thought part becomes that block's reasoning-signature (and ends the block); on any
 * other part it becomes a zero-length reasoning block (start, signature, end) emitted just before that part.
 * Encoders of other protocols thus see an ordinary signed reasoning block, and encodeGeminiRequest puts the
 * signature back on the part that follows it (see parts.ts). The StreamEvent union needs no Gemini-only event.
 */
import { generateId } from '../../core/ids';
import type { StreamEvent, Usage } from '../../core/model';
import type { StreamStep } from '../../core/stream';
import { pipeSteps } from '../../core/stream';
import type { SseEvent, SseFrame } from '../../sse/types';
import { decodeGeminiError, encodeGeminiError } from './errors';
import { decodeFinishReason, encodeFinishReason } from './finish-reason';
import { parseArgs } from './parts';
import { decodeGeminiUsage, encodeGeminiUsage, responseCallIds } from './response';
import type { GeminiGenerateContentResponse, GeminiPart } from './wire';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Upstream SSE → canonical events. */
export function decodeGeminiStream(): StreamStep<SseEvent, StreamEvent> {
  let started = false;
  let nextIndex = 0;
  let open: { kind: 'text' | 'reasoning'; index: number } | undefined;
  let usage: Usage | undefined;
  let raw: string | undefined;
  let blockReason: string | undefined;
  let hadToolCalls = false;
  let failed = false;
  let idFor = responseCallIds(undefined);

  const close = (): StreamEvent[] => {
    if (!open) return [];
    const ev: StreamEvent = open.kind === 'text' ? { type: 'text-end', index: open.index } : { type: 'reasoning-end', index: open.index };
    open = undefined;
    return [ev];
  };
  const openBlock = (kind: 'text' | 'reasoning'): StreamEvent[] => {
    if (open?.kind === kind) return [];
    const out = close();
    open = { kind, index: nextIndex++ };
    out.push(kind === 'text' ? { type: 'text-start', index: open.index } : { type: 'reasoning-start', index: open.index });
    return out;
  };
  const signatureBlock = (signature: string): StreamEvent[] => {
    const index = nextIndex++;
    return [...close(), { type: 'reasoning-start', index }, { type: 'reasoning-signature', index, signature },
      { type: 'reasoning-end', index }];
  };

  const part = (p: GeminiPart): StreamEvent[] => {
    if (p.thought === true && typeof p.text === 'string') {
      const out = openBlock('reasoning');
      const index = open!.index;
      if (p.text) out.push({ type: 'reasoning-delta', index, text: p.text });
      if (p.thoughtSignature) out.push({ type: 'reasoning-signature', index, signature: p.thoughtSignature }, ...close());
      return out;
    }
    const out = p.thoughtSignature ? signatureBlock(p.thoughtSignature) : [];
    if (typeof p.text === 'string') {
      if (p.text) {
        out.push(...openBlock('text'));
        out.push({ type: 'text-delta', index: open!.index, text: p.text });
      }
    } else if (p.functionCall && typeof p.functionCall.name === 'string') {
      const fc = p.functionCall;
      const index = nextIndex++;
      hadToolCalls = true;
      out.push(...close(),
        { type: 'tool-start', index, callId: fc.id || idFor(fc.name), name: fc.name },
        { type: 'tool-delta', index, argsJson: JSON.stringify(fc.args ?? {}) },
        { type: 'tool-end', index });
    }
    return out;
  };

  return {
    step({ data }) {
      if (failed) return [];
      let chunk: unknown;
      try { chunk = JSON.parse(data); } catch { return []; } // keep-alives and junk are not events
      if (!isRecord(chunk)) return [];
      if (isRecord(chunk.error)) {
        failed = true;
        const code = typeof chunk.error.code === 'number' ? chunk.error.code : 500;
        return [...close(), { type: 'error', error: decodeGeminiError(code, chunk, {}) }];
      }
      const res = chunk as GeminiGenerateContentResponse;
      const out: StreamEvent[] = [];
      if (!started) {
        started = true;
        idFor = responseCallIds(res.responseId);
        out.push({ type: 'start', id: res.responseId ?? generateId('gen-'), model: res.modelVersion ?? '' });
      }
      if (res.usageMetadata) usage = decodeGeminiUsage(res.usageMetadata);
      if (res.promptFeedback?.blockReason) blockReason = res.promptFeedback.blockReason;
      const candidate = res.candidates?.[0];
      if (candidate?.finishReason) raw = candidate.finishReason;
      for (const p of candidate?.content?.parts ?? []) if (isRecord(p)) out.push(...part(p));
      return out;
    },
    finish() {
      if (failed) return [];
      const out = close();
      type Finish = Extract<StreamEvent, { type: 'finish' }>;
      const blocked = raw === undefined && blockReason !== undefined;
      const ev: Finish = { type: 'finish', reason: blocked ? 'content-filter' : decodeFinishReason(raw, hadToolCalls) };
      const rawReason = raw ?? blockReason;
      if (rawReason !== undefined) ev.raw = rawReason;
      if (usage) ev.usage = usage;
      out.push(ev);
      return out;
    },
  };
}

/** Canonical events → SSE frames of GenerateContentResponse chunks for a Gemini caller. */
export function encodeGeminiStream(): StreamStep<StreamEvent, SseFrame> {
  let responseId = generateId('gen-');
  let model = '';
  let usage: Partial<Usage> | undefined;
  let pendingSignature: string | undefined;
  const reasoningText = new Map<number, boolean>(); // reasoning block index → has it shown text
  const tools = new Map<number, { callId: string; name: string; args: string }>();

  const frame = (parts: GeminiPart[], extra: { finishReason?: string } = {}): SseFrame => {
    const candidate: Record<string, unknown> = {};
    if (parts.length) candidate.content = { role: 'model', parts };
    if (extra.finishReason) candidate.finishReason = extra.finishReason;
    candidate.index = 0;
    const chunk: GeminiGenerateContentResponse = { candidates: [candidate] };
    if (extra.finishReason && usage) chunk.usageMetadata = encodeGeminiUsage(usage);
    chunk.modelVersion = model;
    chunk.responseId = responseId;
    return { data: JSON.stringify(chunk) };
  };
  const withSignature = (p: GeminiPart): GeminiPart => {
    if (pendingSignature) { p.thoughtSignature = pendingSignature; pendingSignature = undefined; }
    return p;
  };

  return {
    step(ev) {
      switch (ev.type) {
        case 'start':
          responseId = ev.id || responseId;
          model = ev.model;
          if (ev.usage) usage = { ...ev.usage };
          return [];
        case 'text-delta':
          return ev.text ? [frame([withSignature({ text: ev.text })])] : [];
        case 'reasoning-start':
          reasoningText.set(ev.index, false);
          return [];
        case 'reasoning-delta':
          if (!ev.text) return [];
          reasoningText.set(ev.index, true);
          return [frame([{ text: ev.text, thought: true }])];
        case 'reasoning-signature':
          // A signed block with text keeps its signature on a thought part; a bare signature waits for the next part.
          if (reasoningText.get(ev.index)) return [frame([{ text: '', thought: true, thoughtSignature: ev.signature }])];
          pendingSignature = ev.signature;
          return [];
        case 'tool-start':
          tools.set(ev.index, { callId: ev.callId, name: ev.name, args: '' });
          return [];
        case 'tool-delta': {
          const t = tools.get(ev.index);
          if (t) t.args += ev.argsJson;
          return [];
        }
        case 'tool-end': {
          const t = tools.get(ev.index);
          if (!t) return [];
          tools.delete(ev.index);
          return [frame([withSignature({ functionCall: { name: t.name, args: parseArgs(t.args), id: t.callId } })])];
        }
        case 'usage':
          usage = { ...usage, ...ev.usage };
          return [];
        case 'finish': {
          if (ev.usage) usage = ev.usage;
          const parts: GeminiPart[] = pendingSignature ? [withSignature({ text: '' })] : [];
          return [frame(parts, { finishReason: encodeFinishReason(ev.reason, ev.raw) })];
        }
        case 'error':
          return [encodeGeminiError(ev.error).frame];
        default:
          return [];
      }
    },
    finish: () => [],
  };
}

/**
 * Without `?alt=sse`, `:streamGenerateContent` answers with one JSON array whose elements arrive over time
 * (`[{…}\r\n,{…}\r\n]`). This step turns the SSE frames of encodeGeminiStream into those text pieces; serve
 * them with `content-type: application/json`.
 */
export function sseFramesToJsonArray(): StreamStep<SseFrame, string> {
  let first = true;
  return {
    step(frame) {
      if ('comment' in frame) return [];
      const piece = `${first ? '[' : '\r\n,'}${frame.data}`;
      first = false;
      return [piece];
    },
    finish: () => [first ? '[]' : '\r\n]'],
  };
}

/** Canonical events → the text pieces of a JSON-array stream (the non-SSE form of streamGenerateContent). */
export function encodeGeminiJsonArrayStream(): StreamStep<StreamEvent, string> {
  return pipeSteps(encodeGeminiStream(), sseFramesToJsonArray());
}

