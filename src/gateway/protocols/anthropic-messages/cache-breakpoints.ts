/**
 * Originates prompt-cache breakpoints for callers that cannot send `cache_control` (OpenAI-protocol clients
 * routed to Anthropic): the last tool, the last system block and the second-to-last user turn, keeping
 * Anthropic's limit of 4 breakpoints per request (existing ones count).
 */
import { isRecord } from './wire';

/** Anthropic's maximum number of cache_control markers in one request. */
export const MAX_CACHE_BREAKPOINTS = 4;

const EPHEMERAL = { type: 'ephemeral' } as const;
// Thinking blocks cannot carry cache_control; empty text blocks are rejected anyway.
const UNMARKABLE = new Set(['thinking', 'redacted_thinking']);

function countMarks(v: unknown): number {
  if (Array.isArray(v)) return v.reduce((n: number, x) => n + countMarks(x), 0);
  if (!isRecord(v)) return 0;
  let n = isRecord(v.cache_control) ? 1 : 0;
  for (const [k, x] of Object.entries(v)) if (k !== 'cache_control' && typeof x === 'object') n += countMarks(x);
  return n;
}

function lastMarkable(blocks: unknown[]): Record<string, unknown> | undefined {
  for (let i = blocks.length - 1; i >= 0; i--) {
    const b = blocks[i];
    if (isRecord(b) && typeof b.type === 'string' && !UNMARKABLE.has(b.type)) return b;
  }
  return undefined;
}

/** Adds cache_control to a block (or tool) unless it already has one; returns whether a mark was added. */
function mark(target: Record<string, unknown> | undefined): boolean {
  if (!target || isRecord(target.cache_control)) return false;
  target.cache_control = { ...EPHEMERAL };
  return true;
}

/** Marks breakpoints in an encoded Anthropic request body, in place; returns the same body. */
export function addCacheBreakpoints<T extends Record<string, unknown>>(body: T): T {
  const b: Record<string, unknown> = body;
  let budget = MAX_CACHE_BREAKPOINTS - countMarks([b.tools, b.system, b.messages]);

  if (budget > 0 && Array.isArray(b.tools)) {
    const last = b.tools[b.tools.length - 1];
    if (isRecord(last) && mark(last)) budget--;
  }
  if (budget > 0 && b.system !== undefined) {
    if (typeof b.system === 'string' && b.system) b.system = [{ type: 'text', text: b.system }];
    if (Array.isArray(b.system) && mark(lastMarkable(b.system))) budget--;
  }
  if (budget > 0 && Array.isArray(b.messages)) {
    const users = b.messages.filter((m): m is Record<string, unknown> => isRecord(m) && m.role === 'user');
    const turn = users[users.length - 2];
    if (turn) {
      if (typeof turn.content === 'string' && turn.content) turn.content = [{ type: 'text', text: turn.content }];
      if (Array.isArray(turn.content)) mark(lastMarkable(turn.content));
    }
  }
  return body;
}
