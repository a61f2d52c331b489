/** The Gemini generateContent protocol codec. */
import type { ProtocolCodec } from '../types';
import { decodeGeminiError, encodeGeminiError } from './errors';
import { decodeGeminiRequest, encodeGeminiRequest } from './request';
import { decodeGeminiResponse, encodeGeminiResponse } from './response';
import { decodeGeminiStream, encodeGeminiStream } from './stream';

/** Gemini (`/v1beta/models/{model}:generateContent` and `:streamGenerateContent?alt=sse`). */
export const gemini: ProtocolCodec = {
  id: 'gemini',
  decodeRequest: decodeGeminiRequest,
  encodeRequest: encodeGeminiRequest,
  decodeResponse: decodeGeminiResponse,
  encodeResponse: (res) => encodeGeminiResponse(res),
  decodeStream: decodeGeminiStream,
  encodeStream: () => encodeGeminiStream(),
  encodeError: encodeGeminiError,
  decodeError: decodeGeminiError,
};

export { parseModelAction, geminiModelPath, stripModelsPrefix, type GeminiAction, type ModelAction } from './model-path';
export { encodeGeminiJsonArrayStream, sseFramesToJsonArray } from './stream';
export { encodeCountTokensResponse } from './count-tokens';
