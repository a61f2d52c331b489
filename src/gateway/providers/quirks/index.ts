/** The named quirks a provider config may list in `quirks`. */
import { GatewayError } from '../../core/errors';
import type { Quirk } from '../types';
import { developerToSystem } from './developer-to-system';
import { noStreamOptions } from './no-stream-options';
import { stripReasoningContent } from './strip-reasoning-content';
import { textToolCallsQuirk } from './text-tool-calls-quirk';
import { geminiThoughtSignatures } from './gemini-thought-signatures';
import { stripGeminiSchema } from './strip-gemini-schema';
import { stripClaudeAttribution } from './strip-claude-attribution';
import { reasoningEffortOnlyForReasoningModels } from './reasoning-effort-models';
import { toolsFromHistory } from './tools-from-history';
import { cacheBreakpoints } from './cache-breakpoints';

/** Name → quirk. Each quirk lives in its own file in this folder. */
export const QUIRKS: Readonly<Record<string, Quirk>> = Object.fromEntries(
  [developerToSystem, noStreamOptions, stripReasoningContent, textToolCallsQuirk, stripGeminiSchema, geminiThoughtSignatures,
    stripClaudeAttribution, reasoningEffortOnlyForReasoningModels, toolsFromHistory, cacheBreakpoints].map((q) => [q.name, q]),
);

/** Looks a quirk up by name; config validation reports unknown names before this is reached. */
export function quirkByName(name: string): Quirk {
  const q = QUIRKS[name];
  if (!q) throw new GatewayError('invalid_request', `Unknown quirk '${name}'`, { code: 'invalid_config' });
  return q;
}
