// Reads a room state dump: the JSON array GET /_matrix/client/v3/rooms/{roomId}/state returns
// (or the admin API's {"state": [...]}), and optional member lists.
import { InputError } from '../errors.js';
import { defineMessages, type Message } from '../messages/message.js';
import type { RoomInput, StateEvent } from '../facts/room-facts.js';
import { readJsonParts, type JsonLimits } from './json-stream.js';
import { fileKind } from './read-bounded.js';

/** Bounds on a dump (README "Limits and safety"), enforced while it is read (see JsonLimits). */
export const STATE_LIMITS: JsonLimits = { maxFileBytes: 512 * 1024 * 1024, maxJsonValues: 30_000_000, maxJsonEntries: 4_000_000, maxJsonDepth: 100 };

const message = defineMessages({
  'error.state.notADump': {
    en: 'a state dump must be a JSON array of state events (or {json})',
    fr: 'un état de salon doit être un tableau JSON d’événements d’état (ou {json})',
  },
  'error.state.notAnObject': { en: 'event {index} is not an object', fr: 'l’événement {index} n’est pas un objet' },
  'error.state.noType': { en: 'event {index} has no "type" string', fr: 'l’événement {index} n’a pas de chaîne «\u00a0type\u00a0»' },
  'error.state.noStateKey': { en: 'event {index} has no "state_key" string', fr: 'l’événement {index} n’a pas de chaîne «\u00a0state_key\u00a0»' },
  'error.state.noContent': { en: 'event {index} has no "content" object', fr: 'l’événement {index} n’a pas d’objet «\u00a0content\u00a0»' },
  'error.state.members': { en: '"members" must be an array of user ids', fr: '«\u00a0members\u00a0» doit être un tableau d’identifiants d’utilisateurs' },
  'error.state.published': { en: '"published" must be true or false', fr: '«\u00a0published\u00a0» doit valoir true ou false' },
  'error.state.roomId': { en: '"room_id" must be a room id string', fr: '«\u00a0room_id\u00a0» doit être une chaîne d’identifiant de salon' },
  'error.state.localServer': { en: '"localServer" must be a server name', fr: '«\u00a0localServer\u00a0» doit être un nom de serveur' },
  'error.state.timestamp': { en: '"{field}" must be a timestamp in milliseconds', fr: '«\u00a0{field}\u00a0» doit être un horodatage en millisecondes' },
  'error.state.memberList': {
    en: 'a member list must be a JSON array of user ids, a joined_members response or {json}',
    fr: 'une liste de membres doit être un tableau JSON d’identifiants d’utilisateurs, une réponse de joined_members ou {json}',
  },
});

const NOT_A_DUMP = message('error.state.notADump', { json: '{"state": [...]}' });

/** Why `event` (the `index`th) is not a state event we can read, or undefined. */
function eventProblem(event: any, index: number): Message | undefined {
  return !event || typeof event !== 'object' || Array.isArray(event) ? message('error.state.notAnObject', { index })
    : typeof event.type !== 'string' ? message('error.state.noType', { index })
      : typeof event.state_key !== 'string' ? message('error.state.noStateKey', { index })
        : !event.content || typeof event.content !== 'object' || Array.isArray(event.content) ? message('error.state.noContent', { index }) : undefined;
}

/** Validates the events we rely on; a malformed event is an input error naming its index. */
export function parseStateEvents(data: unknown, file: string): StateEvent[] {
  const events = Array.isArray(data) ? data : data && typeof data === 'object' && Array.isArray((data as any).state) ? (data as any).state : undefined;
  if (!events) throw new InputError(NOT_A_DUMP, { file });
  events.forEach((event: unknown, index: number) => {
    const problem = eventProblem(event, index);
    if (problem) throw new InputError(problem, { file });
  });
  return events as StateEvent[];
}

/** Repeats past this many are counted, not each named: a dump may repeat a million events. */
const MAX_NAMED_REPEATS = 10;

/** Says what repeats: the first MAX_NAMED_REPEATS in full, then how many more. */
function repeatNotes(): { add(note: () => Message): void; notes(what: Message): Message[] } {
  const notes: Message[] = [];
  let more = 0;
  return {
    add(note) { if (notes.length < MAX_NAMED_REPEATS) notes.push(note()); else more += 1; },
    notes: (what) => (more ? [...notes, repeatMessage('state.moreRepeats', { count: more, what })] : notes),
  };
}

const repeatMessage = defineMessages({
  'state.moreRepeats': { en: 'and {count} more {what}', fr: 'et {count}\u00a0autres {what}' },
  'state.repeatedEvents': { en: 'repeated events (type and state_key), the last of each used', fr: 'évènements répétés (type et state_key), le dernier de chacun étant retenu' },
  'state.repeatedMembers': { en: 'members listed more than once, each counted once', fr: 'membres cités plusieurs fois, chacun compté une fois' },
  'state.repeatedEvent': {
    en: '{where}: events {first} and {second} are both {type} with state_key {stateKey}: the last one is used, as a server keeps only one',
    fr: '{where}\u00a0: les évènements {first} et {second} sont tous deux {type} avec la state_key {stateKey}\u00a0: le dernier est retenu, comme un serveur n’en garde qu’un',
  },
  'state.repeatedMember': { en: '{where}: {id} is listed {count} times: counted once', fr: '{where}\u00a0: {id} est cité {count}\u00a0fois\u00a0: compté une fois' },
});

/** The current state as a server keeps it: one event per type and state_key, the last one given
 *  (a server's state never repeats one; a dump put together by hand may). Each repeat is said,
 *  naming both events, since the verdict would otherwise depend on their order. */
export function currentState(events: StateEvent[], where: string): { state: StateEvent[]; warnings: Message[] } {
  const byType = new Map<string, Map<string, number>>();
  const replaced = new Set<number>();
  const repeats = repeatNotes();
  events.forEach((event, index) => {
    let keys = byType.get(event.type);
    if (!keys) byType.set(event.type, (keys = new Map()));
    const earlier = keys.get(event.state_key);
    if (earlier !== undefined) {
      replaced.add(earlier);
      repeats.add(() => repeatMessage('state.repeatedEvent', { where, first: eventName(events[earlier], earlier), second: eventName(event, index), type: event.type, stateKey: JSON.stringify(event.state_key) }));
    }
    keys.set(event.state_key, index);
  });
  if (!replaced.size) return { state: events, warnings: [] };
  return { state: events.filter((_, index) => !replaced.has(index)), warnings: repeats.notes(repeatMessage('state.repeatedEvents')) };
}

const eventName = (event: StateEvent, index: number) => `${index}${event.event_id ? ` (${event.event_id})` : ''}`;

/** Each member once: a list naming someone five times counts one member. */
export function uniqueMembers(ids: string[], where: string): { members: string[]; warnings: Message[] } {
  const counts = new Map<string, number>();
  for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  if (counts.size === ids.length) return { members: ids, warnings: [] };
  const repeats = repeatNotes();
  for (const [id, count] of counts) if (count > 1) repeats.add(() => repeatMessage('state.repeatedMember', { where, id, count }));
  return { members: [...counts.keys()], warnings: repeats.notes(repeatMessage('state.repeatedMembers')) };
}

/** One content object per membership, shared by the member events of a large room (frozen: none
 *  of them may change the others). */
const MEMBER_CONTENTS = new Map(['join', 'leave', 'invite', 'ban', 'knock'].map((membership) => [membership, Object.freeze({ membership })]));

/** A member event as the linter reads it: its membership only. Nothing reads the rest (display
 *  names, avatars, ids, signatures), which is most of a large room's dump. */
const slim = (event: StateEvent): StateEvent => {
  if (event.type !== 'm.room.member') return event;
  const membership = event.content.membership;
  return { type: 'm.room.member', state_key: event.state_key, content: MEMBER_CONTENTS.get(membership) ?? { membership } };
};

/** The dump's own fields beside the state: mxlint's wrapper may carry the room id, members (joined
 *  user ids), directory visibility, this server's name, the newest event and "now", for audits
 *  replayed later. */
export type StateDump = { roomId: string; state: StateEvent[]; warnings: Message[] } & Pick<RoomInput, 'members' | 'published' | 'localServer' | 'lastEventTs' | 'now'>;

/** Reads the dump event by event (see readJsonParts), keeping each one slim. */
export function readStateDump(path: string, chunkBytes?: number): StateDump {
  // Whether the document, or its last "state" field, is an array (a scalar document is neither).
  let stateIsArray = false;
  let state: StateEvent[] = [];
  let problem: InputError | undefined;
  let eventRoomId: string | undefined;
  // No prototype: a "__proto__" field is a field, as JSON.parse makes it.
  const wrapper: Record<string, any> = Object.create(null);
  for (const part of readJsonParts(path, { what: fileKind('error.file.stateDump'), splitKey: 'state', limits: STATE_LIMITS, chunkBytes })) {
    if (part.kind === 'array') {
      stateIsArray = true;
      state = [];
      problem = undefined;
      eventRoomId = undefined;
    } else if (part.kind === 'element') {
      // After a malformed event, the rest is read only for the limits and the syntax, which come first.
      if (problem) continue;
      const event = part.value as any;
      const why = eventProblem(event, part.index);
      if (why) {
        problem = new InputError(why, { file: path, line: part.line });
        state = [];
        continue;
      }
      if (eventRoomId === undefined && typeof event.room_id === 'string') eventRoomId = event.room_id;
      state.push(slim(event));
    } else if (part.kind === 'field') {
      wrapper[part.key] = part.value;
      if (part.key === 'state') stateIsArray = false;
    }
  }
  if (!stateIsArray) throw new InputError(NOT_A_DUMP, { file: path });
  if (problem) throw problem;
  if (wrapper.members !== undefined && !(Array.isArray(wrapper.members) && wrapper.members.every((id: unknown) => typeof id === 'string'))) {
    throw new InputError(message('error.state.members'), { file: path });
  }
  if (wrapper.published !== undefined && typeof wrapper.published !== 'boolean') throw new InputError(message('error.state.published'), { file: path });
  if (wrapper.room_id !== undefined && typeof wrapper.room_id !== 'string') throw new InputError(message('error.state.roomId'), { file: path });
  if (wrapper.localServer !== undefined && typeof wrapper.localServer !== 'string') throw new InputError(message('error.state.localServer'), { file: path });
  for (const field of ['lastEventTs', 'now'] as const) {
    if (wrapper[field] !== undefined && !Number.isFinite(wrapper[field])) throw new InputError(message('error.state.timestamp', { field }), { file: path });
  }
  const roomId = wrapper.room_id ?? eventRoomId ?? path;
  const current = currentState(state, path);
  const members = wrapper.members === undefined ? undefined : uniqueMembers(wrapper.members, `${path} "members"`);
  return {
    roomId: String(roomId), state: current.state, members: members?.members, published: wrapper.published, localServer: wrapper.localServer,
    lastEventTs: wrapper.lastEventTs, now: wrapper.now, warnings: [...current.warnings, ...(members?.warnings ?? [])],
  };
}

/** Members: a JSON array of user ids, {"joined": {userId: ...}} (joined_members), or {"members": [...]} (admin API);
 *  each once (see uniqueMembers). */
export function readMembers(path: string): { members: string[]; warnings: Message[] } {
  let list: unknown[] | undefined;
  let listIsDocument = false;
  let joined: unknown;
  for (const part of readJsonParts(path, { what: fileKind('error.file.members'), splitKey: 'members', limits: STATE_LIMITS })) {
    if (part.kind === 'array') {
      list = [];
      listIsDocument = part.key === undefined;
    } else if (part.kind === 'element') list!.push(part.value);
    else if (part.kind === 'field' && part.key === 'members') list = undefined;
    else if (part.kind === 'field' && part.key === 'joined') joined = part.value;
  }
  const ids = listIsDocument ? list : joined && typeof joined === 'object' ? Object.keys(joined) : list;
  if (!ids || !ids.every((id: unknown) => typeof id === 'string' && id.startsWith('@') && id.includes(':'))) {
    throw new InputError(message('error.state.memberList', { json: '{"members": [...]}' }), { file: path });
  }
  return uniqueMembers(ids as string[], path);
}
