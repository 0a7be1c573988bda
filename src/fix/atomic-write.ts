// Writes files so that a reader (Synapse, a second mxlint) sees the old text or the new one, never
// half of it: each new text goes to a temporary file in the same directory (named so that a conf.d
// never picks it up), gets the old file's permissions and owner, is flushed, then renamed over the
// old one. Symbolic links are followed: the file they point to is replaced, the link stays.
import { chmodSync, chownSync, closeSync, existsSync, fsyncSync, openSync, realpathSync, renameSync, statSync, unlinkSync, writeSync, type Stats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { InputError } from '../errors.js';

export interface PendingWrite {
  path: string;
  text: string;
  /** For a new file: the file whose permissions and owner it takes. */
  like?: string;
}

/** Writes every file's temporary copy first, then renames them all: one file's failure writes none. */
export function writeFilesAtomically(writes: PendingWrite[]): void {
  const staged: Array<{ temporary: string; target: string }> = [];
  try {
    for (const write of writes) staged.push(stage(write));
  } catch (error) {
    for (const { temporary } of staged) removeQuietly(temporary);
    throw error;
  }
  for (const { temporary, target } of staged) renameSync(temporary, target);
  for (const directory of new Set(staged.map(({ target }) => dirname(target)))) syncDirectory(directory);
}

function stage({ path, text, like }: PendingWrite): { temporary: string; target: string } {
  const exists = existsSync(path);
  const target = exists ? realpathSync(path) : resolve(path);
  let model: Stats;
  try {
    model = statSync(exists ? target : like ?? dirname(target));
  } catch (error) {
    throw new InputError(`cannot read its permissions (${(error as NodeJS.ErrnoException).code})`, { file: path });
  }
  const temporary = join(dirname(target), `.${basename(target)}.mxlint-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  let descriptor: number | undefined;
  try {
    descriptor = openSync(temporary, 'wx', 0o600);
    writeSync(descriptor, text);
    fsyncSync(descriptor);
    closeSync(descriptor);
    descriptor = undefined;
    keepOwnerAndMode(temporary, model, exists || like ? model.mode & 0o7777 : 0o644);
    return { temporary, target };
  } catch (error) {
    if (descriptor !== undefined) closeSync(descriptor);
    removeQuietly(temporary);
    if (error instanceof InputError) throw error;
    throw new InputError(`cannot write (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { file: path });
  }
}

function keepOwnerAndMode(temporary: string, model: Stats, mode: number): void {
  const mine = process.getuid?.() === model.uid && process.getgid?.() === model.gid;
  if (!mine) {
    try {
      chownSync(temporary, model.uid, model.gid);
    } catch {
      throw new InputError(`cannot keep its owner (${model.uid}:${model.gid}) without root; nothing was written`, { file: temporary.replace(/\/\.([^/]*)\.mxlint-[^/]*\.tmp$/, '/$1') });
    }
  }
  // chmod after chown: chown may clear set-id bits.
  chmodSync(temporary, mode);
}

function syncDirectory(directory: string): void {
  try {
    const descriptor = openSync(directory, 'r');
    try {
      fsyncSync(descriptor);
    } finally {
      closeSync(descriptor);
    }
  } catch {
    // Some file systems cannot sync a directory; the rename itself is still atomic.
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}
