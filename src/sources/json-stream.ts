// Reads a large JSON document without ever holding it whole: the file is read in chunks and
// scanned once, and each element of its one big array (the top-level array, or the array of one
// top-level field) is parsed on its own. JSON.parse of a whole 31 MB room dump peaks at 4.6× its
// size; parsed element by element, only what the caller keeps of each element stays in memory.
// The same scan refuses the shapes that exhaust or abort Node (JsonLimits) before parsing them.
import { StringDecoder } from 'node:string_decoder';
import { InputError } from '../errors.js';
import { defineMessages, type Message, type MessageValue } from '../messages/message.js';
import { readChunks } from './read-bounded.js';

const message = defineMessages({
  'error.read.noFile': { en: 'no such file', fr: 'ce fichier n’existe pas' },
  'error.read.cannot': { en: 'cannot read ({code})', fr: 'lecture impossible ({code})' },
  // {reason}: the parser's own words (as JSON.parse says them), not ours.
  'error.json.invalid': { en: 'invalid JSON: {reason}', fr: 'JSON invalide\u00a0: {reason}' },
  'error.json.tooDeep': { en: 'JSON nested more than {max} levels deep', fr: 'JSON imbriqué sur plus de {max}\u00a0niveaux' },
  'error.json.tooManyEntries': { en: 'more than {max} entries in one JSON array or object', fr: 'plus de {max}\u00a0entrées dans un même tableau ou objet JSON' },
  'error.json.tooManyValues': { en: 'more than {max} JSON values', fr: 'plus de {max}\u00a0valeurs JSON' },
});

/** Bounds on a document. JSON.parse of a hostile file can exhaust the heap (tens of millions of
 *  tiny objects), take minutes (millions of keys in one object), abort V8 outright (an array of
 *  more than 2^27 values) or overflow the stack of whoever walks the result (deep nesting). */
export interface JsonLimits {
  maxFileBytes: number;
  maxJsonValues: number;
  maxJsonEntries: number;
  maxJsonDepth: number;
}

/** What the scan yields, in the order of the file. */
export type JsonPart =
  /** The split array begins: the document itself (no key), or the value of the field `key`. A
   *  repeated key begins it again (JSON.parse keeps the last). */
  | { kind: 'array'; key?: string }
  /** One element of the split array, parsed; `index` counts from 0 in its array. */
  | { kind: 'element'; value: unknown; index: number; line: number }
  /** A top-level field other than the split array, parsed. */
  | { kind: 'field'; key: string; value: unknown }
  /** The document is neither an array nor an object. */
  | { kind: 'scalar'; value: unknown };

export interface JsonReadOptions {
  /** What the file should be, for errors ("a state dump JSON file"). */
  what: MessageValue;
  /** The top-level field whose array is split like a top-level array. */
  splitKey?: string;
  limits: JsonLimits;
  chunkBytes?: number;
}

/** 64 KiB: each chunk's text then dies young, like the values parsed from it. With 1 MiB chunks
 *  (large objects, collected only by full GCs) a 31 MB dump peaked 20 MB higher, for no gain in time. */
const CHUNK_BYTES = 64 * 1024;

/** The parts of the JSON file `path`. Throws an InputError on a limit as soon as it is passed; a
 *  syntax error is thrown at the end of the file, so that a limit passed after it still wins (the
 *  limits are about the whole file, as when they were checked before parsing). */
export function* readJsonParts(path: string, options: JsonReadOptions): Generator<JsonPart> {
  const splitter = new JsonSplitter(path, options.splitKey, options.limits);
  const decoder = new StringDecoder('utf8');
  try {
    for (const chunk of readChunks(path, options.limits.maxFileBytes, options.what, { chunkBytes: options.chunkBytes ?? CHUNK_BYTES })) {
      splitter.write(decoder.write(chunk));
      for (let part = splitter.next(); part; part = splitter.next()) yield part;
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (error instanceof InputError || code === undefined) throw error;
    throw new InputError(code === 'ENOENT' ? message('error.read.noFile') : message('error.read.cannot', { code }), { file: path });
  }
  splitter.write(decoder.end());
  for (let part = splitter.next(); part; part = splitter.next()) yield part;
  const last = splitter.end();
  if (last) yield last;
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const NEWLINE = 0x0a;

const isSpace = (char: number) => char === 0x20 || char === NEWLINE || char === 0x0d || char === 0x09;
/** What ends a number, true, false or null (or whatever else stands where a value should). */
const endsScalar = (char: number) => isSpace(char) || char === COMMA || char === COLON || char === QUOTE
  || char === OPEN_BRACKET || char === CLOSE_BRACKET || char === OPEN_BRACE || char === CLOSE_BRACE;

/** What the limits count (and the lines): all a scan still looks at after a syntax error. */
const COUNTED = /["[\]{},\n]/g;
/** Where the next such character is, from `index` (text.length if none): one regex search skips
 *  what a character loop would take 10 times longer over (512 MiB of `/dev/zero`: 6 s). */
function nextCounted(text: string, index: number): number {
  COUNTED.lastIndex = index;
  return COUNTED.exec(text)?.index ?? text.length;
}

/** How a number, true, false or null begins. */
const startsScalar = (char: number) => char === 0x2d || (char >= 0x30 && char <= 0x39) || char === 0x74 || char === 0x66 || char === 0x6e;

/** What the skeleton expects next (outside the values it hands to JSON.parse); 'blind' after a
 *  syntax error, when only the limits are still checked. */
type Expect = 'document' | 'element-or-close' | 'element' | 'comma-or-close' | 'key-or-close' | 'key' | 'colon' | 'field' | 'end' | 'blind';
/** A value being captured: what it is, and what ends it (its closing bracket, its closing quote,
 *  or for a scalar the first character that cannot be part of it). */
type Capture = 'document' | 'element' | 'field' | 'key';
type End = 'close' | 'quote' | 'scalar';

/** The scan itself, fed text chunk by chunk. Only the skeleton — the top-level array or object,
 *  and the split array — is read here; every value in it is captured as text (across chunks when
 *  it must) and given to JSON.parse, which validates it. */
class JsonSplitter {
  /** The part just found: next() hands out one at a time, so that each is used (and mostly
   *  dropped) while young, instead of a chunk's worth of parsed values piling up. */
  private part: JsonPart | undefined;
  /** The current chunk, and how far it is scanned. */
  private text = '';
  private at = 0;
  private line = 1;
  /** The entries of each open container, outermost first (counted as commas + 1). */
  private readonly entries: number[] = [];
  private values = 0;
  private inString = false;
  /** The string goes on in the next chunk, whose first character a backslash escapes. */
  private escaped = false;
  /** Where the next backslash of the current text is (-1: none left): they are rare, so one
   *  indexOf finds them for several strings. */
  private backslash = -1;
  private expect: Expect = 'document';
  /** The skeleton's containers: the split array, or the top-level object (and its split array). */
  private readonly frames: Array<'array' | 'object'> = [];
  private key = '';
  private index = 0;
  private capture: Capture | undefined;
  private ends: End | undefined;
  /** Where the captured value starts in the current text; its text in earlier chunks. */
  private from = 0;
  private pieces: string[] = [];
  /** The nesting the captured value ends at, and the line it starts on. */
  private captureDepth = 0;
  private captureLine = 1;
  private error: InputError | undefined;

  constructor(private readonly file: string, private readonly splitKey: string | undefined, private readonly limits: JsonLimits) {}

  /** The next chunk of text: call next() until it says there are no more parts in it. */
  write(text: string): void {
    this.text = text;
    this.from = 0;
    this.backslash = text.indexOf('\\');
    this.at = this.inString && text ? this.stringEnd(text, 0) + 1 : 0;
  }

  /** The next part of the current chunk, if it has one more. */
  next(): JsonPart | undefined {
    const text = this.text;
    let index = this.at;
    for (; index < text.length && !this.part; index += 1) {
      if (this.expect === 'blind' && (index = nextCounted(text, index)) === text.length) break;
      const char = text.charCodeAt(index);
      if (this.ends === 'scalar' && endsScalar(char)) this.finish(text, index);
      switch (char) {
        case QUOTE:
          if (!this.capture) this.token(char, index);
          index = this.stringEnd(text, index + 1);
          break;
        case OPEN_BRACE:
        case OPEN_BRACKET:
          this.entries.push(1);
          this.values += 1;
          if (this.entries.length > this.limits.maxJsonDepth) throw this.refuse(message('error.json.tooDeep', { max: this.limits.maxJsonDepth }));
          if (!this.capture) this.token(char, index);
          break;
        case CLOSE_BRACE:
        case CLOSE_BRACKET:
          this.entries.pop();
          if (!this.capture) this.token(char, index);
          else if (this.ends === 'close' && this.entries.length === this.captureDepth) this.finish(text, index + 1);
          break;
        case COMMA: {
          this.values += 1;
          const depth = this.entries.length;
          if (depth && ++this.entries[depth - 1] > this.limits.maxJsonEntries) throw this.refuse(message('error.json.tooManyEntries', { max: this.limits.maxJsonEntries }));
          if (this.values > this.limits.maxJsonValues) throw this.refuse(message('error.json.tooManyValues', { max: this.limits.maxJsonValues }));
          if (!this.capture) this.token(char, index);
          break;
        }
        case NEWLINE:
          this.line += 1;
          break;
        default:
          if (!this.capture && !isSpace(char)) this.token(char, index);
      }
    }
    this.at = index;
    if (!this.part && this.capture) this.pieces.push(text.slice(this.from));
    return this.taken();
  }

  /** The input is over: its last part (a number at the very end), or what is wrong with it. */
  end(): JsonPart | undefined {
    if (this.ends === 'scalar') {
      this.from = 0;
      this.finish('', 0);
    }
    if (this.expect !== 'end') this.fail('Unexpected end of JSON input');
    if (this.error) throw this.error;
    return this.taken();
  }

  private taken(): JsonPart | undefined {
    const part = this.part;
    this.part = undefined;
    return part;
  }

  /** Index of the quote that closes the string `text` is in from `from` (ending a captured string
   *  there), or text.length when the string goes on in the next chunk. */
  private stringEnd(text: string, from: number): number {
    let index = from;
    if (this.escaped) {
      this.escaped = false;
      index += 1;
    }
    for (;;) {
      if (this.backslash !== -1 && this.backslash < index) this.backslash = text.indexOf('\\', index);
      const quote = text.indexOf('"', index);
      if (this.backslash !== -1 && (quote === -1 || this.backslash < quote)) {
        index = this.backslash + 2;
        if (index > text.length) {
          this.escaped = true;
          break;
        }
        continue;
      }
      if (quote === -1) break;
      this.inString = false;
      if (this.ends === 'quote') this.finish(text, quote + 1);
      return quote;
    }
    this.inString = true;
    return text.length;
  }

  /** A character of the skeleton (not whitespace, not inside a captured value). */
  private token(char: number, index: number): void {
    switch (this.expect) {
      case 'blind':
        return;
      case 'document':
        if (char === OPEN_BRACKET) return this.beginSplit(undefined);
        if (char === OPEN_BRACE) {
          this.frames.push('object');
          this.expect = 'key-or-close';
          return;
        }
        return this.value('document', char, index);
      case 'element-or-close':
        if (char === CLOSE_BRACKET) return this.close();
        return this.value('element', char, index);
      case 'element':
        return this.value('element', char, index);
      case 'comma-or-close': {
        const inArray = this.frames[this.frames.length - 1] === 'array';
        if (char === COMMA) {
          this.expect = inArray ? 'element' : 'key';
          return;
        }
        if (char === (inArray ? CLOSE_BRACKET : CLOSE_BRACE)) return this.close();
        return this.fail(inArray ? "Expected ',' or ']' after array element" : "Expected ',' or '}' after property value");
      }
      case 'key-or-close':
        if (char === CLOSE_BRACE) return this.close();
        if (char === QUOTE) return this.begin('key', 'quote', index);
        return this.fail("Expected property name or '}'");
      case 'key':
        if (char === QUOTE) return this.begin('key', 'quote', index);
        return this.fail('Expected double-quoted property name');
      case 'colon':
        if (char === COLON) {
          this.expect = 'field';
          return;
        }
        return this.fail("Expected ':' after property name");
      case 'field':
        if (char === OPEN_BRACKET && this.key === this.splitKey) return this.beginSplit(this.key);
        return this.value('field', char, index);
      case 'end':
        return this.fail('Unexpected non-whitespace character after JSON');
    }
  }

  private beginSplit(key: string | undefined): void {
    this.frames.push('array');
    this.index = 0;
    this.part = { kind: 'array', key };
    this.expect = 'element-or-close';
  }

  private close(): void {
    this.frames.pop();
    this.expect = this.frames.length ? 'comma-or-close' : 'end';
  }

  /** A value begins with `char`. Refused at once when no value can begin so: `/dev/zero` would
   *  otherwise be captured whole, as one scalar, up to the size bound. */
  private value(capture: Capture, char: number, index: number): void {
    if (char === QUOTE) return this.begin(capture, 'quote', index);
    if (char === OPEN_BRACE || char === OPEN_BRACKET) return this.begin(capture, 'close', index);
    if (startsScalar(char)) return this.begin(capture, 'scalar', index);
    this.fail(`Unexpected token '${String.fromCharCode(char)}'`);
  }

  private begin(capture: Capture, end: End, index: number): void {
    this.capture = capture;
    this.ends = end;
    this.from = index;
    // A container's opening bracket is already counted: it ends when the nesting is back below it.
    this.captureDepth = end === 'close' ? this.entries.length - 1 : this.entries.length;
    this.captureLine = this.line;
  }

  /** The captured value ends before `end` in `text`: parse it. */
  private finish(text: string, end: number): void {
    const capture = this.capture;
    let source = '';
    let value: unknown;
    try {
      // Joining may fail too: a value as long as the 512 MiB bound is past V8's longest string.
      source = this.pieces.length ? this.pieces.join('') + text.slice(this.from, end) : text.slice(this.from, end);
      value = JSON.parse(source);
    } catch (error) {
      return this.fail(...parseError(error as Error, source, this.captureLine));
    } finally {
      this.pieces = [];
      this.capture = undefined;
      this.ends = undefined;
    }
    if (capture === 'key') {
      this.key = value as string;
      this.expect = 'colon';
      return;
    }
    if (capture === 'element') this.part = { kind: 'element', value, index: this.index++, line: this.captureLine };
    else if (capture === 'field') this.part = { kind: 'field', key: this.key, value };
    else this.part = { kind: 'scalar', value };
    this.expect = capture === 'document' ? 'end' : 'comma-or-close';
  }

  /** A syntax error: the first one is thrown at the end; until then only the limits are checked. */
  private fail(reason: string, line = this.line): void {
    this.error ??= new InputError(message('error.json.invalid', { reason }), { file: this.file, line });
    this.expect = 'blind';
    this.capture = undefined;
    this.ends = undefined;
    this.pieces = [];
  }

  private refuse(why: Message): InputError {
    return new InputError(why, { file: this.file, line: this.line });
  }
}

/** JSON.parse's message on a value that starts on line `line` of the file, and the line of the
 *  error: V8's position ("at position 12 (line 1 column 13)") is within the value, not the file. */
function parseError(error: Error, source: string, line: number): [string, number] {
  const position = /at position (\d+)/.exec(error.message)?.[1];
  let errorLine = line;
  if (position !== undefined) {
    for (let at = source.indexOf('\n'); at !== -1 && at < Number(position); at = source.indexOf('\n', at + 1)) errorLine += 1;
  }
  return [error.message.replace(/ at position \d+( \(line \d+ column \d+\))?/, '').split('\n')[0], errorLine];
}
