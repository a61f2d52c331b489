/** What the host (CLI or VS Code) supplies to the gateway core. No `vscode` types here. */

/** Structured, leveled logging. Implementations must never print secrets; callers never pass them. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** A logger that drops everything. */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** Time source, injectable for tests of limits and cooldowns. */
export interface Clock { now(): number }

/** The real clock. */
export const systemClock: Clock = { now: () => Date.now() };
