/** A stderr logger for the headless CLI; every line passes through the redactor. */
import type { Logger } from '../gateway/ports';
import { redactText } from '../gateway/redact';

const LEVELS = ['error', 'warn', 'info', 'debug'] as const;
type Level = (typeof LEVELS)[number];

/** Logs at `level` and above; `secrets()` lists the known secrets to scrub. */
export function consoleLogger(level: Level, secrets: () => Iterable<string>, write: (line: string) => void = (l) => process.stderr.write(l + '\n')): Logger {
  const max = LEVELS.indexOf(level);
  const log = (l: Level) => (message: string, fields?: Record<string, unknown>) => {
    if (LEVELS.indexOf(l) > max) return;
    const extra = fields && Object.keys(fields).length ? ' ' + JSON.stringify(fields) : '';
    write(redactText(`${new Date().toISOString()} ${l.toUpperCase().padEnd(5)} ${message}${extra}`, secrets()));
  };
  return { error: log('error'), warn: log('warn'), info: log('info'), debug: log('debug') };
}
