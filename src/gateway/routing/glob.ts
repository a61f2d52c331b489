/** Globs over model ids, where `*` matches across `/` (upstream ids such as `anthropic/claude-3` contain slashes). */
import picomatch from 'picomatch';

// picomatch treats '/' as a path separator that '*' never crosses. Model ids are not paths, so both pattern and
// input swap '/' for a control character picomatch sees as an ordinary literal.
const SLASH_STANDIN = '\u0001';
const hideSlashes = (s: string): string => s.replaceAll('/', SLASH_STANDIN);

/** A compiled model-id glob. */
export type GlobMatcher = (modelId: string) => boolean;

/** Whether `pattern` has glob syntax (`*`, `?`, `[...]`, `{a,b}`, …) rather than being a plain name. */
export function isGlob(pattern: string): boolean {
  return picomatch.scan(pattern).isGlob;
}

/** Compiles a glob once; `*` matches any run of characters including `/`, and dot-prefixed names match too. */
export function compileGlob(pattern: string): GlobMatcher {
  if (!isGlob(pattern)) return (modelId) => modelId === pattern;
  const match = picomatch(hideSlashes(pattern), { dot: true, windows: false });
  return (modelId) => match(hideSlashes(modelId));
}

/**
 * How specific a glob is: the number of literal characters, i.e. characters outside `*`, `?` and bracket
 * classes. `gpt-4o-*` (7) beats `gpt-*` (4), which beats `*` (0).
 */
export function literalCount(pattern: string): number {
  let count = 0;
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) { count++; i++; continue; }
    if (inClass) { if (c === ']') inClass = false; continue; }
    if (c === '[') { inClass = true; continue; }
    if (c === '*' || c === '?' || c === '{' || c === '}' || c === ',') continue;
    count++;
  }
  return count;
}
