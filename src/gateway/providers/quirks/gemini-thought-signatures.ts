/**
 * Gemini 3 rejects a replayed function call without the `thoughtSignature` it came with (400), and Gemini 2.5
 * loses its reasoning context. OpenAI-style clients drop the signature (they have nowhere to keep it), so the
 * gateway remembers signatures by tool-call id as responses pass through, and this quirk puts them back.
 *
 * Canonically a signature for a call is a reasoning part just before the tool-call part (see
 * protocols/gemini/parts.ts); the quirk inserts exactly that, so the Gemini encoder needs no special case.
 */
import type { ChatRequest, ChatResponse, Message, Part, StreamEvent } from '../../core/model';
import type { StreamStep } from '../../core/stream';
import type { Quirk, QuirkContext } from '../types';

/** Gemini's documented placeholder for function calls it did not sign (e.g. calls from another model). */
export const SKIP_SIGNATURE_VALIDATOR = 'skip_thought_signature_validator';

/** A bounded least-recently-used map of tool-call id → thoughtSignature. */
export class ThoughtSignatureStore {
  private readonly map = new Map<string, string>();

  /** `capacity` bounds memory: the oldest entries are evicted first. */
  constructor(readonly capacity = 5000) {}

  /** Number of remembered signatures. */
  get size(): number { return this.map.size; }

  /** Remembers the signature of a tool call. */
  set(callId: string, signature: string): void {
    this.map.delete(callId);
    this.map.set(callId, signature);
    while (this.map.size > this.capacity) {
      const oldest = this.map.keys().next().value;
      if (oldest === undefined) break;
      this.map.delete(oldest);
    }
  }

  /** The signature of a tool call, if seen; refreshes its recency. */
  get(callId: string): string | undefined {
    const s = this.map.get(callId);
    if (s !== undefined) { this.map.delete(callId); this.map.set(callId, s); }
    return s;
  }

  /** Records the signatures of a whole response's tool calls. */
  recordResponse(res: Pick<ChatResponse, 'content'>): void {
    let pending: string | undefined;
    for (const p of res.content) {
      if (p.type === 'reasoning') { if (p.signature) pending = p.signature; continue; }
      if (p.type === 'text') { pending = undefined; continue; }
      const own = p.extra?.gemini?.thoughtSignature;
      const sig = typeof own === 'string' && own ? own : pending;
      if (sig) this.set(p.callId, sig);
      pending = undefined;
    }
  }

  /** A pass-through stream step that records signatures of tool calls as they stream by. */
  observeStream(): StreamStep<StreamEvent, StreamEvent> {
    let pending: string | undefined;
    return {
      step: (ev) => {
        if (ev.type === 'reasoning-signature') pending = ev.signature;
        else if (ev.type === 'text-delta') pending = undefined;
        else if (ev.type === 'tool-start') {
          if (pending) this.set(ev.callId, pending);
          pending = undefined;
        }
        return [ev];
      },
      finish: () => [],
    };
  }
}

/** Options of the re-injection quirk. */
export interface ThoughtSignatureQuirkOptions {
  /**
   * The signature to use when none is known, or undefined for none. Default: the documented skip value for
   * Gemini 3 models (which reject unsigned calls), nothing for older ones (which accept them).
   */
  fallback?: (ctx: QuirkContext) => string | undefined;
}

const defaultFallback = (ctx: QuirkContext): string | undefined =>
  /(^|\/)gemini-3/.test(ctx.upstreamModel) ? SKIP_SIGNATURE_VALIDATOR : undefined;

function reinject(message: Message, store: ThoughtSignatureStore, fallback: string | undefined): Message {
  let pending = false; // a signature is waiting for the next part (mirrors encodeModelParts)
  let changed = false;
  let firstCall = true;
  const parts: Part[] = [];
  for (const p of message.parts) {
    if (p.type === 'reasoning') { if (p.signature) pending = true; parts.push(p); continue; }
    if (p.type === 'tool-call') {
      const own = typeof p.extra?.gemini?.thoughtSignature === 'string';
      if (!pending && !own) {
        // Gemini signs only the first call of a parallel batch, so the fallback goes on the first call only.
        const sig = store.get(p.callId) ?? (firstCall ? fallback : undefined);
        if (sig) { parts.push({ type: 'reasoning', text: '', signature: sig }); changed = true; }
      }
      firstCall = false;
    }
    pending = false;
    parts.push(p);
  }
  return changed ? { ...message, parts } : message;
}

/** A quirk that restores dropped thoughtSignatures on replayed function calls, from `store`. */
export function createGeminiThoughtSignatureQuirk(store: ThoughtSignatureStore, options: ThoughtSignatureQuirkOptions = {}): Quirk {
  const fallbackFor = options.fallback ?? defaultFallback;
  return {
    name: 'gemini-thought-signatures',
    // Gemini callers keep their own signatures; only translated histories lose them.
    scope: 'translated',
    request(req: ChatRequest, ctx: QuirkContext): ChatRequest {
      const fallback = fallbackFor(ctx);
      let changed = false;
      const messages = req.messages.map((m) => {
        if (m.role !== 'assistant') return m;
        const next = reinject(m, store, fallback);
        if (next !== m) changed = true;
        return next;
      });
      return changed ? { ...req, messages } : req;
    },
  };
}

/** The process-wide store, for declarative provider specs; record into it where Gemini responses are decoded. */
export const geminiThoughtSignatureStore = new ThoughtSignatureStore();

/** The re-injection quirk bound to the process-wide store. */
export const geminiThoughtSignatures: Quirk = {
  ...createGeminiThoughtSignatureQuirk(geminiThoughtSignatureStore),
  stream: () => geminiThoughtSignatureStore.observeStream(),
  response: (res) => geminiThoughtSignatureStore.recordResponse(res),
};
