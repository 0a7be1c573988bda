// Reads one config file the way Synapse does (PyYAML safe_load, YAML 1.1), keeping the position
// of every key so findings can point at file:line:col.
import { InputError } from '../errors.js';
import { defineMessages, type Message } from '../messages/message.js';
import type { SourceLocation } from '../types.js';
import { parsePyYaml, YAML_LIMITS, type DuplicateKey } from './pyyaml.js';
import { readBounded, fileKind } from './read-bounded.js';

const message = defineMessages({
  'error.yamlFile.cannotRead': { en: 'cannot read: {reason}', fr: 'lecture impossible\u00a0: {reason}' },
});

/** Why Synapse reads nothing from a file. */
export const skippedMessage = defineMessages({
  'skipped.gitCrypt': { en: 'encrypted with git-crypt; Synapse cannot read it', fr: 'chiffré avec git-crypt\u00a0; Synapse ne peut pas le lire' },
  'skipped.notUtf8': { en: 'not UTF-8 text; Synapse cannot read it', fr: 'pas du texte UTF-8\u00a0; Synapse ne peut pas le lire' },
  'skipped.binary': { en: 'binary file (contains NUL bytes); Synapse cannot read it', fr: 'fichier binaire (il contient des octets NUL)\u00a0; Synapse ne peut pas le lire' },
  'skipped.empty': { en: 'empty file; Synapse skips it', fr: 'fichier vide\u00a0; Synapse l’ignore' },
  'skipped.rootList': { en: 'its root is a list, not a mapping; Synapse skips it', fr: 'sa racine est une liste, pas un dictionnaire\u00a0; Synapse l’ignore' },
  'skipped.rootDate': { en: 'its root is a date, not a mapping; Synapse skips it', fr: 'sa racine est une date, pas un dictionnaire\u00a0; Synapse l’ignore' },
  'skipped.rootScalar': { en: 'its root is a {type}, not a mapping; Synapse skips it', fr: 'sa racine est une valeur simple ({type}), pas un dictionnaire\u00a0; Synapse l’ignore' },
});

export type { DuplicateKey };

export interface YamlFile {
  path: string;
  /** The top-level mapping, or null when Synapse would skip the file. */
  data: Record<string, unknown> | null;
  /** Why the file is skipped (data === null). */
  skipped?: Message;
  /** Synapse refuses to start on this file (it cannot even read it). */
  unreadableBySynapse?: boolean;
  /** Dotted path (list items by index) → where its key (or item) is written. */
  positions: Map<string, SourceLocation>;
  /** Dotted path → the last line its value spans. */
  valueEnds: Map<string, number>;
  duplicates: DuplicateKey[];
  /** Paths whose value is a float for PyYAML (`1500.0`), which Synapse's duration and size readers refuse. */
  floats?: Set<string>;
  /** Permission bits of the file (for the file-hygiene rules). */
  mode?: number;
}

/** Bounds that keep hostile input from exhausting memory or time (README "Limits"). */
export const LIMITS = { maxFileBytes: 16 * 1024 * 1024, ...YAML_LIMITS };

export function readYamlFile(path: string): YamlFile {
  let bytes: Buffer;
  let mode: number;
  try {
    // Bounded whatever the path is: a FIFO or /dev/zero given as a config must not hang or fill memory.
    ({ bytes, mode } = readBounded(path, LIMITS.maxFileBytes, fileKind('error.file.yaml')));
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(message('error.yamlFile.cannotRead', { reason: (error as NodeJS.ErrnoException).code ?? String(error) }), { file: path });
  }
  return { ...parseYamlText(path, bytes), mode };
}

/** A file Synapse reads nothing from, and why. */
export function skippedFile(path: string, skipped: Message, unreadableBySynapse = false): YamlFile {
  return { path, data: null, skipped, unreadableBySynapse, positions: new Map(), valueEnds: new Map(), duplicates: [] };
}

export function parseYamlText(path: string, bytes: Buffer): YamlFile {
  const empty = (skipped: Message, unreadableBySynapse = false): YamlFile => skippedFile(path, skipped, unreadableBySynapse);
  if (bytes.subarray(0, 10).toString('latin1') === '\0GITCRYPT\0') {
    return empty(skippedMessage('skipped.gitCrypt'), true);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return empty(skippedMessage('skipped.notUtf8'), true);
  }
  if (text.includes('\0')) return empty(skippedMessage('skipped.binary'), true);
  // One BOM is dropped, as PyYAML drops it (js-yaml does it); a second one is text, and is part of
  // the first key (`\ufeffserver_name` is not server_name).

  const { data, positions, valueEnds, duplicates, floats } = parsePyYaml(text, path);
  if (data === null || data === undefined) return empty(skippedMessage('skipped.empty'));
  if (typeof data !== 'object' || Array.isArray(data) || data instanceof Date) {
    return empty(Array.isArray(data) ? skippedMessage('skipped.rootList') : data instanceof Date ? skippedMessage('skipped.rootDate') : skippedMessage('skipped.rootScalar', { type: typeof data }));
  }
  return { path, data: data as Record<string, unknown>, positions, valueEnds, duplicates, floats };
}
