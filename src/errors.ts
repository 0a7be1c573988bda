import { render, type Message } from './messages/message.js';
import type { Lang, SourceLocation } from './types.js';

/** Documented exit codes (README "Exit codes"). */
export const EXIT = {
  ok: 0,
  /** An error-level finding for the selected use cases. */
  findings: 1,
  /** Bad usage or unreadable input. */
  input: 2,
  /** Network or server trouble: the audit could not be done, or is incomplete. */
  network: 3,
  /** A bug in mxlint itself. */
  internal: 70,
} as const;

/** A problem with what the user gave us: printed as one line, never with a stack. It says a
 *  message by id (declared with defineMessages, ids `error.…`, in the module that throws);
 *  `.message` is its English rendering (logs, tests), `oneLine(lang)` the line the user reads. */
export class InputError extends Error {
  readonly exitCode: number = EXIT.input;
  /** What went wrong, as an id and data. */
  readonly detail: Message;
  constructor(
    message: Message,
    readonly location?: Partial<SourceLocation> & { file: string },
  ) {
    super(render('en', message));
    this.detail = message;
    this.name = 'InputError';
  }

  /** `file:line:col: message` in `lang` (line and column only when known). */
  oneLine(lang: Lang = 'en'): string {
    const text = render(lang, this.detail);
    if (!this.location) return printable(text);
    const { file, line, column } = this.location;
    const where = [file, line, line !== undefined ? column : undefined].filter((part) => part !== undefined).join(':');
    return printable(`${where}: ${text}`);
  }
}

/** Longest error line printed; what a parser quotes from a hostile file can be any size. */
const MAX_LINE = 1000;

/** `text` as one printable line: line breaks and control characters (a file name, a parser's
 *  quote of the input, a server's error text) escaped, so they can neither split the line nor
 *  drive the terminal; cut at MAX_LINE characters. */
export function printable(text: string): string {
  const escaped = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (char) =>
    ({ '\n': '\\n', '\r': '\\r', '\t': '\\t' } as Record<string, string>)[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return escaped.length > MAX_LINE ? `${escaped.slice(0, MAX_LINE)}…` : escaped;
}
