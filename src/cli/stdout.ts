// The report goes to fd 1 through writeSync: process.stdout (and node:tty) load Node's stream and
// net modules, a sixth of mxlint's start-up, for nothing a command line needs. Sync writes also
// let the process exit as soon as the work is done, output complete.
import { fstatSync, statSync, writeSync } from 'node:fs';
import { scrubSecrets } from '../redact-text.js';

/** Everything printed passes through scrubSecrets: a secret that slipped past redaction is cut here. */
export function writeStdout(text: string): void {
  const bytes = Buffer.from(scrubSecrets(text), 'utf8');
  for (let offset = 0; offset < bytes.length;) {
    try {
      offset += writeSync(1, bytes, offset);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // A reader that stops early (`mxlint ... | head`) is not an error.
      if (code === 'EPIPE') process.exit(0);
      // A non-blocking pipe that is full: give the reader a moment.
      if (code !== 'EAGAIN') throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    }
  }
}

/** stderr, scrubbed like stdout. */
export function writeStderr(text: string): void {
  process.stderr.write(scrubSecrets(text));
}

/** Whether fd 1 is a terminal: a character device other than /dev/null (isatty needs node:tty). */
export function stdoutIsTerminal(): boolean {
  try {
    const out = fstatSync(1);
    return out.isCharacterDevice() && out.rdev !== statSync('/dev/null').rdev;
  } catch {
    return false;
  }
}

/** Colour on a terminal unless NO_COLOR (or TERM=dumb); a non-empty FORCE_COLOR forces it, 0 or false refuses it
 *  (force-color.org, and Node's reading of 0/false). */
export function useColor(env: NodeJS.ProcessEnv = process.env, terminal = stdoutIsTerminal()): boolean {
  const force = env.FORCE_COLOR || undefined;
  if (force !== undefined) return force !== '0' && force !== 'false';
  return terminal && !env.NO_COLOR && env.TERM !== 'dumb';
}

/** COLUMNS, else the terminal's width, else 80 (a pipe or a file). */
export function textWidth(env: NodeJS.ProcessEnv = process.env, terminal = stdoutIsTerminal()): number {
  const columns = Number(env.COLUMNS);
  if (/^\d+$/.test(env.COLUMNS ?? '') && columns > 0) return columns;
  // process.stdout loads node:tty and node:net: only on a terminal, where the width is worth it.
  return (terminal && process.stdout.columns) || 80;
}

/** How the text report fits this stdout. */
export const terminalOutput = () => ({ color: useColor(), width: textWidth() });
