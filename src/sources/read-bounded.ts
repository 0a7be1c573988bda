// Reads a file the user names, whatever it turns out to be, within a size bound and a time
// bound: a regular file (its size checked before reading), or a FIFO, a pipe (`<(...)`) or a
// device, read in chunks up to the bound. `/dev/zero` ends with "larger than the limit" instead of
// filling memory, and a FIFO nobody writes to with an error after PIPE_WAIT_MS instead of a hang.
import { closeSync, constants, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { InputError } from '../errors.js';

/** How long a FIFO or pipe may stay silent before we give up on it. */
export const PIPE_WAIT_MS = 10_000;

const CHUNK = 1 << 20;

/** The bytes of `path` and its permission bits. `what` names the expected content in errors
 *  ("a YAML file"); the caller turns system errors (ENOENT, EACCES) into its own messages. */
export function readBounded(path: string, maxBytes: number, what: string, waitMs = PIPE_WAIT_MS): { bytes: Buffer; mode: number } {
  // O_NONBLOCK: opening a FIFO with no writer does not block, and its reads say EAGAIN instead of
  // waiting. Regular files ignore it.
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stat = fstatSync(fd);
    const mode = stat.mode & 0o7777;
    const tooLarge = (size: string) => new InputError(`file is ${size} bytes, larger than the ${maxBytes}-byte limit`, { file: path });
    if (stat.isDirectory()) throw new InputError(`is a directory, expected ${what}`, { file: path });
    if (stat.isFile()) {
      if (stat.size > maxBytes) throw tooLarge(String(stat.size));
      return { bytes: readFileSync(fd), mode };
    }
    const chunks: Buffer[] = [];
    let total = 0;
    const deadline = Date.now() + waitMs;
    const buffer = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      let read: number;
      try {
        read = readSync(fd, buffer, 0, CHUNK, null);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
        if (Date.now() > deadline) throw new InputError(`nothing to read for ${waitMs / 1000} s (a FIFO or pipe nobody writes to?)`, { file: path });
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
        continue;
      }
      if (read === 0) break;
      total += read;
      if (total > maxBytes) throw tooLarge(`more than ${maxBytes}`);
      chunks.push(Buffer.from(buffer.subarray(0, read)));
    }
    if (total === 0 && stat.isFIFO()) throw new InputError(`is a FIFO or pipe with nothing written to it, expected ${what}`, { file: path });
    return { bytes: Buffer.concat(chunks, total), mode };
  } finally {
    closeSync(fd);
  }
}
