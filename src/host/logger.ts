/** The gateway Logger on top of a VS Code LogOutputChannel, redacting every secret. Structural types only. */
import type { Logger } from '../gateway/ports';
import { redactText, redactValue } from '../gateway/redact';

/** The part of `vscode.LogOutputChannel` we use. */
export interface LogChannelLike {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Log levels, most severe first. */
export type LogLevel = 'error' | 'warn' | 'info' | 'debug';
const RANK: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

/** What the logger needs to know at each call (both can change while running). */
export interface HostLoggerOptions {
  /** Every secret currently known (provider keys, gateway keys). */
  secrets: () => Iterable<string>;
  /** The `switchboard.logLevel` setting; the channel's own level filters further. */
  level: () => LogLevel;
}

function formatFields(fields: Record<string, unknown> | undefined, secrets: string[]): string {
  if (!fields || Object.keys(fields).length === 0) return '';
  try {
    return ' ' + JSON.stringify(redactValue(fields, secrets));
  } catch {
    return ' [unserializable fields]';
  }
}

/** Wraps a channel as the gateway's Logger; every line passes through redaction. */
export function createHostLogger(channel: LogChannelLike, opts: HostLoggerOptions): Logger {
  const write = (level: LogLevel) => (message: string, fields?: Record<string, unknown>): void => {
    if (RANK[level] > RANK[opts.level()]) return;
    const secrets = [...opts.secrets()];
    channel[level](redactText(message, secrets) + formatFields(fields, secrets));
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}
