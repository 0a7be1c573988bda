// YAML read exactly as PyYAML's safe_load reads it (Synapse's reader), with the position of
// every key. js-yaml does the parsing (about 4× faster than the `yaml` package on a 100 KB
// sample config, which is most of `mxlint config`'s run time); its resolvers are replaced by
// PyYAML's (resolver.py) and its listener gives positions.
import jsyaml, { load, Type, FAILSAFE_SCHEMA, YAMLException, type Schema } from 'js-yaml';
import { InputError } from '../errors.js';
import { defineMessages, type MessageValue } from '../messages/message.js';
import { blankCommentLines } from './comment-lines.js';
import { redactQuotedOnSecretLine } from '../redact-text.js';
import type { SourceLocation } from '../types.js';

const message = defineMessages({
  'error.yaml.tooManyValues': { en: 'the document holds more than {max} values', fr: 'le document contient plus de {max}\u00a0valeurs' },
  // {reason}: the YAML parser's own words (js-yaml's, as PyYAML says them), or one of the messages below.
  'error.yaml.invalid': { en: 'invalid YAML: {reason}', fr: 'YAML invalide\u00a0: {reason}' },
  'error.yaml.tooDeep': { en: 'nested too deeply', fr: 'imbrication trop profonde' },
  'error.yaml.expandsTooMuch': { en: 'the document expands to more than {max} values', fr: 'le document se développe en plus de {max}\u00a0valeurs' },
  'error.yaml.aliasBomb': {
    en: 'the document expands to more than {max} values through aliases (a YAML alias bomb?)',
    fr: 'le document se développe en plus de {max}\u00a0valeurs par ses alias (une bombe d’alias YAML\u00a0?)',
  },
  'error.yaml.listAsKey': {
    en: 'found unhashable key (a list used as a key, which PyYAML, so Synapse, refuses; an unquoted {template} template is one: quote it)',
    fr: 'clé non hachable (une liste employée comme clé, ce que PyYAML, donc Synapse, refuse\u00a0; un gabarit {template} sans guillemets en est une\u00a0: mettez-le entre guillemets)',
  },
  'error.yaml.mappingAsKey': {
    en: 'found unhashable key (a mapping used as a key, which PyYAML, so Synapse, refuses; an unquoted {template} template is one: quote it)',
    fr: 'clé non hachable (un dictionnaire employé comme clé, ce que PyYAML, donc Synapse, refuse\u00a0; un gabarit {template} sans guillemets en est un\u00a0: mettez-le entre guillemets)',
  },
  'error.yaml.tab': {
    en: 'a tab character here, which PyYAML (so Synapse) refuses outside quotes, block scalars (| or >) and comments; use spaces',
    fr: 'une tabulation ici, ce que PyYAML (donc Synapse) refuse hors des guillemets, des blocs de texte (| ou >) et des commentaires\u00a0; utilisez des espaces',
  },
  'error.yaml.anchorTwice': {
    en: 'the anchor &{anchor} is defined twice, which PyYAML (so Synapse) refuses; rename one',
    fr: 'l’ancre &{anchor} est définie deux fois, ce que PyYAML (donc Synapse) refuse\u00a0; renommez l’une d’elles',
  },
});

/** `invalid YAML: …`: the parser's words, or ours. */
const invalid = (reason: MessageValue) => message('error.yaml.invalid', { reason });


// js-yaml's built-in types (its typings do not declare them).
const types = (jsyaml as unknown as { types: Record<string, Type> }).types;

const regexType = (tag: string, patterns: Array<[RegExp, (text: string) => unknown]>) =>
  new Type(tag, {
    kind: 'scalar',
    resolve: (text: string | null) => text !== null && patterns.some(([pattern]) => pattern.test(text)),
    construct: (text: string) => patterns.find(([pattern]) => pattern.test(text))![1](text),
  });

const plain = (text: string) => text.replaceAll('_', '');
const signOf = (text: string) => (text.startsWith('-') ? -1 : 1);
const unsigned = (text: string) => plain(text).replace(/^[-+]/, '');
/** PyYAML's base-60 numbers: `1:30` is 90. */
const sexagesimal = (text: string, parse: (part: string) => number) =>
  signOf(text) * unsigned(text).split(':').reduce((value, part) => value * 60 + parse(part), 0);

const TIMESTAMP_PARTS = /^(\d{4})-(\d\d?)-(\d\d?)(?:(?:[Tt]|[ \t]+)(\d\d?):(\d\d):(\d\d)(?:\.\d*)?(?:[ \t]*(?:Z|[-+](\d\d?)(?::(\d\d))?))?)?$/;

/** A timestamp as PyYAML builds it, with Python's datetime refusing what it refuses (js-yaml's Date
 *  would roll 2001-02-30 over to March 2). */
const timestamp = new Type('tag:yaml.org,2002:timestamp', {
  kind: 'scalar',
  resolve: (text: string | null) => types.timestamp.resolve(text),
  construct: (text: string) => {
    const [year, month, day, hour = 0, minute = 0, second = 0, tzHour = 0, tzMinute = 0] = TIMESTAMP_PARTS.exec(text)!.slice(1).map((part) => Number(part ?? 0));
    const monthDays = [31, year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    const wrong = year < 1 ? `year ${year} is out of range`
      : month < 1 || month > 12 ? 'month must be in 1..12'
        : day < 1 || day > monthDays[month - 1] ? 'day is out of range for month'
          : hour > 23 ? 'hour must be in 0..23'
            : minute > 59 ? 'minute must be in 0..59'
              : second > 59 ? 'second must be in 0..59'
                : tzHour * 60 + tzMinute >= 24 * 60 ? 'the time zone offset must be less than 24 hours' : undefined;
    if (wrong) throw new YAMLException(`${JSON.stringify(text)} is no date PyYAML can read: ${wrong}`);
    return types.timestamp.construct(text);
  },
  instanceOf: Date,
});

export const PYYAML_SCHEMA = FAILSAFE_SCHEMA.extend({
  implicit: [
    types.null,
    regexType('tag:yaml.org,2002:bool', [
      [/^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/, () => true],
      [/^(?:no|No|NO|false|False|FALSE|off|Off|OFF)$/, () => false],
    ]),
    regexType('tag:yaml.org,2002:int', [
      [/^[-+]?0b[0-1_]+$/, (t) => signOf(t) * Number.parseInt(unsigned(t).slice(2), 2)],
      [/^[-+]?0x[0-9a-fA-F_]+$/, (t) => signOf(t) * Number.parseInt(unsigned(t).slice(2), 16)],
      [/^[-+]?0[0-7_]+$/, (t) => signOf(t) * Number.parseInt(unsigned(t), 8)],
      [/^[-+]?(?:0|[1-9][0-9_]*)$/, (t) => Number.parseInt(plain(t), 10)],
      [/^[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+$/, (t) => sexagesimal(t, (part) => Number.parseInt(part, 10))],
    ]),
    regexType('tag:yaml.org,2002:float', [
      [/^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?)$/, (t) => Number.parseFloat(plain(t))],
      [/^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*$/, (t) => sexagesimal(t, (part) => Number.parseFloat(part))],
      [/^[-+]?\.(?:inf|Inf|INF)$/, (t) => signOf(t) * Infinity],
      [/^\.(?:nan|NaN|NAN)$/, () => Number.NaN],
    ]),
    timestamp,
    types.merge,
    // A plain `=` is YAML 1.1's "value" type, which safe_load cannot construct: PyYAML (so Synapse)
    // cannot read the file at all.
    new Type('tag:yaml.org,2002:value', {
      kind: 'scalar',
      resolve: (text: string | null) => text === '=',
      construct: () => {
        throw new YAMLException('a plain = is YAML 1.1\'s "value" type, which PyYAML (so Synapse) cannot read; quote it: "="');
      },
    }),
  ],
  // Explicit tags (`!!float 1`) construct whatever PyYAML's constructors accept, not only what the
  // implicit patterns match; explicit types take precedence over the implicit ones of the same tag.
  explicit: [
    types.binary, types.omap, types.pairs, types.set,
    explicitScalar('tag:yaml.org,2002:null', () => null),
    explicitScalar('tag:yaml.org,2002:bool', (text) => {
      const value = ({ yes: true, true: true, on: true, no: false, false: false, off: false } as Record<string, boolean>)[text.toLowerCase()];
      if (value === undefined) throw new YAMLException(`!!bool ${JSON.stringify(text)} is not a YAML 1.1 boolean`);
      return value;
    }),
    explicitScalar('tag:yaml.org,2002:int', (text) => {
      const digits = plain(text).replace(/^[-+]/, '');
      const sign = signOf(text);
      const value = digits === '0' ? 0
        : digits.startsWith('0b') ? pythonInt(digits.slice(2), 2)
          : digits.startsWith('0x') ? pythonInt(digits.slice(2), 16)
            : digits.startsWith('0') ? pythonInt(digits, 8)
              : digits.includes(':') ? digits.split(':').reduce((total, part) => total * 60 + pythonInt(part, 10), 0)
                : pythonInt(digits, 10);
      return sign * value;
    }),
    explicitScalar('tag:yaml.org,2002:float', (text) => {
      const value = plain(text).toLowerCase().replace(/^[-+]/, '');
      const sign = signOf(plain(text));
      if (value === '.inf') return sign * Infinity;
      if (value === '.nan') return Number.NaN;
      if (value.includes(':')) return sign * value.split(':').reduce((total, part) => total * 60 + pythonFloat(part), 0);
      return sign * pythonFloat(value);
    }),
  ],
});

/** An explicitly tagged scalar (`!!int "12"`), read as PyYAML's SafeConstructor reads it. */
function explicitScalar(tag: string, construct: (text: string) => unknown): Type {
  // Any scalar, empty included (`key: !!null`): the constructor decides, as PyYAML's does.
  return new Type(tag, { kind: 'scalar', resolve: () => true, construct: (text: string | null) => construct(text ?? '') });
}

/** Python's int(text, base), refusing what it refuses. */
function pythonInt(text: string, base: number): number {
  const pattern = { 2: /^[01]+$/, 8: /^[0-7]+$/, 10: /^[0-9]+$/, 16: /^[0-9a-fA-F]+$/ }[base as 2 | 8 | 10 | 16];
  if (!pattern.test(text)) throw new YAMLException(`${JSON.stringify(text)} is not an integer in base ${base}`);
  return Number.parseInt(text, base);
}

/** Python's float(text) for what PyYAML hands it (no underscores, lower case). */
function pythonFloat(text: string): number {
  if (!/^\s*[-+]?(?:\d+\.?\d*(?:e[-+]?\d+)?|\.\d+(?:e[-+]?\d+)?|inf(?:inity)?|nan)\s*$/.test(text)) {
    throw new YAMLException(`${JSON.stringify(text)} is not a number`);
  }
  return Number.parseFloat(text.replace(/inf(inity)?/, 'Infinity').replace('nan', 'NaN'));
}

export interface DuplicateKey {
  path: string;
  first: SourceLocation;
  last: SourceLocation;
}

export interface ParsedYaml {
  data: unknown;
  positions: Map<string, SourceLocation>;
  /** Dotted path → the last line its value spans (secret redaction blanks whole lines). */
  valueEnds: Map<string, number>;
  duplicates: DuplicateKey[];
  /** Paths whose value PyYAML reads as a float (`1500.0` and `1.5e+3` are floats, not integers). */
  floats: Set<string>;
}

export const YAML_LIMITS = { maxDepth: 200, maxExpandedNodes: 1_000_000 };

interface TreeNode {
  start: SourceLocation;
  /** Last line of the node: the reader stops at the start of the next line after a block. */
  endLine?: number;
  /** Offsets in the text js-yaml read: where the node was opened (before any separating space) and closed. */
  offset: number;
  end?: number;
  kind?: string;
  tag?: string;
  result?: unknown;
  children: TreeNode[];
  parent?: TreeNode;
}

/** PyYAML breaks lines at NEL, U+2028 and U+2029 too. They become \n, so that structure, lines and
 *  columns are PyYAML's; inside a scalar PyYAML keeps U+2028/U+2029 as they are, mxlint folds them. */
const EXTRA_LINE_BREAKS = /[\u0085\u2028\u2029]/g;

export function parsePyYaml(text: string, file: string): ParsedYaml {
  const read = blankCommentLines(text.replace(EXTRA_LINE_BREAKS, '\n'));
  return parseWithPositions(read, file, PYYAML_SCHEMA, true, true);
}

/** js-yaml with a schema of our choice, keeping the position of every key; `lastKeyWins`: a
 *  duplicate key keeps its last value (PyYAML) instead of being an error. */
export function parseWithPositions(text: string, file: string, schema: Schema, lastKeyWins: boolean, pyyamlChecks = false): ParsedYaml {
  const root: TreeNode = { start: { file, line: 1, column: 1 }, offset: 0, children: [] };
  let current = root;
  let parsedNodes = 0;
  const listener = (event: 'open' | 'close', state: any) => {
    if (event === 'open') {
      // Keys and values: past twice the value limit the document is too large, aliases or not;
      // stop now rather than build it whole (16 MB of short keys took 15 s and 1.2 GB).
      if (++parsedNodes > 2 * YAML_LIMITS.maxExpandedNodes) {
        throw new InputError(message('error.yaml.tooManyValues', { max: YAML_LIMITS.maxExpandedNodes }), { file, line: state.line + 1 });
      }
      const node: TreeNode = { start: { file, line: state.line + 1, column: state.position - state.lineStart + 1 }, offset: state.position, children: [], parent: current };
      current.children.push(node);
      current = node;
    } else {
      current.kind = state.kind;
      current.tag = state.tag;
      current.result = state.result;
      current.endLine = state.position === state.lineStart ? state.line : state.line + 1;
      current.end = state.position;
      current = current.parent ?? root;
    }
  };
  let data: unknown;
  try {
    data = load(text, { schema, json: lastKeyWins, listener, maxDepth: YAML_LIMITS.maxDepth } as any);
  } catch (error) {
    if (error instanceof YAMLException) {
      const mark = (error as any).mark;
      // No mark: a constructor's refusal (`!!int x`, a plain `=`) is at the node being read; a
      // second document ("expected a single document") is at that document's start.
      const node = current !== root ? current : root.children[1];
      const where = mark ? { file, line: mark.line + 1, column: mark.column + 1 } : node ? { ...node.start } : { file };
      const reason = (error as any).reason ?? error.message.split('\n')[0];
      throw new InputError(invalid(redactQuotedOnSecretLine(reason, text, where.line)), where);
    }
    if (error instanceof RangeError) throw new InputError(invalid(message('error.yaml.tooDeep')), { file });
    throw error;
  }
  const size = expandedSize(data, new Map());
  if (size > YAML_LIMITS.maxExpandedNodes) {
    const id = parsedNodes <= YAML_LIMITS.maxExpandedNodes ? 'error.yaml.aliasBomb' : 'error.yaml.expandsTooMuch';
    throw new InputError(message(id, { max: YAML_LIMITS.maxExpandedNodes }), { file });
  }
  const positions = new Map<string, SourceLocation>();
  const valueEnds = new Map<string, number>();
  const duplicates: DuplicateKey[] = [];
  const floats = new Set<string>();
  // js-yaml's offsets count from after a leading BOM, which it drops.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (root.children[0]) {
    refuseUnhashableKeys(root.children[0], text);
    if (pyyamlChecks && text.includes('\t')) refuseTabs(root.children[0], text, file);
    if (pyyamlChecks && text.includes('&')) refuseDuplicateAnchors(root.children[0], text, file);
    walk(root.children[0], '', text, { positions, valueEnds, duplicates, floats });
  }
  return { data, positions, valueEnds, duplicates, floats };
}

/** A mapping's children as (key, value) pairs: a value is the node after a key whose gap starts with
 *  `:` (a key written alone, `? a` or `{a}`, has no value node). */
function pairs(mapping: TreeNode, text: string): Array<[TreeNode, TreeNode | undefined]> {
  const result: Array<[TreeNode, TreeNode | undefined]> = [];
  const { children } = mapping;
  for (let index = 0; index < children.length; index += 1) {
    const key = children[index];
    const next = children[index + 1];
    const isValue = next !== undefined && text.slice(key.end ?? key.offset, next.offset).trimStart().startsWith(':');
    result.push([key, isValue ? next : undefined]);
    if (isValue) index += 1;
  }
  return result;
}

const isCollection = (value: unknown): boolean =>
  Array.isArray(value) || (value !== null && typeof value === 'object' && !(value instanceof Date) && !ArrayBuffer.isView(value));

/** PyYAML refuses a mapping or a list as a key ("found unhashable key"): an unquoted `{{ VAR }}`
 *  value is a flow mapping whose key is the mapping `{ VAR }`. */
function refuseUnhashableKeys(node: TreeNode, text: string): void {
  const self = unwrap(node);
  if (self.kind === 'mapping') {
    for (const [key] of pairs(self, text)) {
      if (isCollection(key.result)) {
        const space = /[ ]*/y;
        space.lastIndex = key.offset;
        space.exec(text);
        throw new InputError(invalid(message(Array.isArray(key.result) ? 'error.yaml.listAsKey' : 'error.yaml.mappingAsKey', { template: '{{ }}' })),
          { ...key.start, column: key.start.column + space.lastIndex - key.offset });
      }
    }
  }
  for (const child of self.children) refuseUnhashableKeys(child, text);
}

/** A node the loader opened around the real one (block sequence items): look through it. */
function unwrap(node: TreeNode): TreeNode {
  let inner = node;
  while (inner.children.length === 1 && inner.children[0].kind === inner.kind && inner.children[0].result === inner.result) inner = inner.children[0];
  return inner;
}

/** A mapping key as js-yaml makes it a property name: a mapping is "[object Object]", a list is
 *  joined with its mappings likewise (String() would throw on `? {toString: 0}`). */
function keyText(key: unknown): string {
  const text = (value: unknown) => (value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date) ? '[object Object]' : String(value));
  return Array.isArray(key) ? key.map((item) => (item === null || item === undefined ? '' : text(item))).join(',') : text(key);
}

interface Found {
  positions: Map<string, SourceLocation>;
  valueEnds: Map<string, number>;
  duplicates: DuplicateKey[];
  floats: Set<string>;
}

function walk(node: TreeNode, prefix: string, text: string, found: Found): void {
  const self = unwrap(node);
  if (self.kind === 'mapping') {
    const seen = new Map<string, SourceLocation>();
    for (const [keyNode, valueNode] of pairs(self, text)) {
      const key = keyText(keyNode.result);
      if (key === '<<') continue;
      const path = prefix ? `${prefix}.${key}` : key;
      const earlier = seen.get(key);
      if (earlier) found.duplicates.push({ path, first: earlier, last: keyNode.start });
      seen.set(key, keyNode.start);
      found.positions.set(path, keyNode.start);
      found.valueEnds.set(path, Math.max(keyNode.start.line, valueNode?.endLine ?? keyNode.start.line));
      found.floats.delete(path);
      if (valueNode) walk(valueNode, path, text, found);
    }
  } else if (self.kind === 'sequence') {
    self.children.forEach((item, index) => {
      const path = `${prefix}.${index}`;
      found.positions.set(path, unwrap(item).start);
      found.valueEnds.set(path, Math.max(unwrap(item).start.line, item.endLine ?? 0));
      walk(item, path, text, found);
    });
  } else if (self.tag === 'tag:yaml.org,2002:float' && typeof self.result === 'number') {
    found.floats.add(prefix);
  }
}

/** How many values the document holds once aliases are expanded (shared objects counted each time). */
function expandedSize(value: unknown, memo: Map<object, number>): number {
  if (value === null || typeof value !== 'object' || value instanceof Date) return 1;
  const known = memo.get(value);
  if (known !== undefined) return known;
  memo.set(value, 1); // a cycle counts once
  let size = 1;
  for (const item of Array.isArray(value) ? value : Object.values(value)) {
    size += expandedSize(item, memo);
    if (size > YAML_LIMITS.maxExpandedNodes) break;
  }
  memo.set(value, size);
  return size;
}

interface ScalarSpan {
  /** The scalar itself (its properties and the space before it left out). */
  start: number;
  end: number;
  style: 'quoted' | 'block' | 'plain';
}

/** Where a scalar node begins once separating space, comments and its `!tag`/`&anchor` are skipped. */
const SCALAR_LEAD = /(?:[ \t\r\n]+|#[^\r\n]*|[!&][^ \t\r\n,[\]{}]*)*/y;

function scalarSpans(node: TreeNode, text: string, spans: ScalarSpan[]): ScalarSpan[] {
  if (node.kind === 'scalar' && node.end !== undefined) {
    SCALAR_LEAD.lastIndex = node.offset;
    SCALAR_LEAD.exec(text);
    const start = Math.min(SCALAR_LEAD.lastIndex, node.end);
    const first = text[start];
    spans.push({ start, end: node.end, style: first === '"' || first === '\'' ? 'quoted' : first === '|' || first === '>' ? 'block' : 'plain' });
  }
  for (const child of node.children) scalarSpans(child, text, spans);
  return spans;
}

/**
 * PyYAML separates tokens with spaces only: a tab anywhere but inside quotes, inside a block
 * scalar's text (past its indentation) or in a comment stops it ("found character '\t' that
 * cannot start any token"), after a colon as in `key:<TAB>value` or inside a plain value alike.
 * js-yaml accepts most of these; refuse them here, where PyYAML does.
 */
function refuseTabs(root: TreeNode, text: string, file: string): void {
  const spanAt = scalarSpanLookup(root, text);
  for (let tab = text.indexOf('\t'); tab !== -1; tab = text.indexOf('\t', tab + 1)) {
    const lineStart = Math.max(text.lastIndexOf('\n', tab), text.lastIndexOf('\r', tab)) + 1;
    const span = spanAt(tab);
    if (span?.style === 'quoted') continue;
    if (span?.style === 'block' && tab >= span.start && blockTabAllowed(text, span, lineStart, tab)) continue;
    if (span?.style !== 'block' && inComment(text, lineStart, tab, spanAt)) continue;
    throw new InputError(invalid(message('error.yaml.tab')), locationOf(text, tab, file));
  }
}

/** Where an offset of the text js-yaml read is, as file:line:col. */
function locationOf(text: string, offset: number, file: string): SourceLocation {
  const lineStart = Math.max(text.lastIndexOf('\n', offset - 1), text.lastIndexOf('\r', offset - 1)) + 1;
  return { file, line: (text.slice(0, lineStart).match(/\r\n|\r|\n/g)?.length ?? 0) + 1, column: offset - lineStart + 1 };
}

/** The scalar (if any) an offset of the text falls in. */
function scalarSpanLookup(root: TreeNode, text: string): (offset: number) => ScalarSpan | undefined {
  const spans = scalarSpans(root, text, []).sort((a, b) => a.start - b.start);
  return (offset) => {
    let low = 0;
    let high = spans.length - 1;
    let found: ScalarSpan | undefined;
    while (low <= high) {
      const middle = (low + high) >> 1;
      if (spans[middle].start <= offset) {
        found = spans[middle];
        low = middle + 1;
      } else high = middle - 1;
    }
    // Spans nest only as a tagged node's two events on the same scalar: the last one starting before is it.
    return found && offset < found.end ? found : undefined;
  };
}

const ANCHOR = /(?<=^|[\s[{,])&([^\s,[\]{}]+)/g;

/** PyYAML refuses an anchor defined twice ("found duplicate anchor"); js-yaml lets the second win. */
function refuseDuplicateAnchors(root: TreeNode, text: string, file: string): void {
  const spanAt = scalarSpanLookup(root, text);
  const seen = new Set<string>();
  for (const match of text.matchAll(ANCHOR)) {
    const at = match.index;
    const lineStart = Math.max(text.lastIndexOf('\n', at - 1), text.lastIndexOf('\r', at - 1)) + 1;
    if (spanAt(at) || inComment(text, lineStart, at, spanAt)) continue;
    if (seen.has(match[1])) throw new InputError(invalid(message('error.yaml.anchorTwice', { anchor: match[1] })), locationOf(text, at, file));
    seen.add(match[1]);
  }
}

/** A tab in a block scalar: on its header line only in the comment; on a text line, once the
 *  line is indented as far as the scalar's text (the first text line's indentation). */
function blockTabAllowed(text: string, span: ScalarSpan, lineStart: number, tab: number): boolean {
  const headerEnd = text.slice(span.start, span.end).search(/\r|\n/);
  if (headerEnd === -1 || tab < span.start + headerEnd) return text.slice(span.start, tab).includes('#');
  const leading = text.slice(lineStart, tab);
  if (/[^ ]/.test(leading)) return true; // after text on its line: part of the text
  const body = text.slice(span.start + headerEnd, span.end).replace(/^\r?\n|^\r/, '');
  const indent = Math.max(1, /^(?:[ ]*(?:\r\n|\r|\n))*([ ]*)/.exec(body)![1].length);
  return leading.length >= indent;
}

/** Whether a `#` that starts a comment (first on its line, or after a space, outside any quoted or
 *  block scalar) comes before this offset on its line. */
function inComment(text: string, lineStart: number, offset: number, spanAt: (offset: number) => ScalarSpan | undefined): boolean {
  for (let at = text.indexOf('#', lineStart); at !== -1 && at < offset; at = text.indexOf('#', at + 1)) {
    const starts = at === lineStart || text[at - 1] === ' ' || text[at - 1] === '\t';
    const style = spanAt(at)?.style;
    if (starts && style !== 'quoted' && style !== 'block') return true;
  }
  return false;
}
