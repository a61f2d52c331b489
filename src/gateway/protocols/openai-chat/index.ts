/** The OpenAI Chat Completions codec (`POST /v1/chat/completions`). */
import type { ProtocolCodec } from '../types';
import { decodeError, encodeError } from './errors';
import { decodeRequest, encodeRequest } from './request';
import { decodeResponse, encodeResponse } from './response';
import { decodeOpenAIChatStream } from './stream-decode';
import { encodeOpenAIChatStream } from './stream-encode';

/** OpenAI Chat Completions: decode/encode of requests, responses, streams and errors. */
export const openaiChat: ProtocolCodec = {
  id: 'openai-chat',
  decodeRequest: (body) => decodeRequest(body),
  encodeRequest: (req, model) => encodeRequest(req, model),
  decodeResponse,
  encodeResponse,
  decodeStream: decodeOpenAIChatStream,
  encodeStream: encodeOpenAIChatStream,
  encodeError,
  decodeError,
};

export { decodeOpenAIChatStream, encodeOpenAIChatStream, encodeRequest };
export type { EncodeRequestOptions } from './request';
