// Audits every room of a server through the admin API: bounded concurrency, each room read,
// linted and reduced to a compact record as it comes, so memory stays bounded.
import type { Finding, Rule } from './types.js';
import type { Homeserver } from './sources/homeserver.js';
import { listRooms, newestEventTs, roomState, type AdminRoom } from './sources/admin-api.js';
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

export async function auditServer(options: AuditOptions): Promise<{ total: number; audited: number; failed: number; skipped: number }> {
  const { hs, concurrency } = options;
  let total = 0;
  let audited = 0;
  let failed = 0;
  let skipped = 0;
  const running = new Set<Promise<void>>();
  for await (const page of listRooms(hs, options.searchTerm)) {
    if (total === 0) options.onTotal?.(options.roomIds ? options.roomIds.size : page.total);
    total = page.total;
    for (const room of page.rooms) {
      if (options.roomIds && !options.roomIds.has(room.room_id)) {
        skipped += 1;
        continue;
      }
      const task = auditRoom(room, options)
        .then((record) => { audited += 1; options.onRoom(record); })
        .catch((error: Error) => { failed += 1; options.onFailure({ roomId: room.room_id, reason: error.message }); })
        .finally(() => running.delete(task));
      running.add(task);
      if (running.size >= concurrency) await Promise.race(running);
    }
  }
  await Promise.all(running);
  return { total, audited, failed, skipped };
}

async function auditRoom(room: AdminRoom, options: AuditOptions): Promise<RoomRecord> {
  // The listing has the headline settings; power levels, ACL, bridges and members need the state.
  const [state, lastEventTs] = await Promise.all([
    roomState(options.hs, room.room_id),
    newestEventTs(options.hs, room.room_id).catch(() => undefined),
  ]);
  const declared = options.declared?.get(room.room_id) ?? (room.canonical_alias ? options.declared?.get(room.canonical_alias) : undefined);
  const result = lintRoom({
    roomId: room.room_id,
    source: `${options.hs.options.baseUrl} ${room.room_id}`,
    state,
    published: room.public,
    localServer: options.localServer,
    lastEventTs,
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
    ...(options.withFacts ? { facts: Object.fromEntries(Object.entries(result.facts.values).map(([path, fact]) => [path, fact.value])) } : {}),
  };
}

/** Running totals for the summary table; constant memory whatever the number of rooms. */
export class AuditSummary {
  readonly perUseCase = new Map<string, { rooms: number; fit: number; warnings: number; unfit: number; unknown: number }>();
  readonly ruleCounts = new Map<string, number>();
  unclassified = 0;

  add(record: RoomRecord): void {
    if (!record.useCase) {
      this.unclassified += 1;
    } else {
      const row = this.perUseCase.get(record.useCase) ?? { rooms: 0, fit: 0, warnings: 0, unfit: 0, unknown: 0 };
      row.rooms += 1;
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
