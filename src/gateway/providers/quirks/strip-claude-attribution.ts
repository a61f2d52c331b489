/**
 * Claude Code opens its system prompt with `x-anthropic-billing-header: cc_version=…; cch=…`, which changes on every
 * request and so defeats prefix prompt caching on every upstream but Anthropic (which ignores it). Translated
 * requests to other upstreams drop that block. (Users can also set CLAUDE_CODE_ATTRIBUTION_HEADER=0.)
 */
import type { Message, Part } from '../../core/model';
import type { Quirk } from '../types';

const ATTRIBUTION = 'x-anthropic-billing-header:';

const isAttribution = (p: Part): boolean => p.type === 'text' && p.text.trimStart().startsWith(ATTRIBUTION);

export const stripClaudeAttribution: Quirk = {
  name: 'strip-claude-attribution',
  scope: 'translated',
  request(req) {
    if (!req.messages.some((m) => m.role === 'system' && m.parts.some(isAttribution))) return req;
    const messages: Message[] = [];
    for (const m of req.messages) {
      if (m.role !== 'system') { messages.push(m); continue; }
      const parts = m.parts.filter((p) => !isAttribution(p));
      if (parts.length) messages.push({ ...m, parts });
    }
    return { ...req, messages };
  },
};
