/** Provider types: how to reach an upstream that speaks one of the protocols. */
import type { ChatRequest, ChatResponse, ProtocolId, StreamEvent } from '../core/model';
import type { StreamStep } from '../core/stream';

/** The provider types a config may name. */
export type ProviderType = 'openai' | 'openai-compatible' | 'openai-responses' | 'anthropic' | 'gemini';

/** A small, pure request rewriter for a strict upstream, applied after translation to canonical. */
export interface Quirk {
  readonly name: string;
  /**
   * 'translated': only when the request was translated from another protocol (the caller's own body is left alone
   * on the identity path). Default 'always': such a quirk also turns the identity path off for its provider.
   */
  readonly scope?: 'always' | 'translated';
  /** Rewrites the canonical request before it is encoded for this upstream. */
  request?(req: ChatRequest, ctx: QuirkContext): ChatRequest;
  /** Rewrites the encoded wire body (for fields the canonical model does not carry). */
  wireBody?(body: Record<string, unknown>, ctx: QuirkContext): Record<string, unknown>;
  /** A step over the decoded upstream stream (translated path only); undefined when it does not apply to `req`. */
  stream?(req: ChatRequest): StreamStep<StreamEvent, StreamEvent> | undefined;
  /** Observes a decoded whole response (translated path), e.g. to remember reasoning state. */
  response?(res: ChatResponse): void;
}

/** What a quirk may know about where the request goes. */
export interface QuirkContext { providerId: string; upstreamModel: string; baseUrl: string }

/** How a provider type authenticates. */
export type AuthScheme = 'bearer' | 'x-api-key' | 'x-goog-api-key';

/** A declaration of one provider type. The registry in `providers/index.ts` is the only list. */
export interface ProviderSpec {
  type: ProviderType;
  label: string;
  /** The chat protocol it speaks upstream. */
  protocol: ProtocolId;
  /** Other protocols it serves natively (e.g. `openai` also serves `openai-responses`). */
  alsoServes?: ProtocolId[];
  defaultBaseUrl: string;
  auth: AuthScheme;
  /** Headers every request carries (e.g. `anthropic-version`). */
  defaultHeaders?: Record<string, string>;
  /** Quirks applied to every request to this type (a provider config may add more). */
  quirks: Quirk[];
  /** Path of the upstream's model list, relative to the base URL; absent when it has none. */
  modelsPath?: string;
}
