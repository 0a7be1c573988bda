import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { blankCommentLines } from '../../src/sources/comment-lines.js';
import { parseWithPositions, PYYAML_SCHEMA } from '../../src/sources/pyyaml.js';

// Emptying comment lines is only a speed-up: what js-yaml reads from the emptied text (values,
// positions, duplicates, or the error and its line) must be what it reads from the original.
function reading(text: string) {
  try {
    const { data, positions, duplicates } = parseWithPositions(text, 'f.yaml', PYYAML_SCHEMA, true);
    return { data: JSON.stringify(data), positions: [...positions], duplicates };
  } catch (error) {
    return { error: (error as Error).message, location: (error as { location?: unknown }).location };
  }
}

function yamlFilesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? yamlFilesUnder(path) : /\.ya?ml$/.test(name) ? [path] : [];
  });
}

const sameReading = (text: string) => expect(reading(blankCommentLines(text))).toEqual(reading(text));

describe('blankCommentLines', () => {
  it('empties comment lines and keeps every line and column', () => {
    const text = '# head\nserver_name: a\n  # indented\n\n#report_stats: true\nreport_stats: false # trailing\n';
    expect(blankCommentLines(text)).toBe('\nserver_name: a\n\n\n\nreport_stats: false # trailing\n');
    sameReading(text);
  });

  it('keeps CRLF line ends', () => {
    expect(blankCommentLines('# a\r\nkey: 1\r\n# b\r\n')).toBe('\r\nkey: 1\r\n\r\n');
  });

  it('keeps `#` lines of a block scalar, which are text', () => {
    const text = 'key: |\n  line\n  # not a comment\n  more\n# after\nnext: 1\n';
    expect(blankCommentLines(text)).toContain('  # not a comment');
    sameReading(text);
    sameReading('- >-\n # text\n text\n');
    sameReading('a:\n  b: !!str |2\n     # text\n  c: 1\n');
  });

  it('stops at a quote left open: a quoted scalar may run over lines', () => {
    const text = 'key: "first\n  # inside the string\n  last"\n# comment\n';
    expect(blankCommentLines(text)).toBe(text);
    sameReading(text);
    sameReading('key: \'a\n # inside\n b\'\n');
    sameReading('key: "a\\"\n # inside\n b"\n');
  });

  it('keeps a comment that ends a plain scalar before a more indented line', () => {
    // PyYAML: the comment ends "value"; "more" is then an error. Emptied, "more" would continue it.
    const ownLine = 'key:\n  value\n  # comment\n  more\n';
    expect(blankCommentLines(ownLine)).toBe(ownLine);
    sameReading(ownLine);
    const keyLine = 'key: value\n  # comment\n  more\n';
    expect(blankCommentLines(keyLine)).toBe(keyLine);
    sameReading(keyLine);
  });

  it('leaves a lone \\r line break alone (and a tab before `#`, which PyYAML refuses)', () => {
    expect(blankCommentLines('# a\rkey: 1\r')).toBe('# a\rkey: 1\r');
    expect(blankCommentLines('key: 1\n\t# tab\n')).toBe('key: 1\n\t# tab\n');
  });

  it('reads every YAML file of the fixtures and real configs as before', () => {
    const roots = [join(import.meta.dirname, '../../fixtures'), join(import.meta.dirname, '../../../shared/fixtures/real')];
    const files = roots.filter(existsSync).flatMap(yamlFilesUnder);
    expect(files.length).toBeGreaterThan(100);
    let emptied = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const blanked = blankCommentLines(text);
      if (blanked !== text) emptied += 1;
      expect(reading(blanked), file).toEqual(reading(text));
    }
    expect(emptied).toBeGreaterThan(files.length / 2);
  });

  it('reads random documents as before', () => {
    // Lines drawn from the shapes that matter: comments at every indent, block scalars, quotes
    // left open, plain scalars on key lines and on their own, sequences, flow collections.
    const shapes = [
      '# c', '  # c', '    # c', '#', '', 'key: value', 'key:', '  sub: 1', '  sub:', '    deep: x', '  value', '    more',
      'key: |', 'key: >-', '  - |', '  text', '    text', '  # text?', 'list:', '- item', '  - item', '- k: v', '  k2: v',
      'q: "open', '  close"', "s: 'it''s'", "s: 'open", "  shut'", 'f: [a,', '  b]', 'm: {a: 1,', '  b: 2}', '---',
      'dup: 1', 'dup: 2', '\t# tab', 'key: a # trailing', 'x: !!str |', 'y: &anchor', 'z: *anchor',
      '  - k: |', '? complex', ': value', 'key: |  ', '   ', '  # c  ', 'k: "a" # it\'s', 'k: a\r', '# c\r', '  - >',
    ];
    let seed = 42;
    let emptied = 0;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let run = 0; run < 5000; run += 1) {
      const lines = Array.from({ length: 2 + Math.floor(random() * 12) }, () => shapes[Math.floor(random() * shapes.length)]);
      const text = `${lines.join('\n')}\n`;
      const blanked = blankCommentLines(text);
      if (blanked !== text) emptied += 1;
      expect(reading(blanked), JSON.stringify(text)).toEqual(reading(text));
    }
    expect(emptied).toBeGreaterThan(1000);
  });
});
