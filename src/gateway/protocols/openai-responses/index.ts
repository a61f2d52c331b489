/** The OpenAI Responses API codec (`POST /v1/responses`), inbound and upstream. */
import type { ProtocolCodec } from '../types';
import { decodeResponsesRequest, encodeResponsesRequest } from './request';
import { decodeResponsesResponse, encodeResponsesResponse } from './response';
import { decodeOpenAIResponsesStream } from './stream';
import { encodeOpenAIResponsesStream } from './stream-encode';
import { decodeResponsesError, encodeResponsesError } from './errors';

export { withDefaultInstructions } from './normalize';
export { encodeReasoningCarry, decodeReasoningCarry, isReasoningCarry, isOpenAIReasoningBlob } from './reasoning-carry';

/** The Responses codec. */
export const openaiResponses: ProtocolCodec = {
  id: 'openai-responses',
  decodeRequest: (body) => decodeResponsesRequest(body),
  encodeRequest: encodeResponsesRequest,
  decodeResponse: decodeResponsesResponse,
  encodeResponse: encodeResponsesResponse,
  decodeStream: decodeOpenAIResponsesStream,
  encodeStream: encodeOpenAIResponsesStream,
  encodeError: encodeResponsesError,
  decodeError: decodeResponsesError,
};
