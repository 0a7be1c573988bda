// Reads a room state dump: the JSON array GET /_matrix/client/v3/rooms/{roomId}/state returns
// (or the admin API's {"state": [...]}), and optional member lists.
import { InputError } from '../errors.js';
import type { RoomInput, StateEvent } from '../facts/room-facts.js';
import { readBounded } from './read-bounded.js';

/** Bounds on a dump (README "Limits and safety"). JSON.parse of a hostile file can exhaust the heap
 *  (tens of millions of tiny objects), take minutes (millions of keys in one object) or abort V8
 *  outright (an array of more than 2^27 values): checkJsonBounds refuses those before parsing. */
export const STATE_LIMITS = { maxFileBytes: 512 * 1024 * 1024, maxJsonValues: 30_000_000, maxJsonEntries: 4_000_000, maxJsonDepth: 100 };

function readJson(path: string, what: string): unknown {
  let text: string;
  try {
    text = readBounded(path, STATE_LIMITS.maxFileBytes, `a ${what} JSON file`).bytes.toString('utf8');
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? String(error)})`, { file: path });
  }
  checkJsonBounds(text, path);
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const offset = /position (\d+)/.exec(message)?.[1];
    const line = offset === undefined ? undefined : text.slice(0, Number(offset)).split('\n').length;
    throw new InputError(`invalid JSON: ${message.replace(/^.*?: /, '').split('\n')[0]}`, { file: path, line });
  }
}

/** One pass over the text: counts the values (every one but the first follows a `,` or opens a
 *  container), the entries of each container and the nesting, strings skipped. */
function checkJsonBounds(text: string, file: string): void {
  const { maxJsonValues, maxJsonEntries, maxJsonDepth } = STATE_LIMITS;
  const entries: number[] = [];
  let values = 0;
  const refuse = (index: number, why: string) => {
    let line = 1;
    for (let at = text.indexOf('\n'); at !== -1 && at < index; at = text.indexOf('\n', at + 1)) line += 1;
    throw new InputError(why, { file, line });
  };
  for (let index = 0; index < text.length; index += 1) {
    const char = text.charCodeAt(index);
    if (char === 0x22) {
      // Skip the string: to the next quote not escaped.
      for (index += 1; index < text.length; index += 1) {
        const inner = text.charCodeAt(index);
        if (inner === 0x5c) index += 1;
        else if (inner === 0x22) break;
      }
    } else if (char === 0x7b || char === 0x5b) {
      entries.push(1);
      values += 1;
      if (entries.length > maxJsonDepth) refuse(index, `JSON nested more than ${maxJsonDepth} levels deep`);
    } else if (char === 0x7d || char === 0x5d) {
      entries.pop();
    } else if (char === 0x2c) {
      values += 1;
      if (entries.length && ++entries[entries.length - 1] > maxJsonEntries) refuse(index, `more than ${maxJsonEntries} entries in one JSON array or object`);
      if (values > maxJsonValues) refuse(index, `more than ${maxJsonValues} JSON values`);
    }
  }
}

/** Validates the events we rely on; a malformed event is an input error naming its index. */
export function parseStateEvents(data: unknown, file: string): StateEvent[] {
  const events = Array.isArray(data) ? data : data && typeof data === 'object' && Array.isArray((data as any).state) ? (data as any).state : undefined;
  if (!events) throw new InputError('a state dump must be a JSON array of state events (or {"state": [...]})', { file });
  events.forEach((event: any, index: number) => {
    const problem = !event || typeof event !== 'object' || Array.isArray(event) ? 'is not an object'
      : typeof event.type !== 'string' ? 'has no "type" string'
        : typeof event.state_key !== 'string' ? 'has no "state_key" string'
          : !event.content || typeof event.content !== 'object' || Array.isArray(event.content) ? 'has no "content" object' : undefined;
    if (problem) throw new InputError(`event ${index} ${problem}`, { file });
  });
  return events as StateEvent[];
}

/** A dump: the state array, or {"state": [...]} (admin API), optionally with mxlint's own
 *  fields "room_id", "members" (joined user ids) and "published" (in the room directory). */
/** The dump's own fields beside the state: mxlint's wrapper may carry members, directory
 *  visibility, this server's name, the newest event and "now", for audits replayed later. */
export type StateDump = { roomId: string; state: StateEvent[] } & Pick<RoomInput, 'members' | 'published' | 'localServer' | 'lastEventTs' | 'now'>;

export function readStateDump(path: string): StateDump {
  const data = readJson(path, 'state dump') as any;
  const state = parseStateEvents(data, path);
  const wrapper = Array.isArray(data) ? {} : data;
  if (wrapper.members !== undefined && !(Array.isArray(wrapper.members) && wrapper.members.every((id: unknown) => typeof id === 'string'))) {
    throw new InputError('"members" must be an array of user ids', { file: path });
  }
  if (wrapper.published !== undefined && typeof wrapper.published !== 'boolean') throw new InputError('"published" must be true or false', { file: path });
  if (wrapper.room_id !== undefined && typeof wrapper.room_id !== 'string') throw new InputError('"room_id" must be a room id string', { file: path });
  if (wrapper.localServer !== undefined && typeof wrapper.localServer !== 'string') throw new InputError('"localServer" must be a server name', { file: path });
  for (const field of ['lastEventTs', 'now'] as const) {
    if (wrapper[field] !== undefined && !Number.isFinite(wrapper[field])) throw new InputError(`"${field}" must be a timestamp in milliseconds`, { file: path });
  }
  const roomId = wrapper.room_id ?? (state.find((event: any) => typeof event.room_id === 'string') as any)?.room_id ?? path;
  return { roomId: String(roomId), state, members: wrapper.members, published: wrapper.published, localServer: wrapper.localServer, lastEventTs: wrapper.lastEventTs, now: wrapper.now };
}

/** Members: a JSON array of user ids, {"joined": {userId: ...}} (joined_members), or {"members": [...]} (admin API). */
export function readMembers(path: string): string[] {
  const data = readJson(path, 'member list') as any;
  const ids = Array.isArray(data) ? data : data?.joined && typeof data.joined === 'object' ? Object.keys(data.joined) : Array.isArray(data?.members) ? data.members : undefined;
  if (!ids || !ids.every((id: unknown) => typeof id === 'string' && id.startsWith('@') && id.includes(':'))) {
    throw new InputError('a member list must be a JSON array of user ids, a joined_members response or {"members": [...]}', { file: path });
  }
  return ids;
}
