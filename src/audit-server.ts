// Audits every room of a server through the admin API: bounded concurrency, each room read,
// linted and reduced to a compact record as it comes, so memory stays bounded.
import type { Finding, Rule, Status } from './types.js';
import { runCheck } from './engine/evaluate.js';
import type { RoomFacts } from './facts/room-facts.js';
import type { Homeserver } from './sources/homeserver.js';
import { BadAnswer, isRefusal, NetworkError } from './sources/homeserver.js';
import { largestRooms, listRooms, newestEventTs, oldestStored, pendingRoomPurges, roomDetails, roomState } from './sources/admin-api.js';
import type { RoomStorage } from './facts/stored-history.js';
import type { AdminRoom } from './sources/answers.js';
import type { ServerFacts } from './facts/server-facts.js';
import { lintRoom, ROOM_USE_CASES } from './lint-room.js';

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

export interface RoomFailure { roomId: string; reason: string }

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
  onTotal?(total: number): void;
  onRoom(record: RoomRecord): void;
  onFailure(failure: RoomFailure): void;
}

/** A refused request (a 4xx other than 429) as the reason its facts stay unknown; anything else is thrown. */
const refused = <T>(orElse: (error: Error) => T) => (error: Error): T => { if (!isRefusal(error)) throw error; return orElse(error); };

type Measured<T> = T | { unknown: string };
const isUnknown = <T>(value: Measured<T>): value is { unknown: string } => typeof value === 'object' && value !== null && 'unknown' in value;

/** What the server's storage says, read once per audit (two requests), then told to each room. A
 *  refusal leaves those facts unknown; a fault or a bad answer too, and `onFault` makes the audit incomplete. */
async function readStorage(hs: Homeserver, onFault: (what: string, error: Error) => void): Promise<(roomId: string) => RoomStorage> {
  const read = <T>(what: string, request: Promise<T>): Promise<Measured<T>> => request.catch((error: Error) => {
    if (!isRefusal(error)) onFault(what, error);
    return { unknown: `the ${what} were not read: ${error.message}` };
  });
  const [sizes, purges] = await Promise.all([read('database statistics', largestRooms(hs)), read('scheduled tasks', pendingRoomPurges(hs))]);
  return (roomId) => ({
    sizeBytes: isUnknown(sizes) ? sizes : sizes.get(roomId) ?? { unknown: `not among the ${sizes.size} largest rooms Synapse's database statistics list` },
    forgottenPurge: isUnknown(purges) ? purges : purges.get(roomId) ?? null,
  });
}

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
  const fail = (roomId: string, reason: string) => { failed += 1; options.onFailure({ roomId, reason }); };
  // Once every room in flight (and at least 3) failed in a row on a server fault, the server is taken
  // for gone: the rooms left are reported as failed without asking it again (each would otherwise
  // go through all its retries, minutes on a large server).
  let consecutiveFaults = 0;
  let gone: string | undefined;
  const tripAfter = Math.max(3, concurrency);
  const storageOf = await readStorage(hs, (what, error) => fail(`(${what})`, `cannot read the ${what}: ${error.message}`));
  const start = async (room: AdminRoom) => {
    if (gone) return fail(room.room_id, gone);
    const task = auditRoom(room, options, storageOf(room.room_id))
      .then((record) => { consecutiveFaults = 0; audited += 1; options.onRoom(record); })
      .catch((error: Error) => {
        consecutiveFaults = serverFault(error) ? consecutiveFaults + 1 : 0;
        if (consecutiveFaults >= tripAfter && !gone) gone = `not audited: the server stopped answering (${error.message})`;
        fail(room.room_id, error.message);
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
      if (!gone && serverFault(error)) gone = `not audited: the room list broke off (${(error as Error).message})`;
      fail('(room list)', `cannot list the rooms after ${listed}: ${(error as Error).message}`);
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
      fail(roomId, (error as Error).message);
      continue;
    }
    if (room) await start(room);
    else fail(roomId, 'no such room on this server');
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
    oldestStored(options.hs, room.room_id).catch(refused((error) => ({ unknown: `the admin API refused to list the oldest events: ${error.message}` }))),
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
  }, { useCases: declared ? [declared] : undefined, server: options.server, rules: options.rules });
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
    ...(warnings.length ? { warnings } : {}),
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
