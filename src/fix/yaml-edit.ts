// Edits a YAML file's text in place, one leaf at a time, by splicing the source at node ranges:
// everything not fixed stays byte for byte (comments, blank lines, order, quoting, line endings).
// The `yaml` package's String(doc) re-renders the whole file (it drops blank lines and re-indents),
// so it is used only to find where things are. A removed key, or a block value replaced by a
// one-line one, is commented out rather than deleted: nothing written by a person is lost.
import { parseDocument, isAlias, isCollection, isMap, isScalar, Scalar, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import { pyyamlTags } from '../sources/pyyaml-schema.js';
import { isMapping, showPath, type Leaf } from './patch.js';
import { redactValue } from '../facts/redact.js';

/** The leaf cannot be written without guessing (an alias, a list in the way...). */
export class EditError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EditError';
  }
}

interface Splice { start: number; end: number; text: string }

interface Context {
  text: string;
  eol: string;
  /** Indentation step of the file's nested mappings. */
  unit: number;
}

type AnyMap = YAMLMap<unknown, unknown>;
type AnyPair = Pair<unknown, unknown>;

export function parseForEdit(text: string): Document {
  const doc = parseDocument(text, { version: '1.1', customTags: pyyamlTags, uniqueKeys: false, merge: true, prettyErrors: false });
  if (doc.errors.length) throw new EditError(`invalid YAML: ${doc.errors[0].message.split('\n')[0]}`);
  return doc;
}

/** Applies the leaves in order; each one re-reads the text, so ranges are always fresh. */
export function editYaml(text: string, leaves: Leaf[]): string {
  let current = text;
  for (const leaf of leaves) current = applyLeaf(current, leaf);
  return current;
}

export function applyLeaf(text: string, leaf: Leaf): string {
  const doc = parseForEdit(text);
  const context: Context = { text, eol: text.includes('\r\n') ? '\r\n' : '\n', unit: indentUnit(doc, text) };
  let node: unknown = doc.contents;
  let holder: AnyPair | null = null;
  let holderMap: AnyMap | null = null;
  for (let index = 0; index < leaf.path.length; index += 1) {
    const rest = leaf.path.slice(index);
    const here = showPath(leaf.path.slice(0, index)) || 'the file';
    if (node === null || node === undefined || (isScalar(node) && node.value === null)) {
      if (leaf.remove) return text;
      return splice(text, fillNull(context, holder, holderMap, node as Scalar | null, rest, leaf.value));
    }
    if (isAlias(node)) throw new EditError(`${here} is an alias (*${node.source}): change the anchor it points to by hand`);
    if (!isMap(node)) {
      if (leaf.remove) return text;
      throw new EditError(`${here} is ${isCollection(node) ? 'a list' : `the value ${JSON.stringify(redactValue(showPath(leaf.path.slice(0, index)), (node as Scalar).value))}`}, not a mapping: cannot set ${showPath(leaf.path)} under it without replacing it`);
    }
    const map = node as AnyMap;
    const pair = lastPair(map, leaf.path[index]);
    if (!pair) {
      if (leaf.remove) return text;
      return splice(text, insertInto(context, map, holder === null, rest, leaf.value));
    }
    if (index === leaf.path.length - 1) {
      return splice(text, leaf.remove ? removePair(context, map, pair) : replaceValue(context, map, pair, leaf.value));
    }
    holder = pair;
    holderMap = map;
    node = pair.value;
  }
  return text;
}

// ---------------------------------------------------------------------------------------------
// The four edits

/** Sets a key that exists (scalar, alias, flow or block collection, or empty). */
function replaceValue(context: Context, map: AnyMap, pair: AnyPair, value: unknown): Splice[] {
  const { text } = context;
  const node = pair.value as Node | null;
  const colon = colonAfter(text, pair);
  if (!node || (isScalar(node) && node.range![0] === node.range![1])) {
    return [{ start: colon + 1, end: colon + 1, text: ` ${formatFlow(value)}` }];
  }
  const [start, end] = node.range!;
  if (isScalar(node)) {
    if (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') {
      throw new EditError(`${keyText(pair)} is a block scalar (| or >): set it by hand`);
    }
    const keepQuotes = typeof value === 'string' && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') ? node.type : undefined;
    return [{ start, end, text: formatFlow(value, keepQuotes) }];
  }
  if (isAlias(node) || (isCollection(node) && node.flow)) {
    if (text.slice(start, end).includes('#')) throw new EditError(`${keyText(pair)} spans lines with comments: set it by hand`);
    return [{ start, end, text: formatFlow(value) }];
  }
  if (map.flow) throw new EditError(`${keyText(pair)} is a block value inside a flow mapping: set it by hand`);
  assertLineStart(text, start, keyText(pair));
  return [{ start: colon + 1, end: colon + 1, text: ` ${formatFlow(value)}` }, ...commentOut(text, start, end)];
}

/** Removes a key: commented out in a block mapping, cut out of a flow one. */
function removePair(context: Context, map: AnyMap, pair: AnyPair): Splice[] {
  const { text } = context;
  const key = pair.key as Node;
  if (map.flow) {
    const [start, end] = map.range!;
    if (text.slice(start, end).includes('#')) throw new EditError(`${keyText(pair)} is in a flow mapping with comments: remove it by hand`);
    const kept = map.items.filter((item) => item !== pair).map((item) => {
      const itemEnd = (item.value as Node | null)?.range?.[1] ?? (item.key as Node).range![1];
      return text.slice((item.key as Node).range![0], itemEnd);
    });
    return [{ start, end, text: `{${kept.join(', ')}}` }];
  }
  assertLineStart(text, key.range![0], keyText(pair));
  const end = (pair.value as Node | null)?.range?.[1] ?? key.range![1];
  return commentOut(text, key.range![0], end);
}

/** Adds a key missing from a mapping that exists: after its last entry (top level: at the end of the file). */
function insertInto(context: Context, map: AnyMap, atRoot: boolean, rest: string[], value: unknown): Splice[] {
  const { text, eol } = context;
  if (map.flow) {
    const close = map.range![1] - 1;
    if (text[close] !== '}') throw new EditError('cannot find the end of a flow mapping');
    let last = close - 1;
    while (last >= 0 && /\s/.test(text[last])) last -= 1;
    const entry = `${formatKey(rest[0])}: ${rest.length > 1 ? formatFlow(nest(rest.slice(1), value)) : formatFlow(value)}`;
    return [{ start: last + 1, end: last + 1, text: text[last] === '{' ? entry : `, ${entry}` }];
  }
  const firstKey = map.items[0].key as Node;
  const indent = column(text, firstKey.range![0]);
  const at = atRoot ? text.length : map.range![1];
  const before = at > 0 && text[at - 1] !== '\n' ? eol : '';
  return [{ start: at, end: at, text: `${before}${block(context, rest, value, indent)}${eol}` }];
}

/** Adds keys under a key whose value is empty or null (`retention:`, `retention: ~`), or to an empty file. */
function fillNull(context: Context, holder: AnyPair | null, holderMap: AnyMap | null, node: Scalar | null, rest: string[], value: unknown): Splice[] {
  const { text, eol } = context;
  if (!holder) {
    if (node && node.range && node.range[0] !== node.range[1]) throw new EditError('the file holds only a null value');
    const before = text.length > 0 && !text.endsWith('\n') ? eol : '';
    return [{ start: text.length, end: text.length, text: `${before}${block(context, rest, value, 0)}${eol}` }];
  }
  const colon = colonAfter(text, holder);
  const written = node?.range && node.range[0] !== node.range[1] ? node.range : undefined;
  if (holderMap?.flow) {
    const replacement = ` ${formatFlow(nest(rest, value))}`;
    return [{ start: colon + 1, end: written ? written[1] : colon + 1, text: replacement }];
  }
  const key = holder.key as Node;
  assertLineStart(text, key.range![0], keyText(holder));
  const lineEnd = endOfLine(text, colon);
  const splices: Splice[] = [{ start: lineEnd, end: lineEnd, text: `${eol}${block(context, rest, value, column(text, key.range![0]) + context.unit)}` }];
  if (written) splices.push({ start: colon + 1, end: written[1], text: '' });
  return splices;
}

// ---------------------------------------------------------------------------------------------
// Rendering values as YAML that PyYAML reads back as the same value

const readBack = (source: string): { ok: boolean; value?: unknown } => {
  const strict = parseDocument(source, { version: '1.1', customTags: pyyamlTags });
  const core = parseDocument(source);
  if (strict.errors.length || core.errors.length) return { ok: false };
  const value = strict.toJS();
  return { ok: JSON.stringify(value) === JSON.stringify(core.toJS()), value };
};

function formatString(value: string, inFlow: boolean, quotes?: Scalar.Type): string {
  const single = `'${value.replaceAll("'", "''")}'`;
  const double = JSON.stringify(value);
  if (quotes === 'QUOTE_DOUBLE') return double;
  if (quotes === 'QUOTE_SINGLE') return /[\u0000-\u001f]/.test(value) ? double : single;
  const plainOk = value.length > 0 && !/[\u0000-\u001f]/.test(value) && value.trim() === value && !/^[-?:,[\]{}#&*!|>'"%@`]/.test(value)
    && !/: |\s#|:$/.test(value) && !(inFlow && /[,[\]{}]/.test(value));
  if (plainOk) {
    const probe = readBack(inFlow ? `k: [${value}]` : `k: ${value}`);
    const read = probe.ok ? (probe.value as { k: unknown }).k : undefined;
    if ((inFlow ? (read as unknown[] | undefined)?.[0] : read) === value) return value;
  }
  return /[\u0000-\u001f]/.test(value) ? double : single;
}

export function formatKey(key: string): string {
  return formatString(key, true);
}

/** A value on one line: scalars plain when safe, lists and mappings in flow style. */
export function formatFlow(value: unknown, quotes?: Scalar.Type, inFlow = false): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return Number.isNaN(value) ? '.nan' : value > 0 ? '.inf' : '-.inf';
    return String(value);
  }
  if (typeof value === 'string') return formatString(value, inFlow, quotes);
  if (Array.isArray(value)) return `[${value.map((item) => formatFlow(item, undefined, true)).join(', ')}]`;
  if (isMapping(value)) {
    return `{${Object.entries(value).map(([key, item]) => `${formatKey(key)}: ${formatFlow(item, undefined, true)}`).join(', ')}}`;
  }
  throw new EditError(`cannot write ${String(value)} as YAML`);
}

/** `a:\n  b: value` for the path [a, b], at the given indentation. */
function block(context: Context, path: string[], value: unknown, indent: number): string {
  return path.map((key, depth) => {
    const pad = ' '.repeat(indent + depth * context.unit);
    return depth === path.length - 1 ? `${pad}${formatKey(key)}: ${formatFlow(value)}` : `${pad}${formatKey(key)}:`;
  }).join(context.eol);
}

const nest = (path: string[], value: unknown): unknown => path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value);

// ---------------------------------------------------------------------------------------------
// Text helpers

function splice(text: string, splices: Splice[]): string {
  let result = text;
  for (const { start, end, text: replacement } of [...splices].sort((a, b) => b.start - a.start)) {
    result = result.slice(0, start) + replacement + result.slice(end);
  }
  return result;
}

const startOfLine = (text: string, position: number): number => text.lastIndexOf('\n', position - 1) + 1;
const column = (text: string, position: number): number => position - startOfLine(text, position);

function endOfLine(text: string, position: number): number {
  const newline = text.indexOf('\n', position);
  if (newline === -1) return text.length;
  return text[newline - 1] === '\r' ? newline - 1 : newline;
}

/** Prefixes `# ` to every line from `start` to `end` that is not blank or a comment already. */
function commentOut(text: string, start: number, end: number): Splice[] {
  const splices: Splice[] = [];
  const last = text[end - 1] === '\n' ? end - 1 : end;
  let line = startOfLine(text, start);
  while (line <= last && line < text.length) {
    const newline = text.indexOf('\n', line);
    const content = text.slice(line, newline === -1 ? text.length : newline).replace(/\r$/, '');
    const indent = /^[ \t]*/.exec(content)![0].length;
    if (content.trim() !== '' && !content.trimStart().startsWith('#')) splices.push({ start: line + indent, end: line + indent, text: '# ' });
    if (newline === -1) break;
    line = newline + 1;
  }
  return splices;
}

function assertLineStart(text: string, position: number, what: string): void {
  if (text.slice(startOfLine(text, position), position).trim() !== '') {
    throw new EditError(`${what} does not start its own line: change it by hand`);
  }
}

/** Position of the `:` that ends a pair's key. */
function colonAfter(text: string, pair: AnyPair): number {
  const key = pair.key as Node;
  const colon = text.indexOf(':', key.range![1]);
  if (colon === -1) throw new EditError(`cannot find the colon after ${keyText(pair)}`);
  return colon;
}

function lastPair(map: AnyMap, key: string): AnyPair | undefined {
  let found: AnyPair | undefined;
  for (const pair of map.items) {
    const keyNode = pair.key as Node | null;
    const name = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
    if (name === key) found = pair;
  }
  return found;
}

const keyText = (pair: AnyPair): string => (isScalar(pair.key) ? String(pair.key.value) : String(pair.key));

/** The file's indentation step: the smallest one between a mapping key and its nested keys (2 if none). */
function indentUnit(doc: Document, text: string): number {
  let unit = Infinity;
  const visit = (node: unknown, depth: number): void => {
    if (!isMap(node) || node.flow || depth > 20) return;
    for (const pair of node.items) {
      const value = pair.value;
      if (isMap(value) && !value.flow && value.items.length) {
        const step = column(text, (value.items[0].key as Node).range![0]) - column(text, (pair.key as Node).range![0]);
        if (step > 0) unit = Math.min(unit, step);
        visit(value, depth + 1);
      }
    }
  };
  visit(doc.contents, 0);
  return Number.isFinite(unit) ? unit : 2;
}
