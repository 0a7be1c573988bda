// The Synapse admin API, read-only: who we are, the room list, each room's state and newest event.
import { BadAnswer, Homeserver, NetworkError } from './homeserver.js';
import type { StateEvent } from '../facts/room-facts.js';
import { reasonMessage, type StoredHistoryInput } from '../facts/stored-history.js';
import type { AdminRoom, Answers } from './answers.js';
import { currentState } from './state-dump.js';
import { defineMessages, type Message } from '../messages/message.js';

const message = defineMessages({
  'error.admin.notAdmin': {
    en: "{user} is not a server admin: mxlint server needs an admin's access token",
    fr: '{user} n’est pas administrateur du serveur\u00a0: mxlint server a besoin du jeton d’accès d’un administrateur',
  },
  'error.admin.notAdminStatus': {
    en: "{user} is not a server admin: mxlint server needs an admin's access token ({status})",
    fr: '{user} n’est pas administrateur du serveur\u00a0: mxlint server a besoin du jeton d’accès d’un administrateur ({status})',
  },
  'error.admin.hidden': {
    en: 'the admin API does not answer at {url} ({status}): a reverse proxy may hide /_synapse; point --homeserver at a listener that serves it',
    fr: 'l’API d’administration ne répond pas à {url} ({status})\u00a0: un proxy inverse cache peut-être /_synapse\u00a0; pointez --homeserver vers un listener qui la sert',
  },
  'error.admin.broken': { en: '{base}: GET {path}: {why}: the audit is incomplete', fr: '{base}\u00a0: GET {path}\u00a0: {why}\u00a0: l’audit est incomplet' },
  'error.admin.pageRepeated': { en: 'the page from {from} lists {room} again (a page repeated?)', fr: 'la page à partir de {from} liste de nouveau {room} (une page répétée\u00a0?)' },
  'error.admin.tooMany': { en: 'more rooms listed ({seen}) than the {total} announced by total_rooms', fr: 'plus de salons listés ({seen}) que les {total} annoncés par total_rooms' },
  'error.admin.tooFew': { en: 'the listing ended after {seen} rooms, but total_rooms announced {total}', fr: 'la liste s’est arrêtée après {seen}\u00a0salons, alors que total_rooms en annonçait {total}' },
  'error.admin.noAdvance': { en: 'next_batch {next} does not advance past {from}', fr: 'next_batch {next} ne va pas au-delà de {from}' },
  'error.admin.emptyPage': { en: 'an empty page (from {from}) with a next_batch', fr: 'une page vide (à partir de {from}) avec un next_batch' },
});

const ADMIN = '/_synapse/admin/v1';
const enc = encodeURIComponent;

/** Checks the token belongs to a server admin; returns our user id. */
export async function checkAdmin(hs: Homeserver): Promise<string> {
  const { user_id: userId } = await hs.get('whoami', '/account/whoami');
  try {
    const { admin } = await hs.get('userAdmin', `/users/${enc(userId)}/admin`, undefined, ADMIN);
    if (!admin) throw new NetworkError(message('error.admin.notAdmin', { user: userId }), 403);
  } catch (error) {
    if (error instanceof NetworkError && error.status === 403) {
      throw new NetworkError(message('error.admin.notAdminStatus', { user: userId, status: `403 ${error.errcode ?? ''}`.trim() }), 403);
    }
    if (error instanceof NetworkError && (error.status === 404 || error.status === 405)) {
      throw new NetworkError(message('error.admin.hidden', { url: `${hs.options.baseUrl}${ADMIN}`, status: error.status }), error.status);
    }
    throw error;
  }
  return userId;
}

/** Every room, page by page, in a stable order. A listing that cannot be trusted to end, or to be
 *  whole, stops with a BadAnswer after the rooms it gave (the audit is then incomplete): a
 *  next_batch that does not advance, a page that lists rooms already listed (a page repeated), an
 *  empty page that asks for more, more rooms than total_rooms, or fewer when the listing ends. */
export async function* listRooms(hs: Homeserver, searchTerm?: string, pageSize = 500): AsyncGenerator<{ rooms: AdminRoom[]; total: number }> {
  const seen = new Set<string>();
  let total: number | undefined;
  const broken = (why: Message) => new BadAnswer(message('error.admin.broken', { base: hs.options.baseUrl, path: `${ADMIN}/rooms`, why }));
  for (let from = 0; ;) {
    const query: Record<string, string> = { from: String(from), limit: String(pageSize), order_by: 'name', dir: 'f' };
    if (searchTerm) query.search_term = searchTerm;
    const page = await hs.get('roomList', '/rooms', query, ADMIN);
    total ??= page.total_rooms;
    const again = page.rooms.find((room) => seen.has(room.room_id));
    if (again) throw broken(message('error.admin.pageRepeated', { from, room: again.room_id }));
    for (const room of page.rooms) seen.add(room.room_id);
    if (seen.size > total) throw broken(message('error.admin.tooMany', { seen: seen.size, total }));
    yield { rooms: page.rooms, total };
    const next = page.next_batch;
    if (next === undefined || next === null) {
      if (seen.size < total) throw broken(message('error.admin.tooFew', { seen: seen.size, total }));
      return;
    }
    if (next <= from) throw broken(message('error.admin.noAdvance', { next, from }));
    if (!page.rooms.length) throw broken(message('error.admin.emptyPage', { from }));
    from = next;
  }
}

/** One room's row, as in the listing (GET /_synapse/admin/v1/rooms/{roomId}); undefined when the
 *  server has no such room. */
export async function roomDetails(hs: Homeserver, roomId: string): Promise<AdminRoom | undefined> {
  try {
    return await hs.get('adminRoom', `/rooms/${enc(roomId)}`, undefined, ADMIN);
  } catch (error) {
    if (error instanceof NetworkError && error.status === 404) return undefined;
    throw error;
  }
}

/** The room's state, each type and state_key once (see currentState). */
export async function roomState(hs: Homeserver, roomId: string): Promise<{ state: StateEvent[]; warnings: Message[] }> {
  const path = `/rooms/${enc(roomId)}/state`;
  return currentState((await hs.get('adminState', path, undefined, ADMIN)).state, `GET ${ADMIN}${path}`);
}

/** Timestamp of the room's newest event (admin API; works whether or not the admin is in the room). */
export async function newestEventTs(hs: Homeserver, roomId: string): Promise<number | undefined> {
  return (await hs.get('messages', `/rooms/${enc(roomId)}/messages`, { dir: 'b', limit: '1' }, ADMIN)).chunk[0]?.origin_server_ts;
}

/** Events read from the start of the timeline to find the oldest message: membership events (most
 *  of a large room's state) are filtered out by the server; if this many are all other state
 *  events, the oldest message is not known. */
const OLDEST_PAGE = 50;

/** The oldest non-state event the server still stores, and the event right after it, with the
 *  times the server received them (now - unsigned.age; origin_server_ts when age is absent).
 *  Purged history is gone from this listing; the state Synapse keeps comes back as state events. */
export async function oldestStored(hs: Homeserver, roomId: string, now = Date.now()): Promise<StoredHistoryInput> {
  const query = { dir: 'f', limit: String(OLDEST_PAGE), filter: JSON.stringify({ not_types: ['m.room.member'] }) };
  const { chunk } = await hs.get('oldestEvents', `/rooms/${enc(roomId)}/messages`, query, ADMIN);
  const received = (event: (typeof chunk)[number]) => (typeof event.unsigned?.age === 'number' ? now - event.unsigned.age : event.origin_server_ts);
  const index = chunk.findIndex((event) => event.state_key === undefined);
  if (index < 0) {
    if (chunk.length >= OLDEST_PAGE) return { unknown: reasonMessage('roomFact.oldestAllState', { count: OLDEST_PAGE }) };
    return { oldestMessage: null, nextEventReceivedTs: null };
  }
  const oldest = chunk[index];
  const next = chunk[index + 1];
  if (!next && chunk.length >= OLDEST_PAGE) return { unknown: reasonMessage('roomFact.oldestIsLastRead', { count: OLDEST_PAGE }) };
  return { oldestMessage: { receivedTs: received(oldest), sentTs: oldest.origin_server_ts }, nextEventReceivedTs: next ? received(next) : null };
}

/** The database size of the rooms Synapse's statistics list (its 10 largest; PostgreSQL only). */
export async function largestRooms(hs: Homeserver): Promise<Map<string, number>> {
  const { rooms } = await hs.get('roomSizes', '/statistics/database/rooms', undefined, ADMIN);
  return new Map(rooms.map((room) => [room.room_id, room.estimated_size]));
}

/** Purges of forgotten rooms not done yet (scheduled, running or failed), by room: Synapse schedules
 *  one, forgotten_room_retention_period ahead, when the last local member forgets a room. */
export async function pendingRoomPurges(hs: Homeserver): Promise<Map<string, { dueTs: number; status: string }>> {
  const query = new URLSearchParams([['action_name', 'purge_room'], ['status', 'scheduled'], ['status', 'active'], ['status', 'failed']]);
  const { scheduled_tasks: tasks } = await hs.get('scheduledTasks', `/scheduled_tasks?${query}`, undefined, ADMIN);
  return new Map(tasks.filter((task) => task.resource_id).map((task) => [task.resource_id!, { dueTs: task.timestamp_ms, status: task.status }]));
}

// What the server keeps beyond rooms (issue #16): media, IP addresses, deleted messages' content.

/** The first `limit` local users (GET /_synapse/admin/v2/users, guests and deactivated ones too),
 *  with the total, the sample the server-kept measures read. */
export async function sampleUsers(hs: Homeserver, limit: number): Promise<{ users: Array<{ userId: string; avatarUrl: string | null }>; total: number }> {
  const { users, total } = await hs.get('userList', '/users', { from: '0', limit: String(limit), guests: 'true', deactivated: 'true' }, '/_synapse/admin/v2');
  return { users: users.map((user) => ({ userId: user.name, avatarUrl: user.avatar_url ?? null })), total };
}

/** The first `limit` rooms, most local members first, with the total (the rooms sample). */
export async function sampleRooms(hs: Homeserver, limit: number): Promise<{ roomIds: string[]; total: number }> {
  const page = await hs.get('roomList', '/rooms', { from: '0', limit: String(limit), order_by: 'joined_local_members', dir: 'b' }, ADMIN);
  return { roomIds: page.rooms.map((room) => room.room_id), total: page.total_rooms };
}

/** Media read per user, least recently accessed first: enough to pass over the few Synapse keeps on purpose. */
const USER_MEDIA_PAGE = 5;

/** When the user's least recently accessed local media that Synapse's retention would delete was
 *  last accessed (created_ts when never): quarantined and protected media, and the user's own
 *  avatar, are skipped (Synapse keeps them); null when none. */
export async function oldestUserMedia(hs: Homeserver, userId: string, avatarUrl: string | null): Promise<number | null> {
  const { media } = await hs.get('userMedia', `/users/${enc(userId)}/media`, { order_by: 'last_access_ts', dir: 'f', limit: String(USER_MEDIA_PAGE) }, ADMIN);
  const deletable = media.filter((item) => !item.quarantined_by && !item.safe_from_quarantine && !(avatarUrl && avatarUrl.endsWith(`/${item.media_id}`)));
  const times = deletable.map((item) => item.last_access_ts ?? item.created_ts);
  return times.length ? Math.min(...times) : null;
}

/** When the user's oldest connection still listed was last seen (the whois API reads user_ips, the
 *  table Synapse prunes); null when none. The addresses themselves are never kept. */
export async function oldestConnection(hs: Homeserver, userId: string): Promise<number | null> {
  const { devices } = await hs.get('whois', `/whois/${enc(userId)}`, undefined, ADMIN);
  const seen = Object.values(devices).flatMap((device) => device.sessions.flatMap((session) => session.connections.map((connection) => connection.last_seen)));
  return seen.length ? Math.min(...seen) : null;
}

/** The remote media (mxc://server/id) a room's events name (GET /_synapse/admin/v1/room/{roomId}/media). */
export async function remoteMediaOf(hs: Homeserver, roomId: string): Promise<Array<{ server: string; mediaId: string }>> {
  const { remote } = await hs.get('roomMedia', `/room/${enc(roomId)}/media`, undefined, ADMIN);
  return remote.flatMap((uri) => {
    const match = /^mxc:\/\/([^/]+)\/([^/?#]+)$/.exec(uri);
    return match ? [{ server: match[1], mediaId: match[2] }] : [];
  });
}

/** When a cached remote media was last accessed (created_ts when never); null when it is not cached (404). */
export async function cachedMediaAccess(hs: Homeserver, server: string, mediaId: string): Promise<number | null> {
  try {
    const info = await hs.get('mediaInfo', `/media/${enc(server)}/${enc(mediaId)}`, undefined, ADMIN);
    return info.last_access_ts ?? info.created_ts;
  } catch (error) {
    if (error instanceof NetworkError && error.status === 404) return null;
    throw error;
  }
}

/** Deletions read per room, oldest first. */
const REDACTIONS_PAGE = 10;

/** The room's oldest deletions (m.room.redaction events): the event each deletes and when the
 *  server received the deletion (the clock Synapse's censoring uses). */
export async function oldestRedactions(hs: Homeserver, roomId: string, now = Date.now()): Promise<Array<{ redacts: string; receivedTs: number }>> {
  const query = { dir: 'f', limit: String(REDACTIONS_PAGE), filter: JSON.stringify({ types: ['m.room.redaction'] }) };
  const { chunk } = await hs.get('redactionEvents', `/rooms/${enc(roomId)}/messages`, query, ADMIN);
  return chunk.flatMap((event) => {
    const redacts = event.redacts ?? event.content?.redacts;
    if (event.type !== 'm.room.redaction' || typeof redacts !== 'string') return [];
    return [{ redacts, receivedTs: typeof event.unsigned?.age === 'number' ? now - event.unsigned.age : event.origin_server_ts }];
  });
}

/** Event types whose content redaction keeps in part (the spec's redaction algorithm): not judged. */
const PARTLY_KEPT = new Set(['m.room.member', 'm.room.create', 'm.room.join_rules', 'm.room.power_levels', 'm.room.history_visibility', 'm.room.redaction', 'm.room.aliases']);

/** Whether the server still stores a deleted event's content (GET /_synapse/admin/v1/fetch_event,
 *  which returns the event as stored); undefined when it cannot tell (an event type whose content
 *  redaction keeps in part, or an event it no longer has). */
export async function redactedContentKept(hs: Homeserver, eventId: string): Promise<boolean | undefined> {
  let event: Answers['fetchedEvent']['event'];
  try {
    ({ event } = await hs.get('fetchedEvent', `/fetch_event/${enc(eventId)}`, undefined, ADMIN));
  } catch (error) {
    if (error instanceof NetworkError && error.status === 404 && error.errcode === 'M_NOT_FOUND') return undefined;
    throw error;
  }
  if (PARTLY_KEPT.has(event.type)) return undefined;
  return Object.keys(event.content ?? {}).length > 0;
}
