/** Upstream keys from config entries, plus the two ways a key may be shown: a hint, and text with it masked. */
import type { KeyEntry } from '../config';
import type { UpstreamKey } from './types';

const ENV_PREFIX = 'env:';

/** Environment variables, as `process.env`. */
export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Turns config entries into keys: a literal (labelled `key-1`, `key-2`, … by position), `"env:VAR"` (labelled
 * `VAR`), or `{ label, key }` whose `key` may itself be `"env:VAR"`. Entries whose secret is empty or whose
 * variable is unset are skipped (see `missingKeyVars`). Labels are made unique with a `-2`, `-3` suffix and serve
 * as ids, so a key keeps its id when others are added around it.
 */
export function resolveKeys(entries: readonly KeyEntry[], env: Env): UpstreamKey[] {
  const keys: UpstreamKey[] = [];
  const seen = new Set<string>();
  entries.forEach((entry, i) => {
    const raw = typeof entry === 'string' ? entry : entry.key;
    const envVar = raw.startsWith(ENV_PREFIX) ? raw.slice(ENV_PREFIX.length).trim() : undefined;
    // Keys pasted into settings or env files often carry a trailing newline that upstreams reject.
    const secret = (envVar !== undefined ? env[envVar] ?? '' : raw).trim();
    if (!secret) return;
    const base = (typeof entry === 'string' ? undefined : entry.label.trim()) || envVar || `key-${i + 1}`;
    let label = base;
    for (let n = 2; seen.has(label); n++) label = `${base}-${n}`;
    seen.add(label);
    keys.push({ id: label, label, secret });
  });
  return keys;
}

/** The `env:` variables that entries name but the environment leaves unset or empty (for a startup warning). */
export function missingKeyVars(entries: readonly KeyEntry[], env: Env): string[] {
  return entries.flatMap((entry) => {
    const raw = typeof entry === 'string' ? entry : entry.key;
    if (!raw.startsWith(ENV_PREFIX)) return [];
    const name = raw.slice(ENV_PREFIX.length).trim();
    return env[name]?.trim() ? [] : [name];
  });
}

/** `…a1b2` for keys long enough that four characters give nothing away; `…` for short ones. */
export function keyHint(secret: string): string {
  return secret.length >= 12 ? `…${secret.slice(-4)}` : '…';
}

/** Replaces every occurrence of any of `secrets` in `text` with `***` (longest first, so overlaps mask fully). */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) if (s) out = out.replaceAll(s, '***');
  return out;
}
