/**
 * Marked-block editing of TOML text: Switchboard owns only the lines between `# >>> switchboard <name>` and
 * `# <<< switchboard <name>`; everything else is kept byte for byte. smol-toml validates before and after.
 */
import { parse } from 'smol-toml';

const START = (name: string): string => `# >>> switchboard ${name} (managed by Switchboard; "Switchboard: Restore Client Configs" undoes it)`;
const END = (name: string): string => `# <<< switchboard ${name}`;

/** A TOML file that does not parse, with smol-toml's reason. */
export class TomlInvalidError extends Error {}

/** Parses TOML or throws TomlInvalidError naming the problem. */
export function parseToml(text: string, what: string): Record<string, unknown> {
  try {
    return parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new TomlInvalidError(`${what} is not valid TOML: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  }
}

/** The block text, markers included, ending in a newline. */
export function markedBlock(name: string, body: string): string {
  return `${START(name)}\n${body.replace(/\n+$/, '')}\n${END(name)}\n`;
}

/** Removes the block `name` (and the blank line that separated it) from `text`; returns the text unchanged when absent. */
export function removeBlock(text: string, name: string): string {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.trimEnd() === START(name));
  if (start < 0) return text;
  const end = lines.findIndex((l, i) => i > start && l.trimEnd() === END(name));
  if (end < 0) throw new TomlInvalidError(`the "${name}" block has a start marker but no end marker; fix it by hand`);
  let from = start;
  let to = end + 1;
  // The writer puts one blank line between a block and the user's text: take it back out.
  if (from === 0 && lines[to] === '' && to < lines.length - 1) to += 1;
  else if (from > 0 && lines[from - 1] === '') from -= 1;
  lines.splice(from, to - from);
  return lines.join('\n');
}

/** Whether `text` contains the block `name`. */
export function hasBlock(text: string, name: string): boolean {
  return text.split('\n').some((l) => l.trimEnd() === START(name));
}

/** Puts a block at the very top (root keys must precede every table). */
export function prependBlock(text: string, name: string, body: string): string {
  return markedBlock(name, body) + (text.length > 0 ? `\n${text}` : '');
}

/** Puts a block at the end of the file. */
export function appendBlock(text: string, name: string, body: string): string {
  if (text.length === 0) return markedBlock(name, body);
  return `${text.endsWith('\n') ? text : `${text}\n`}\n${markedBlock(name, body)}`;
}
