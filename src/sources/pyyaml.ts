// YAML read exactly as PyYAML's safe_load reads it (Synapse's reader), with the position of
// every key. js-yaml does the parsing (about 4× faster than the `yaml` package on a 100 KB
// sample config, which is most of `mxlint config`'s run time); its resolvers are replaced by
// PyYAML's (resolver.py) and its listener gives positions.
import jsyaml, { load, Type, FAILSAFE_SCHEMA, YAMLException } from 'js-yaml';
import { InputError } from '../errors.js';
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
  ],
  explicit: [types.binary, types.omap, types.pairs, types.set],
});

export interface DuplicateKey {
  path: string;
  first: SourceLocation;
  last: SourceLocation;
}

export interface ParsedYaml {
  data: unknown;
  positions: Map<string, SourceLocation>;
  duplicates: DuplicateKey[];
}

export const YAML_LIMITS = { maxDepth: 200, maxExpandedNodes: 1_000_000 };

interface TreeNode {
  start: SourceLocation;
  kind?: string;
  result?: unknown;
  children: TreeNode[];
  parent?: TreeNode;
}

export function parsePyYaml(text: string, file: string): ParsedYaml {
  const root: TreeNode = { start: { file, line: 1, column: 1 }, children: [] };
  let current = root;
  const listener = (event: 'open' | 'close', state: any) => {
    if (event === 'open') {
      const node: TreeNode = { start: { file, line: state.line + 1, column: state.position - state.lineStart + 1 }, children: [], parent: current };
      current.children.push(node);
      current = node;
    } else {
      current.kind = state.kind;
      current.result = state.result;
      current = current.parent ?? root;
    }
  };
  let data: unknown;
  try {
    data = load(text, { schema: PYYAML_SCHEMA, json: true, listener, maxDepth: YAML_LIMITS.maxDepth } as any);
  } catch (error) {
    if (error instanceof YAMLException) {
      const mark = (error as any).mark;
      throw new InputError(`invalid YAML: ${(error as any).reason ?? error.message.split('\n')[0]}`, mark ? { file, line: mark.line + 1, column: mark.column + 1 } : { file });
    }
    if (error instanceof RangeError) throw new InputError('invalid YAML: nested too deeply', { file });
    throw error;
  }
  const size = expandedSize(data, new Map());
  if (size > YAML_LIMITS.maxExpandedNodes) {
    throw new InputError(`the document expands to more than ${YAML_LIMITS.maxExpandedNodes} values through aliases (a YAML alias bomb?)`, { file });
  }
  const positions = new Map<string, SourceLocation>();
  const duplicates: DuplicateKey[] = [];
  if (root.children[0]) walk(root.children[0], '', positions, duplicates);
  return { data, positions, duplicates };
}

/** A node the loader opened around the real one (block sequence items): look through it. */
function unwrap(node: TreeNode): TreeNode {
  let inner = node;
  while (inner.children.length === 1 && inner.children[0].kind === inner.kind && inner.children[0].result === inner.result) inner = inner.children[0];
  return inner;
}

function walk(node: TreeNode, prefix: string, positions: Map<string, SourceLocation>, duplicates: DuplicateKey[]): void {
  const self = unwrap(node);
  if (self.kind === 'mapping') {
    const seen = new Map<string, SourceLocation>();
    for (let index = 0; index + 1 < self.children.length; index += 2) {
      const keyNode = self.children[index];
      const key = String(keyNode.result);
      if (key === '<<') continue;
      const path = prefix ? `${prefix}.${key}` : key;
      const earlier = seen.get(key);
      if (earlier) duplicates.push({ path, first: earlier, last: keyNode.start });
      seen.set(key, keyNode.start);
      positions.set(path, keyNode.start);
      walk(self.children[index + 1], path, positions, duplicates);
    }
  } else if (self.kind === 'sequence') {
    self.children.forEach((item, index) => {
      const path = `${prefix}.${index}`;
      positions.set(path, unwrap(item).start);
      walk(item, path, positions, duplicates);
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
