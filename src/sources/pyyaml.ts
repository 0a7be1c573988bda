// YAML read exactly as PyYAML's safe_load reads it (Synapse's reader), with the position of
// every key. js-yaml does the parsing (about 4× faster than the `yaml` package on a 100 KB
// sample config, which is most of `mxlint config`'s run time); its resolvers are replaced by
// PyYAML's (resolver.py) and its listener gives positions.
import jsyaml, { load, Type, FAILSAFE_SCHEMA, YAMLException, type Schema } from 'js-yaml';
import { InputError } from '../errors.js';
import { blankCommentLines } from './comment-lines.js';
import { redactQuotedOnSecretLine } from '../redact-text.js';
import type { SourceLocation } from '../types.js';

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
    types.timestamp,
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
}

export const YAML_LIMITS = { maxDepth: 200, maxExpandedNodes: 1_000_000 };

interface TreeNode {
  start: SourceLocation;
  /** Last line of the node: the reader stops at the start of the next line after a block. */
  endLine?: number;
  kind?: string;
  result?: unknown;
  children: TreeNode[];
  parent?: TreeNode;
}

export function parsePyYaml(text: string, file: string): ParsedYaml {
  return parseWithPositions(blankCommentLines(text), file, PYYAML_SCHEMA, true);
}

/** js-yaml with a schema of our choice, keeping the position of every key; `lastKeyWins`: a
 *  duplicate key keeps its last value (PyYAML) instead of being an error. */
export function parseWithPositions(text: string, file: string, schema: Schema, lastKeyWins: boolean): ParsedYaml {
  const root: TreeNode = { start: { file, line: 1, column: 1 }, children: [] };
  let current = root;
  let parsedNodes = 0;
  const listener = (event: 'open' | 'close', state: any) => {
    if (event === 'open') {
      // Keys and values: past twice the value limit the document is too large, aliases or not;
      // stop now rather than build it whole (16 MB of short keys took 15 s and 1.2 GB).
      if (++parsedNodes > 2 * YAML_LIMITS.maxExpandedNodes) {
        throw new InputError(`the document holds more than ${YAML_LIMITS.maxExpandedNodes} values`, { file, line: state.line + 1 });
      }
      const node: TreeNode = { start: { file, line: state.line + 1, column: state.position - state.lineStart + 1 }, children: [], parent: current };
      current.children.push(node);
      current = node;
    } else {
      current.kind = state.kind;
      current.result = state.result;
      current.endLine = state.position === state.lineStart ? state.line : state.line + 1;
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
      throw new InputError(`invalid YAML: ${redactQuotedOnSecretLine(reason, text, where.line)}`, where);
    }
    if (error instanceof RangeError) throw new InputError('invalid YAML: nested too deeply', { file });
    throw error;
  }
  const size = expandedSize(data, new Map());
  if (size > YAML_LIMITS.maxExpandedNodes) {
    const why = parsedNodes <= YAML_LIMITS.maxExpandedNodes ? ' through aliases (a YAML alias bomb?)' : '';
    throw new InputError(`the document expands to more than ${YAML_LIMITS.maxExpandedNodes} values${why}`, { file });
  }
  const positions = new Map<string, SourceLocation>();
  const valueEnds = new Map<string, number>();
  const duplicates: DuplicateKey[] = [];
  if (root.children[0]) walk(root.children[0], '', { positions, valueEnds, duplicates });
  return { data, positions, valueEnds, duplicates };
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

interface Walked { positions: Map<string, SourceLocation>; valueEnds: Map<string, number>; duplicates: DuplicateKey[] }

function walk(node: TreeNode, prefix: string, found: Walked): void {
  const { positions, valueEnds, duplicates } = found;
  const self = unwrap(node);
  if (self.kind === 'mapping') {
    const seen = new Map<string, SourceLocation>();
    for (let index = 0; index + 1 < self.children.length; index += 2) {
      const keyNode = self.children[index];
      const key = keyText(keyNode.result);
      if (key === '<<') continue;
      const path = prefix ? `${prefix}.${key}` : key;
      const earlier = seen.get(key);
      if (earlier) duplicates.push({ path, first: earlier, last: keyNode.start });
      seen.set(key, keyNode.start);
      positions.set(path, keyNode.start);
      valueEnds.set(path, Math.max(keyNode.start.line, self.children[index + 1].endLine ?? keyNode.start.line));
      walk(self.children[index + 1], path, found);
    }
  } else if (self.kind === 'sequence') {
    self.children.forEach((item, index) => {
      const path = `${prefix}.${index}`;
      positions.set(path, unwrap(item).start);
      valueEnds.set(path, Math.max(unwrap(item).start.line, item.endLine ?? 0));
      walk(item, path, found);
    });
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
