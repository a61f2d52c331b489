/** The registry of wire protocols: the only list of them. */
import type { ProtocolId } from '../core/model';
import type { ProtocolCodec } from './types';
import { openaiChat } from './openai-chat';
import { openaiResponses } from './openai-responses';
import { anthropicMessages } from './anthropic-messages';
import { gemini } from './gemini';

/** Protocol id → codec. */
export const protocols: Readonly<Record<ProtocolId, ProtocolCodec>> = {
  'openai-chat': openaiChat,
  'openai-responses': openaiResponses,
  'anthropic-messages': anthropicMessages,
  gemini,
};

/** All protocol ids. */
export const PROTOCOL_IDS = Object.keys(protocols) as ProtocolId[];
