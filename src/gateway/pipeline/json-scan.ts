/**
 * Finds top-level members of a JSON object in its text without parsing the rest, so the identity path can read
 * an answer's usage and replace a request's `model` without a JSON.parse or JSON.stringify of the whole body.
 *
 * Both scanners skip strings (honouring backslash escapes) and track bracket depth, and are exact for valid JSON:
 * they find what JSON.parse would (the last of duplicate keys wins). They give up (undefined) whenever a key
 * cannot be compared as written (it contains an escape, so `"us\u0061ge"` might be `usage`) or the text is not
 * framed as an object; callers then fall back to a full parse. They do not validate the rest of the text.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

const isSpace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** A member's value as `[start, end)` offsets (it may carry surrounding whitespace). */
export interface Span { start: number; end: number }

/**
 * The value of the last top-level member named `key` (ASCII, no escapes) of the JSON object in `bytes` (UTF-8),
 * scanning backwards from the end: an answer's `usage` sits near its end, so this reads a few dozen bytes. Undefined
 * when there is no such member or any doubt (see the file comment).
 */
export function lastTopLevelMember(bytes: Uint8Array, key: string): Span | undefined {
  let lo = 0;
  let hi = bytes.length - 1;
  while (lo <= hi && isSpace(bytes[lo]!)) lo++;
  while (hi > lo && isSpace(bytes[hi]!)) hi--;
  if (hi <= lo || bytes[lo] !== OPEN_BRACE || bytes[hi] !== CLOSE_BRACE) return undefined;
  let depth = 0; // 0: directly inside the top-level object
  let colon = -1; // the ':' of the member being read
  let memberEnd = hi; // the ',' or '}' right after that member's value
  let beforeColon = false; // the next significant top-level character after position i is ':'
  for (let i = hi - 1; i > lo; i--) {
    const c = bytes[i]!;
    if (c === QUOTE) {
      // i closes a string: walk back to the quote that opens it (one not escaped by an odd run of backslashes).
      let j = i - 1;
      for (;;) {
        while (j > lo && bytes[j] !== QUOTE) j--;
        if (j <= lo) return undefined;
        let k = j - 1;
        while (bytes[k] === BACKSLASH) k--;
        if (((j - 1 - k) & 1) === 0) break;
        j--;
      }
      if (depth === 0 && beforeColon) {
        if (i - j - 1 === key.length && sameAscii(bytes, j + 1, key)) return { start: colon + 1, end: memberEnd };
        for (let k = j + 1; k < i; k++) if (bytes[k] === BACKSLASH) return undefined;
      }
      beforeColon = false;
      i = j;
      continue;
    }
    if (isSpace(c)) continue;
    if (depth === 0) {
      beforeColon = c === COLON;
      if (beforeColon) colon = i;
      else if (c === COMMA) memberEnd = i;
    }
    if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth++;
    else if ((c === OPEN_BRACE || c === OPEN_BRACKET) && --depth < 0) return undefined;
  }
  return undefined;
}

function sameAscii(bytes: Uint8Array, at: number, key: string): boolean {
  for (let k = 0; k < key.length; k++) if (bytes[at + k] !== key.charCodeAt(k)) return false;
  return true;
}

/** The top-level members of a JSON object text that `topLevelMembers` was asked about. */
export interface TopLevel {
  /** Value span per asked key, in the order asked; undefined where the key is absent. */
  found: Array<Span | undefined>;
  /** Offset of the object's closing brace. */
  close: number;
  /** How many members the object has. */
  count: number;
}

/**
 * Scans the JSON object text `text` forwards and reports where the values of `keys` are. Undefined when the text is
 * not an object, a key has an escape, or any top-level key appears twice (JSON.parse keeps the last, a spliced text
 * would carry both). Strings are skipped with indexOf, so a large request costs about one pass over its quotes.
 */
export function topLevelMembers(text: string, keys: readonly string[]): TopLevel | undefined {
  let lo = 0;
  let hi = text.length - 1;
  while (lo <= hi && isSpace(text.charCodeAt(lo))) lo++;
  while (hi > lo && isSpace(text.charCodeAt(hi))) hi--;
  if (hi <= lo || text.charCodeAt(lo) !== OPEN_BRACE || text.charCodeAt(hi) !== CLOSE_BRACE) return undefined;
  const found: Array<Span | undefined> = new Array<Span | undefined>(keys.length).fill(undefined);
  const seen: number[] = []; // start, end of each top-level key seen so far
  let depth = 0;
  let expectKey = true; // at depth 0: the next string is a key (after '{' or ',')
  let pending = -1; // index in `keys` of the member whose value is being read, -1 if none asked
  let valueStart = -1;
  for (let i = lo + 1; i < hi; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const j = stringEnd(text, i, hi);
      if (j === -1) return undefined;
      if (depth === 0 && expectKey) {
        const start = i + 1;
        const len = j - start;
        for (let k = start; k < j; k++) if (text.charCodeAt(k) === BACKSLASH) return undefined;
        for (let s = 0; s < seen.length; s += 2) if (seen[s + 1]! - seen[s]! === len && sameRange(text, seen[s]!, start, len)) return undefined;
        seen.push(start, j);
        pending = -1;
        for (let q = 0; q < keys.length; q++) {
          if (keys[q]!.length === len && text.startsWith(keys[q]!, start)) { pending = q; break; }
        }
        expectKey = false;
      }
      i = j;
      continue;
    }
    if (depth === 0) {
      if (c === COLON) valueStart = i + 1;
      else if (c === COMMA) {
        if (pending !== -1) found[pending] = { start: valueStart, end: i };
        pending = -1;
        expectKey = true;
      }
    }
    if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
    else if ((c === CLOSE_BRACE || c === CLOSE_BRACKET) && --depth < 0) return undefined;
  }
  if (depth !== 0) return undefined;
  if (pending !== -1) found[pending] = { start: valueStart, end: hi };
  return { found, close: hi, count: seen.length / 2 };
}

/** The closing quote of the string opening at `open`, or -1 before `hi`. */
function stringEnd(text: string, open: number, hi: number): number {
  // Keys and most values are short: walking them costs less than an indexOf call each.
  let j = open + 1;
  for (const walk = Math.min(hi, j + 32); j < walk; j++) {
    const c = text.charCodeAt(j);
    if (c === QUOTE) return j;
    if (c === BACKSLASH) j++;
  }
  // A long one (a message): jump from quote to quote; one after an odd run of backslashes is escaped.
  for (let q = text.indexOf('"', j); q !== -1 && q < hi; q = text.indexOf('"', q + 1)) {
    let k = q - 1;
    while (text.charCodeAt(k) === BACKSLASH) k--;
    if (((q - 1 - k) & 1) === 0) return q;
  }
  return -1;
}

function sameRange(text: string, a: number, b: number, len: number): boolean {
  for (let k = 0; k < len; k++) if (text.charCodeAt(a + k) !== text.charCodeAt(b + k)) return false;
  return true;
}
