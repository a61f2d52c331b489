/** Reads a JSON request body whole (small JSON bodies are cheaper read once than streamed) and parses it once. */
import type { IncomingMessage } from 'node:http';
import { GatewayError, invalidRequest } from '../core/errors';

/** A parsed JSON body with the text it was parsed from (the identity path sends that text on, model replaced). */
export interface JsonBody { body: Record<string, unknown>; text: string }

/** Reads and parses the body; errors are 400 `invalid_json` or 413 `request_too_large`. */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<Record<string, unknown>> {
  return (await readJson(req, limit)).body;
}

/** `readJsonBody`, keeping the text. */
export async function readJson(req: IncomingMessage, limit: number): Promise<JsonBody> {
  // Plain 'data'/'end' listeners: measurably cheaper per request than an async iterator over the stream.
  const text = await new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.resume();
        reject(new GatewayError('invalid_request', `Request body is larger than ${limit} bytes`, { status: 413, code: 'request_too_large' }));
        return;
      }
      chunks.push(chunk);
    };
    // Listeners left on the request would keep this promise, and so the body text, alive as long as a stream lasts.
    const onEnd = (): void => {
      req.off('data', onData);
      req.off('error', reject);
      resolve(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8'));
    };
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', reject);
  });
  if (!text.trim()) throw invalidRequest('The request body is empty; send a JSON object', undefined, 'invalid_json');
  let parsed: unknown;
  try { parsed = JSON.parse(text); } catch (e) {
    throw invalidRequest(`The request body is not valid JSON: ${e instanceof Error ? e.message : String(e)}`, undefined, 'invalid_json');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalidRequest('The request body must be a JSON object', undefined, 'invalid_json');
  }
  return { body: parsed as Record<string, unknown>, text };
}
