// Audits every room of a server through the admin API: bounded concurrency, each room read,
// linted and reduced to a compact record as it comes, so memory stays bounded.
import type { Finding, Lang, Rule, Status } from './types.js';
import { runCheck } from './engine/evaluate.js';
import type { RoomFacts } from './facts/room-facts.js';
import type { Homeserver } from './sources/homeserver.js';
import { BadAnswer, errorDetail, isRefusal, NetworkError } from './sources/homeserver.js';
import { largestRooms, listRooms, newestEventTs, oldestStored, pendingRoomPurges, roomDetails, roomState } from './sources/admin-api.js';
import type { RoomStorage } from './facts/stored-history.js';
import type { AdminRoom } from './sources/answers.js';
import type { ServerFacts } from './facts/server-facts.js';
import { lintRoom, ROOM_USE_CASES } from './lint-room.js';
import { defineMessages, render, type Message, type MessageValue } from './messages/message.js';
import { reasonMessage } from './facts/stored-history.js';

const message = defineMessages({
  'audit.error': { en: '{error}', fr: '{error}' },
  'audit.cannotReadStatistics': { en: 'cannot read the database statistics: {error}', fr: 'impossible de lire les statistiques de la base de données\u00a0: {error}' },
  'audit.cannotReadTasks': { en: 'cannot read the scheduled tasks: {error}', fr: 'impossible de lire les tâches planifiées\u00a0: {error}' },
  'audit.serverStopped': { en: 'not audited: the server stopped answering ({error})', fr: 'non audité\u00a0: le serveur a cessé de répondre ({error})' },
  'audit.listBrokeOff': { en: 'not audited: the room list broke off ({error})', fr: 'non audité\u00a0: la liste des salons s’est interrompue ({error})' },
  'audit.cannotList': { en: 'cannot list the rooms after {count}: {error}', fr: 'impossible de lister les salons au-delà de {count}\u00a0: {error}' },
  'audit.noSuchRoom': { en: 'no such room on this server', fr: 'ce salon n’existe pas sur ce serveur' },
});

export interface RoomRecord {
  roomId: string;
  name: string | null;
  alias: string | null;
  members: number;
  /** The declared use case, or the best fit; null when nothing fits. */
  useCase: string | null;
  declared: boolean;
  verdict: 'fit' | 'fit-with-warnings' | 'unfit' | 'unknown' | 'unclassified';
  fits: string[];
  /** Failing and unknown findings for the room's use case (all use cases when unclassified). */
  findings: Finding[];
  /** What the server's answers repeated (see currentState), when anything did. */
  warnings?: string[];
  /** For the summary: is retention configured within the limit, and really applied (see RETENTION_RULES). */
  retention: { configured: Status | null; applied: Status | null };
  /** Full facts, only kept when the caller asks (JSON output). */
  facts?: Record<string, unknown>;
}

/** A room (or a request of the whole audit, in parentheses) that could not be audited: why, in the
 *  report's language, and as a message id and data. */
export interface RoomFailure { roomId: string; reason: string; reasonId: string; data: Record<string, MessageValue> }

export interface AuditOptions {
  hs: Homeserver;
  localServer: string;
  server?: ServerFacts;
  rules: Rule[];
  searchTerm?: string;
  /** Only these room ids (after alias resolution). */
  roomIds?: Set<string>;
  declared?: Map<string, string>;
  concurrency: number;
  withFacts?: boolean;
  /** The language of the failure reasons and of the findings' messages. */
  lang?: Lang;
  onTotal?(total: number): void;
  onRoom(record: RoomRecord): void;
  onFailure(failure: RoomFailure): void;
}

/** A refused request (a 4xx other than 429) as the reason its facts stay unknown; anything else is thrown. */
const refused = <T>(orElse: (error: Error) => T) => (error: Error): T => { if (!isRefusal(error)) throw error; return orElse(error); };

type Measured<T> = T | { unknown: Message };
const isUnknown = <T>(value: Measured<T>): value is { unknown: Message } => typeof value === 'object' && value !== null && 'unknown' in value;

/** What the server's storage says, read once per audit (two requests), then told to each room. A
 *  refusal leaves those facts unknown; a fault or a bad answer too, and `onFault` makes the audit incomplete. */
const STORAGE_READS = {
  'database statistics': { notRead: 'roomFact.statisticsNotRead', cannotRead: 'audit.cannotReadStatistics' },
  'scheduled tasks': { notRead: 'roomFact.tasksNotRead', cannotRead: 'audit.cannotReadTasks' },
} as const;
type StorageRead = keyof typeof STORAGE_READS;

async function readStorage(hs: Homeserver, onFault: (what: StorageRead, reason: Message) => void): Promise<(roomId: string) => RoomStorage> {
  const read = <T>(what: StorageRead, request: Promise<T>): Promise<Measured<T>> => request.catch((error: Error) => {
    if (!isRefusal(error)) onFault(what, message(STORAGE_READS[what].cannotRead, { error: errorDetail(error) }));
    return { unknown: reasonMessage(STORAGE_READS[what].notRead, { error: errorDetail(error) }) };
  });
  const [sizes, purges] = await Promise.all([read('database statistics', largestRooms(hs)), read('scheduled tasks', pendingRoomPurges(hs))]);
  return (roomId) => ({
    sizeBytes: isUnknown(sizes) ? sizes : sizes.get(roomId) ?? { unknown: reasonMessage('roomFact.notAmongLargest', { count: sizes.size }) },
    forgottenPurge: isUnknown(purges) ? purges : purges.get(roomId) ?? null,
  });
}

/** An error thrown while auditing a room (its text is the error's, from the request that failed). */

const errorReason = (error: Error): Message => message('audit.error', { error: errorDetail(error) });

/** A fault of the server or of the network (not a refusal about one room, nor an answer mxlint
 *  will not use): the kind that, repeated on every room in flight, means the server is gone. */
const serverFault = (error: unknown): boolean =>
  error instanceof NetworkError && !(error instanceof BadAnswer) && (error.status === undefined || error.status === 429 || error.status >= 500);

export async function auditServer(options: AuditOptions): Promise<{ total: number; audited: number; failed: number; skipped: number }> {
  const { hs, concurrency } = options;
  let total = 0;
  let audited = 0;
  let failed = 0;
  const skipped = 0; // kept in the counts; named rooms are now fetched, not filtered out of the listing
  const running = new Set<Promise<void>>();
  const fail = (roomId: string, reason: Message) => {
    failed += 1;
    options.onFailure({ roomId, reason: render(options.lang ?? 'en', reason), reasonId: reason.id, data: reason.data });
  };
  // Once every room in flight (and at least 3) failed in a row on a server fault, the server is taken
  // for gone: the rooms left are reported as failed without asking it again (each would otherwise
  // go through all its retries, minutes on a large server).
  let consecutiveFaults = 0;
  let gone: Message | undefined;
  const tripAfter = Math.max(3, concurrency);
  const storageOf = await readStorage(hs, (what, reason) => fail(`(${what})`, reason));
  const start = async (room: AdminRoom) => {
    if (gone) return fail(room.room_id, gone);
    const task = auditRoom(room, options, storageOf(room.room_id))
      .then((record) => { consecutiveFaults = 0; audited += 1; options.onRoom(record); })
      .catch((error: Error) => {
        consecutiveFaults = serverFault(error) ? consecutiveFaults + 1 : 0;
        if (consecutiveFaults >= tripAfter && !gone) gone = message('audit.serverStopped', { error: errorDetail(error) });
        fail(room.room_id, errorReason(error));
      })
      .finally(() => running.delete(task));
    running.add(task);
    if (running.size >= concurrency) await Promise.race(running);
  };

  // Rooms named by id or alias are fetched one by one; the listing is only read for a search term
  // or for every room (then the named rooms are audited besides those the term finds).
  const wanted = options.roomIds;
  const seen = new Set<string>();
  if (!wanted || options.searchTerm) {
    let listed = 0;
    try {
      for await (const page of listRooms(hs, options.searchTerm)) {
        if (listed === 0) options.onTotal?.(page.total + (wanted?.size ?? 0));
        total = page.total;
        for (const room of page.rooms) {
          listed += 1;
          seen.add(room.room_id);
          await start(room);
        }
        if (gone) break;
      }
    } catch (error) {
      // The JSON report is already streaming: a listing that breaks off is a failure in it, not a
      // throw. A fault means the server is gone; a listing that cannot be trusted does not.
      if (!gone && serverFault(error)) gone = message('audit.listBrokeOff', { error: errorDetail(error as Error) });
      fail('(room list)', message('audit.cannotList', { count: listed, error: errorDetail(error as Error) }));
    }
    // Rooms of the listing never reached are failed too, not skipped.
    if (listed < total) failed += total - listed;
    if (wanted) options.onTotal?.(total + [...wanted].filter((roomId) => !seen.has(roomId)).length);
  }
  for (const roomId of wanted ?? []) {
    if (seen.has(roomId)) continue;
    total += 1;
    if (!options.searchTerm && total === 1) options.onTotal?.(wanted!.size);
    if (gone) {
      fail(roomId, gone);
      continue;
    }
    let room: AdminRoom | undefined;
    try {
      room = await roomDetails(hs, roomId);
    } catch (error) {
      fail(roomId, errorReason(error as Error));
      continue;
    }
    if (room) await start(room);
    else fail(roomId, message('audit.noSuchRoom'));
  }
  await Promise.all(running);
  return { total, audited, failed, skipped };
}

/** The rules whose status, whatever the room's use case, makes the summary's "configured / applied". */
const RETENTION_RULES = { configured: 'room-retention-effective', applied: 'retention-applied' } as const;

function retentionOf(rules: Rule[], facts: RoomFacts): RoomRecord['retention'] {
  const status = (ruleId: string): Status | null => {
    const rule = rules.find((candidate) => candidate.id === ruleId);
    return (rule && runCheck(rule.check, facts)?.[0]?.status) ?? null;
  };
  return { configured: status(RETENTION_RULES.configured), applied: status(RETENTION_RULES.applied) };
}

async function auditRoom(room: AdminRoom, options: AuditOptions, storage: RoomStorage): Promise<RoomRecord> {
  // The listing has the headline settings; power levels, ACL, bridges and members need the state.
  // The newest and oldest events feed facts of their own: a refusal leaves them unknown, a fault or a bad answer does not.
  const [{ state, warnings }, lastEventTs, stored] = await Promise.all([
    roomState(options.hs, room.room_id),
    newestEventTs(options.hs, room.room_id).catch(refused(() => undefined)),
    oldestStored(options.hs, room.room_id).catch(refused((error) => ({ unknown: reasonMessage('roomFact.oldestRefused', { error: errorDetail(error) }) }))),
  ]);
  const declared = options.declared?.get(room.room_id) ?? (room.canonical_alias ? options.declared?.get(room.canonical_alias) : undefined);
  const result = lintRoom({
    roomId: room.room_id,
    source: `${options.hs.options.baseUrl} ${room.room_id}`,
    state,
    published: room.public,
    localServer: options.localServer,
    lastEventTs,
    stored,
    storage,
  }, { useCases: declared ? [declared] : undefined, server: options.server, rules: options.rules, lang: options.lang });
  const best = result.classification.fits[0];
  const useCase = declared ?? best?.useCase ?? null;
  const verdict = declared ? result.verdicts[0].verdict : best ? best.verdict : 'unclassified';
  const relevant = result.findings.filter((finding) => finding.status !== 'pass' && (useCase ? finding.useCase === useCase : finding.level === 'error'));
  return {
    roomId: room.room_id,
    name: room.name,
    alias: room.canonical_alias,
    members: room.joined_members,
    useCase,
    declared: Boolean(declared),
    verdict,
    fits: result.classification.fits.map((fit) => fit.useCase),
    findings: relevant,
    ...(warnings.length ? { warnings: warnings.map((warning) => render(options.lang ?? 'en', warning)) } : {}),
    retention: retentionOf(options.rules, result.facts),
    ...(options.withFacts ? { facts: Object.fromEntries(Object.entries(result.facts.values).map(([path, fact]) => [path, fact.value])) } : {}),
  };
}

/** Running totals for the summary table; constant memory whatever the number of rooms. */
export class AuditSummary {
  readonly perUseCase = new Map<string, { rooms: number; fit: number; warnings: number; unfit: number; unknown: number; retention: { configured: number; applied: number; notApplied: number; unknown: number } }>();
  readonly ruleCounts = new Map<string, number>();
  unclassified = 0;

  add(record: RoomRecord): void {
    if (!record.useCase) {
      this.unclassified += 1;
    } else {
      const row = this.perUseCase.get(record.useCase) ?? { rooms: 0, fit: 0, warnings: 0, unfit: 0, unknown: 0, retention: { configured: 0, applied: 0, notApplied: 0, unknown: 0 } };
      row.rooms += 1;
      const { configured, applied } = record.retention;
      if (configured === 'pass') row.retention.configured += 1;
      if (applied === 'pass') row.retention.applied += 1;
      else if (applied === 'fail') row.retention.notApplied += 1;
      else if (applied === 'unknown') row.retention.unknown += 1;
      if (record.verdict === 'fit') row.fit += 1;
      else if (record.verdict === 'fit-with-warnings') row.warnings += 1;
      else if (record.verdict === 'unfit') row.unfit += 1;
      else row.unknown += 1;
      this.perUseCase.set(record.useCase, row);
    }
    for (const ruleId of new Set(record.findings.filter((f) => f.status === 'fail').map((f) => f.ruleId))) {
      this.ruleCounts.set(ruleId, (this.ruleCounts.get(ruleId) ?? 0) + 1);
    }
  }

  toJSON() {
    return {
      useCases: ROOM_USE_CASES().filter((id) => this.perUseCase.has(id)).map((useCase) => ({ useCase, ...this.perUseCase.get(useCase)! })),
      unclassified: this.unclassified,
      topFindings: [...this.ruleCounts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 10).map(([ruleId, rooms]) => ({ ruleId, rooms })),
    };
  }
}
