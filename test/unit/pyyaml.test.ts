import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
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
