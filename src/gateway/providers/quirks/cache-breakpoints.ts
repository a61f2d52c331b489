/**
 * Opt-in (`"quirks": ["cache-breakpoints"]` on an Anthropic provider): requests translated from OpenAI-style
 * clients carry no `cache_control`, so Anthropic never caches their long prompts. This marks the last tool, the
 * system prompt and the second-to-last user turn, up to Anthropic's limit of 4 breakpoints.
 */
import { addCacheBreakpoints } from '../../protocols/anthropic-messages';
import type { Quirk } from '../types';

export const cacheBreakpoints: Quirk = {
  name: 'cache-breakpoints',
  scope: 'translated',
  wireBody: (body) => addCacheBreakpoints(structuredClone(body)),
};
