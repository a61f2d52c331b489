/**
 * Gemini puts the model and the action in one path segment: `/v1beta/models/gemini-2.5-pro:streamGenerateContent`.
 * path-to-regexp treats `:` as a parameter marker, so the route captures the whole segment and we split it here.
 */

/** The actions the gateway serves on a model path. */
export type GeminiAction = 'generateContent' | 'streamGenerateContent' | 'countTokens' | 'embedContent' | 'batchEmbedContents';

const ACTIONS: ReadonlySet<string> = new Set<GeminiAction>([
  'generateContent', 'streamGenerateContent', 'countTokens', 'embedContent', 'batchEmbedContents',
]);

/** A model path segment, split. */
export interface ModelAction { model: string; action: GeminiAction }

/**
 * Splits `'gemini-2.5-pro:streamGenerateContent'` (optionally `models/…`-prefixed or URL-encoded) into model and action.
 * Returns undefined when there is no known action.
 */
export function parseModelAction(target: string): ModelAction | undefined {
  let decoded = target;
  try { decoded = decodeURIComponent(target); } catch { /* keep the raw text: a stray % is not our problem */ }
  const at = decoded.lastIndexOf(':');
  if (at <= 0) return undefined;
  const action = decoded.slice(at + 1);
  if (!ACTIONS.has(action)) return undefined;
  const model = stripModelsPrefix(decoded.slice(0, at));
  return model ? { model, action: action as GeminiAction } : undefined;
}

/** `models/gemini-2.5-pro` → `gemini-2.5-pro` (the list endpoint and embed requests use the prefixed form). */
export function stripModelsPrefix(name: string): string {
  return name.startsWith('models/') ? name.slice('models/'.length) : name;
}

/** The upstream path (relative to a `…/v1beta` base URL) for a model and action; streams ask for SSE. */
export function geminiModelPath(model: string, action: GeminiAction): string {
  const base = `/models/${stripModelsPrefix(model)}:${action}`;
  return action === 'streamGenerateContent' ? `${base}?alt=sse` : base;
}
