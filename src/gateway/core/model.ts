/**
 * The canonical model: one neutral shape for requests, responses and stream events, independent of any
 * wire protocol. Decoders turn a wire format into these types, encoders turn them into a wire format.
 * Fields are camelCase; wire field names live only in each protocol's `wire.ts`.
 */
import type { GatewayError } from './errors';

/** Identifies a wire protocol. The registry in `protocols/index.ts` is the only list of them. */
export type ProtocolId = 'openai-chat' | 'openai-responses' | 'anthropic-messages' | 'gemini';

/** Fields a protocol understands but the canonical model does not, kept per protocol for its own encoder. */
export type Extra = Partial<Record<ProtocolId, Record<string, unknown>>>;

/** Image bytes inline or by reference. */
export type ImageSource =
  | { kind: 'base64'; mediaType: string; data: string }
  | { kind: 'url'; url: string; mediaType?: string };

/** Plain text. `extra` carries e.g. Anthropic `cache_control`. */
export interface TextPart { type: 'text'; text: string; extra?: Extra }
/** An image input. `detail` is OpenAI's hint (low/high/auto). */
export interface ImagePart { type: 'image'; source: ImageSource; detail?: string; extra?: Extra }
/**
 * Model reasoning. `signature` is Anthropic's thinking signature or Gemini's thoughtSignature;
 * `redactedData` is the opaque payload of an Anthropic `redacted_thinking` block (then `text` is '').
 */
export interface ReasoningPart { type: 'reasoning'; text: string; signature?: string; redactedData?: string; extra?: Extra }
/** A tool call made by the assistant; arguments are JSON text, as OpenAI carries them. */
export interface ToolCallPart { type: 'tool-call'; callId: string; name: string; argsJson: string; extra?: Extra }
/** The vendor file store a file id belongs to; only that vendor's protocols can name the file. */
export type FileStore = 'openai' | 'anthropic' | 'gemini';
/**
 * A document's content or where to find it. `text` is a plain-text document (Anthropic's text source): protocols
 * without one get it as ordinary text. `file-id` is an uploaded file (OpenAI `file_id`, Anthropic Files, a Gemini
 * Files API URI), which no other vendor can read.
 */
export type FileSource =
  | { kind: 'base64'; mediaType: string; data: string }
  | { kind: 'text'; text: string }
  | { kind: 'url'; url: string; mediaType?: string }
  | { kind: 'file-id'; fileId: string; store: FileStore; mediaType?: string };
/**
 * A document or other non-image file input (PDF, plain text…). `extra` carries e.g. Anthropic `title`, `context`,
 * `citations` and `cache_control`, or Responses `detail`.
 */
export interface FilePart { type: 'file'; source: FileSource; filename?: string; extra?: Extra }
/** The result of a tool call, sent back by the client. */
export interface ToolResultPart {
  type: 'tool-result';
  callId: string;
  /** The tool's name when the wire carries it (Gemini needs it; OpenAI does not send it). */
  name?: string;
  content: Array<TextPart | ImagePart | FilePart>;
  isError?: boolean;
  extra?: Extra;
}
/** Any content part. */
export type Part = TextPart | ImagePart | FilePart | ReasoningPart | ToolCallPart | ToolResultPart;

/** Who said a message. 'tool' messages hold only tool-result parts. */
export type Role = 'system' | 'user' | 'assistant' | 'tool';

/** One turn of the conversation. System prompts are messages with role 'system' (developer ones too). */
export interface Message { role: Role; parts: Part[]; extra?: Extra }

/** A tool the model may call. `kind: 'custom'` is a Responses freeform tool (one string input). */
export interface ToolDefinition {
  name: string;
  description?: string;
  /** JSON Schema of the arguments object. */
  parameters: Record<string, unknown>;
  kind?: 'function' | 'custom';
  strict?: boolean;
  extra?: Extra;
}

/** How the model must use tools. */
export type ToolChoice = { type: 'auto' } | { type: 'none' } | { type: 'required' } | { type: 'tool'; name: string };

/** Requested output format. */
export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json' }
  | { type: 'json-schema'; name?: string; schema: Record<string, unknown>; strict?: boolean; description?: string };

/** Effort levels accepted across protocols. */
export type ReasoningEffort = 'none' | 'minimal' | 'low' | 'medium' | 'high' | 'xhigh';

/** Reasoning settings. `enabled: false` means the caller turned thinking off explicitly. */
export interface ReasoningConfig { enabled?: boolean; effort?: ReasoningEffort; budgetTokens?: number; summary?: string }

/** A chat request in canonical form. */
export interface ChatRequest {
  model: string;
  messages: Message[];
  stream: boolean;
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  stop?: string[];
  presencePenalty?: number;
  frequencyPenalty?: number;
  seed?: number;
  responseFormat?: ResponseFormat;
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  parallelToolCalls?: boolean;
  reasoning?: ReasoningConfig;
  /** End-user id (OpenAI `user`, Anthropic `metadata.user_id`). */
  user?: string;
  metadata?: Record<string, string>;
  /** The caller wants usage in the stream (OpenAI `stream_options.include_usage`). */
  includeUsage?: boolean;
  /** Number of choices; only 1 is translated across protocols. */
  n?: number;
  extra?: Extra;
}

/** Why generation stopped, in canonical terms; `raw` keeps the upstream's own word. */
export type FinishReason = 'stop' | 'length' | 'tool-calls' | 'content-filter' | 'error' | 'other';

/**
 * Token usage. `inputTokens` counts ALL input tokens, cached ones included (OpenAI's convention);
 * Anthropic encoders subtract the cache figures, Anthropic decoders add them.
 */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  /** Input tokens read from a prompt cache (part of inputTokens). */
  cachedInputTokens?: number;
  /** Input tokens written to a prompt cache (part of inputTokens; Anthropic only). */
  cacheCreationInputTokens?: number;
  /** Output tokens spent on reasoning (part of outputTokens). */
  reasoningTokens?: number;
}

/** A whole (non-streamed) response. */
export interface ChatResponse {
  id: string;
  model: string;
  /** Output parts in order: text, reasoning and tool-call parts. */
  content: Array<TextPart | ReasoningPart | ToolCallPart>;
  finish: { reason: FinishReason; raw?: string };
  usage?: Usage;
  /** Unix seconds. */
  created?: number;
  extra?: Extra;
}

/**
 * One event of a streamed response. Blocks have an `index` unique within the response, in order of
 * appearance; every started block is ended before `finish`; `finish` is the last event (or `error`).
 */
export type StreamEvent =
  | { type: 'start'; id: string; model: string; created?: number; usage?: Partial<Usage> }
  | { type: 'text-start'; index: number }
  | { type: 'text-delta'; index: number; text: string }
  | { type: 'text-end'; index: number }
  | { type: 'reasoning-start'; index: number; redactedData?: string }
  | { type: 'reasoning-delta'; index: number; text: string }
  | { type: 'reasoning-signature'; index: number; signature: string }
  | { type: 'reasoning-end'; index: number }
  | { type: 'tool-start'; index: number; callId: string; name: string }
  | { type: 'tool-delta'; index: number; argsJson: string }
  | { type: 'tool-end'; index: number }
  | { type: 'usage'; usage: Partial<Usage> }
  | { type: 'finish'; reason: FinishReason; raw?: string; usage?: Usage }
  | { type: 'error'; error: GatewayError };
