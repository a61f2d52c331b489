/**
 * The one way the host talks to the webview: every outgoing message is checked against the secrets the host knows,
 * and refused (and logged, without the secret) when one would leak. No `vscode` import: tests drive it directly.
 */
import type { ToWebview } from '../../shared/webview-protocol';

/** Known secrets shorter than this are not checked: they would match ordinary text and block every message. */
export const MIN_CHECKED_SECRET_LENGTH = 8;

/** What the guard needs. */
export interface GuardedPostDeps {
  /** Sends to the webview (e.g. `webview.postMessage`). */
  send(msg: ToWebview): unknown;
  /** Every secret the host holds right now: upstream keys and gateway key plaintexts. */
  knownSecrets(): Iterable<string>;
  /** Where a refusal is reported; the text never contains the secret. */
  onRefused(message: string): void;
}

/** The message as it will be checked: a just-created gateway key may carry its own plaintext, nothing else may. */
function checkedText(msg: ToWebview): string {
  return JSON.stringify(msg.type === 'gatewayKey/created' ? { ...msg, key: '' } : msg);
}

/** Which known secret (if any) appears in `msg`, raw or as JSON-escaped text; the exempt key of `gatewayKey/created` aside. */
export function findLeak(msg: ToWebview, secrets: Iterable<string>): string | undefined {
  const text = checkedText(msg);
  for (const s of secrets) {
    if (s.length < MIN_CHECKED_SECRET_LENGTH) continue;
    if (text.includes(s) || text.includes(JSON.stringify(s).slice(1, -1))) return s;
  }
  return undefined;
}

/** Returns `post(msg)`: true when sent, false when refused because it would carry a secret. */
export function createGuardedPost(deps: GuardedPostDeps): (msg: ToWebview) => boolean {
  return (msg) => {
    const leak = findLeak(msg, deps.knownSecrets());
    if (leak !== undefined) {
      deps.onRefused(`panel: refused to send "${msg.type}" to the webview: it would carry a secret (…${leak.length} characters)`);
      return false;
    }
    deps.send(msg);
    return true;
  };
}
