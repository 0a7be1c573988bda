// Reads a file the user names, whatever it turns out to be, within a size bound and a time
// bound: a regular file (its size checked before reading), or a FIFO, a pipe (`<(...)`) or a
// device, read in chunks up to the bound. `/dev/zero` ends with "larger than the limit" instead of
// filling memory, and a FIFO nobody writes to with an error after PIPE_WAIT_MS instead of a hang.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { InputError } from '../errors.js';
import { defineMessages, type MessageValue } from '../messages/message.js';

const message = defineMessages({
  'error.read.tooLarge': { en: 'file is {size} bytes, larger than the {max}-byte limit', fr: 'le fichier fait {size}\u00a0octets, plus que la limite de {max}\u00a0octets' },
  'error.read.directory': { en: 'is a directory, expected {what}', fr: 'est un dossier, alors qu’il faut {what}' },
  'error.read.silent': { en: 'nothing to read for {seconds} s (a FIFO or pipe nobody writes to?)', fr: 'rien à lire pendant {seconds}\u00a0s (un FIFO ou un tube où personne n’écrit\u00a0?)' },
  'error.read.emptyFifo': { en: 'is a FIFO or pipe with nothing written to it, expected {what}', fr: 'est un FIFO ou un tube où rien n’a été écrit, alors qu’il faut {what}' },
});

/** What a file is expected to be, in errors (`is a directory, expected a YAML file`). */
export const fileKind = defineMessages({
  'error.file.yaml': { en: 'a YAML file', fr: 'un fichier YAML' },
  'error.file.appservice': { en: 'an appservice registration (YAML)', fr: 'un enregistrement d’appservice (YAML)' },
  'error.file.baseline': { en: 'a baseline file', fr: 'un fichier de référence (baseline)' },
  'error.file.policy': { en: 'a policy file', fr: 'un fichier de politique' },
  'error.file.rule': { en: 'a rule file', fr: 'un fichier de règle' },
  'error.file.token': { en: 'a token file', fr: 'un fichier de jeton' },
  'error.file.stateDump': { en: 'a state dump JSON file', fr: 'un fichier JSON d’état de salon' },
  'error.file.members': { en: 'a member list JSON file', fr: 'un fichier JSON de liste de membres' },
  'error.file.mas': { en: 'a MAS config file', fr: 'un fichier de configuration de MAS' },
});

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
export function* readChunks(path: string, maxBytes: number, what: MessageValue, { waitMs = PIPE_WAIT_MS, chunkBytes = CHUNK }: ChunkOptions = {}): Generator<Buffer, number> {
  // O_NONBLOCK: opening a FIFO with no writer does not block, and its reads say EAGAIN instead of
  // waiting. Regular files ignore it.
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stat = fstatSync(fd);
    const tooLarge = (size: string) => new InputError(message('error.read.tooLarge', { size, max: maxBytes }), { file: path });
    if (stat.isDirectory()) throw new InputError(message('error.read.directory', { what }), { file: path });
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
        if (Date.now() > deadline) throw new InputError(message('error.read.silent', { seconds: waitMs / 1000 }), { file: path });
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
    if (total === 0 && stat.isFIFO()) throw new InputError(message('error.read.emptyFifo', { what }), { file: path });
    return stat.mode & 0o7777;
  } finally {
    closeSync(fd);
  }
}

/** The whole of `path` (see readChunks) and its permission bits. */
export function readBounded(path: string, maxBytes: number, what: MessageValue, waitMs = PIPE_WAIT_MS): { bytes: Buffer; mode: number } {
  const chunks: Buffer[] = [];
  const reader = readChunks(path, maxBytes, what, { waitMs });
  for (;;) {
    const next = reader.next();
    if (next.done) return { bytes: Buffer.concat(chunks), mode: next.value };
    chunks.push(Buffer.from(next.value));
  }
}
