/** The contract every wire protocol implements, once, for both inbound and upstream use. */
import type { ChatRequest, ChatResponse, ProtocolId, StreamEvent } from '../core/model';
import type { GatewayError } from '../core/errors';
import type { StreamStep } from '../core/stream';
import type { SseEvent, SseFrame } from '../sse/types';

/** What an inbound request carries besides its body (Gemini puts the model and stream flag in the path). */
export interface InboundContext {
  /** Route parameters, e.g. `{ model: 'gemini-2.5-pro', action: 'streamGenerateContent' }`. */
  params: Record<string, string>;
  /** Lower-cased request headers. */
  headers: Record<string, string | string[] | undefined>;
  /** Query parameters. */
  query: Record<string, string | string[] | undefined>;
}

/** An upstream HTTP call described by a codec: path relative to the provider's base URL, and a body. */
export interface UpstreamCall {
  /** e.g. `/chat/completions`, `/messages`, `/models/gemini-2.5-pro:streamGenerateContent?alt=sse`. */
  path: string;
  body: unknown;
  /** Whether the upstream will answer with SSE. */
  stream: boolean;
  /** Protocol headers beyond auth (e.g. `anthropic-version`). */
  headers?: Record<string, string>;
}

/** The rendering of an error in a protocol: HTTP status + JSON body, and the SSE frame for mid-stream. */
export interface EncodedError { status: number; body: unknown; frame: SseFrame }

/** One wire protocol: decode (wire → canonical) and encode (canonical → wire), for requests, responses, streams, errors. */
export interface ProtocolCodec {
  readonly id: ProtocolId;
  /** Wire request → canonical. Throws GatewayError('invalid_request') with `param` on bad input. */
  decodeRequest(body: Record<string, unknown>, ctx: InboundContext): ChatRequest;
  /** Canonical request → upstream call for `model`. */
  encodeRequest(req: ChatRequest, model: string): UpstreamCall;
  /** Upstream JSON response → canonical. */
  decodeResponse(body: unknown): ChatResponse;
  /** Canonical response → wire JSON for the caller. */
  encodeResponse(res: ChatResponse, req: ChatRequest): unknown;
  /** Upstream SSE events → canonical stream events. */
  decodeStream(): StreamStep<SseEvent, StreamEvent>;
  /** Canonical stream events → SSE frames for the caller. */
  encodeStream(req: ChatRequest): StreamStep<StreamEvent, SseFrame>;
  /** GatewayError → this protocol's error body and stream frame. */
  encodeError(err: GatewayError): EncodedError;
  /** An upstream error response (status + parsed body or text) → GatewayError. */
  decodeError(status: number, body: unknown, headers: Record<string, string | string[] | undefined>): GatewayError;
}
