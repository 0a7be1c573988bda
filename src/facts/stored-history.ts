// What the server still stores of a room's history (measured through the admin API by
// `mxlint server`), and how Synapse's purge jobs reach the room: the facts the "retention really
// applied" rule compares.
import type { Fact } from '../types.js';
import type { ServerFacts } from './server-facts.js';
import { parseDuration } from './duration.js';
import { pythonTruthy } from './values.js';
import type { RoomFactPath } from './room-fact-table.js';
import { defineMessages, type Message } from '../messages/message.js';

/** Why a room fact stays unknown, for the facts here and in room-facts.ts. */
export const reasonMessage = defineMessages({
  'roomFact.noConfig': { en: 'the server config is not given (--config)', fr: 'la configuration du serveur n’est pas fournie (--config)' },
  'roomFact.optionUnknown': { en: '{path} is unknown ({reason})', fr: '{path} est inconnu ({reason})' },
  'roomFact.unreadable': { en: 'unreadable', fr: 'illisible' },
  'roomFact.notMeasured': { en: 'only measured on a live server (mxlint server, admin API)', fr: 'mesuré seulement sur un serveur en service (mxlint server, API d’administration)' },
  'roomFact.oldestAllState': { en: 'the first {count} events of the timeline are all state events', fr: 'les {count} premiers évènements de l’historique sont tous des évènements d’état' },
  'roomFact.oldestIsLastRead': {
    en: 'the oldest message is the last of the {count} events read: the one after it is not known',
    fr: 'le plus ancien message est le dernier des {count} évènements lus\u00a0: celui qui le suit n’est pas connu',
  },
  'roomFact.oldestRefused': { en: 'the admin API refused to list the oldest events: {error}', fr: 'l’API d’administration a refusé de lister les évènements les plus anciens\u00a0: {error}' },
  'roomFact.statisticsNotRead': { en: 'the database statistics were not read: {error}', fr: 'les statistiques de la base de données n’ont pas été lues\u00a0: {error}' },
  'roomFact.tasksNotRead': { en: 'the scheduled tasks were not read: {error}', fr: 'les tâches planifiées n’ont pas été lues\u00a0: {error}' },
  'roomFact.notAmongLargest': {
    en: "not among the {count} largest rooms Synapse's database statistics list",
    fr: 'absent des {count} plus grands salons que listent les statistiques de la base de données de Synapse',
  },
  'roomFact.purgeJobsUnreadable': { en: 'retention.purge_jobs cannot be read (a job without a valid interval)', fr: 'retention.purge_jobs est illisible (une tâche sans intervalle valide)' },
});

/** `path is unknown (why)`, for a server option a room fact depends on. */
export const optionUnknown = (fact: Fact): Message => reasonMessage('roomFact.optionUnknown', { path: fact.path, reason: fact.reason ?? reasonMessage('roomFact.unreadable') });

/** The oldest history the server still returns for a room (admin messages API, oldest first). */
export interface StoredHistory {
  /** The oldest non-state event still stored; null when only state events are. */
  oldestMessage: { receivedTs: number; sentTs: number } | null;
  /** When the server received the event stored right after that one; null when there is none. */
  nextEventReceivedTs: number | null;
}

/** A measurement, or why it could not be made. */
export type StoredHistoryInput = StoredHistory | { unknown: Message };

/** What the server's storage says of the room, read once per audit: its database size (Synapse's
 *  statistics list the largest rooms only) and the purge scheduled when it was forgotten. */
export interface RoomStorage {
  /** Estimated bytes; a reason when the statistics cannot be read or do not list the room. */
  sizeBytes: number | { unknown: Message };
  /** The purge Synapse scheduled and has not done; null when none is pending. */
  forgottenPurge: { dueTs: number; status: string } | null | { unknown: Message };
}

type PutFact = (path: RoomFactPath, value: unknown, event: undefined, state?: Fact['state'], reason?: Message) => void;

/** Synapse's one daily job over every room, when retention.purge_jobs is absent or empty. */
const DEFAULT_PURGE_INTERVAL_MS = 86_400_000;

export function putStoredHistory(put: PutFact, stored: StoredHistoryInput | undefined, now: number): void {
  const measured = stored && !('unknown' in stored) ? stored : undefined;
  const reason = stored && 'unknown' in stored ? stored.unknown : reasonMessage('roomFact.notMeasured');
  const state: Fact['state'] = measured ? 'set' : 'unknown';
  const oldest = measured?.oldestMessage ?? null;
  put('stored.oldestMessageTs', oldest?.receivedTs ?? null, undefined, state, reason);
  put('stored.oldestMessageSentTs', oldest?.sentTs ?? null, undefined, state, reason);
  put('stored.oldestMessageAgeMs', oldest ? Math.max(0, now - oldest.receivedTs) : null, undefined, state, reason);
  const next = measured?.nextEventReceivedTs ?? null;
  put('stored.nextEventAgeMs', next === null ? null : Math.max(0, now - next), undefined, state, reason);
}

export function putStorage(put: PutFact, storage: RoomStorage | undefined, now: number): void {
  const notMeasured = reasonMessage('roomFact.notMeasured');
  const size = storage?.sizeBytes;
  if (typeof size === 'number') put('stored.sizeBytes', size, undefined, 'set');
  else put('stored.sizeBytes', null, undefined, 'unknown', size?.unknown ?? notMeasured);
  const purge = storage?.forgottenPurge;
  if (purge === undefined || (purge && 'unknown' in purge)) {
    const reason = purge?.unknown ?? notMeasured;
    put('stored.forgottenPurgeOverdueMs', null, undefined, 'unknown', reason);
    put('stored.forgottenPurgeStatus', null, undefined, 'unknown', reason);
    return;
  }
  put('stored.forgottenPurgeOverdueMs', purge && purge.dueTs < now ? now - purge.dueTs : null, undefined, 'set');
  put('stored.forgottenPurgeStatus', purge?.status ?? null, undefined, 'set');
}

const durationOf = (value: unknown): number | null => {
  const parsed = parseDuration(value);
  return value === null || value === undefined || !parsed.ok ? null : parsed.value;
};

/** The purge jobs Synapse runs (retention.purge_jobs, or its default one), as milliseconds. */
function purgeJobs(server: ServerFacts): Array<{ interval: number; shortest: number | null; longest: number | null }> | undefined {
  const jobs = server.get('retention.purge_jobs').value;
  if (jobs === null || jobs === undefined || (Array.isArray(jobs) && jobs.length === 0)) return [{ interval: DEFAULT_PURGE_INTERVAL_MS, shortest: null, longest: null }];
  if (!Array.isArray(jobs)) return undefined;
  const parsed = jobs.map((job) => ({ interval: durationOf(job?.interval), shortest: durationOf(job?.shortest_max_lifetime), longest: durationOf(job?.longest_max_lifetime) }));
  return parsed.every((job) => job.interval !== null) ? (parsed as Array<{ interval: number; shortest: number | null; longest: number | null }>) : undefined;
}

/** The longest purge-job interval, and whether a job visits the room: Synapse picks rooms by their
 *  own max_lifetime (else the default policy's), before clamping, in (shortest, longest]. */
export function putPurgeJobs(put: PutFact, roomMaxLifetime: number | null, server: ServerFacts | undefined): void {
  const unknown = (why: Message) => {
    put('retention.purgeIntervalMs', null, undefined, 'unknown', why);
    put('retention.purgeJobCovers', null, undefined, 'unknown', why);
  };
  if (!server) return unknown(reasonMessage('roomFact.noConfig'));
  const enabled = server.get('retention.enabled');
  if (enabled.state === 'unknown') return unknown(optionUnknown(enabled));
  if (!pythonTruthy(enabled.value)) {
    put('retention.purgeIntervalMs', null, undefined, 'set');
    put('retention.purgeJobCovers', false, undefined, 'set');
    return;
  }
  const jobs = purgeJobs(server);
  if (!jobs) return unknown(reasonMessage('roomFact.purgeJobsUnreadable'));
  put('retention.purgeIntervalMs', Math.max(...jobs.map((job) => job.interval)), undefined, 'set');
  const lifetime = roomMaxLifetime ?? durationOf(server.get('retention.default_policy.max_lifetime').value);
  const covers = lifetime !== null && jobs.some((job) => (job.shortest === null || lifetime > job.shortest) && (job.longest === null || lifetime <= job.longest));
  put('retention.purgeJobCovers', covers, undefined, 'set');
}
