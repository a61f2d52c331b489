/**
 * Model allow/deny globs. Semantics chosen for model ids, not paths: `*` and `**` match any run of characters
 * INCLUDING `/` (so `*` matches `openrouter/anthropic/claude` and `openrouter/*` matches everything under it),
 * `?` one character, `{a,b}` alternatives, `[...]` classes; matching ignores case (a deny rule `GPT-4*` must
 * catch `gpt-4o`) and leading dots are ordinary characters.
 */
import picomatch from 'picomatch';

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
    const input = model.split('/').join(SLASH_STANDIN);
    return tests.some((t) => t(input));
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

/** True when `model` passes an allow list (absent or empty: everything) and no deny glob matches it. */
export function modelAllowed(model: string, allow: readonly string[] | undefined, deny: readonly string[] | undefined): boolean {
  if (deny && deny.length > 0 && cachedMatcher(deny)(model)) return false;
  if (!allow || allow.length === 0) return true;
  return cachedMatcher(allow)(model);
}
