// readStateDump and readMembers on the streaming reader: the same dump as reading it whole, member
// events kept slim without changing any finding, the same errors (now with their line).
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { render } from '../../src/messages/message.js';
import { InputError } from '../../src/errors.js';
import { lintRoom } from '../../src/lint-room.js';
import { currentState, parseStateEvents, readMembers, readStateDump } from '../../src/sources/state-dump.js';
import { ROOT } from '../cli/run.js';

const dir = mkdtempSync(join(tmpdir(), 'mxlint-state-dump-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const file = (value: unknown) => {
  const path = join(dir, `dump-${files++}.json`);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value, null, 1));
  return path;
};
const errorOf = (read: () => unknown): InputError => {
  try {
    read();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('no error');
};

const CREATE = { type: 'm.room.create', state_key: '', sender: '@alice:example.org', content: { room_version: '10', creator: '@alice:example.org' }, origin_server_ts: 1_736_935_200_000, room_id: '!r:example.org' };
const member = (user: string, membership: unknown) => ({ type: 'm.room.member', state_key: user, sender: user, content: { membership, displayname: `Name of ${user}`, avatar_url: 'mxc://example.org/a' }, event_id: `$${user}`, origin_server_ts: 1 });

const roomDumps = readdirSync(join(ROOT, 'fixtures/room-dumps')).map((name) => join(ROOT, 'fixtures/room-dumps', name));
const roomFixtures = readdirSync(join(ROOT, 'fixtures/room'), { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.json')).map((name) => join(ROOT, 'fixtures/room', name));

describe('readStateDump', () => {
  it('reduces member events to their membership, keeps other events whole, and shares one content per membership', () => {
    const name = { type: 'm.room.name', state_key: '', content: { name: 'Room' }, sender: '@alice:example.org', unsigned: { age: 5 } };
    const dump = readStateDump(file([member('@bob:example.org', 'join'), CREATE, member('@carol:example.org', 'leave'), name, member('@dan:example.org', 'join'), member('@eve:example.org', ['join'])]), 7);
    expect(dump.state).toEqual([
      { type: 'm.room.member', state_key: '@bob:example.org', content: { membership: 'join' } },
      CREATE,
      { type: 'm.room.member', state_key: '@carol:example.org', content: { membership: 'leave' } },
      name,
      { type: 'm.room.member', state_key: '@dan:example.org', content: { membership: 'join' } },
      { type: 'm.room.member', state_key: '@eve:example.org', content: { membership: ['join'] } },
    ]);
    expect(dump.state[0].content).toBe(dump.state[4].content);
    expect(Object.isFrozen(dump.state[0].content)).toBe(true);
    // The room id of the first event that has one, member events included (before they are slimmed).
    expect(dump.roomId).toBe('!r:example.org');
    expect(readStateDump(file([{ ...member('@bob:example.org', 'join'), room_id: '!m:example.org' }, CREATE])).roomId).toBe('!m:example.org');
    expect(readStateDump(file([{ type: 'x', state_key: '', content: {} }])).roomId).toMatch(/dump-\d+\.json$/);
  });

  it('reads the wrapper\'s fields before and after the state; a repeated "state" keeps the last, as JSON.parse does', () => {
    const path = file(`{"room_id": "!w:example.org", "published": true,\n"state": [${JSON.stringify(CREATE)}],\n"members": ["@a:example.org"], "localServer": "example.org", "lastEventTs": 5, "now": 6, "other": {"state": 1}}`);
    expect(readStateDump(path, 3)).toEqual({
      roomId: '!w:example.org', state: [CREATE], members: ['@a:example.org'], published: true, localServer: 'example.org', lastEventTs: 5, now: 6, warnings: [],
    });
    expect(readStateDump(file('{"state": [1], "state": [{"type": "a", "state_key": "", "content": {}}]}')).state).toHaveLength(1);
    expect(errorOf(() => readStateDump(file('{"state": [], "state": {}}'))).message).toBe('a state dump must be a JSON array of state events (or {"state": [...]})');
    // "__proto__" is a field like any other, not the wrapper's prototype.
    expect(readStateDump(file('{"__proto__": {"members": 5}, "state": []}')).members).toBeUndefined();
  });

  it('reads every room fixture as JSON.parse and parseStateEvents read it, member events slimmed, in chunks of 7 bytes', () => {
    for (const path of [...roomDumps, ...roomFixtures]) {
      const data = JSON.parse(readFileSync(path, 'utf8'));
      const wrapper = Array.isArray(data) ? {} : data;
      const state = parseStateEvents(data, path);
      const dump = readStateDump(path, 7);
      expect(dump.state.filter((event) => event.type !== 'm.room.member'), path).toEqual(state.filter((event) => event.type !== 'm.room.member'));
      expect(dump.state.map((event) => [event.type, event.state_key, event.content.membership]), path).toEqual(state.map((event) => [event.type, event.state_key, event.content.membership]));
      expect(dump.state.filter((event) => event.type === 'm.room.member').every((event) => Object.keys(event.content).join() === 'membership'), path).toBe(true);
      expect({ ...dump, state: undefined }, path).toEqual({
        roomId: String(wrapper.room_id ?? (state.find((event: any) => typeof event.room_id === 'string') as any)?.room_id ?? path),
        state: undefined, members: wrapper.members, published: wrapper.published, localServer: wrapper.localServer, lastEventTs: wrapper.lastEventTs, now: wrapper.now, warnings: [],
      });
    }
  });

  it('slim member events change no fact, finding, verdict or classification of any room fixture', () => {
    for (const path of [...roomDumps, ...roomFixtures]) {
      const data = JSON.parse(readFileSync(path, 'utf8'));
      const dump = readStateDump(path);
      const input = { roomId: dump.roomId, source: path, members: dump.members, published: dump.published, localServer: dump.localServer ?? 'example.org', lastEventTs: dump.lastEventTs, now: dump.now ?? 1_750_000_000_000 };
      const slim = lintRoom({ ...input, state: dump.state });
      const whole = lintRoom({ ...input, state: parseStateEvents(data, path) });
      expect(slim.facts.values, path).toEqual(whole.facts.values);
      expect([slim.findings, slim.verdicts, slim.classification], path).toEqual([whole.findings, whole.verdicts, whole.classification]);
    }
  });

  it('names the malformed event and its line; limits and syntax errors further on come first, as when checked before parsing', () => {
    const events = `[\n${JSON.stringify(CREATE)},\n{"type": "m.room.name", "content": {}},\n{"type": 7}\n]`;
    expect(errorOf(() => readStateDump(file(events), 5))).toMatchObject({ message: 'event 1 has no "state_key" string', location: { line: 3 } });
    expect(errorOf(() => readStateDump(file('[null]'))).message).toBe('event 0 is not an object');
    expect(errorOf(() => readStateDump(file('{"state": [{"type": "a", "state_key": "", "content": []}]}'))).message).toBe('event 0 has no "content" object');
    expect(errorOf(() => readStateDump(file('[1, 2, x]'))).message).toMatch(/^invalid JSON: /);
    expect(errorOf(() => readStateDump(file(`[1, {"a": ${'['.repeat(120)}${']'.repeat(120)}}]`))).message).toBe('JSON nested more than 100 levels deep');
    // Before the state's shape: a wrapper without a state array; after it: the wrapper's fields.
    expect(errorOf(() => readStateDump(file({ members: 5, state: {} }))).message).toMatch(/^a state dump must be a JSON array/);
    expect(errorOf(() => readStateDump(file({ members: 5, state: [1] }))).message).toBe('event 0 is not an object');
    expect(errorOf(() => readStateDump(file({ members: '@a:b', state: [] }))).message).toBe('"members" must be an array of user ids');
    expect(errorOf(() => readStateDump(file({ state: [], now: 'today' }))).message).toBe('"now" must be a timestamp in milliseconds');
  });
});

describe('repeated state: the last event of a type and state_key is used, both named', () => {
  const joinRules = (rule: string, id: string) => ({ type: 'm.room.join_rules', state_key: '', sender: '@a:example.org', content: { join_rule: rule }, event_id: id });

  it('in a dump: the last join rule wins whatever the order, with a warning naming both', () => {
    const path = file([CREATE, joinRules('public', '$first'), member('@bob:example.org', 'join'), joinRules('invite', '$second')]);
    const dump = readStateDump(path);
    expect(dump.state.filter((event) => event.type === 'm.room.join_rules').map((event) => event.content.join_rule)).toEqual(['invite']);
    expect(dump.warnings).toEqual([{ id: 'state.repeatedEvent', data: { where: path, first: '1 ($first)', second: '3 ($second)', type: 'm.room.join_rules', stateKey: '""' } }]);
    expect(render('en', dump.warnings[0])).toBe(`${path}: events 1 ($first) and 3 ($second) are both m.room.join_rules with state_key "": the last one is used, as a server keeps only one`);
    const reversed = readStateDump(file([CREATE, joinRules('invite', '$second'), joinRules('public', '$first')]));
    expect(reversed.state.find((event) => event.type === 'm.room.join_rules')?.content.join_rule).toBe('public');
  });

  it('a member event repeated: one member; a thousand repeats: ten named, the rest counted', () => {
    const events = [CREATE, ...Array.from({ length: 1001 }, () => member('@bob:example.org', 'join'))];
    const { state, warnings } = currentState(events as never, 'x');
    expect(state).toHaveLength(2);
    expect(warnings).toHaveLength(11);
    expect(warnings[10]).toEqual({ id: 'state.moreRepeats', data: { count: 990, what: { id: 'state.repeatedEvents', data: {} } } });
    expect(render('fr', warnings[10])).toBe('et 990\u00a0autres évènements répétés (type et state_key), le dernier de chacun étant retenu');
  });

  it('the wrapper\'s members: each once', () => {
    const path = file({ members: ['@a:example.org', '@a:example.org'], state: [CREATE] });
    expect(readStateDump(path)).toMatchObject({ members: ['@a:example.org'], warnings: [{ id: 'state.repeatedMember', data: { where: `${path} "members"`, id: '@a:example.org', count: 2 } }] });
  });
});

describe('readMembers', () => {
  const ids = ['@a:example.org', '@b:other.example'];

  it('reads an array of user ids, a joined_members response and {"members": [...]}', () => {
    expect(readMembers(file(ids))).toEqual({ members: ids, warnings: [] });
    expect(readMembers(file({ joined: { '@a:example.org': { display_name: 'A', avatar_url: null }, '@b:other.example': {} } })).members).toEqual(ids);
    expect(readMembers(file({ total: 2, members: ids })).members).toEqual(ids);
    // joined_members wins over members, as before.
    expect(readMembers(file({ members: ['@z:example.org'], joined: { '@a:example.org': {} } })).members).toEqual(['@a:example.org']);
  });

  it('counts a member listed five times once, and says so', () => {
    const path = file([...Array(5).fill('@a:example.org'), '@b:other.example', '@b:other.example']);
    expect(readMembers(path)).toEqual({
      members: ids,
      warnings: [{ id: 'state.repeatedMember', data: { where: path, id: '@a:example.org', count: 5 } }, { id: 'state.repeatedMember', data: { where: path, id: '@b:other.example', count: 2 } }],
    });
  });

  it('refuses anything else in one line naming the file', () => {
    const message = 'a member list must be a JSON array of user ids, a joined_members response or {"members": [...]}';
    // The last of repeated "members" counts, as with JSON.parse.
    for (const value of [{ members: 'x' }, ['a@b'], [1], { joined: 1 }, 42, {}, '{"members": ["@a:b"], "members": 3}']) {
      const path = file(value);
      expect(errorOf(() => readMembers(path)), JSON.stringify(value)).toMatchObject({ message, location: { file: path } });
    }
    expect(errorOf(() => readMembers(file('["@a:b",\n"@c:d"')))).toMatchObject({ message: 'invalid JSON: Unexpected end of JSON input', location: { line: 2 } });
  });
});
