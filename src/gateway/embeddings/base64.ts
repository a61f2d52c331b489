/** Embedding vectors as OpenAI's `encoding_format: "base64"`: float32 little-endian bytes, base64-encoded. */

/** Encodes one vector. */
export function encodeFloat32Base64(values: readonly number[]): string {
  const buf = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => buf.writeFloatLE(v, i * 4));
  return buf.toString('base64');
}

/** Decodes one vector (tests and clients). */
export function decodeFloat32Base64(text: string): number[] {
  const buf = Buffer.from(text, 'base64');
  const out: number[] = [];
  for (let i = 0; i + 4 <= buf.length; i += 4) out.push(buf.readFloatLE(i));
  return out;
}
