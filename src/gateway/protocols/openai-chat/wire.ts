/**
 * OpenAI Chat Completions wire types: only the fields this codec reads or writes, with wire (snake_case) names.
 * Everything is optional-ish because OpenAI-compatible upstreams omit fields freely; decoders narrow at runtime.
 */

/** A content part of a user/system/tool message. */
export type OpenAIChatContentPart =
  | { type: 'text'; text: string; cache_control?: unknown }
  | { type: 'image_url'; image_url: { url: string; detail?: string } }
  | { type: 'file'; file: { file_data?: string; file_id?: string; filename?: string }; [extra: string]: unknown };

/** A function tool call made by the assistant. */
export interface OpenAIChatToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/** One request message. `reasoning_content` is DeepSeek's field for reasoning on assistant turns. */
export interface OpenAIChatMessage {
  role: 'system' | 'developer' | 'user' | 'assistant' | 'tool';
  content?: string | OpenAIChatContentPart[] | null;
  name?: string;
  tool_calls?: OpenAIChatToolCall[];
  tool_call_id?: string;
  reasoning_content?: string;
  [extra: string]: unknown;
}

/** A function tool definition. */
export interface OpenAIChatTool {
  type: 'function';
  function: { name: string; description?: string; parameters?: Record<string, unknown>; strict?: boolean };
}

/** `tool_choice` values. */
export type OpenAIChatToolChoice = 'auto' | 'none' | 'required' | { type: 'function'; function: { name: string } };

/** `response_format` values. */
export type OpenAIChatResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; json_schema: { name: string; schema?: Record<string, unknown>; strict?: boolean; description?: string } };

/** The request body of `POST /chat/completions`. */
export interface OpenAIChatRequest {
  model: string;
  messages: OpenAIChatMessage[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean; [k: string]: unknown };
  max_tokens?: number;
  max_completion_tokens?: number;
  temperature?: number;
  top_p?: number;
  stop?: string | string[];
  presence_penalty?: number;
  frequency_penalty?: number;
  seed?: number;
  response_format?: OpenAIChatResponseFormat;
  tools?: OpenAIChatTool[];
  tool_choice?: OpenAIChatToolChoice;
  parallel_tool_calls?: boolean;
  reasoning_effort?: string;
  user?: string;
  metadata?: Record<string, string>;
  n?: number;
  [extra: string]: unknown;
}

/** Token usage as OpenAI reports it; `prompt_tokens` includes cached tokens. */
export interface OpenAIChatUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens?: number };
  completion_tokens_details?: { reasoning_tokens?: number };
  /** DeepSeek reports cache hits here instead of `prompt_tokens_details`. */
  prompt_cache_hit_tokens?: number;
}

/** The assistant message of a non-streamed choice. */
export interface OpenAIChatResponseMessage {
  role: 'assistant';
  content: string | null;
  tool_calls?: OpenAIChatToolCall[];
  reasoning_content?: string;
  refusal?: string | null;
}

/** A non-streamed `chat.completion` object. */
export interface OpenAIChatResponse {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: Array<{ index: number; message: OpenAIChatResponseMessage; finish_reason: string | null; logprobs: null }>;
  usage?: OpenAIChatUsage;
  system_fingerprint?: unknown;
  service_tier?: unknown;
}

/** A streamed tool-call fragment; `id` and `function.name` usually come only in the first fragment. */
export interface OpenAIChatToolCallDelta {
  index: number;
  id?: string;
  type?: 'function';
  function?: { name?: string; arguments?: string };
}

/** The delta of a streamed choice. `reasoning` is OpenRouter's spelling of `reasoning_content`. */
export interface OpenAIChatDelta {
  role?: 'assistant';
  content?: string | null;
  reasoning_content?: string | null;
  reasoning?: string | null;
  tool_calls?: OpenAIChatToolCallDelta[];
}

/** A `chat.completion.chunk` object; the trailing usage chunk has `choices: []`. */
export interface OpenAIChatChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: Array<{ index: number; delta: OpenAIChatDelta; finish_reason: string | null; logprobs?: null }>;
  usage?: OpenAIChatUsage | null;
}

/** The error object of an OpenAI error body or stream error chunk. */
export interface OpenAIChatErrorObject {
  message: string;
  type: string;
  param: string | null;
  code: string | null;
}

/** An OpenAI error response body. */
export interface OpenAIChatErrorBody { error: OpenAIChatErrorObject }
