/**
 * OpenAI Responses API wire types: only the fields the codec reads or writes, with wire (snake_case) names.
 * Inbound bodies are untrusted, so decoders read them as `unknown` and narrow; these types describe what we emit.
 */

/** A content part of a message item. */
export type OpenAIResponsesContentPart =
  | { type: 'input_text'; text: string }
  | { type: 'output_text'; text: string; annotations?: unknown[]; logprobs?: unknown[] }
  | { type: 'input_image'; image_url?: string; file_id?: string; detail?: string }
  | { type: 'refusal'; refusal: string }
  | { type: 'input_file'; file_id?: string; file_data?: string; filename?: string; file_url?: string };

/** A message item (input or output). */
export interface OpenAIResponsesMessageItem {
  type: 'message';
  id?: string;
  role: 'user' | 'assistant' | 'system' | 'developer';
  status?: OpenAIResponsesItemStatus;
  content: OpenAIResponsesContentPart[];
  [extra: string]: unknown;
}

/** Lifecycle status of an output item. */
export type OpenAIResponsesItemStatus = 'in_progress' | 'completed' | 'incomplete';

/** A reasoning summary or content part. */
export interface OpenAIResponsesSummaryText { type: 'summary_text'; text: string }

/** A reasoning item. `encrypted_content` is OpenAI's opaque blob, or our `sbr1:` carry (see reasoning-carry.ts). */
export interface OpenAIResponsesReasoningItem {
  type: 'reasoning';
  id: string;
  summary: OpenAIResponsesSummaryText[];
  content?: Array<{ type: 'reasoning_text'; text: string }>;
  encrypted_content?: string | null;
  status?: OpenAIResponsesItemStatus;
}

/** A function call made by the model. `namespace` is set for calls to a tool of a `namespace` tool. */
export interface OpenAIResponsesFunctionCallItem {
  type: 'function_call';
  id?: string;
  call_id: string;
  name: string;
  namespace?: string;
  arguments: string;
  status?: OpenAIResponsesItemStatus;
}

/** A call to a freeform (`custom`) tool: one raw string input. */
export interface OpenAIResponsesCustomToolCallItem {
  type: 'custom_tool_call';
  id?: string;
  call_id: string;
  name: string;
  namespace?: string;
  input: string;
  status?: OpenAIResponsesItemStatus;
}

/** Tool output content: a string or input parts. */
export type OpenAIResponsesToolOutput = string | OpenAIResponsesContentPart[];

/** The output of a function call, sent back by the client. */
export interface OpenAIResponsesFunctionCallOutputItem { type: 'function_call_output'; call_id: string; output: OpenAIResponsesToolOutput }

/** The output of a custom tool call. */
export interface OpenAIResponsesCustomToolCallOutputItem { type: 'custom_tool_call_output'; call_id: string; output: OpenAIResponsesToolOutput }

/** Any input item the codec writes. Unknown items are passed through as plain objects. */
export type OpenAIResponsesInputItem =
  | OpenAIResponsesMessageItem
  | OpenAIResponsesReasoningItem
  | OpenAIResponsesFunctionCallItem
  | OpenAIResponsesCustomToolCallItem
  | OpenAIResponsesFunctionCallOutputItem
  | OpenAIResponsesCustomToolCallOutputItem
  | Record<string, unknown>;

/** An output item of a response. */
export type OpenAIResponsesOutputItem =
  | OpenAIResponsesMessageItem
  | OpenAIResponsesReasoningItem
  | OpenAIResponsesFunctionCallItem
  | OpenAIResponsesCustomToolCallItem;

/** A function tool (top-level name/parameters, unlike Chat Completions). */
export interface OpenAIResponsesFunctionTool {
  type: 'function';
  name: string;
  description?: string;
  parameters: Record<string, unknown>;
  strict?: boolean;
}

/** A freeform tool: the model writes one raw string (optionally constrained by a grammar `format`). */
export interface OpenAIResponsesCustomTool { type: 'custom'; name: string; description?: string; format?: unknown }

/** A group of function/custom tools; calls carry `namespace` and the inner tool `name`. */
export interface OpenAIResponsesNamespaceTool {
  type: 'namespace';
  name: string;
  description: string;
  tools: Array<OpenAIResponsesFunctionTool | OpenAIResponsesCustomTool>;
}

/** Any tool we write; built-in tools (web_search…) pass through as plain objects. */
export type OpenAIResponsesTool =
  | OpenAIResponsesFunctionTool
  | OpenAIResponsesCustomTool
  | OpenAIResponsesNamespaceTool
  | Record<string, unknown>;

/** `tool_choice`. */
export type OpenAIResponsesToolChoice = 'auto' | 'none' | 'required' | { type: 'function'; name: string } | { type: 'custom'; name: string };

/** `text.format`. */
export type OpenAIResponsesTextFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; name: string; schema: Record<string, unknown>; strict?: boolean; description?: string };

/** A request body as this codec writes it upstream. */
export interface OpenAIResponsesRequest {
  model: string;
  input: OpenAIResponsesInputItem[];
  instructions?: string;
  tools?: OpenAIResponsesTool[];
  tool_choice?: OpenAIResponsesToolChoice;
  parallel_tool_calls?: boolean;
  max_output_tokens?: number;
  temperature?: number;
  top_p?: number;
  reasoning?: { effort?: string; summary?: string };
  text?: { format?: OpenAIResponsesTextFormat; verbosity?: string };
  include?: string[];
  store?: boolean;
  stream?: boolean;
  user?: string;
  metadata?: Record<string, string>;
  [extra: string]: unknown;
}

/** Token usage; `input_tokens` includes cached ones. */
export interface OpenAIResponsesUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

/** Overall status of a response. */
export type OpenAIResponsesStatus = 'in_progress' | 'completed' | 'incomplete' | 'failed' | 'cancelled' | 'queued';

/** The error carried by a failed response (`response.failed`). */
export interface OpenAIResponsesResponseError { code: string; message: string }

/** A response object (non-stream body, and the `response` of lifecycle events). */
export interface OpenAIResponsesResponse {
  id: string;
  object: 'response';
  created_at: number;
  status: OpenAIResponsesStatus;
  error: OpenAIResponsesResponseError | null;
  incomplete_details: { reason: string } | null;
  instructions: string | null;
  max_output_tokens: number | null;
  model: string;
  output: OpenAIResponsesOutputItem[];
  parallel_tool_calls: boolean;
  previous_response_id: null;
  reasoning: { effort: string | null; summary: string | null };
  store: boolean;
  temperature: number | null;
  text: { format: OpenAIResponsesTextFormat; verbosity?: string };
  tool_choice: OpenAIResponsesToolChoice;
  tools: OpenAIResponsesTool[];
  top_p: number | null;
  truncation: 'disabled';
  usage: OpenAIResponsesUsage | null;
  user: string | null;
  metadata: Record<string, string>;
}

/** A stream event as written: `type` equals the SSE `event:` name; `sequence_number` counts from 0. */
export interface OpenAIResponsesEvent { type: string; sequence_number: number; [field: string]: unknown }

/** The OpenAI error body. */
export interface OpenAIResponsesErrorBody { error: { message: string; type: string; param: string | null; code: string | null } }
