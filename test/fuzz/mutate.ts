// Mutations of a seed, as fast-check arbitraries (so a failure shrinks to the fewest, smallest
// changes): on the parsed tree (types: a value replaced by one of another type, keys deleted,
// renamed, known options set to odd values), on the text (YAML structure: tokens, indentation,
// lines, anchors and aliases, tags), on the bytes (flips, inserts, cuts, splices) and on the
// encoding (UTF-16/32, Latin-1, BOMs, CR/CRLF, invalid UTF-8 sequences).
import fc from 'fast-check';
import { dump } from 'js-yaml';
import type { Seed } from './corpus.js';
import catalogue from '../../src/generated/catalogue.json' with { type: 'json' };

// ---------------------------------------------------------------------------------------------
// Odd values

const ODD_STRINGS = [
  '', ' ', '~', 'null', 'Null', 'yes', 'no', 'on', 'off', 'y', 'n', 'true', 'False', '0660', '0o660', '0x1F', '0b101', '1:30', '1_000',
  '.inf', '-.inf', '.nan', '1e400', '-0', '1d', '7d', '180d', '1y', '-1d', '0s', '1.5h', '10M', '5GiB', '99999999999999999999999d',
  '2w', '30 days', 'forever', 'invite', 'all', 'public', 'private', 'knock', 'restricted', 'world_readable', 'shared', 'joined',
  'can_join', 'forbidden', 'untracked', 'matrix.org', '*', '*.org', '127.0.0.1', '@a:b', '@:', '!r:b', '#a:b', ':', '@', 'https://x',
  'http://[::1]:8008', 'file:///etc/passwd', '../../etc/passwd', '/dev/zero', '\u0000', '\u202e', '\ufeff', 'é', '😀', '\ud800',
  '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '${HOME}', '%(x)s', '{{ x }}', '<<', '=', '- a', '{a: 1}',
  '[1, 2', '"', "'", '\\', '\n', '\t', '\r\n', 'a'.repeat(5000), 'm.room.message', 'm.megolm.v1.aes-sha2',
  '\u001b[31mred\u001b[0m', '\u001b]0;title\u0007', '\u009b2J',
];
const ODD_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '<<', '', ' ', '0', '1', 'null', 'true', '.', 'a.b', '😀', 'enabled', 'users', 'content'];

/** A scalar of any type, with the values parsers and checks get wrong most often. */
export const oddScalar: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1, 2 ** 31, 2 ** 53 + 2, -(2 ** 53), 1e308, -1e-308, 0.5, Number.NaN, Infinity, -Infinity),
  fc.constantFrom(...ODD_STRINGS),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 12 }),
  fc.string({ maxLength: 6, unit: 'binary' }),
);

/** Mappings whose keys shadow what String(), templates and arithmetic call: they make String()
 *  throw unless the code checks the type first. */
const TRAP_OBJECTS: unknown[] = [{ toString: 0 }, { toString: '' }, { valueOf: {}, toString: {} }, [{ toString: 0 }], { server_name: { toString: 0 } }, { id: { toString: 1 } }, { length: 1e9 }, { 0: 'a', length: 2 }];

/** Any value: scalars, lists and mappings, nested a few levels, with odd keys. */
export const oddValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    oddScalar,
    fc.constantFrom(...TRAP_OBJECTS),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.constantFrom(...ODD_KEYS), fc.string({ maxLength: 8 })), tie('value'), { maxKeys: 4 }),
  ),
})).value;

// ---------------------------------------------------------------------------------------------
// Tree (type) mutations

/** Every option path mxlint knows (the catalogue), to set to odd values. */
const OPTION_PATHS = Object.keys((catalogue as { options: Record<string, unknown> }).options);
/** What a room's facts read: event types and content fields. */
export const ROOM_EVENT_TYPES = [
  'm.room.create', 'm.room.power_levels', 'm.room.join_rules', 'm.room.encryption', 'm.room.history_visibility', 'm.room.guest_access',
  'm.room.server_acl', 'm.room.member', 'm.room.canonical_alias', 'm.room.name', 'm.room.topic', 'm.room.retention', 'm.room.tombstone',
  'm.bridge', 'uk.half-shot.bridge', 'm.space.child', 'm.space.parent', 'm.room.message', 'm.federate', '', 'x'.repeat(300),
];
export const ROOM_FIELDS = [
  'users', 'users_default', 'events', 'events_default', 'state_default', 'ban', 'kick', 'invite', 'redact', 'notifications', 'join_rule',
  'allow', 'deny', 'allow_ip_literals', 'history_visibility', 'guest_access', 'algorithm', 'membership', 'alias', 'alt_aliases',
  'm.federate', 'room_version', 'predecessor', 'max_lifetime', 'min_lifetime', 'creator', 'additional_creators', 'type', 'name',
  'protocol', 'network', 'bridgebot', 'replacement_room', 'body', 'displayname',
];

export type TreeOp =
  | { op: 'set'; pick: number; value: unknown }
  | { op: 'setOption'; path: string; value: unknown }
  | { op: 'delete'; pick: number }
  | { op: 'rename'; pick: number; to: string }
  | { op: 'move'; from: number; to: number }
  | { op: 'wrap'; pick: number; as: 'list' | 'map' }
  | { op: 'event'; type: string; field: string; value: unknown; stateKey: unknown }
  | { op: 'eventField'; pick: number; field: string; value: unknown }
  | { op: 'duplicate'; pick: number }
  | { op: 'root'; as: 'array' | 'state' | 'unwrap' | 'extras'; extras: unknown };

const configTreeOp: fc.Arbitrary<TreeOp> = fc.oneof(
  fc.record({ op: fc.constant('set' as const), pick: fc.nat(), value: oddValue }),
  { weight: 3, arbitrary: fc.record({ op: fc.constant('setOption' as const), path: fc.constantFrom(...OPTION_PATHS), value: oddValue }) },
  fc.record({ op: fc.constant('delete' as const), pick: fc.nat() }),
  fc.record({ op: fc.constant('rename' as const), pick: fc.nat(), to: fc.oneof(fc.constantFrom(...OPTION_PATHS.map((path) => path.split('.').pop()!)), fc.constantFrom(...ODD_KEYS)) }),
  fc.record({ op: fc.constant('move' as const), from: fc.nat(), to: fc.nat() }),
  fc.record({ op: fc.constant('wrap' as const), pick: fc.nat(), as: fc.constantFrom('list' as const, 'map' as const) }),
);

const roomTreeOp: fc.Arbitrary<TreeOp> = fc.oneof(
  fc.record({ op: fc.constant('set' as const), pick: fc.nat(), value: oddValue }),
  { weight: 3, arbitrary: fc.record({ op: fc.constant('event' as const), type: fc.constantFrom(...ROOM_EVENT_TYPES), field: fc.constantFrom(...ROOM_FIELDS), value: oddValue, stateKey: fc.oneof(fc.constant(''), fc.constant('@x:evil.example'), oddScalar) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('eventField' as const), pick: fc.nat(), field: fc.constantFrom(...ROOM_FIELDS), value: oddValue }) },
  fc.record({ op: fc.constant('delete' as const), pick: fc.nat() }),
  fc.record({ op: fc.constant('rename' as const), pick: fc.nat(), to: fc.constantFrom('type', 'state_key', 'content', 'sender', 'room_id', ...ROOM_FIELDS, ...ODD_KEYS) }),
  fc.record({ op: fc.constant('move' as const), from: fc.nat(), to: fc.nat() }),
  fc.record({ op: fc.constant('wrap' as const), pick: fc.nat(), as: fc.constantFrom('list' as const, 'map' as const) }),
  fc.record({ op: fc.constant('duplicate' as const), pick: fc.nat() }),
  fc.record({ op: fc.constant('root' as const), as: fc.constantFrom('array' as const, 'state' as const, 'unwrap' as const, 'extras' as const), extras: fc.record({ members: oddValue, published: oddValue, room_id: oddValue }, { requiredKeys: [] }) }),
);

type Container = Record<string, unknown> | unknown[];
interface Slot { parent: Container; key: string | number }

/** Every (parent, key) of a tree, depth first. */
function slots(value: unknown, out: Slot[] = [], depth = 0): Slot[] {
  if (depth > 60 || value === null || typeof value !== 'object' || value instanceof Date) return out;
  const container = value as Container;
  for (const key of Array.isArray(container) ? container.keys() : Object.keys(container)) {
    out.push({ parent: container, key });
    slots((container as any)[key], out, depth + 1);
  }
  return out;
}

const get = (slot: Slot) => (slot.parent as any)[slot.key];
function put(slot: Slot, value: unknown): void {
  if (Array.isArray(slot.parent)) slot.parent[slot.key as number] = value;
  else Object.defineProperty(slot.parent, slot.key, { value, enumerable: true, writable: true, configurable: true });
}
function remove(slot: Slot): void {
  if (Array.isArray(slot.parent)) slot.parent.splice(slot.key as number, 1);
  else delete slot.parent[slot.key as string];
}

/** Sets a dotted option path, making (or replacing) the mappings on the way. */
function setPath(root: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node: Record<string, unknown> = root;
  for (const part of parts.slice(0, -1)) {
    const next = Object.hasOwn(node, part) ? node[part] : undefined;
    if (!next || typeof next !== 'object' || Array.isArray(next)) {
      const fresh: Record<string, unknown> = {};
      Object.defineProperty(node, part, { value: fresh, enumerable: true, writable: true, configurable: true });
      node = fresh;
    } else node = next as Record<string, unknown>;
  }
  Object.defineProperty(node, parts.at(-1)!, { value, enumerable: true, writable: true, configurable: true });
}

/** The events of a dump (the array, or its "state"), or undefined. */
function eventsOf(root: unknown): unknown[] | undefined {
  if (Array.isArray(root)) return root;
  if (root && typeof root === 'object' && Array.isArray((root as any).state)) return (root as any).state;
  return undefined;
}

export function applyTreeOps(seed: unknown, ops: TreeOp[]): unknown {
  let root: unknown = structuredClone(seed);
  for (const op of ops) {
    const all = slots(root);
    const at = (pick: number) => all[pick % all.length];
    switch (op.op) {
      case 'set':
        if (all.length) put(at(op.pick), structuredClone(op.value));
        else root = structuredClone(op.value);
        break;
      case 'setOption':
        if (!root || typeof root !== 'object' || Array.isArray(root)) root = {};
        setPath(root as Record<string, unknown>, op.path, structuredClone(op.value));
        break;
      case 'delete':
        if (all.length) remove(at(op.pick));
        break;
      case 'rename': {
        if (!all.length) break;
        const slot = at(op.pick);
        if (Array.isArray(slot.parent)) break;
        const value = get(slot);
        remove(slot);
        put({ parent: slot.parent, key: op.to }, value);
        break;
      }
      case 'move': {
        if (all.length < 2) break;
        const from = at(op.from);
        const to = at(op.to);
        if (from === to) break;
        put(to, structuredClone(get(from)));
        break;
      }
      case 'wrap': {
        if (!all.length) break;
        const slot = at(op.pick);
        put(slot, op.as === 'list' ? [get(slot)] : { value: get(slot) });
        break;
      }
      case 'event': {
        const events = eventsOf(root) ?? (root = []) as unknown[];
        events.push({ type: op.type, state_key: op.stateKey, sender: '@fuzz:example.org', content: { [op.field]: structuredClone(op.value) } });
        break;
      }
      case 'eventField': {
        const events = eventsOf(root);
        if (!events?.length) break;
        const event = events[op.pick % events.length] as any;
        if (event && typeof event === 'object' && event.content && typeof event.content === 'object' && !Array.isArray(event.content)) {
          put({ parent: event.content, key: op.field }, structuredClone(op.value));
        }
        break;
      }
      case 'duplicate': {
        const events = eventsOf(root);
        if (events?.length) events.push(structuredClone(events[op.pick % events.length]));
        break;
      }
      case 'root':
        if (op.as === 'array') root = Array.isArray(root) ? root : [root];
        else if (op.as === 'state') root = { state: eventsOf(root) ?? root };
        else if (op.as === 'unwrap') root = eventsOf(root) ?? root;
        else root = { ...(op.extras as object), state: eventsOf(root) ?? root };
        break;
    }
  }
  return root;
}

// ---------------------------------------------------------------------------------------------
// Text, byte and encoding mutations

/** YAML tokens that change the structure or the types. */
const YAML_TOKENS = [
  '&a ', '*a', '<<: *a\n', '<<: [*a, *b]\n', '&b [1, 2]', '!!python/object:os.system ', '!!binary ', '!!int ', '!!float ', '!!bool ',
  '!!str ', '!!null ', '!!timestamp ', '!!set ', '!!omap ', '!!pairs ', '!!map ', '!!seq ', '!custom ', '!<tag:yaml.org,2002:int> ', '? ', '- ', ': ',
  '{', '}', '[', ']', ',', '|', '|-', '>', '>+', '"', "'", '#', '%YAML 1.1\n', '%TAG ! tag:x,2000:\n', '---\n', '...\n', '=', '~',
  '\t', '\n', '\n  ', '\r', '\\', '@', '`', '%', 'key: value\n', 'x:\n  - y\n  - z: 1\n', '{a: *a}', '[[[[[[', ']]]]', '? [a, b]\n: c\n',
  '"\\uD800"', '"\\x00"', '"\\U0010FFFF"', "'''", 'null', 'yes', 'off', '0660', '1:30', '2001-12-14t21:59:43.10-05:00', '.inf', '.nan',
];
/** Byte sequences that are not valid UTF-8 (or are surprising in it). */
const BAD_UTF8 = [[0xff], [0xfe, 0xff], [0xc0, 0x80], [0xc3], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0x80], [0x00], [0xef, 0xbb, 0xbf], [0xe2, 0x80, 0xa8], [0xc2, 0x85]];
const ENCODINGS = ['utf16le', 'utf16le-bom', 'utf16be-bom', 'utf32le-bom', 'latin1', 'utf8-bom', 'crlf', 'cr', 'nul-padded'] as const;

export type ByteOp =
  | { op: 'flip'; at: number; bit: number }
  | { op: 'insert'; at: number; bytes: Uint8Array }
  | { op: 'token'; at: number; token: string; lineStart: boolean }
  | { op: 'badUtf8'; at: number; seq: number[] }
  | { op: 'cut'; at: number; length: number }
  | { op: 'truncate'; at: number }
  | { op: 'repeat'; at: number; length: number; times: number }
  | { op: 'splice'; other: number; at: number; otherAt: number; length: number }
  | { op: 'swapLines'; a: number; b: number }
  | { op: 'indent'; line: number; delta: number }
  | { op: 'value'; line: number; value: string }
  | { op: 'encode'; as: (typeof ENCODINGS)[number] };

const byteOp: fc.Arbitrary<ByteOp> = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  { weight: 3, arbitrary: fc.record({ op: fc.constant('token' as const), at: fc.nat(), token: fc.constantFrom(...YAML_TOKENS), lineStart: fc.boolean() }) },
  fc.record({ op: fc.constant('badUtf8' as const), at: fc.nat(), seq: fc.constantFrom(...BAD_UTF8) }),
  fc.record({ op: fc.constant('cut' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 400 }) }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('repeat' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 200 }), times: fc.integer({ min: 2, max: 50 }) }),
  fc.record({ op: fc.constant('splice' as const), other: fc.nat(), at: fc.nat(), otherAt: fc.nat(), length: fc.integer({ min: 1, max: 600 }) }),
  fc.record({ op: fc.constant('swapLines' as const), a: fc.nat(), b: fc.nat() }),
  fc.record({ op: fc.constant('indent' as const), line: fc.nat(), delta: fc.integer({ min: -4, max: 4 }) }),
  { weight: 2, arbitrary: fc.record({ op: fc.constant('value' as const), line: fc.nat(), value: fc.oneof(fc.constantFrom(...ODD_STRINGS.filter((text) => text.length < 100)), fc.constantFrom(...YAML_TOKENS)) }) },
  fc.record({ op: fc.constant('encode' as const), as: fc.constantFrom(...ENCODINGS) }),
);

const lineStarts = (bytes: Buffer): number[] => {
  const starts = [0];
  for (let index = 0; index < bytes.length; index += 1) if (bytes[index] === 0x0a) starts.push(index + 1);
  return starts;
};

function encode(bytes: Buffer, as: ByteOp & { op: 'encode' }): Buffer {
  const text = bytes.toString('utf8');
  switch (as.as) {
    case 'utf16le': return Buffer.from(text, 'utf16le');
    case 'utf16le-bom': return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    case 'utf16be-bom': return Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]);
    case 'utf32le-bom': {
      const points = [0xfeff, ...Array.from(text, (char) => char.codePointAt(0)!)];
      const out = Buffer.alloc(points.length * 4);
      points.forEach((point, index) => out.writeUInt32LE(point, index * 4));
      return out;
    }
    case 'latin1': return Buffer.from(text, 'latin1');
    case 'utf8-bom': return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]);
    case 'crlf': return Buffer.from(bytes.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
    case 'cr': return Buffer.from(bytes.toString('latin1').replace(/\r?\n/g, '\r'), 'latin1');
    case 'nul-padded': return Buffer.concat([bytes, Buffer.alloc(16)]);
  }
}

export function applyByteOps(input: Buffer, ops: ByteOp[], others: Seed[]): Buffer {
  let bytes = input;
  for (const op of ops) {
    const size = bytes.length;
    const pos = (at: number) => (size === 0 ? 0 : at % (size + 1));
    switch (op.op) {
      case 'flip': {
        if (!size) break;
        bytes = Buffer.from(bytes);
        bytes[op.at % size] ^= 1 << op.bit;
        break;
      }
      case 'insert':
        bytes = Buffer.concat([bytes.subarray(0, pos(op.at)), Buffer.from(op.bytes), bytes.subarray(pos(op.at))]);
        break;
      case 'token': {
        const starts = lineStarts(bytes);
        const at = op.lineStart ? starts[op.at % starts.length] : pos(op.at);
        bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(op.token), bytes.subarray(at)]);
        break;
      }
      case 'badUtf8':
        bytes = Buffer.concat([bytes.subarray(0, pos(op.at)), Buffer.from(op.seq), bytes.subarray(pos(op.at))]);
        break;
      case 'cut':
        bytes = Buffer.concat([bytes.subarray(0, pos(op.at)), bytes.subarray(pos(op.at) + op.length)]);
        break;
      case 'truncate':
        bytes = bytes.subarray(0, pos(op.at));
        break;
      case 'repeat': {
        const chunk = bytes.subarray(pos(op.at), pos(op.at) + op.length);
        bytes = Buffer.concat([bytes.subarray(0, pos(op.at)), ...Array.from({ length: op.times }, () => chunk), bytes.subarray(pos(op.at))]);
        break;
      }
      case 'splice': {
        const other = others[op.other % others.length].bytes;
        const from = other.length ? op.otherAt % other.length : 0;
        bytes = Buffer.concat([bytes.subarray(0, pos(op.at)), other.subarray(from, from + op.length), bytes.subarray(pos(op.at))]);
        break;
      }
      case 'swapLines': {
        const lines = bytes.toString('latin1').split('\n');
        const a = op.a % lines.length;
        const b = op.b % lines.length;
        [lines[a], lines[b]] = [lines[b], lines[a]];
        bytes = Buffer.from(lines.join('\n'), 'latin1');
        break;
      }
      case 'indent': {
        const lines = bytes.toString('latin1').split('\n');
        const index = op.line % lines.length;
        lines[index] = op.delta >= 0 ? ' '.repeat(op.delta) + lines[index] : lines[index].replace(new RegExp(`^ {0,${-op.delta}}`), '');
        bytes = Buffer.from(lines.join('\n'), 'latin1');
        break;
      }
      case 'value': {
        // Replace what follows the first ": " (or "- ") of a line: a scalar of another type.
        const lines = bytes.toString('latin1').split('\n');
        const index = op.line % lines.length;
        lines[index] = lines[index].replace(/^(\s*(?:- )?[^:#]*?:\s|\s*- )(.*)$/, (_all, head: string) => `${head}${op.value.replaceAll('\n', '\\n')}`);
        bytes = Buffer.from(lines.join('\n'), 'latin1');
        break;
      }
      case 'encode':
        bytes = encode(bytes, op);
        break;
    }
  }
  return bytes;
}

// ---------------------------------------------------------------------------------------------
// Whole inputs

export type Shape = 'yaml' | 'flow' | 'json';

export interface Mutant {
  seed: number;
  tree: TreeOp[];
  shape: Shape;
  bytes: ByteOp[];
}

/** A seed (by index) with up to 3 tree and up to 4 byte mutations; `tree` ops only apply to
 *  seeds that parse. */
export function mutantArb(seeds: Seed[], kind: 'config' | 'room'): fc.Arbitrary<Mutant> {
  return fc.record({
    seed: fc.nat({ max: seeds.length - 1 }),
    tree: fc.array(kind === 'config' ? configTreeOp : roomTreeOp, { maxLength: 3 }),
    shape: fc.constantFrom<Shape>('yaml', 'yaml', 'flow', 'json'),
    // Most byte mutations break JSON at once: rooms get them less often, so that most mutants
    // reach the facts and the rules.
    bytes: kind === 'config' ? fc.array(byteOp, { maxLength: 4 }) : fc.oneof({ weight: 3, arbitrary: fc.constant<ByteOp[]>([]) }, fc.array(byteOp, { maxLength: 2 })),
  }).filter((mutant) => mutant.tree.length + mutant.bytes.length > 0);
}

/** Serialises a tree as YAML (block or flow) or JSON. */
export function serialise(value: unknown, shape: Shape): Buffer {
  if (shape === 'json') return Buffer.from(JSON.stringify(value, null, 1) ?? 'null');
  return Buffer.from(dump(value, { noRefs: true, lineWidth: -1, skipInvalid: true, flowLevel: shape === 'flow' ? 1 : -1 }));
}

/** The bytes of a mutant: tree mutations on the parsed seed (re-serialised), then byte mutations. */
export function render(mutant: Mutant, seeds: Seed[], kind: 'config' | 'room'): Buffer {
  const seed = seeds[mutant.seed];
  let bytes = seed.bytes;
  if (mutant.tree.length && seed.parsed !== undefined) {
    bytes = serialise(applyTreeOps(seed.parsed, mutant.tree), kind === 'room' && mutant.shape !== 'json' ? 'json' : mutant.shape);
  }
  return applyByteOps(bytes, mutant.bytes, seeds);
}

/** A short description for failure messages. */
export function describeMutant(mutant: Mutant, seeds: Seed[]): string {
  return `${seeds[mutant.seed].name} + ${JSON.stringify({ tree: mutant.tree, bytes: mutant.bytes }, (_key, value) => (value instanceof Uint8Array ? Array.from(value) : typeof value === 'number' && !Number.isFinite(value) ? String(value) : value)).slice(0, 600)}`;
}
