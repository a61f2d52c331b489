/**
 * Anthropic Messages wire types: only the fields this codec reads or writes, with wire (snake_case) names.
 * Blocks keep an index signature because Anthropic adds fields (cache_control, citations…) we pass through.
 */

/** A `cache_control` marker, e.g. `{ type: 'ephemeral', ttl: '1h' }`. */
export interface AnthropicCacheControl { type: string; ttl?: string }

/** Image source: inline base64 or a URL (file sources are passed through untouched). */
export type AnthropicImageSource =
  | { type: 'base64'; media_type: string; data: string }
  | { type: 'url'; url: string }
  | { type: string; [key: string]: unknown };

/** A `text` content block. */
export interface AnthropicTextBlock { type: 'text'; text: string; cache_control?: AnthropicCacheControl; [key: string]: unknown }
/** An `image` content block. */
export interface AnthropicImageBlock { type: 'image'; source: AnthropicImageSource; cache_control?: AnthropicCacheControl; [key: string]: unknown }
/** A `thinking` block; `signature` proves it came from Claude. */
export interface AnthropicThinkingBlock { type: 'thinking'; thinking: string; signature: string; [key: string]: unknown }
/** A `redacted_thinking` block with its opaque payload. */
export interface AnthropicRedactedThinkingBlock { type: 'redacted_thinking'; data: string; [key: string]: unknown }
/** A `tool_use` block; `input` is a JSON object. */
export interface AnthropicToolUseBlock { type: 'tool_use'; id: string; name: string; input: unknown; cache_control?: AnthropicCacheControl; [key: string]: unknown }
/** A `tool_result` block. */
export interface AnthropicToolResultBlock {
  type: 'tool_result';
  tool_use_id: string;
  content?: string | AnthropicContentBlock[];
  is_error?: boolean;
  cache_control?: AnthropicCacheControl;
  [key: string]: unknown;
}
/** A `document` block (PDF, plain text or content source). */
export interface AnthropicDocumentBlock { type: 'document'; source: { type: string; [key: string]: unknown }; [key: string]: unknown }
/** Any other block type (server tool use, search results…), passed through by the Anthropic encoder only. */
export interface AnthropicOtherBlock { type: string; [key: string]: unknown }

/** A content block as it appears in requests and responses. */
export type AnthropicContentBlock =
  | AnthropicTextBlock
  | AnthropicImageBlock
  | AnthropicThinkingBlock
  | AnthropicRedactedThinkingBlock
  | AnthropicToolUseBlock
  | AnthropicToolResultBlock
  | AnthropicDocumentBlock;

/** One turn of `messages`. */
export interface AnthropicMessageParam { role: 'user' | 'assistant'; content: string | AnthropicOtherBlock[] }

/** A tool definition. Server tools (web_search…) carry a `type` and no `input_schema`. */
export interface AnthropicTool {
  name: string;
  description?: string;
  input_schema?: Record<string, unknown>;
  type?: string;
  cache_control?: AnthropicCacheControl;
  [key: string]: unknown;
}

/** `tool_choice`. */
export interface AnthropicToolChoice { type: 'auto' | 'any' | 'tool' | 'none'; name?: string; disable_parallel_tool_use?: boolean }

/** `thinking` config. */
export type AnthropicThinking =
  | { type: 'enabled'; budget_tokens: number }
  | { type: 'disabled' }
  | { type: string; [key: string]: unknown };

/** The request body of `POST /v1/messages`. */
export interface AnthropicMessagesRequest {
  model: string;
  messages: AnthropicMessageParam[];
  max_tokens: number;
  system?: string | AnthropicTextBlock[];
  stream?: boolean;
  temperature?: number;
  top_p?: number;
  top_k?: number;
  stop_sequences?: string[];
  tools?: AnthropicTool[];
  tool_choice?: AnthropicToolChoice;
  thinking?: AnthropicThinking;
  output_config?: { effort?: string; format?: { type: string; schema?: Record<string, unknown> }; [key: string]: unknown };
  metadata?: { user_id?: string; [key: string]: unknown };
  [key: string]: unknown;
}

/** Usage as Anthropic reports it: `input_tokens` EXCLUDES cache reads and cache writes. */
export interface AnthropicUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  output_tokens_details?: { thinking_tokens?: number } | null;
  [key: string]: unknown;
}

/** The response body of a non-streamed `POST /v1/messages`. */
export interface AnthropicMessagesResponse {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: AnthropicOtherBlock[];
  stop_reason: string | null;
  stop_sequence: string | null;
  usage: AnthropicUsage;
  [key: string]: unknown;
}

/** Stream event payloads (the `data:` JSON; `type` repeats the SSE event name). */
export type AnthropicStreamEvent =
  | { type: 'message_start'; message: Partial<AnthropicMessagesResponse> }
  | { type: 'content_block_start'; index: number; content_block: AnthropicOtherBlock }
  | { type: 'content_block_delta'; index: number; delta: { type: string; [key: string]: unknown } }
  | { type: 'content_block_stop'; index: number }
  | { type: 'message_delta'; delta: { stop_reason?: string | null; stop_sequence?: string | null }; usage?: AnthropicUsage }
  | { type: 'message_stop' }
  | { type: 'ping' }
  | { type: 'error'; error: AnthropicErrorDetail };

/** The inner object of an error body. */
export interface AnthropicErrorDetail { type: string; message: string }
/** An error body: `{ type: 'error', error: { type, message } }`. */
export interface AnthropicErrorBody { type: 'error'; error: AnthropicErrorDetail; request_id?: string }

/** The `anthropic-version` this codec speaks. */
export const ANTHROPIC_VERSION = '2023-06-01';

/** Narrowing helper: a plain JSON object. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
