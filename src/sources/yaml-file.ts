// Reads one YAML file the way Synapse's PyYAML safe_load does (YAML 1.1), keeping the position
// of every key so findings can point at file:line:col.
import { readFileSync, statSync } from 'node:fs';
import { LineCounter, parseDocument, isMap, isSeq, isScalar, type Node, type Document } from 'yaml';
import { InputError } from '../errors.js';
import { pyyamlTags } from './pyyaml-schema.js';
import type { SourceLocation } from '../types.js';

export interface DuplicateKey {
  path: string;
  first: SourceLocation;
  last: SourceLocation;
}

export interface YamlFile {
  path: string;
  /** The top-level mapping, or null when Synapse would skip the file. */
  data: Record<string, unknown> | null;
  /** Why the file is skipped (data === null). */
  skipped?: string;
  /** Synapse refuses to start on this file (it cannot even read it). */
  unreadableBySynapse?: boolean;
  /** Dotted path (list items by index) → where its key (or item) is written. */
  positions: Map<string, SourceLocation>;
  duplicates: DuplicateKey[];
}

/** Bounds that keep hostile input from exhausting memory or time. */
export const LIMITS = { maxFileBytes: 16 * 1024 * 1024, maxAliasCount: 1000, maxDepth: 200 };

export function readYamlFile(path: string): YamlFile {
  let bytes: Buffer;
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) throw new InputError('is a directory, expected a YAML file', { file: path });
    if (stat.size > LIMITS.maxFileBytes) {
      throw new InputError(`file is ${stat.size} bytes, larger than the ${LIMITS.maxFileBytes}-byte limit`, { file: path });
    }
    bytes = readFileSync(path);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { file: path });
  }
  return parseYamlText(path, bytes);
}

export function parseYamlText(path: string, bytes: Buffer): YamlFile {
  const empty = (skipped: string, unreadableBySynapse = false): YamlFile => ({
    path, data: null, skipped, unreadableBySynapse, positions: new Map(), duplicates: [],
  });
  if (bytes.subarray(0, 10).toString('latin1') === '\0GITCRYPT\0') {
    return empty('encrypted with git-crypt; Synapse cannot read it', true);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return empty('not UTF-8 text; Synapse cannot read it', true);
  }
  if (text.includes('\0')) return empty('binary file (contains NUL bytes); Synapse cannot read it', true);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);

  const lineCounter = new LineCounter();
  const doc = parseDocument(blankCommentLines(text), {
    version: '1.1', customTags: pyyamlTags, uniqueKeys: false, merge: true, lineCounter, prettyErrors: false,
  });
  const locate = (offset: number): SourceLocation => {
    const { line, col } = lineCounter.linePos(offset);
    return { file: path, line, column: col };
  };
  const firstError = doc.errors[0];
  if (firstError) {
    const where = locate(firstError.pos[0]);
    throw new InputError(`invalid YAML: ${firstError.message.split('\n')[0]}`, where);
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: LIMITS.maxAliasCount });
  } catch (error) {
    throw new InputError(`invalid YAML: ${(error as Error).message.split('\n')[0]}`, { file: path });
  }
  if (data === null || data === undefined) return empty('empty file; Synapse skips it');
  if (typeof data !== 'object' || Array.isArray(data) || data instanceof Date) {
    return empty(`its root is ${Array.isArray(data) ? 'a list' : `a ${typeof data === 'object' ? 'date' : typeof data}`}, not a mapping; Synapse skips it`);
  }
  const positions = new Map<string, SourceLocation>();
  const duplicates: DuplicateKey[] = [];
  walk(doc, doc.contents, '', 0, positions, duplicates, locate);
  return { path, data: data as Record<string, unknown>, positions, duplicates };
}

function walk(
  doc: Document, node: unknown, prefix: string, depth: number,
  positions: Map<string, SourceLocation>, duplicates: DuplicateKey[],
  locate: (offset: number) => SourceLocation,
): void {
  if (depth > LIMITS.maxDepth) {
    throw new InputError(`nested more than ${LIMITS.maxDepth} levels deep`, { file: locate(0).file });
  }
  if (isMap(node)) {
    for (const pair of node.items) {
      const keyNode = pair.key as Node | null;
      const key = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
      const path = prefix ? `${prefix}.${key}` : key;
      const where = locate(keyNode?.range?.[0] ?? 0);
      const earlier = positions.get(path);
      if (earlier && key !== '<<') duplicates.push({ path, first: earlier, last: where });
      positions.set(path, where);
      walk(doc, pair.value, path, depth + 1, positions, duplicates, locate);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, index) => {
      const path = `${prefix}.${index}`;
      positions.set(path, locate((item as Node | null)?.range?.[0] ?? 0));
      walk(doc, item, path, depth + 1, positions, duplicates, locate);
    });
  }
}

/** A block scalar (`key: |`) on a line that is not a comment: its content may hold lines starting with #. */
const BLOCK_SCALAR = /^[^#\n]*[:-][ \t]+[|>][+-]?[1-9]?[+-]?[ \t]*(?:#.*)?$/m;

/**
 * Sample configs are mostly comments, and comments are most of the parser's work: full-line
 * comments become empty lines (positions unchanged). Skipped when a block scalar could hold a
 * line that only looks like a comment.
 */
export function blankCommentLines(text: string): string {
  const code = text.replace(/^[ \t]*#.*$/gm, '');
  return BLOCK_SCALAR.test(code) ? text : code;
}
