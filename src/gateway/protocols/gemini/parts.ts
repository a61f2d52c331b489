/**
 * Model-turn parts ↔ canonical parts, shared by requests (history) and responses.
 *
 * Thought signatures: Gemini attaches `thoughtSignature` to whichever part follows the reasoning (a functionCall,
 * a text part, sometimes an empty text part). Canonically a signature lives on a reasoning part, so:
 * - a thought part with a signature → a reasoning part with that text and signature;
 * - any other part with a signature → a zero-length reasoning part carrying the signature, placed just before it.
 * Encoding reverses this: a signature on a reasoning part goes onto the next non-thought part of the turn
 * (a `ToolCallPart.extra.gemini.thoughtSignature` wins), or onto a trailing thought part when nothing follows.
 */
import type { ReasoningPart, TextPart, ToolCallPart } from '../../core/model';
import { isGeneratedCallId } from './call-ids';
import type { GeminiPart } from './wire';

/** A canonical model-turn part. */
export type ModelPart = TextPart | ReasoningPart | ToolCallPart;

/** Gives the call id for a functionCall part that has none (stable per name/position). */
export type CallIdSource = (name: string) => string;

/** Gemini model-turn parts → canonical parts. Consecutive thought parts merge into one reasoning part. */
export function decodeModelParts(parts: readonly GeminiPart[], idFor: CallIdSource): ModelPart[] {
  const out: ModelPart[] = [];
  let open: ReasoningPart | undefined; // the reasoning part still accepting thought text
  for (const part of parts) {
    if (part.thought === true && typeof part.text === 'string') {
      if (!open) { open = { type: 'reasoning', text: '' }; out.push(open); }
      open.text += part.text;
      if (part.thoughtSignature) { open.signature = part.thoughtSignature; open = undefined; }
      continue;
    }
    open = undefined;
    if (part.thoughtSignature) out.push({ type: 'reasoning', text: '', signature: part.thoughtSignature });
    if (typeof part.text === 'string') {
      if (part.text !== '') out.push({ type: 'text', text: part.text });
    } else if (part.functionCall) {
      const fc = part.functionCall;
      out.push({ type: 'tool-call', callId: fc.id || idFor(fc.name), name: fc.name, argsJson: JSON.stringify(fc.args ?? {}) });
    }
  }
  return out;
}

/** How to encode a model turn. */
export interface EncodeModelOptions {
  /** Send reasoning text as `thought: true` parts (responses to clients) or drop it (upstream history). */
  keepThoughts: boolean;
  /** Send gateway-generated call ids (to our own clients yes; to Gemini no, it never issued them). */
  sendGeneratedIds: boolean;
}

/** Parses tool arguments JSON into the object Gemini wants; non-objects are wrapped, bad JSON becomes {}. */
export function parseArgs(argsJson: string): Record<string, unknown> {
  if (!argsJson.trim()) return {};
  try {
    const v: unknown = JSON.parse(argsJson);
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
    return { value: v };
  } catch {
    return {};
  }
}

function signatureOf(part: ToolCallPart): string | undefined {
  const s = part.extra?.gemini?.thoughtSignature;
  return typeof s === 'string' && s ? s : undefined;
}

/** Canonical model-turn parts → Gemini parts (see the file comment for where signatures go). */
export function encodeModelParts(parts: readonly ModelPart[], opts: EncodeModelOptions): GeminiPart[] {
  const out: GeminiPart[] = [];
  let pending: string | undefined;
  for (const part of parts) {
    if (part.type === 'reasoning') {
      if (part.redactedData) continue; // Anthropic's encrypted thinking means nothing to Gemini
      if (opts.keepThoughts && part.text) {
        const thought: GeminiPart = { text: part.text, thought: true };
        if (part.signature) thought.thoughtSignature = part.signature;
        out.push(thought);
      } else if (part.signature) {
        pending = part.signature;
      }
      continue;
    }
    let wire: GeminiPart;
    if (part.type === 'text') {
      if (!part.text && !pending) continue; // Gemini rejects empty text parts
      wire = { text: part.text };
    } else {
      const call: GeminiPart['functionCall'] = { name: part.name, args: parseArgs(part.argsJson) };
      if (opts.sendGeneratedIds || !isGeneratedCallId(part.callId)) call!.id = part.callId;
      wire = { functionCall: call };
      pending = signatureOf(part) ?? pending;
    }
    if (pending) { wire.thoughtSignature = pending; pending = undefined; }
    out.push(wire);
  }
  if (pending) {
    const last = out[out.length - 1];
    if (last && !last.thoughtSignature) last.thoughtSignature = pending;
    else if (opts.keepThoughts) out.push({ text: '', thoughtSignature: pending });
  }
  return out;
}
