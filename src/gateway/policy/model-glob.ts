/**
 * Model allow/deny globs. Semantics chosen for model ids, not paths: `*` and `**` match any run of characters
 * INCLUDING `/` (so `*` matches `openrouter/anthropic/claude` and `openrouter/*` matches everything under it),
 * `?` one character, `{a,b}` alternatives, `[...]` classes; matching ignores case (a deny rule `GPT-4*` must
 * catch `gpt-4o`) and leading dots are ordinary characters.
 */
import picomatch from 'picomatch';
import type { TargetFilter } from './types';

// picomatch treats `/` as a path separator that `*` cannot cross; swapping it for a control character that
// never appears in model ids turns it into an ordinary character. `windows: false` keeps `\` literal on every OS.
const SLASH_STANDIN = '\u001f';
const OPTIONS = { dot: true, nocase: true, windows: false } as const;

/** A compiled list of globs. */
export type ModelMatcher = (model: string) => boolean;

/** Compiles `globs` into one matcher that is true when any glob matches. An empty list matches nothing. */
export function compileModelGlobs(globs: readonly string[]): ModelMatcher {
  const tests = globs
    .map((g) => g.trim())
    .filter((g) => g.length > 0)
    .map((g) => picomatch(g.split('/').join(SLASH_STANDIN), OPTIONS));
  if (tests.length === 0) return () => false;
  return (model) => {
    const input = model.includes('/') ? model.split('/').join(SLASH_STANDIN) : model;
    for (const t of tests) if (t(input)) return true;
    return false;
  };
}

const cache = new Map<string, ModelMatcher>();

/** `compileModelGlobs` memoized by the glob list; keys are checked on every request. */
function cachedMatcher(globs: readonly string[]): ModelMatcher {
  const id = globs.join('\n');
  let m = cache.get(id);
  if (!m) {
    if (cache.size >= 256) cache.clear();
    m = compileModelGlobs(globs);
    cache.set(id, m);
  }
  return m;
}

/** Answers remembered per filter; models longer than this are matched every time (a caller picks the model). */
const FILTER_MEMO_SIZE = 256;
const FILTER_MEMO_MAX_LENGTH = 256;
const ALLOW_ALL: ModelMatcher = () => true;

/**
 * `modelAllowed` over fixed lists, compiled once and remembering its answers: a key's lists are checked on every
 * request, for the few models its clients use. The lists are read now; later changes to them are not seen.
 */
export function modelFilter(allow: readonly string[] | undefined, deny: readonly string[] | undefined): ModelMatcher {
  const denied = deny && deny.length > 0 ? cachedMatcher(deny) : undefined;
  const allowed = allow && allow.length > 0 ? cachedMatcher(allow) : undefined;
  if (!denied && !allowed) return ALLOW_ALL;
  const memo = new Map<string, boolean>();
  return (model) => {
    let ok = memo.get(model);
    if (ok !== undefined) return ok;
    ok = !(denied && denied(model)) && (!allowed || allowed(model));
    if (model.length <= FILTER_MEMO_MAX_LENGTH) {
      if (memo.size >= FILTER_MEMO_SIZE) memo.clear();
      memo.set(model, ok);
    }
    return ok;
  };
}

/**
 * The targets a deny list leaves open: a target is denied when a glob matches its upstream model or
 * `providerId/upstreamModel` (so `gpt-4o*` and `openai/*` both work). Compiled once, answers remembered: targets
 * come from the configuration and are few. The list is read now; later changes to it are not seen.
 */
export function targetFilter(deny: readonly string[]): TargetFilter {
  const denied = cachedMatcher(deny);
  // Answers by provider, then upstream model: no key string to build per question.
  const memo = new Map<string, Map<string, boolean>>();
  let size = 0;
  return (t) => {
    const model = t.upstreamModel;
    let byModel = memo.get(t.providerId);
    let ok = byModel?.get(model);
    if (ok !== undefined) return ok;
    ok = !denied(model) && !denied(`${t.providerId}/${model}`);
    if (model.length <= FILTER_MEMO_MAX_LENGTH) {
      if (size >= FILTER_MEMO_SIZE) { memo.clear(); size = 0; byModel = undefined; }
      if (byModel === undefined) { byModel = new Map(); memo.set(t.providerId, byModel); }
      byModel.set(model, ok);
      size++;
    }
    return ok;
  };
}

/** True when `model` passes an allow list (absent or empty: everything) and no deny glob matches it. */
export function modelAllowed(model: string, allow: readonly string[] | undefined, deny: readonly string[] | undefined): boolean {
  if (deny && deny.length > 0 && cachedMatcher(deny)(model)) return false;
  if (!allow || allow.length === 0) return true;
  return cachedMatcher(allow)(model);
}
