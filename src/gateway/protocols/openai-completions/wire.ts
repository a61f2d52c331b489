/** Wire types of OpenAI's legacy Completions API (`POST /v1/completions`), snake_case as on the wire. */

/** A legacy completions request (only the fields the gateway reads; others pass through on the identity path). */
export interface OpenAICompletionRequest {
  model: string;
  /** A string, a list of strings (a batch), a token-id list, or a list of token-id lists. */
  prompt?: string | string[] | number[] | number[][];
  suffix?: string | null;
  echo?: boolean | null;
  max_tokens?: number | null;
  temperature?: number | null;
  top_p?: number | null;
  n?: number | null;
  best_of?: number | null;
  stop?: string | string[] | null;
  stream?: boolean | null;
  stream_options?: { include_usage?: boolean } | null;
  logprobs?: number | null;
  presence_penalty?: number | null;
  frequency_penalty?: number | null;
  seed?: number | null;
  user?: string;
}

/** One choice of a completion or of a completion chunk. */
export interface OpenAICompletionChoice {
  text: string;
  index: number;
  logprobs: null;
  finish_reason: string | null;
}

/** Usage as the legacy endpoint reports it. */
export interface OpenAICompletionUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** A whole `text_completion` object; streamed chunks have the same shape (one choice each). */
export interface OpenAICompletion {
  id: string;
  object: 'text_completion';
  created: number;
  model: string;
  choices: OpenAICompletionChoice[];
  usage?: OpenAICompletionUsage | null;
  system_fingerprint?: string;
}
