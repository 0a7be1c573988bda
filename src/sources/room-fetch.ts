// Fetches what a room lint needs from the client API: only GETs.
import type { Homeserver } from './homeserver.js';
import { isRefusal, NetworkError } from './homeserver.js';
import { currentState } from './state-dump.js';
import { defineMessages, type Message } from '../messages/message.js';

const message = defineMessages({
  'error.room.notRoom': { en: '"{room}" is neither a room id (!...) nor an alias (#...)', fr: '«\u00a0{room}\u00a0» n’est ni un identifiant de salon (`!…`) ni un alias (`#…`)' },
  'error.room.unknownAlias': { en: 'unknown room alias {alias}', fr: 'alias de salon inconnu\u00a0: {alias}' },
  'error.room.cannotRead': {
    en: 'cannot read the state of {room}: this account is not in the room and the room is not world-readable, or there is no such room ({status})',
    fr: 'impossible de lire l’état de {room}\u00a0: ce compte n’est pas dans le salon et le salon n’est pas lisible par tous, ou ce salon n’existe pas ({status})',
  },
  'error.room.unknown': { en: 'unknown room {room}', fr: 'salon inconnu\u00a0: {room}' },
});
import type { RoomInput, StateEvent } from '../facts/room-facts.js';

const enc = encodeURIComponent;

export async function resolveRoomId(hs: Homeserver, roomIdOrAlias: string): Promise<string> {
  if (roomIdOrAlias.startsWith('!')) return roomIdOrAlias;
  if (!roomIdOrAlias.startsWith('#')) throw new NetworkError(message('error.room.notRoom', { room: roomIdOrAlias }));
  try {
    const { room_id: roomId } = await hs.get('roomAlias', `/directory/room/${enc(roomIdOrAlias)}`);
    return roomId;
  } catch (error) {
    if (error instanceof NetworkError && error.status === 404) throw new NetworkError(message('error.room.unknownAlias', { alias: roomIdOrAlias }), 404, error.errcode);
    throw error;
  }
}

/** What fetchRoom asks besides the state, and may be refused: the facts it feeds stay unknown. */
export type RoomFetchPart = 'members' | 'directory visibility' | 'own server name' | 'newest event';

export async function fetchRoom(hs: Homeserver, roomIdOrAlias: string): Promise<RoomInput & { unknowns: Array<{ what: RoomFetchPart; error: string }>; warnings: Message[] }> {
  const roomId = await resolveRoomId(hs, roomIdOrAlias);
  let state: StateEvent[];
  try {
    state = await hs.get('state', `/rooms/${enc(roomId)}/state`);
  } catch (error) {
    if (error instanceof NetworkError && error.status === 403) {
      throw new NetworkError(message('error.room.cannotRead', { room: roomId, status: `403 ${error.errcode ?? ''}` }), 403, error.errcode);
    }
    if (error instanceof NetworkError && error.status === 404) throw new NetworkError(message('error.room.unknown', { room: roomId }), 404, error.errcode);
    throw error;
  }
  const unknowns: Array<{ what: RoomFetchPart; error: string }> = [];
  const optional = async <T>(what: RoomFetchPart, request: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await request();
    } catch (error) {
      if (!isRefusal(error)) throw error;
      unknowns.push({ what, error: (error as Error).message });
      return undefined;
    }
  };
  const joined = await optional('members', () => hs.get('joinedMembers', `/rooms/${enc(roomId)}/joined_members`));
  const directory = await optional('directory visibility', () => hs.get('directoryVisibility', `/directory/list/room/${enc(roomId)}`));
  const whoami = await optional('own server name', () => hs.get('whoami', '/account/whoami'));
  const newest = await optional('newest event', () => hs.get('messages', `/rooms/${enc(roomId)}/messages`, { dir: 'b', limit: '1' }));
  const current = currentState(state, `GET /_matrix/client/v3/rooms/${enc(roomId)}/state`);
  return {
    roomId,
    source: `${hs.options.baseUrl} ${roomId}`,
    state: current.state,
    warnings: current.warnings,
    members: joined ? Object.keys(joined.joined) : undefined,
    published: directory ? directory.visibility === 'public' : undefined,
    localServer: whoami?.user_id.slice(whoami.user_id.indexOf(':') + 1),
    lastEventTs: newest?.chunk[0]?.origin_server_ts,
    unknowns,
  };
}
