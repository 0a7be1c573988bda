// The streaming JSON reader (src/sources/json-stream.ts): a file cut into chunks anywhere — in a
// string, an escape, a multi-byte UTF-8 character — must read exactly as JSON.parse reads it
// whole, its syntax errors must name their line, and the limits must hold while it streams.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { readJsonParts, type JsonLimits, type JsonPart } from '../../src/sources/json-stream.js';
import { STATE_LIMITS } from '../../src/sources/state-dump.js';
import { FUZZ } from '../fuzz/settings.js';

const dir = mkdtempSync(join(tmpdir(), 'mxlint-json-stream-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const file = (text: string | Buffer) => {
  const path = join(dir, `doc-${files++}.json`);
  writeFileSync(path, text);
  return path;
};

const parts = (path: string, chunkBytes?: number, limits: JsonLimits = STATE_LIMITS, splitKey = 'state') =>
  [...readJsonParts(path, { what: 'a test JSON file', splitKey, limits, chunkBytes })];

/** The document the parts make up again: what JSON.parse would have returned. */
function reassemble(list: JsonPart[]): unknown {
  let document: any = {};
  let array: unknown[] = [];
  for (const part of list) {
    if (part.kind === 'array') {
      array = [];
      if (part.key === undefined) document = array;
      else document[part.key] = array;
    } else if (part.kind === 'element') {
      expect(part.index).toBe(array.length);
      array.push(part.value);
    } else if (part.kind === 'field') {
      document[part.key] = part.value;
    } else {
      document = part.value;
    }
  }
  return document;
}

/** The one InputError reading `text` ends in. */
function errorOf(text: string, limits: JsonLimits = STATE_LIMITS, chunkBytes?: number): InputError {
  try {
    parts(file(text), chunkBytes, limits);
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error(`no error reading ${JSON.stringify(text)}`);
}

const CHUNKS = [1, 2, 3, 7, 64, undefined];

const DOCUMENTS = [
  '[]',
  ' [ ] ',
  '{}',
  '{"state": []}',
  '[{"type": "m.room.create", "state_key": "", "content": {"creator": "@a:b", "room_version": "10"}}]',
  // Quotes, backslashes and brackets inside strings, escaped every way, at every cut.
  '[{"type": "x\\"]}", "state_key": "\\\\", "content": {"a\\\\\\"b": "[{,:}]", "\\\\": "\\\\\\\\", "u": "\\u00e9\\ud83d\\ude00\\n\\t\\/"}}]',
  '["\\\\", "\\"", "a\\\\\\\\", "\\\\\\"\\\\"]',
  // Multi-byte UTF-8: 2, 3 and 4 bytes (a surrogate pair once decoded).
  '[{"type": "m.room.name", "state_key": "", "content": {"name": "Café 日本語 😀 ü"}}, "é", "😀😀"]',
  '[1, -2.5e3, 0, true, false, null, "s", [], {}, [[]], {"a": [1, {"b": null}]}]',
  '\t[\r\n  1,\r\n  2\r\n]\r\n',
  // The wrapper: fields before and after the state, nested values, odd keys.
  '{"room_id": "!r:example.org", "members": ["@a:example.org"], "state": [{"type": "a", "state_key": "", "content": {}}], "published": true, "now": 1747303200000, "extra": {"nested": [1, {"a": "]}"}]}, "": 0}',
  '{"state": [1, 2], "a": "b", "state": [3]}',
  '{"state": {"not": "an array"}, "b": [1, 2]}',
  '{"st\\u0061te": [1, 2], "k\\"ey": 3}',
  '{ "a" : 1 , "state" : [ 1 , { } , [ ] ] , "b" : null }',
  '42',
  ' "state" ',
  'null',
  '-0.5e-7',
];

describe('readJsonParts: a file cut anywhere reads as JSON.parse reads it whole', () => {
  for (const text of DOCUMENTS) {
    it(`${JSON.stringify(text).slice(0, 70)}`, () => {
      const path = file(text);
      for (const chunkBytes of CHUNKS) expect(reassemble(parts(path, chunkBytes)), `chunks of ${chunkBytes}`).toEqual(JSON.parse(text));
    });
  }

  it('splits the top-level array, or the array of the split key, and nothing else', () => {
    expect(parts(file('[{"a": [1, 2]}, 3]'), 7)).toEqual([
      { kind: 'array', key: undefined },
      { kind: 'element', value: { a: [1, 2] }, index: 0, line: 1 },
      { kind: 'element', value: 3, index: 1, line: 1 },
    ]);
    expect(parts(file('{"room_id": "!r:x",\n "state": [\n {"type": "a"},\n [2]\n ],\n "members": ["@a:x"]}'), 3)).toEqual([
      { kind: 'field', key: 'room_id', value: '!r:x' },
      { kind: 'array', key: 'state' },
      { kind: 'element', value: { type: 'a' }, index: 0, line: 3 },
      { kind: 'element', value: [2], index: 1, line: 4 },
      { kind: 'field', key: 'members', value: ['@a:x'] },
    ]);
    // Another key's array is a field, parsed whole; a nested "state" is not the split key.
    expect(parts(file('{"members": [1, 2], "x": {"state": [3]}}'))).toEqual([
      { kind: 'field', key: 'members', value: [1, 2] },
      { kind: 'field', key: 'x', value: { state: [3] } },
    ]);
    expect(parts(file('{"members": [1, 2]}'), undefined, STATE_LIMITS, 'members')).toEqual([
      { kind: 'array', key: 'members' },
      { kind: 'element', value: 1, index: 0, line: 1 },
      { kind: 'element', value: 2, index: 1, line: 1 },
    ]);
    expect(parts(file(' "x" '))).toEqual([{ kind: 'scalar', value: 'x' }]);
  });

  it('decodes UTF-8 cut inside a character, and replaces invalid bytes as Buffer#toString does', () => {
    const bytes = Buffer.concat([Buffer.from('["a'), Buffer.from([0xc3]), Buffer.from('", "😀", "'), Buffer.from([0xf0, 0x9f]), Buffer.from('"]')]);
    for (const chunkBytes of CHUNKS) expect(reassemble(parts(file(bytes), chunkBytes))).toEqual(JSON.parse(bytes.toString('utf8')));
  });

  const runs = FUZZ.runs(300);
  it(`${runs} generated documents, cut into chunks of 1 to 16 bytes, read as JSON.parse reads them`, () => {
    const value = fc.jsonValue({ maxDepth: 4, stringUnit: 'grapheme' });
    const documentArb = fc.oneof(
      fc.array(value, { maxLength: 8 }),
      fc.record({ before: fc.dictionary(fc.string({ unit: 'grapheme' }), value, { maxKeys: 3 }), state: fc.array(value, { maxLength: 6 }), after: fc.dictionary(fc.string({ unit: 'grapheme' }), value, { maxKeys: 3 }) })
        .map(({ before, state, after }) => ({ ...before, state, ...after })),
      value,
    );
    fc.assert(fc.property(documentArb, fc.constantFrom(0, 1, '\t'), fc.integer({ min: 1, max: 16 }), (document, indent, chunkBytes) => {
      const text = JSON.stringify(document, null, indent);
      expect(reassemble(parts(file(text), chunkBytes))).toEqual(JSON.parse(text));
    }), { seed: FUZZ.seed, numRuns: runs });
  });

  it(`${runs} documents with one character changed: an InputError exactly when JSON.parse throws, else the same value`, () => {
    const value = fc.jsonValue({ maxDepth: 3 });
    const arb = fc.record({
      document: fc.oneof(fc.array(value, { maxLength: 6 }), fc.record({ room_id: fc.string(), state: fc.array(value, { maxLength: 4 }), now: fc.integer() })),
      at: fc.nat(),
      edit: fc.constantFrom('delete', 'insert', 'replace'),
      char: fc.constantFrom('[', ']', '{', '}', ',', ':', '"', '\\', ' ', '\n', 'x', '1', 'e', '-'),
      chunkBytes: fc.integer({ min: 1, max: 9 }),
    });
    fc.assert(fc.property(arb, ({ document, at, edit, char, chunkBytes }) => {
      const original = JSON.stringify(document, null, 1);
      const index = at % (original.length + 1);
      const text = original.slice(0, index) + (edit === 'delete' ? '' : char) + original.slice(edit === 'insert' ? index : index + 1);
      let expected: unknown;
      try {
        expected = JSON.parse(text);
      } catch {
        expect(() => parts(file(text), chunkBytes), text).toThrow(InputError);
        return;
      }
      expect(reassemble(parts(file(text), chunkBytes)), text).toEqual(expected);
    }), { seed: FUZZ.seed, numRuns: runs });
  });
});

describe('readJsonParts: syntax errors name the line of the file, whatever the chunks', () => {
  const cases: Array<[string, string, number]> = [
    ['[\n  {"type": "a"},\n  {"type": "b"}\n  {"type": "c"}\n]', "Expected ',' or ']' after array element", 4],
    ['{"room_id": "!a:b"\n  "state": []}', "Expected ',' or '}' after property value", 2],
    ['[1,\n2}', "Expected ',' or ']' after array element", 2],
    ['{"state": [{}]]', "Expected ',' or '}' after property value", 1],
    ['{"state"\n []}', "Expected ':' after property name", 2],
    ['{\nstate: []}', "Expected property name or '}'", 2],
    ['{"state": [],\n}', 'Expected double-quoted property name', 2],
    ['[1,\n]', "Unexpected token ']'", 2],
    // No value begins so: refused at once (not captured up to the size bound, as /dev/zero would be).
    ['[1,\n x]', "Unexpected token 'x'", 2],
    ['\0\0\0\0', "Unexpected token '\0'", 1],
    ['[1]\n\nx', 'Unexpected non-whitespace character after JSON', 3],
    ['[\n{"a": 1},\n', 'Unexpected end of JSON input', 3],
    ['{"state": [\n"abc', 'Unexpected end of JSON input', 2],
    ['', 'Unexpected end of JSON input', 1],
    // Inside an element: its line in the file, not in the element (V8 counts from the element).
    ['[1,\n{"a":\n1,\n}\n]', 'Expected double-quoted property name in JSON', 4],
    ['[\n\n{"a": tru}]', "Unexpected token '}', \"{\"a\": tru}\" is not valid JSON", 3],
    ['{"state": [],\n"now": 01}', 'Unexpected number in JSON', 2],
    ['[\n"a\\x"]', 'Bad escaped character in JSON', 2],
  ];
  for (const [text, message, line] of cases) {
    it(`${JSON.stringify(text)}: line ${line}`, () => {
      for (const chunkBytes of [1, 4, undefined]) {
        const error = errorOf(text, STATE_LIMITS, chunkBytes);
        expect(error.message).toBe(`invalid JSON: ${message}`);
        expect(error.location?.line, `chunks of ${chunkBytes}`).toBe(line);
        expect(error.message).not.toMatch(/position/);
      }
    });
  }

  it('reports the first syntax error, and only after the whole file is read (a limit further on wins)', () => {
    expect(errorOf('[1 2, 3 4]').message).toBe("invalid JSON: Expected ',' or ']' after array element");
    expect(errorOf('[x,\n[[[[1]]]]]', { ...STATE_LIMITS, maxJsonDepth: 4 })).toMatchObject({ message: 'JSON nested more than 4 levels deep', location: { line: 2 } });
    // Parts before the error are yielded, none after it.
    const seen: JsonPart[] = [];
    expect(() => { for (const part of readJsonParts(file('[1, 2, x, 4]'), { what: 'x', limits: STATE_LIMITS })) seen.push(part); }).toThrow(InputError);
    expect(seen.filter((part) => part.kind === 'element').map((part) => (part as { value: unknown }).value)).toEqual([1, 2]);
  });
});

describe('readJsonParts: the limits, counted as the file streams', () => {
  const small = (limits: Partial<JsonLimits>): JsonLimits => ({ ...STATE_LIMITS, ...limits });

  it('refuses nesting past maxJsonDepth, on the line where it goes too deep; brackets in strings do not count', () => {
    expect(errorOf('[\n{"a":\n[[1]]}]', small({ maxJsonDepth: 3 }))).toMatchObject({ message: 'JSON nested more than 3 levels deep', location: { line: 3 } });
    expect(reassemble(parts(file('[{"a": "[[[[{{{{"}]'), 1, small({ maxJsonDepth: 2 })))).toEqual([{ a: '[[[[{{{{' }]);
    expect(reassemble(parts(file('[[[1]]]'), 2, small({ maxJsonDepth: 3 })))).toEqual([[[1]]]);
  });

  it('refuses more than maxJsonEntries in one array or object, the top-level array included', () => {
    expect(errorOf('[1,2,3]', small({ maxJsonEntries: 2 })).message).toBe('more than 2 entries in one JSON array or object');
    expect(errorOf('{"state": [], "x": {"a": 1,\n"b": 2, "c": 3}}', small({ maxJsonEntries: 2 }))).toMatchObject({ message: 'more than 2 entries in one JSON array or object', location: { line: 2 } });
    expect(reassemble(parts(file('[[1,2],[3,4]]'), 3, small({ maxJsonEntries: 2 })))).toEqual([[1, 2], [3, 4]]);
    expect(reassemble(parts(file('["a,b,c,d"]'), 3, small({ maxJsonEntries: 1 })))).toEqual(['a,b,c,d']);
  });

  it('refuses more than maxJsonValues in the whole file', () => {
    // Containers and commas counted: [ [ 1 , 2 ] , [ → 5 values at the third comma.
    expect(errorOf('[[1,2],[3,4]]', small({ maxJsonValues: 4 })).message).toBe('more than 4 JSON values');
    expect(reassemble(parts(file('[[1,2],[3,4]]'), 3, small({ maxJsonValues: 6 })))).toEqual([[1, 2], [3, 4]]);
  });

  it('refuses a file past maxFileBytes before reading it; a missing file and a directory are one line each', () => {
    expect(errorOf('[1, 2, 3]', small({ maxFileBytes: 5 })).message).toBe('file is 9 bytes, larger than the 5-byte limit');
    const missing = join(dir, 'missing.json');
    expect(() => parts(missing)).toThrow(expect.objectContaining({ message: 'no such file', location: { file: missing } }));
    expect(() => parts(dir)).toThrow(/^is a directory, expected a test JSON file$/);
  });

  it('keeps a value cut across many chunks whole, without counting its inside twice', () => {
    const big = { type: 'm.room.power_levels', state_key: '', content: { users: Object.fromEntries(Array.from({ length: 300 }, (_, index) => [`@u${index}:example.org`, index])) } };
    const text = JSON.stringify({ state: [big, big], note: 'x'.repeat(5000) });
    expect(reassemble(parts(file(text), 64, small({ maxJsonEntries: 300 })))).toEqual(JSON.parse(text));
    expect(errorOf(text, small({ maxJsonEntries: 299 }), 64).message).toBe('more than 299 entries in one JSON array or object');
  });
});
