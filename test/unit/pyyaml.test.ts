import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { InputError } from '../../src/errors.js';
import { parsePyYaml } from '../../src/sources/pyyaml.js';
import { pyyamlTags } from '../../src/sources/pyyaml-schema.js';

// Two independent readings of PyYAML's rules must agree on every real config: js-yaml with
// PyYAML's resolvers (what mxlint uses) and the `yaml` package with the same resolvers.
const realDir = join(import.meta.dirname, '../../../shared/fixtures/real/homeserver');
const files = existsSync(realDir) ? readdirSync(realDir).filter((name) => name.endsWith('.yaml')).map((name) => join(realDir, name)) : [];

describe('js-yaml with PyYAML resolvers agrees with the yaml package', () => {
  it.each(files)('%s', (file) => {
    const text = readFileSync(file, 'utf8').replace(/^\ufeff/, '');
    const doc = parseDocument(text, { version: '1.1', customTags: pyyamlTags, uniqueKeys: false, merge: true });
    if (doc.errors.length) {
      expect(() => parsePyYaml(text, file)).toThrow();
      return;
    }
    const expected = doc.toJS();
    let parsed;
    try {
      parsed = parsePyYaml(text, file);
    } catch (error) {
      throw new Error(`js-yaml refused what yaml accepts: ${(error as Error).message}`);
    }
    expect(JSON.parse(JSON.stringify(parsed.data))).toEqual(JSON.parse(JSON.stringify(expected)));
  });
});

describe('positions', () => {
  it('points at keys and list items', () => {
    const { positions, duplicates } = parsePyYaml('a: 1\nb:\n  c: yes\n  list:\n    - x\n    - k: v\na: 2\n', 'f.yaml');
    expect(positions.get('b.c')).toEqual({ file: 'f.yaml', line: 3, column: 3 });
    expect(positions.get('b.list.1')).toEqual({ file: 'f.yaml', line: 6, column: 7 });
    expect(positions.get('b.list.1.k')).toEqual({ file: 'f.yaml', line: 6, column: 7 });
    expect(duplicates).toEqual([{ path: 'a', first: { file: 'f.yaml', line: 1, column: 1 }, last: { file: 'f.yaml', line: 7, column: 1 } }]);
  });
});

// Each refusal checked against PyYAML 6.0.3's safe_load (the chroot's and Synapse's): same line and column.
const refusedAt = (text: string) => {
  try {
    parsePyYaml(text, 'f.yaml');
  } catch (error) {
    const { line, column } = (error as InputError).location ?? {};
    return `${line}:${column} ${(error as Error).message}`;
  }
  return 'read';
};

describe('what PyYAML refuses, mxlint refuses', () => {
  it.each([
    ['an unquoted {{ VAR }} value (a mapping as a key)', 'a: {{ VAR }}\n', '1:5', /unhashable key .*mapping/],
    ['a flow mapping as a key', '{a: 1}: x\n', '1:1', /unhashable key/],
    ['an explicit mapping key', '? {a: 1}\n: x\n', '1:3', /unhashable key/],
    ['a list as a key', '[a, b]: x\n', '1:1', /unhashable key .*list/],
    ['an explicit block list key', '? - a\n  - b\n: x\n', '1:3', /unhashable key/],
    ['a list key nested in a flow mapping', 'a: {[1]: 2}\n', '1:5', /unhashable key/],
    ['a !!set as a key', '? !!set {a}\n: x\n', '1:3', /unhashable key/],
    ['a tab after a colon', 'a:\t1\n', '1:3', /a tab character/],
    ['a tab after a nested colon', 'a:\n  b:\t1\n', '2:5', /a tab character/],
    ['a tab inside a flow mapping', 'a: {b:\t1}\n', '1:7', /a tab character/],
    ['a tab inside a plain value', 'key: value\twith tab\n', '1:11', /a tab character/],
    ['a tab at the end of a line', 'a: 1\t\n', '1:5', /a tab character/],
    ['a tab before a comment', "a: 'x' \t# c\n", '1:8', /a tab character/],
    ['a tab after a dash', 'a:\n  -\tx\n', '2:4', /a tab character/],
    ['a tab on a line of its own', 'a: 1\n\t\nb: 2\n', '2:1', /a tab character/],
    // js-yaml refuses it first, one column on (PyYAML: 3:2).
    ['a tab before a block scalar is indented', 'a: >\n  x\n \ty\n', '3:3', /bad indentation/],
    ['a tab on a block scalar header', 'a: |\t# c\n  x\n', '1:5', /a tab character/],
    ['a date that is no date', 'a: 2001-02-30\n', '1:3', /day is out of range/],
    ['an anchor defined twice', 'a: &x 1\nb: &x 2\nc: *x\n', '2:4', /anchor &x is defined twice/],
    ['an anchor defined twice on collections', 'a: &base\n  k: 1\nb: [&base 2]\n', '3:5', /anchor &base is defined twice/],
    ['an hour past 23', 'a: 2001-01-01 25:00:00\n', '1:3', /hour must be in 0..23/],
  ])('%s', (_name, text, where, message) => {
    const said = refusedAt(text);
    expect(said.split(' ')[0]).toBe(where);
    expect(said).toMatch(message);
  });

  it.each([
    ['tabs inside quotes', 'a: "x\ty"\nb: [\'x\ty\']\n', { a: 'x\ty', b: ['x\ty'] }],
    ['tabs in comments', '# \tc\na: 1 # \t\n', { a: 1 }],
    ['tabs in a block scalar past its indentation', 'a: |\n  x\tb\n  \tc\n', { a: 'x\tb\n\tc\n' }],
    ['anchors once each, & in values and comments', 'a: &x {k: 1}\nb: *x\nc: "&x"\nd: a&x # &x\n', { a: { k: 1 }, b: { k: 1 }, c: '&x', d: 'a&x' }],
    ['a binary key (bytes are hashable)', '? !!binary aGk=\n: x\n', { '104,105': 'x' }],
    ['NEL, U+2028 and U+2029 as line breaks', 'a: 1\u2028b: 2\u2029c:\u0085  d: 3\n', { a: 1, b: 2, c: { d: 3 } }],
  ])('reads %s as PyYAML does', (_name, text, expected) => {
    expect(parsePyYaml(text, 'f.yaml').data).toEqual(expected);
  });

  it('counts lines at NEL and U+2028 as PyYAML does', () => {
    const { positions } = parsePyYaml('a: 1\u2028b: 2\u0085c: 3\n', 'f.yaml');
    expect(positions.get('c')).toEqual({ file: 'f.yaml', line: 3, column: 1 });
  });

  it('pairs keys with values when a key has none (positions stay right)', () => {
    const { positions } = parsePyYaml('x: {a, b: 1, c}\n? k\nm: 2\n', 'f.yaml');
    expect(positions.get('x.c')).toEqual({ file: 'f.yaml', line: 1, column: 14 });
    expect(positions.get('m')).toEqual({ file: 'f.yaml', line: 3, column: 1 });
  });

  it('knows which values are floats (Synapse reads no duration from one)', () => {
    expect([...parsePyYaml('a: 1500.0\nb: 1.5e+3\nc: 1500\nd: [1.0]\n', 'f.yaml').floats]).toEqual(['a', 'b', 'd.0']);
  });
});
