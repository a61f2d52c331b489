/** The Anthropic Messages protocol codec (`POST /v1/messages`). */
import type { ChatRequest } from '../../core/model';
import type { ProtocolCodec } from '../types';
import { decodeError, encodeError } from './errors';
import { decodeRequest } from './request';
import { encodeRequest } from './request-encode';
import { decodeResponse, encodeResponse } from './response';
import { decodeAnthropicStream, encodeAnthropicStream } from './stream';

export { addCacheBreakpoints } from './cache-breakpoints';
export { DEFAULT_MAX_TOKENS } from './request-encode';

/** The Anthropic Messages codec. */
export const anthropicMessages: ProtocolCodec = {
  id: 'anthropic-messages',
  decodeRequest: (body) => decodeRequest(body),
  encodeRequest,
  decodeResponse,
  encodeResponse,
  decodeStream: decodeAnthropicStream,
  encodeStream: encodeAnthropicStream,
  encodeError,
  decodeError,
};

/** Decodes a `POST /v1/messages/count_tokens` body (like a messages request, but without max_tokens). */
export function decodeCountTokensRequest(body: Record<string, unknown>): ChatRequest {
  return decodeRequest(body, { requireMaxTokens: false });
}
