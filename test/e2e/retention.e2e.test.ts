// Issue #16, on a real Synapse: does the server really delete what its retention promises? A
// Synapse of its own (retention on, purge jobs every second, an application service) gets rooms
// whose history is dated a year back the way bridges import it (the appservice's ?ts=), then
// mxlint server, through the recording proxy (only GET), judges each room against what Synapse did:
//   - purged: a lifetime a purge job covers; the old messages are gone, the check passes;
//   - uncovered: a lifetime no purge job's range includes; the messages stay, the check fails
//     with their age;
//   - clamped: m.room.retention asks a year, allowed_lifetime_max caps it at 4 s; Synapse purges
//     with 4 s and mxlint judges with 4 s;
// and on the shared sandbox (retention off), a room's messages fail with the oldest date.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import schema from '../../src/report/report.schema.json' with { type: 'json' };
import { startExtraSynapse, type ExtraSynapse } from './extra-synapse.js';
import { FaultProxy } from './fault-proxy.js';
import { mxlintAsync } from './matrix.js';
import { synapse } from './sandbox.js';

const RUN = `ret${Date.now().toString(36)}`;
const YEAR_AGO = Date.now() - 365 * 86_400_000;
const LIFETIMES = { purged: 3000, uncovered: 6000, clamped: 31_536_000_000 } as const;
/** Purge jobs: one for lifetimes up to 5 s, one for those over 30 days; 6 s falls between. */
const RETENTION = `retention:
  enabled: true
  allowed_lifetime_max: 4s
  purge_jobs:
    - longest_max_lifetime: 5s
      interval: 1s
    - shortest_max_lifetime: 30d
      interval: 1s
`;

interface Finding { ruleId: string; useCase: string; status: string; message: string }
interface Room { roomId: string; findings: Finding[]; facts: Record<string, unknown> }
const describeSandbox = synapse?.source === 'sandbox' ? describe : describe.skip;

async function call(baseUrl: string, token: string, method: string, path: string, body?: unknown): Promise<any> {
  const response = await fetch(`${baseUrl}${path}`, {
    method, headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined,
  });
  const answer = await response.json();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(answer)}`);
  return answer;
}

/** The events the admin API still lists for a room, oldest first. */
const listed = async (baseUrl: string, adminToken: string, roomId: string): Promise<Array<{ event_id: string; state_key?: string; origin_server_ts: number }>> =>
  (await call(baseUrl, adminToken, 'GET', `/_synapse/admin/v1/rooms/${encodeURIComponent(roomId)}/messages?dir=f&limit=100`)).chunk;

function audit(baseUrl: string, token: string, config: string, rooms: string[]) {
  const args = ['server', '--homeserver', baseUrl, '--no-policy', '-c', config, '-f', 'json', '--rooms', rooms.join(',')];
  for (const roomId of rooms) args.push('--room-use-case', `${roomId}=association`);
  return mxlintAsync(args, { token });
}

const parsed = (stdout: string): Map<string, Room> => new Map((JSON.parse(stdout).rooms as Room[]).map((room) => [room.roomId, room]));
const retentionFinding = (room: Room) => room.findings.find((finding) => finding.ruleId === 'retention-applied');

describeSandbox('what the server really keeps: retention applied or not, on a real Synapse (issue #16)', () => {
  let extra: ExtraSynapse;
  let proxy: FaultProxy;
  let dir: string;
  const rooms: Record<keyof typeof LIFETIMES, { roomId: string; sent: string[] }> = {} as any;
  let sentFrom = 0;
  let sentUntil = 0;
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    let started = Date.now();
    extra = await startExtraSynapse(RETENTION, { appservice: true });
    timings.startMs = Date.now() - started;
    const { baseUrl, appservice } = extra.info;
    started = Date.now();
    sentFrom = Date.now();
    for (const [kind, lifetime] of Object.entries(LIFETIMES) as Array<[keyof typeof LIFETIMES, number]>) {
      const { room_id: roomId } = await call(baseUrl, appservice!.token, 'POST', '/_matrix/client/v3/createRoom', {
        preset: 'private_chat', name: `${RUN} ${kind}`, initial_state: [{ type: 'm.room.retention', state_key: '', content: { max_lifetime: lifetime } }],
      });
      const sent: string[] = [];
      for (let index = 0; index < 3; index += 1) {
        const path = `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/m.room.message/${RUN}-${index}?ts=${YEAR_AGO + index}`;
        sent.push((await call(baseUrl, appservice!.token, 'PUT', path, { msgtype: 'm.text', body: `imported ${index}` })).event_id);
      }
      rooms[kind] = { roomId, sent };
    }
    sentUntil = Date.now();
    // The uncovered room's messages must be older than its 4 s lifetime plus the 1 s interval, and
    // the purge jobs must have visited the purged and clamped rooms.
    const purgedAway = async () => {
      for (const kind of ['purged', 'clamped'] as const) {
        const ids = (await listed(baseUrl, extra.info.adminToken, rooms[kind].roomId)).map((event) => event.event_id);
        if (ids.includes(rooms[kind].sent[0])) return false;
      }
      return true;
    };
    while (!(await purgedAway()) || Date.now() - sentUntil < 6500) {
      if (Date.now() - sentUntil > 60_000) throw new Error('the purge jobs did not purge the rooms within a minute');
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    timings.purgeMs = Date.now() - started;
    proxy = await FaultProxy.start(baseUrl);
    dir = mkdtempSync(join(tmpdir(), 'mxlint-retention-'));
    writeFileSync(join(dir, 'retention-on.yaml'), `server_name: ${extra.info.serverName}\nreport_stats: false\n${RETENTION}`);
    writeFileSync(join(dir, 'retention-off.yaml'), `server_name: ${synapse!.serverName}\nreport_stats: false\n`);
  }, 180_000);

  afterAll(async () => {
    await proxy?.close();
    await extra?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
    process.stdout.write(`retention e2e: second Synapse started in ${timings.startMs} ms; rooms seeded and purged in ${timings.purgeMs} ms; audit ${timings.auditMs} ms\n`);
  });

  it('Synapse purged the covered rooms (the clamped one with 4 s) and kept the uncovered one', async () => {
    const { baseUrl, adminToken } = extra.info;
    for (const kind of ['purged', 'clamped'] as const) {
      const ids = (await listed(baseUrl, adminToken, rooms[kind].roomId)).map((event) => event.event_id);
      // The newest event before the purge point stays: Synapse's documented exception.
      expect(ids, kind).toEqual([rooms[kind].sent[2]]);
    }
    const kept = (await listed(baseUrl, adminToken, rooms.uncovered.roomId)).filter((event) => event.state_key === undefined);
    expect(kept.map((event) => event.event_id)).toEqual(rooms.uncovered.sent);
    expect(kept.map((event) => event.origin_server_ts)).toEqual([YEAR_AGO, YEAR_AGO + 1, YEAR_AGO + 2]);
  });

  it('passes the purged rooms, fails the uncovered one with its age, judges the clamped one with 4 s — only GET sent', async () => {
    const ids = Object.values(rooms).map((room) => room.roomId);
    const auditStart = Date.now();
    const run = await audit(proxy.url, extra.info.adminToken, join(dir, 'retention-on.yaml'), ids);
    const auditEnd = Date.now();
    timings.auditMs = run.ms;
    expect(run.code, run.stderr).toBe(1);
    const report = parsed(run.stdout);

    for (const kind of ['purged', 'clamped'] as const) {
      const room = report.get(rooms[kind].roomId)!;
      expect(retentionFinding(room), kind).toBeUndefined();
      expect(room.facts['stored.oldestMessageSentTs'], kind).toBe(YEAR_AGO + 2);
      expect(room.facts['stored.nextEventAgeMs'], kind).toBeNull();
    }
    expect(report.get(rooms.clamped.roomId)!.facts['retention.effectiveMaxLifetime']).toBe(4000);
    expect(report.get(rooms.clamped.roomId)!.facts['retention.purgeJobCovers']).toBe(true);

    const uncovered = report.get(rooms.uncovered.roomId)!;
    expect(retentionFinding(uncovered)).toMatchObject({
      status: 'fail', useCase: 'association',
      message: expect.stringMatching(/^retention configured but not applied: the oldest message stored was received \S+ \(\d+ seconds ago, sent as of \S+\), older than the lifetime 4s \(the room's m\.room\.retention max_lifetime, capped by retention\.allowed_lifetime_max\) plus the longest purge-job interval 1s; no purge job visits this room/),
    });
    expect(retentionFinding(uncovered)!.message).toContain(`sent as of ${new Date(YEAR_AGO).toISOString().replace(/\.\d+Z$/, 'Z')}`);
    const age = uncovered.facts['stored.oldestMessageAgeMs'] as number;
    // Received between the first send and the last; measured between the audit's start and end (1 s of clock slack).
    expect(age).toBeGreaterThanOrEqual(auditStart - sentUntil - 1000);
    expect(age).toBeLessThanOrEqual(auditEnd - sentFrom + 1000);
    expect(uncovered.facts['stored.oldestMessageSentTs']).toBe(YEAR_AGO);

    // The summary: three rooms configured within the limit, two really applied.
    const json = JSON.parse(run.stdout);
    expect(json.summary.useCases.find((row: { useCase: string }) => row.useCase === 'association').retention).toEqual({ configured: 3, applied: 2, notApplied: 1, unknown: 0 });
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    expect(validate(json) ? [] : validate.errors).toEqual([]);

    expect(proxy.requests.length).toBeGreaterThan(0);
    expect(proxy.requests.filter((request) => request.method !== 'GET')).toEqual([]);
    expect(proxy.requests.filter((request) => typeof request.outcome !== 'number')).toEqual([]);
  }, 120_000);

  it('fails a room of a server with retention off, with the oldest date', async () => {
    const { baseUrl, adminToken, users } = synapse!;
    const alice = users.alice;
    const { room_id: roomId } = await call(baseUrl, alice.token, 'POST', '/_matrix/client/v3/createRoom', { preset: 'private_chat', name: `${RUN} retention off` });
    await call(baseUrl, alice.token, 'PUT', `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/m.room.message/${RUN}`, { msgtype: 'm.text', body: 'kept forever' });
    const run = await audit(baseUrl, adminToken, join(dir, 'retention-off.yaml'), [roomId]);
    expect(run.code, run.stderr).toBe(1);
    const room = parsed(run.stdout).get(roomId)!;
    expect(retentionFinding(room)).toMatchObject({
      status: 'fail',
      message: expect.stringMatching(/^the oldest message stored was received 20\d\d-\d\d-\d\dT\d\d:\d\d:\d\dZ \(\d+ seconds ago\), and nothing purges it: retention\.enabled is off on the server, so nothing is purged$/),
    });
  });
});
