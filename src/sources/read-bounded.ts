// Reads a file the user names, whatever it turns out to be, within a size bound and a time
// bound: a regular file (its size checked before reading), or a FIFO, a pipe (`<(...)`) or a
// device, read in chunks up to the bound. `/dev/zero` ends with "larger than the limit" instead of
// filling memory, and a FIFO nobody writes to with an error after PIPE_WAIT_MS instead of a hang.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { InputError } from '../errors.js';

/** How long a FIFO or pipe may stay silent before we give up on it. */
export const PIPE_WAIT_MS = 10_000;

const CHUNK = 1 << 20;

export interface ChunkOptions {
  waitMs?: number;
  /** Bytes read at a time (tests make it tiny, to cut the input everywhere). */
  chunkBytes?: number;
}

/** The bytes of `path`, chunk by chunk; returns its permission bits. Each chunk is a view of one
 *  buffer that the next read overwrites: copy what must outlive it. `what` names the expected
 *  content in errors ("a YAML file"); system errors (ENOENT, EACCES) are the caller's to word. */
export function* readChunks(path: string, maxBytes: number, what: string, { waitMs = PIPE_WAIT_MS, chunkBytes = CHUNK }: ChunkOptions = {}): Generator<Buffer, number> {
  // O_NONBLOCK: opening a FIFO with no writer does not block, and its reads say EAGAIN instead of
  // waiting. Regular files ignore it.
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stat = fstatSync(fd);
    const tooLarge = (size: string) => new InputError(`file is ${size} bytes, larger than the ${maxBytes}-byte limit`, { file: path });
    if (stat.isDirectory()) throw new InputError(`is a directory, expected ${what}`, { file: path });
    if (stat.isFile() && stat.size > maxBytes) throw tooLarge(String(stat.size));
    let total = 0;
    // Silence is bounded, not the whole read: a slow writer is waited for as long as it writes.
    let deadline = Date.now() + waitMs;
    const buffer = Buffer.allocUnsafe(chunkBytes);
    for (;;) {
      let read: number;
      try {
        read = readSync(fd, buffer, 0, chunkBytes, null);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
        if (Date.now() > deadline) throw new InputError(`nothing to read for ${waitMs / 1000} s (a FIFO or pipe nobody writes to?)`, { file: path });
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
        continue;
      }
      if (read === 0) break;
      deadline = Date.now() + waitMs;
      total += read;
      // A regular file too: it may have grown since fstat.
      if (total > maxBytes) throw tooLarge(`more than ${maxBytes}`);
      yield buffer.subarray(0, read);
    }
    if (total === 0 && stat.isFIFO()) throw new InputError(`is a FIFO or pipe with nothing written to it, expected ${what}`, { file: path });
    return stat.mode & 0o7777;
  } finally {
    closeSync(fd);
  }
}

/** The whole of `path` (see readChunks) and its permission bits. */
export function readBounded(path: string, maxBytes: number, what: string, waitMs = PIPE_WAIT_MS): { bytes: Buffer; mode: number } {
  const chunks: Buffer[] = [];
  const reader = readChunks(path, maxBytes, what, { waitMs });
  for (;;) {
    const next = reader.next();
    if (next.done) return { bytes: Buffer.concat(chunks), mode: next.value };
    chunks.push(Buffer.from(next.value));
  }
}
