/** OpenAI caps `user` at 64 characters; Claude Code's `metadata.user_id` is a ~150-character JSON string. */
import { createHash } from 'node:crypto';

const OPENAI_USER_MAX = 64;

/** The id as is when it fits, else its SHA-256 hex (exactly 64 characters, stable per user). */
export function fitOpenAIUser(user: string): string {
  return user.length <= OPENAI_USER_MAX ? user : createHash('sha256').update(user).digest('hex');
}
