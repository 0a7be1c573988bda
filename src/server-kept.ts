// Measures, through the admin API, what the server still keeps beyond rooms: local and cached
// remote media, users' IP addresses, the content of deleted messages. Read once per `mxlint server`
// run over bounded samples (users, rooms, events), --concurrency requests at a time, each through
// the Homeserver's retry policy. A refusal or a fault leaves that measure unknown with the reason.
import type { Homeserver } from './sources/homeserver.js';
import { errorDetail, isRefusal } from './sources/homeserver.js';
import { cachedMediaAccess, oldestConnection, oldestRedactions, oldestUserMedia, redactedContentKept, remoteMediaOf, sampleRooms, sampleUsers } from './sources/admin-api.js';
import type { KeptInput, KeptSample } from './facts/server-kept.js';
import type { KeptMeasure } from './facts/server-kept-table.js';
import { defineMessages, type Message } from './messages/message.js';

const message = defineMessages({
  'kept.notRead': { en: 'the admin API refused {what}: {error}', fr: 'l’API d’admin a refusé {what}\u00a0: {error}' },
  'kept.faulted': { en: '{what} could not be read: {error}', fr: '{what} n’a pas pu être lu\u00a0: {error}' },
  'kept.read.users': { en: 'the user list', fr: 'la liste des comptes' },
  'kept.read.rooms': { en: 'the room list', fr: 'la liste des salons' },
  'kept.read.localMedia': { en: "a user's media list", fr: 'la liste des médias d’un compte' },
  'kept.read.ips': { en: "a user's connections (whois)", fr: 'les connexions d’un compte (whois)' },
  'kept.read.remoteMedia': { en: "a room's media or a cached media's record", fr: 'les médias d’un salon ou la fiche d’un média en cache' },
  'kept.read.redactions': { en: "a room's deletions or a deleted event (fetch_event)", fr: 'les suppressions d’un salon ou un événement supprimé (fetch_event)' },
});

/** The bounds of the samples, stated in every message (the sample size) and in the README. */
export const KEPT_SAMPLE = { users: 50, rooms: 20, remoteMedia: 50, redactedEvents: 20 } as const;

export interface KeptMeasurement {
  kept: KeptInput;
  /** Requests sent for these measures (the bench prints them). */
  requests: number;
}

/** fn over items, at most `limit` at a time, results in order. */
async function pooled<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

const minimum = (times: Array<number | null>): number | null => {
  const known = times.filter((time): time is number => time !== null);
  return known.length ? Math.min(...known) : null;
};

export async function measureKept(hs: Homeserver, options: { concurrency: number; onFault?(what: string, error: Error): void; now?: number }): Promise<KeptMeasurement> {
  let requests = 0;
  const limit = Math.max(1, options.concurrency);
  // One bound for every measure at once: at most --concurrency requests in flight.
  let active = 0;
  const waiting: Array<() => void> = [];
  const counted = async <T>(request: () => Promise<T>): Promise<T> => {
    requests += 1;
    while (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    active += 1;
    try {
      return await request();
    } finally {
      active -= 1;
      waiting.shift()?.();
    }
  };
  /** A measure, or why not: a refusal says the admin API would not; anything else is also a fault of the audit. */
  const measured = async (what: Message, run: () => Promise<KeptSample>): Promise<KeptSample | { unknown: Message }> => {
    try {
      return await run();
    } catch (error) {
      if (!isRefusal(error)) options.onFault?.('server-kept', error as Error);
      return { unknown: message(isRefusal(error) ? 'kept.notRead' : 'kept.faulted', { what, error: errorDetail(error as Error) }) };
    }
  };
  const [users, rooms] = await Promise.all([
    counted(() => sampleUsers(hs, KEPT_SAMPLE.users)).catch((error: Error) => error),
    counted(() => sampleRooms(hs, KEPT_SAMPLE.rooms)).catch((error: Error) => error),
  ]);
  const overUsers = (measure: KeptMeasure, read: (user: { userId: string; avatarUrl: string | null }) => Promise<number | null>) =>
    measured(message(`kept.read.${measure}` as 'kept.read.ips'), async () => {
      if (users instanceof Error) throw users;
      const times = await pooled(users.users, limit, (user) => counted(() => read(user)));
      return { oldestTs: minimum(times), sampled: users.users.length, population: users.total };
    });
  const usersFirst = (measure: KeptMeasure, read: Parameters<typeof overUsers>[1]) =>
    (users instanceof Error ? measured(message('kept.read.users'), () => Promise.reject(users)) : overUsers(measure, read));
  const roomsFirst = (measure: KeptMeasure, run: (roomIds: string[], total: number) => Promise<number | null>) =>
    (rooms instanceof Error ? measured(message('kept.read.rooms'), () => Promise.reject(rooms))
      : measured(message(`kept.read.${measure}` as 'kept.read.ips'), async () => ({ oldestTs: await run(rooms.roomIds, rooms.total), sampled: rooms.roomIds.length, population: rooms.total })));

  const [localMedia, ips, remoteMedia, redactions] = await Promise.all([
    usersFirst('localMedia', (user) => oldestUserMedia(hs, user.userId, user.avatarUrl)),
    usersFirst('ips', (user) => oldestConnection(hs, user.userId)),
    roomsFirst('remoteMedia', async (roomIds) => {
      const media = (await pooled(roomIds, limit, (roomId) => counted(() => remoteMediaOf(hs, roomId)))).flat().slice(0, KEPT_SAMPLE.remoteMedia);
      return minimum(await pooled(media, limit, (item) => counted(() => cachedMediaAccess(hs, item.server, item.mediaId))));
    }),
    roomsFirst('redactions', async (roomIds) => {
      const deletions = (await pooled(roomIds, limit, (roomId) => counted(() => oldestRedactions(hs, roomId, options.now)))).flat()
        .sort((a, b) => a.receivedTs - b.receivedTs).slice(0, KEPT_SAMPLE.redactedEvents);
      const kept = await pooled(deletions, limit, (deletion) => counted(() => redactedContentKept(hs, deletion.redacts)));
      return minimum(deletions.map((deletion, index) => (kept[index] === true ? deletion.receivedTs : null)));
    }),
  ]);
  return { kept: { localMedia, ips, remoteMedia, redactions }, requests };
}
