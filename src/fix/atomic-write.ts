// Writes several files so that a reader (Synapse, a second mxlint) sees the old texts or the new
// ones, never half of them, and so that nothing the user had is lost:
// 1. every target is checked first: a regular file, reached through one name only; not a bind
//    mount nor a hard link, which a rename cannot replace without breaking them, and in a
//    directory where a new file with its owner can be made (tried on a probe file); else it is
//    refused, or rewritten in place when that is allowed;
// 2. each new text goes to a temporary file in the target's directory (named so that a conf.d never
//    picks it up), with the old file's permissions and owner, flushed; the old file is kept under a
//    second temporary name (a hard link, or a copy where links are refused);
// 3. right before replacing, every target must still hold the bytes the fix was computed from;
// 4. the temporaries are renamed over the targets (then in-place files are rewritten); if one step
//    fails, those already replaced get their old file back; every temporary file is removed.
// Symbolic links are followed: the file they point to is replaced, the link stays.
import {
  accessSync, chmodSync, chownSync, closeSync, copyFileSync, constants, existsSync, fstatSync, fsyncSync, ftruncateSync, linkSync, openSync, readFileSync,
  realpathSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync, type Stats,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { InputError } from '../errors.js';
import { defineMessages, render, type Message, type MessageValue } from '../messages/message.js';

const errorMessage = defineMessages({
  'error.write.nothingWritten': { en: '{why}; nothing was written', fr: '{why}\u00a0; rien n’a été écrit' },
  'error.write.nothingChanged': { en: '{why}; nothing was changed', fr: '{why}\u00a0; rien n’a été modifié' },
  'error.write.notRestored': {
    en: '{why}; and could not put back the old text: it is kept in {kept}',
    fr: '{why}\u00a0; et l’ancien texte n’a pas pu être remis en place\u00a0: il est gardé dans {kept}',
  },
  'error.write.sameFile': {
    en: 'is the same file as {first} (a link): its fixes would be written twice, the second undoing the first',
    fr: 'est le même fichier que {first} (un lien)\u00a0: ses corrections seraient écrites deux fois, la seconde défaisant la première',
  },
  'error.write.removed': { en: 'was removed since mxlint read it', fr: 'a été supprimé depuis que mxlint l’a lu' },
  'error.write.createdMeanwhile': { en: 'was created by someone else since mxlint read the config', fr: 'a été créé par quelqu’un d’autre depuis que mxlint a lu la configuration' },
  'error.write.notRegular': { en: 'is not a regular file: cannot replace it', fr: 'n’est pas un fichier ordinaire\u00a0: impossible de le remplacer' },
  'error.write.hardLinks': {
    en: 'it has {count} hard links: a new file would leave the other names with the old text',
    fr: 'il a {count}\u00a0liens physiques\u00a0: un nouveau fichier laisserait l’ancien texte sous les autres noms',
  },
  'error.write.mounted': {
    en: 'it is mounted on its own (a bind mount, as Docker mounts a single file): a rename cannot replace it',
    fr: 'il est monté à part (un montage lié, comme Docker monte un fichier seul)\u00a0: un renommage ne peut pas le remplacer',
  },
  'error.write.needsInPlace': {
    en: '{reason}; give --fix-in-place to rewrite it in place (not atomic: a reader may see a partial file during the write)',
    fr: '{reason}\u00a0; donnez --fix-in-place pour le réécrire sur place (pas atomique\u00a0: un lecteur peut voir un fichier partiel pendant l’écriture)',
  },
  'error.write.cannotStat': { en: 'cannot read its permissions ({code})', fr: 'impossible de lire ses permissions ({code})' },
  'error.write.renameBlocked': { en: '{blocker}: a rename cannot replace it', fr: '{blocker}\u00a0: un renommage ne peut pas le remplacer' },
  'write.preview.refused': { en: '{file}: --fix would refuse it: {reason}', fr: '{file}\u00a0: --fix le refuserait\u00a0: {reason}' },
  'write.preview.inPlace': {
    en: '{file}: would be rewritten in place, not replaced atomically ({reason})',
    fr: '{file}\u00a0: serait réécrit sur place, pas remplacé de façon atomique ({reason})',
  },
  'error.write.readOnly': { en: '{reason}, and the file itself is read-only to mxlint', fr: '{reason}, et le fichier lui-même est en lecture seule pour mxlint' },
  'error.write.newOwner': { en: 'mxlint cannot give a new file its owner ({owner}) without root', fr: 'mxlint ne peut pas donner à un nouveau fichier son propriétaire ({owner}) sans être root' },
  'error.write.noCreate': {
    en: 'its directory does not let mxlint create the new file beside it ({why})',
    fr: 'son dossier ne permet pas à mxlint de créer le nouveau fichier à côté ({why})',
  },
  'error.write.owner': { en: 'cannot keep its owner ({owner}) without root', fr: 'impossible de garder son propriétaire ({owner}) sans être root' },
  'error.write.changedSince': {
    en: 'changed since mxlint read it (someone else is editing it?): run the fix again',
    fr: 'modifié depuis que mxlint l’a lu (quelqu’un d’autre le modifie\u00a0?)\u00a0: relancez la correction',
  },
  'error.write.permissionsChanged': {
    en: 'its permissions or owner changed since mxlint read it: run the fix again',
    fr: 'ses permissions ou son propriétaire ont changé depuis que mxlint l’a lu\u00a0: relancez la correction',
  },
  'error.write.systemReason': { en: '{code}: {reason}', fr: '{code}\u00a0: {reason}' },
  'error.write.EBUSY': { en: 'it is mounted on its own (a bind mount?)', fr: 'il est monté à part (un montage lié\u00a0?)' },
  'error.write.EXDEV': { en: 'it is mounted on its own, from another file system', fr: 'il est monté à part, depuis un autre système de fichiers' },
  'error.write.EPERM': { en: 'operation not permitted (immutable or append-only?)', fr: 'opération non permise (fichier immuable ou en ajout seul\u00a0?)' },
  'error.write.EACCES': { en: 'permission denied', fr: 'permission refusée' },
  'error.write.EROFS': { en: 'read-only file system', fr: 'système de fichiers en lecture seule' },
  'error.write.ENOSPC': { en: 'no space left on the device', fr: 'plus de place sur le périphérique' },
  'error.write.EDQUOT': { en: 'disk quota exceeded', fr: 'quota de disque dépassé' },
  'error.write.EEXIST': { en: 'someone else created it meanwhile', fr: 'quelqu’un d’autre l’a créé entre-temps' },
  'error.write.cannotReadIt': { en: 'cannot read it ({why})', fr: 'impossible de le lire ({why})' },
  'error.write.cannotKeepCopy': { en: 'cannot keep a copy of the old file ({why})', fr: 'impossible de garder une copie de l’ancien fichier ({why})' },
  'error.write.cannotWrite': { en: 'cannot write ({why})', fr: 'écriture impossible ({why})' },
  'error.write.cannotRewrite': { en: 'cannot rewrite it in place ({why})', fr: 'impossible de le réécrire sur place ({why})' },
  'error.write.cannotReplace': { en: 'cannot replace it ({why})', fr: 'impossible de le remplacer ({why})' },
  'error.write.cannotWriteOutput': { en: 'cannot write {what} ({why})', fr: 'impossible d’écrire {what} ({why})' },
});

export interface PendingWrite {
  path: string;
  text: string;
  /** For a new file: the file whose permissions and owner it takes. */
  like?: string;
  /** The text the new one was computed from: the file must still hold it (null: must still not exist). */
  expected?: string | null;
}

export interface WriteOptions {
  /** Rewrite in place the files a rename cannot replace (a bind mount, a hard link) instead of refusing. */
  inPlace?: boolean;
}

export interface Written {
  path: string;
  how: 'replaced' | 'created' | 'in-place';
  /** Why it was written in place. */
  reason?: Message;
}

interface Target {
  write: PendingWrite;
  /** The real path (symbolic links followed). */
  real: string;
  how: Written['how'];
  reason?: Message;
  model: Stats;
  temporary?: string;
  backup?: string;
  /** In place: the old bytes, to write back if a later file fails. */
  original?: Buffer;
  done?: boolean;
}

/** What an output file is, in errors (`cannot write the baseline (EACCES)`). */
export const outputKind = defineMessages({
  'error.output.baseline': { en: 'the baseline', fr: 'la référence (baseline)' },
  'error.output.report': { en: 'the {format} report', fr: 'le rapport {format}' },
  'error.output.snapshot': { en: 'the room snapshot', fr: 'l’instantané des salons' },
});

const nothingWritten = (why: Message) => errorMessage('error.write.nothingWritten', { why });

/** What an error said, without its "; nothing was written" (or changed): another clause follows. */
function withoutNothingDone(error: InputError): Message {
  const { detail } = error;
  return detail.id === 'error.write.nothingWritten' || detail.id === 'error.write.nothingChanged' ? detail.data.why as Message : detail;
}

/** A system error's code, with what it means when we know it. */
function systemReason(code: string): MessageValue {
  return Object.hasOwn(REASONS, code) ? errorMessage('error.write.systemReason', { code, reason: REASONS[code] }) : code;
}

/** Writes all files or none (see the header); returns how each was written. */
export function writeFilesAtomically(writes: PendingWrite[], options: WriteOptions = {}): Written[] {
  const targets = writes.map((write) => inspect(write, options));
  const twice = sameFileTwice(targets);
  if (twice) throw twice;
  try {
    for (const target of targets) stage(target, options);
    holdForTests();
    for (const target of targets) assertUnchanged(target);
    for (const target of targets.filter((candidate) => candidate.how !== 'in-place')) commit(target);
    for (const target of targets.filter((candidate) => candidate.how === 'in-place')) commit(target);
  } catch (error) {
    const kept = rollBack(targets);
    if (!kept.length) throw error;
    const why = error instanceof InputError ? withoutNothingDone(error) : (error as Error).message;
    throw new InputError(errorMessage('error.write.notRestored', { why, kept: kept.join(', ') }), (error as InputError).location);
  } finally {
    for (const target of targets) {
      if (target.temporary) removeQuietly(target.temporary);
    }
  }
  for (const target of targets) if (target.backup) removeQuietly(target.backup);
  for (const directory of new Set(targets.map(({ real }) => dirname(real)))) syncDirectory(directory);
  return targets.map(({ write, how, reason }) => ({ path: write.path, how, ...(reason ? { reason } : {}) }));
}

/**
 * For a dry run: what writing would say about each file, found without touching the disk (a
 * refusal, or a file to be rewritten in place). The directory and owner probes are left to the
 * write itself, as they create a file.
 */
export function previewWrites(writes: PendingWrite[], options: WriteOptions = {}): Message[] {
  const refusal = (error: unknown, file: string): Message => {
    if (!(error instanceof InputError)) throw error;
    return errorMessage('write.preview.refused', { file, reason: withoutNothingDone(error) });
  };
  const targets: Target[] = [];
  const lines = writes.flatMap((write) => {
    try {
      const target = inspect(write, options);
      targets.push(target);
      return target.how === 'in-place' ? [errorMessage('write.preview.inPlace', { file: write.path, reason: target.reason! })] : [];
    } catch (error) {
      return [refusal(error, write.path)];
    }
  });
  const twice = sameFileTwice(targets);
  return twice ? [...lines, refusal(twice, twice.location!.file)] : lines;
}

/** Two names of one file (a symbolic or hard link in a conf.d): the second write would undo the first. */
function sameFileTwice(targets: Target[]): InputError | undefined {
  const seen = new Map<string, string>();
  for (const { write, real, model, how } of targets) {
    const key = how === 'created' ? real : `${model.dev}:${model.ino}`;
    const first = seen.get(key);
    if (first) return new InputError(nothingWritten(errorMessage('error.write.sameFile', { first })), { file: write.path });
    seen.set(key, write.path);
  }
  return undefined;
}

/** Refuses, before anything is written, a target that cannot be replaced as it should. */
function inspect(write: PendingWrite, options: WriteOptions): Target {
  const fail = (why: Message): never => { throw new InputError(nothingWritten(why), { file: write.path }); };
  const exists = existsSync(write.path);
  if (!exists) {
    if (write.expected !== undefined && write.expected !== null) fail(errorMessage('error.write.removed'));
    const real = resolve(write.path);
    return { write, real, how: 'created', model: statOrFail(write.like ?? dirname(real), write.path) };
  }
  if (write.expected === null) fail(errorMessage('error.write.createdMeanwhile'));
  const real = realpathSync(write.path);
  const model = statOrFail(real, write.path);
  if (!model.isFile()) fail(errorMessage('error.write.notRegular'));
  const why = model.nlink > 1 ? errorMessage('error.write.hardLinks', { count: model.nlink })
    : isMountPoint(real) ? errorMessage('error.write.mounted') : undefined;
  if (!why) return { write, real, how: 'replaced', model };
  if (!options.inPlace) fail(errorMessage('error.write.needsInPlace', { reason: why }));
  return { write, real, how: 'in-place', reason: why, model };
}

function statOrFail(path: string, file: string): Stats {
  try {
    return statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new WriteError(nothingWritten(errorMessage('error.write.cannotStat', { code: String(code) })), file, code);
  }
}

/** The temporary copy of the new text, and a second name for the old file to go back to. */
function stage(target: Target, options: WriteOptions): void {
  const { write, real, model } = target;
  const blocker = target.how === 'replaced' ? replacementBlocker(real, model) : undefined;
  if (blocker) {
    const reason = errorMessage('error.write.renameBlocked', { blocker });
    if (!writable(real)) throw new InputError(nothingWritten(errorMessage('error.write.readOnly', { reason })), { file: write.path });
    if (!options.inPlace) throw new InputError(nothingWritten(errorMessage('error.write.needsInPlace', { reason })), { file: write.path });
    Object.assign(target, { how: 'in-place', reason: render('en', reason) });
  }
  if (target.how === 'in-place') {
    try {
      target.original = readFileSync(real);
    } catch (error) {
      throw writeError(error, write.path, 'error.write.cannotReadIt');
    }
    return;
  }
  const mode = target.how === 'replaced' || write.like ? model.mode & 0o7777 : 0o644;
  target.temporary = writeTemporary(real, write.path, write.text, model, mode);
  if (target.how !== 'replaced') return;
  target.backup = temporaryName(real);
  try {
    linkSync(real, target.backup);
  } catch {
    // Where hard links are refused (an immutable file, some file systems): a copy with the same owner and mode.
    try {
      copyFileSync(real, target.backup, constants.COPYFILE_EXCL);
      keepOwnerAndMode(target.backup, model, mode, write.path);
    } catch (error) {
      removeQuietly(target.backup);
      target.backup = undefined;
      throw writeError(error, write.path, 'error.write.cannotKeepCopy');
    }
  }
}

function writeTemporary(real: string, file: string, text: string, model: Stats, mode: number): string {
  const temporary = temporaryName(real);
  let descriptor: number | undefined;
  try {
    descriptor = openSync(temporary, 'wx', 0o600);
    writeAll(descriptor, Buffer.from(text, 'utf8'));
    fsyncSync(descriptor);
    closeSync(descriptor);
    descriptor = undefined;
    keepOwnerAndMode(temporary, model, mode, file);
    return temporary;
  } catch (error) {
    if (descriptor !== undefined) closeSync(descriptor);
    removeQuietly(temporary);
    throw writeError(error, file, 'error.write.cannotWrite');
  }
}

/**
 * Why a new file cannot take this one's place, tried on an empty probe file: its directory does not
 * let mxlint create files (a file you may write in a directory you may not, as in /etc), or mxlint
 * cannot give the new file the old one's owner (not root).
 */
function replacementBlocker(real: string, model: Stats): Message | undefined {
  const probe = temporaryName(real);
  let created = false;
  try {
    closeSync(openSync(probe, 'wx', 0o600));
    created = true;
    if (!ownedLike(model)) chownSync(probe, model.uid, model.gid);
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    return created ? errorMessage('error.write.newOwner', { owner: `${model.uid}:${model.gid}` }) : errorMessage('error.write.noCreate', { why: systemReason(code) });
  } finally {
    if (created) removeQuietly(probe);
  }
}

const ownedLike = (model: Stats): boolean => process.getuid?.() === model.uid && process.getgid?.() === model.gid;

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

const temporaryName = (real: string): string => join(dirname(real), `.${basename(real)}.mxlint-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);

function keepOwnerAndMode(path: string, model: Stats, mode: number, file: string): void {
  if (!ownedLike(model)) {
    try {
      chownSync(path, model.uid, model.gid);
    } catch {
      throw new InputError(errorMessage('error.write.owner', { owner: `${model.uid}:${model.gid}` }), { file });
    }
  }
  // chmod after chown: chown may clear set-id bits.
  chmodSync(path, mode);
}

/** Someone (an editor, a deployment tool) changed the file since it was read: their change would be lost. */
function assertUnchanged(target: Target): void {
  const { write, real } = target;
  if (write.expected === undefined) return;
  if (write.expected === null) {
    if (existsSync(write.path)) throw new InputError(nothingWritten(errorMessage('error.write.createdMeanwhile')), { file: write.path });
    return;
  }
  const expected = Buffer.from(write.expected, 'utf8');
  let now: Stats | undefined;
  let same = false;
  try {
    now = statSync(real);
    same = now.size === expected.length && readFileSync(real).equals(expected);
  } catch {
    same = false;
  }
  if (!same) throw new InputError(nothingWritten(errorMessage('error.write.changedSince')), { file: write.path });
  // The new file takes the permissions seen first: a chmod 600 made meanwhile must not be undone.
  const { model } = target;
  if (now && ((now.mode & 0o7777) !== (model.mode & 0o7777) || now.uid !== model.uid || now.gid !== model.gid)) {
    throw new InputError(nothingWritten(errorMessage('error.write.permissionsChanged')), { file: write.path });
  }
}

function commit(target: Target): void {
  const { write, real, temporary } = target;
  try {
    if (target.how === 'in-place') {
      // Marked first: a write cut short (a full disk) has already changed the file, and must be undone.
      target.done = true;
      rewriteInPlace(real, Buffer.from(write.text, 'utf8'));
      return;
    }
    if (target.how === 'created') createNoClobber(temporary!, real);
    else renameSync(temporary!, real);
    target.done = true;
  } catch (error) {
    throw writeError(error, write.path, target.how === 'in-place' ? 'error.write.cannotRewrite' : 'error.write.cannotReplace');
  }
}

/** A new file appears whole, and never over a file someone else created meanwhile (link fails with EEXIST). */
function createNoClobber(temporary: string, real: string): void {
  try {
    linkSync(temporary, real);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw error;
    if (existsSync(real)) throw Object.assign(new Error('exists'), { code: 'EEXIST' });
    renameSync(temporary, real);
  }
}

/** One write from the start, then the length cut: the inode, its links, owner and mode stay. */
function rewriteInPlace(real: string, bytes: Buffer): void {
  const descriptor = openSync(real, 'r+');
  try {
    writeAll(descriptor, bytes);
    if (fstatSync(descriptor).size !== bytes.length) ftruncateSync(descriptor, bytes.length);
    fsyncSync(descriptor);
  } finally {
    closeSync(descriptor);
  }
}

/** From the start of the file, until every byte is written: a write may take only part (a disk
 *  filling up takes what fits, and says ENOSPC only on the next write). */
function writeAll(descriptor: number, bytes: Buffer): void {
  let offset = 0;
  while (offset < bytes.length) offset += writeSync(descriptor, bytes, offset, bytes.length - offset, offset);
}

/** Puts back the old file of every target already written; returns where the old text is kept when that failed. */
function rollBack(targets: Target[]): string[] {
  const kept: string[] = [];
  for (const target of targets.filter((candidate) => candidate.done).reverse()) {
    try {
      if (target.how === 'in-place') rewriteInPlace(target.real, target.original!);
      else if (target.how === 'created') unlinkSync(target.real);
      else renameSync(target.backup!, target.real);
      target.backup = undefined;
    } catch {
      if (target.backup) kept.push(target.backup);
      target.backup = undefined;
    }
  }
  for (const target of targets) if (target.backup) removeQuietly(target.backup);
  return kept;
}

const REASONS: Record<string, Message> = {
  EBUSY: errorMessage('error.write.EBUSY'),
  EXDEV: errorMessage('error.write.EXDEV'),
  EPERM: errorMessage('error.write.EPERM'),
  EACCES: errorMessage('error.write.EACCES'),
  EROFS: errorMessage('error.write.EROFS'),
  ENOSPC: errorMessage('error.write.ENOSPC'),
  EDQUOT: errorMessage('error.write.EDQUOT'),
  EEXIST: errorMessage('error.write.EEXIST'),
};

/** The ways a write fails on a system error, each naming what failed. */
type WriteFailure = 'error.write.cannotReadIt' | 'error.write.cannotKeepCopy' | 'error.write.cannotWrite' | 'error.write.cannotRewrite' | 'error.write.cannotReplace';

/** A write that failed on a system error; `code` is that error's (EACCES, ENOSPC...). */
class WriteError extends InputError {
  constructor(message: Message, file: string, readonly code?: string) {
    super(message, { file });
  }
}

function writeError(error: unknown, file: string, what: WriteFailure): InputError {
  if (error instanceof InputError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  const failed = errorMessage(what, { why: code ? systemReason(code) : (error as Error).message });
  const said = code === 'EBUSY' || code === 'EXDEV' ? errorMessage('error.write.needsInPlace', { reason: failed }) : failed;
  return new WriteError(errorMessage('error.write.nothingChanged', { why: said }), file, code);
}

/**
 * One file the user names for mxlint's output (a report, a baseline): replaced whole, so that a
 * failed write (a full disk) leaves the old one; rewritten in place where a rename would break it
 * (a bind mount, a hard link), as it always was; written straight when it is not a regular file
 * (`/dev/stdout`, a FIFO). `what` names it in errors ("the baseline").
 */
export function writeFileAtomically(path: string, text: string, what: MessageValue): void {
  try {
    let regular = true;
    try {
      regular = statSync(path).isFile();
    } catch {
      regular = true;
    }
    if (regular) writeFilesAtomically([{ path, text }], { inPlace: true });
    else writeFileSync(path, text);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = error instanceof WriteError || !(error instanceof InputError) ? code ?? (error as Error).message : withoutNothingDone(error);
    throw new InputError(errorMessage('error.write.cannotWriteOutput', { what, why }), { file: path });
  }
}

/** Whether `real` is itself a mount point (Linux: /proc/self/mountinfo; elsewhere the rename will tell). */
function isMountPoint(real: string): boolean {
  let table: string;
  try {
    table = readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return false;
  }
  const unescape = (field: string) => field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
  return table.split('\n').some((line) => unescape(line.split(' ')[4] ?? '') === real);
}

/** Tests only: while the file MXLINT_TEST_HOLD_WRITE names exists (at most 30 s), wait with the
 *  temporary files written and nothing replaced, so that a test can change a target or send a
 *  signal at that moment; `FILE.held` is created when the wait starts. It only delays: every
 *  check after it still runs. */
function holdForTests(): void {
  const hold = process.env.MXLINT_TEST_HOLD_WRITE;
  if (!hold) return;
  writeFileSync(`${hold}.held`, '');
  const cell = new Int32Array(new SharedArrayBuffer(4));
  for (const deadline = Date.now() + 30_000; existsSync(hold) && Date.now() < deadline;) Atomics.wait(cell, 0, 0, 20);
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
