/**
 * Gemini `generateContent` wire types (v1beta, JSON field names as on the wire: camelCase there).
 * Only the fields the codec reads or writes; everything else is carried through `extra.gemini`.
 */

/** Inline bytes (base64) with a MIME type. */
export interface GeminiBlob { mimeType: string; data: string }

/** A file by URI (Files API or a public URL). */
export interface GeminiFileData { mimeType?: string; fileUri: string }

/** A function call made by the model; `id` is present only on some models. */
export interface GeminiFunctionCall { name: string; args?: Record<string, unknown>; id?: string }

/** A function result sent back by the client. */
export interface GeminiFunctionResponse { name: string; response: Record<string, unknown>; id?: string }

/** One part of a content turn. Exactly one data field is set; `thought`/`thoughtSignature` may accompany it. */
export interface GeminiPart {
  text?: string;
  /** The text is a thought summary, not an answer. */
  thought?: boolean;
  /** Opaque reasoning state to return with the same part on the next turn (Gemini 2.5/3). */
  thoughtSignature?: string;
  inlineData?: GeminiBlob;
  fileData?: GeminiFileData;
  functionCall?: GeminiFunctionCall;
  functionResponse?: GeminiFunctionResponse;
  [other: string]: unknown;
}

/** Who produced a turn. */
export type GeminiRole = 'user' | 'model';

/** One conversation turn. */
export interface GeminiContent { role?: GeminiRole; parts: GeminiPart[] }

/** A function the model may call. `parameters` is the OpenAPI subset; `parametersJsonSchema` full JSON Schema. */
export interface GeminiFunctionDeclaration {
  name: string;
  description?: string;
  parameters?: Record<string, unknown>;
  parametersJsonSchema?: Record<string, unknown>;
}

/** A tool entry; only function declarations are translated, others (googleSearch, codeExecution) stay in extra. */
export interface GeminiTool { functionDeclarations?: GeminiFunctionDeclaration[]; [other: string]: unknown }

/** Function calling mode. */
export type GeminiFunctionCallingMode = 'AUTO' | 'ANY' | 'NONE' | 'VALIDATED' | 'MODE_UNSPECIFIED';

/** `toolConfig`. */
export interface GeminiToolConfig {
  functionCallingConfig?: { mode?: GeminiFunctionCallingMode; allowedFunctionNames?: string[] };
  [other: string]: unknown;
}

/** `generationConfig.thinkingConfig`; `thinkingLevel` is Gemini 3's replacement for `thinkingBudget`. */
export interface GeminiThinkingConfig { thinkingBudget?: number; includeThoughts?: boolean; thinkingLevel?: string }

/** `generationConfig`. */
export interface GeminiGenerationConfig {
  temperature?: number;
  topP?: number;
  topK?: number;
  maxOutputTokens?: number;
  candidateCount?: number;
  stopSequences?: string[];
  presencePenalty?: number;
  frequencyPenalty?: number;
  seed?: number;
  responseMimeType?: string;
  responseSchema?: Record<string, unknown>;
  responseJsonSchema?: Record<string, unknown>;
  thinkingConfig?: GeminiThinkingConfig;
  [other: string]: unknown;
}

/** The body of `:generateContent` / `:streamGenerateContent` / (wrapped) `:countTokens`. */
export interface GeminiGenerateContentRequest {
  contents: GeminiContent[];
  systemInstruction?: GeminiContent;
  tools?: GeminiTool[];
  toolConfig?: GeminiToolConfig;
  generationConfig?: GeminiGenerationConfig;
  safetySettings?: unknown[];
  cachedContent?: string;
  [other: string]: unknown;
}

/** Token accounting. `promptTokenCount` includes cached tokens; thoughts are not in `candidatesTokenCount`. */
export interface GeminiUsageMetadata {
  promptTokenCount?: number;
  candidatesTokenCount?: number;
  totalTokenCount?: number;
  cachedContentTokenCount?: number;
  thoughtsTokenCount?: number;
  toolUsePromptTokenCount?: number;
}

/** One candidate answer. */
export interface GeminiCandidate {
  content?: GeminiContent;
  finishReason?: string;
  index?: number;
  [other: string]: unknown;
}

/** A whole response, and also each chunk of a stream. */
export interface GeminiGenerateContentResponse {
  candidates?: GeminiCandidate[];
  usageMetadata?: GeminiUsageMetadata;
  modelVersion?: string;
  responseId?: string;
  promptFeedback?: { blockReason?: string; [other: string]: unknown };
  createTime?: string;
}

/** `google.rpc.Status` as Gemini returns it. */
export interface GeminiErrorBody {
  error: { code: number; message: string; status: string; details?: Array<Record<string, unknown>> };
}

/** `:countTokens` response. */
export interface GeminiCountTokensResponse { totalTokens: number; cachedContentTokenCount?: number }

/** `:embedContent` request body. */
export interface GeminiEmbedContentRequest {
  model?: string;
  content: { parts: Array<{ text: string }> };
  outputDimensionality?: number;
  taskType?: string;
}

/** `:batchEmbedContents` request body. */
export interface GeminiBatchEmbedContentsRequest { requests: Array<GeminiEmbedContentRequest & { model: string }> }

/** One embedding vector. */
export interface GeminiContentEmbedding { values: number[] }
