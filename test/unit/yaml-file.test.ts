import { describe, expect, it } from 'vitest';
import { parseYamlText } from '../../src/sources/yaml-file.js';
import { InputError } from '../../src/errors.js';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { byCodePoint, configEntries, expandConfigPaths, loadConfigFiles } from '../../src/sources/config-files.js';

const read = (text: string | Buffer) => parseYamlText('test.yaml', Buffer.isBuffer(text) ? text : Buffer.from(text));

describe('YAML read as PyYAML (YAML 1.1) reads it', () => {
  it('reads yes/no/on/off as booleans and 0660 as octal', () => {
    const file = read('a: yes\nb: off\nc: On\nd: 0660\ne: y\nf: 1:30\n');
    expect(file.data).toEqual({ a: true, b: false, c: true, d: 0o660, e: 'y', f: 90 });
  });

  it('keeps the last of duplicate keys and reports both lines', () => {
    const file = read('enable_metrics: true\nother: 1\nenable_metrics: false\n');
    expect(file.data?.enable_metrics).toBe(false);
    expect(file.duplicates).toEqual([
      { path: 'enable_metrics', first: { file: 'test.yaml', line: 1, column: 1 }, last: { file: 'test.yaml', line: 3, column: 1 } },
    ]);
  });

  it('accepts a UTF-8 BOM', () => {
    expect(read('\ufeffserver_name: example.org\n').data).toEqual({ server_name: 'example.org' });
  });

  it('records the position of nested keys and list items', () => {
    const file = read('retention:\n  enabled: true\n  default_policy:\n    max_lifetime: 1y\nlist:\n  - a\n  - b\n');
    expect(file.positions.get('retention.default_policy.max_lifetime')).toEqual({ file: 'test.yaml', line: 4, column: 5 });
    expect(file.positions.get('list.1')).toMatchObject({ line: 7, column: 5 });
  });

  it('skips empty files and files whose root is not a mapping, as Synapse does', () => {
    expect(read('').data).toBeNull();
    expect(read('# only a comment\n').skipped).toEqual({ id: 'skipped.empty', data: {} });
    expect(read('just a string\n').skipped).toEqual({ id: 'skipped.rootScalar', data: { type: 'string' } });
    expect(read('- a\n- b\n').skipped).toEqual({ id: 'skipped.rootList', data: {} });
  });

  it('skips a git-crypt blob and says Synapse cannot read it', () => {
    const file = read(Buffer.concat([Buffer.from('\0GITCRYPT\0'), Buffer.from([0xff, 0x00, 0x12])]));
    expect(file.data).toBeNull();
    expect(file.unreadableBySynapse).toBe(true);
  });

  it('turns invalid YAML into an InputError with file, line and column', () => {
    try {
      read('a: 1\nb: [unclosed\n');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).oneLine()).toMatch(/^test\.yaml:\d+:\d+: invalid YAML/);
    }
  });

  it('stops an alias bomb', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let level = 1; level < 9; level += 1) bomb.push(`${String.fromCharCode(97 + level)}: &${String.fromCharCode(97 + level)} [${Array(10).fill(`*${String.fromCharCode(96 + level)}`).join(',')}]`);
    expect(() => read(bomb.join('\n'))).toThrow(InputError);
  });
});

describe('scalars that the yaml package reads differently from PyYAML', () => {
  it.each([
    ['y', 'y'], ['n', 'n'], ['Y', 'Y'], ['1e3', '1e3'], ['09', '09'], ['0:30', '0:30'], ['-.5', '-.5'],
    ['1.0e+3', 1000], ['.5', 0.5], ['1_000', 1000], ['0x1F', 31], ['0b101', 5], ['-1:30', -90], ['.inf', Infinity],
    ['~', null], ['Null', null], ['2024-01-01', new Date('2024-01-01')],
  ])('%s reads as %j', (text, expected) => {
    expect(read(`v: ${text}\n`).data?.v).toEqual(expected);
  });
});

describe('byte order marks, as Synapse reads them (PyYAML drops one)', () => {
  it('a second BOM is part of the first key, so server_name is not set', () => {
    expect(read(Buffer.from('\ufeff\ufeffserver_name: example.org\n')).data).toEqual({ '\ufeffserver_name': 'example.org' });
  });
});

describe('a conf.d directory, listed as Synapse lists it', () => {
  it('sorts by code point, as Python sorts (UTF-16 code units put U+FF5E after U+1F600)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mxlint-confd-'));
    try {
      for (const name of ['\u{1F600}.yaml', '\uff5e.yaml', 'a.yaml']) writeFileSync(join(dir, name), 'x: 1\n');
      expect(expandConfigPaths([dir]).map((file) => basename(file))).toEqual(['a.yaml', '\uff5e.yaml', '\u{1F600}.yaml']);
      expect(['\u{1F600}', '\uff5e'].sort(byCodePoint)).toEqual(['\uff5e', '\u{1F600}']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lists the entries it skips, with why, and refuses a directory with nothing to read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mxlint-confd-'));
    try {
      mkdirSync(join(dir, 'sub.yaml'));
      symlinkSync('missing', join(dir, 'gone.yaml'));
      expect(configEntries([dir]).map(({ path, skipped }) => [basename(path), skipped])).toEqual([
        ['gone.yaml', { id: 'skipped.brokenLink', data: {} }],
        ['sub.yaml', { id: 'skipped.notRegular', data: { what: { id: 'skipped.kind.directory', data: {} } } }],
      ]);
      expect(() => loadConfigFiles([dir])).toThrow(/no config file.*Must supply a config file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a BOM shifts nothing', () => {
  it('keys after a BOM are paired and placed as without it', () => {
    const file = read('\ufeffa: 1\ndb: {name: x, args: {d: y}}\n');
    expect(file.data).toEqual({ a: 1, db: { name: 'x', args: { d: 'y' } } });
    expect(file.positions.get('db.args.d')).toEqual({ file: 'test.yaml', line: 2, column: 22 });
  });
});
