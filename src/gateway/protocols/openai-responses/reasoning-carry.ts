/**
 * Carrying non-OpenAI reasoning through a Responses client. Codex keeps reasoning only as a reasoning item's
 * `encrypted_content` and sends it back on the next turn; DeepSeek/Kimi need their `reasoning_content` back and
 * Anthropic needs thinking text + signature (client-contracts §2 item 2). So when the reasoning did not come from
 * OpenAI we pack it into `encrypted_content` as `sbr1:` + base64url(JSON) — a form only Switchboard reads — and
 * unpack it when the client sends the item back. Real OpenAI blobs pass through untouched.
 */
import type { ReasoningPart } from '../../core/model';

const CARRY_PREFIX = 'sbr1:';

/** What a carry holds. */
export interface ReasoningCarry { text: string; signature?: string; redactedData?: string }

/** True for our own carry form. */
export function isReasoningCarry(encrypted: string): boolean {
  return encrypted.startsWith(CARRY_PREFIX);
}

/**
 * True for an OpenAI encrypted reasoning blob. They are Fernet tokens, whose base64url text always starts with
 * `gAAAAA` (version byte 0x80 + a 64-bit timestamp whose high bytes are zero); Anthropic and Gemini signatures do not.
 */
export function isOpenAIReasoningBlob(value: string): boolean {
  return value.startsWith('gAAAAA');
}

/** Packs reasoning into the `sbr1:` form. */
export function encodeReasoningCarry(carry: ReasoningCarry): string {
  const json: Record<string, string> = { text: carry.text };
  if (carry.signature !== undefined) json.signature = carry.signature;
  if (carry.redactedData !== undefined) json.redactedData = carry.redactedData;
  return CARRY_PREFIX + Buffer.from(JSON.stringify(json), 'utf8').toString('base64url');
}

/** Unpacks an `sbr1:` carry; undefined when it is not one or is corrupt (then the caller treats it as opaque). */
export function decodeReasoningCarry(encrypted: string): ReasoningCarry | undefined {
  if (!isReasoningCarry(encrypted)) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(encrypted.slice(CARRY_PREFIX.length), 'base64url').toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const o = parsed as Record<string, unknown>;
    if (typeof o.text !== 'string') return undefined;
    const carry: ReasoningCarry = { text: o.text };
    if (typeof o.signature === 'string') carry.signature = o.signature;
    if (typeof o.redactedData === 'string') carry.redactedData = o.redactedData;
    return carry;
  } catch {
    return undefined;
  }
}

/** The OpenAI blob a reasoning part carries, from the Responses extra or a signature that is one. */
export function openAIBlobOf(part: ReasoningPart): string | undefined {
  const stored = part.extra?.['openai-responses']?.encrypted_content;
  if (typeof stored === 'string' && !isReasoningCarry(stored)) return stored;
  if (part.signature !== undefined && isOpenAIReasoningBlob(part.signature)) return part.signature;
  return undefined;
}

/**
 * The `encrypted_content` to show a Responses client for a reasoning part: the OpenAI blob as is, otherwise a carry
 * of text/signature/redacted data; undefined when there is nothing worth carrying.
 */
export function encryptedContentFor(part: ReasoningPart): string | undefined {
  const blob = openAIBlobOf(part);
  if (blob !== undefined) return blob;
  if (part.text === '' && part.signature === undefined && part.redactedData === undefined) return undefined;
  return encodeReasoningCarry({ text: part.text, signature: part.signature, redactedData: part.redactedData });
}
