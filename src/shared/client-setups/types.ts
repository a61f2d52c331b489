/** Inputs and outputs of the client setup generators. Pure data: no `vscode`, no `fs`. */

/** The agents Switchboard writes setups for. */
export type ClientId = 'codex' | 'claude-code' | 'kilo-code';

/** What every setup is made from. */
export interface SetupInput {
  /** Gateway origin as clients reach it, e.g. `http://127.0.0.1:4848` (a trailing `/` or `/v1` is tolerated). */
  baseUrl: string;
  /** The gateway key (plaintext; it ends up in the copied text, nowhere else). */
  key: string;
  /** The model name the client asks for (a mapping alias or `provider/model`). */
  model: string;
  /** Context window in tokens, when known (clients that take one get it). */
  contextWindow?: number;
  /** Max output tokens, when known. */
  maxOutputTokens?: number;
}

/** One ready-to-paste setup. */
export interface ClientSetup {
  client: ClientId;
  /** Human title, e.g. "Codex CLI". */
  title: string;
  /** The text copied to the clipboard. */
  text: string;
}

/** The provider id Switchboard registers itself under in client configs. */
export const PROVIDER_ID = 'switchboard';
