import type { SourceLocation } from './types.js';

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

/** A problem with what the user gave us: printed as one line, never with a stack. */
export class InputError extends Error {
  readonly exitCode: number = EXIT.input;
  constructor(
    message: string,
    readonly location?: Partial<SourceLocation> & { file: string },
  ) {
    super(message);
    this.name = 'InputError';
  }

  /** `file:line:col: message` (line and column only when known). */
  oneLine(): string {
    if (!this.location) return this.message;
    const { file, line, column } = this.location;
    const where = [file, line, line !== undefined ? column : undefined].filter((part) => part !== undefined).join(':');
    return `${where}: ${this.message}`;
  }
}
