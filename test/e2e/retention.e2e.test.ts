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
// What the server keeps beyond rooms, both ways where Synapse can be made to: IP addresses (the
// second Synapse prunes them after 1 s; the shared sandbox keeps its default 28d while the config
// given claims 1s, so they are configured but not applied), local media (kept without
// media_retention; within a 1 s lifetime plus the hourly job when it is on: Synapse's media job
// runs every hour, first an hour after start, so a purge cannot be shown here), and a deleted
// message whose content Synapse keeps for redaction_retention_period (read back by fetch_event).
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
/** The second Synapse also prunes IP addresses after 1 s, and has a 1 s local media lifetime. */
const KEPT = `user_ips_max_age: 1s
media_retention:
  local_media_lifetime: 1s
`;
const RETENTION = `retention:
  enabled: true
  allowed_lifetime_max: 4s
  purge_jobs:
    - longest_max_lifetime: 5s
      interval: 1s
    - shortest_max_lifetime: 30d
      interval: 1s
`;

interface Finding { ruleId: string; useCase: string; level: string; status: string; message: string; messageId: string }
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

/** A user created by the admin, who uploads one file with their own token (a connection and a
 *  media of theirs), then stays idle. Named to come first in the admin API's user list. */
async function idleUploader(baseUrl: string, adminToken: string, serverName: string): Promise<{ userId: string; token: string; mediaId: string }> {
  const userId = `@0kept${RUN}:${serverName}`;
  const password = `${crypto.randomUUID()}-kept`;
  await call(baseUrl, adminToken, 'PUT', `/_synapse/admin/v2/users/${encodeURIComponent(userId)}`, { password });
  // Their own login: a token the admin makes for them records the admin's IP, not theirs.
  const login = await fetch(`${baseUrl}/_matrix/client/v3/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ type: 'm.login.password', identifier: { type: 'm.id.user', user: userId }, password }) });
  if (!login.ok) throw new Error(`login: ${login.status} ${await login.text()}`);
  const { access_token: token } = await login.json() as { access_token: string };
  const upload = await fetch(`${baseUrl}/_matrix/media/v3/upload?filename=kept.txt`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'text/plain' }, body: 'kept?' });
  if (!upload.ok) throw new Error(`upload: ${upload.status} ${await upload.text()}`);
  const { content_uri: uri } = await upload.json() as { content_uri: string };
  return { userId, token, mediaId: uri.split('/').pop()! };
}

const keptFinding = (stdout: string, ruleId: string): Finding | undefined => (JSON.parse(stdout).kept.findings as Finding[]).find((finding) => finding.ruleId === ruleId && finding.useCase === 'chatons');

const parsed = (stdout: string): Map<string, Room> => new Map((JSON.parse(stdout).rooms as Room[]).map((room) => [room.roomId, room]));
const retentionFinding = (room: Room) => room.findings.find((finding) => finding.ruleId === 'retention-applied');

describeSandbox('what the server really keeps: retention applied or not, on a real Synapse (issue #16)', () => {
  let extra: ExtraSynapse;
  let proxy: FaultProxy;
  let dir: string;
  const rooms: Record<keyof typeof LIFETIMES, { roomId: string; sent: string[] }> = {} as any;
  let sentFrom = 0;
  let deleted = '';
  let uploaders: Record<'extra' | 'sandbox', { userId: string; token: string; mediaId: string }>;
  let idleSince = 0;
  let sentUntil = 0;
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    let started = Date.now();
    extra = await startExtraSynapse(`${RETENTION}${KEPT}`, { appservice: true });
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
    // A deleted message (its content kept for redaction_retention_period, 7d by default), and on
    // each server a user who uploads a file and then stays idle (their connection must age past 11 s).
    const { room_id: deletedIn } = await call(baseUrl, appservice!.token, 'POST', '/_matrix/client/v3/createRoom', { preset: 'private_chat', name: `${RUN} deleted` });
    const said = await call(baseUrl, appservice!.token, 'PUT', `/_matrix/client/v3/rooms/${encodeURIComponent(deletedIn)}/send/m.room.message/${RUN}-said`, { msgtype: 'm.text', body: 'said, then deleted' });
    await call(baseUrl, appservice!.token, 'PUT', `/_matrix/client/v3/rooms/${encodeURIComponent(deletedIn)}/redact/${encodeURIComponent(said.event_id)}/${RUN}-unsaid`, {});
    deleted = said.event_id;
    uploaders = {
      extra: await idleUploader(baseUrl, extra.info.adminToken, extra.info.serverName),
      sandbox: await idleUploader(synapse!.baseUrl, synapse!.adminToken, synapse!.serverName),
    };
    idleSince = Date.now();
    // The uncovered room's messages must be older than its 4 s lifetime plus the 1 s interval, and
    // the purge jobs must have visited the purged and clamped rooms.
    const purgedAway = async () => {
      for (const kind of ['purged', 'clamped'] as const) {
        const ids = (await listed(baseUrl, extra.info.adminToken, rooms[kind].roomId)).map((event) => event.event_id);
        if (ids.includes(rooms[kind].sent[0])) return false;
      }
      return true;
    };
    while (!(await purgedAway()) || Date.now() - sentUntil < 6500 || Date.now() - idleSince < 12_000) {
      if (Date.now() - sentUntil > 60_000) throw new Error('the purge jobs did not purge the rooms within a minute');
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    timings.purgeMs = Date.now() - started;
    proxy = await FaultProxy.start(baseUrl);
    dir = mkdtempSync(join(tmpdir(), 'mxlint-retention-'));
    writeFileSync(join(dir, 'retention-on.yaml'), `server_name: ${extra.info.serverName}\nreport_stats: false\n${RETENTION}`);
    writeFileSync(join(dir, 'retention-off.yaml'), `server_name: ${synapse!.serverName}\nreport_stats: false\n`);
    writeFileSync(join(dir, 'kept-on.yaml'), `server_name: ${extra.info.serverName}\nreport_stats: false\n${KEPT}`);
    // What the shared sandbox does not do: its IPs are kept 28 days (Synapse's default).
    writeFileSync(join(dir, 'ips-claimed.yaml'), `server_name: ${synapse!.serverName}\nreport_stats: false\nuser_ips_max_age: 1s\n`);
  }, 180_000);

  afterAll(async () => {
    await proxy?.close();
    await extra?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
    process.stdout.write(`retention e2e: second Synapse started in ${timings.startMs} ms; rooms seeded and purged in ${timings.purgeMs} ms; audit ${timings.auditMs} ms; kept audits ${timings.keptMs} ms\n`);
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

  it('IPs pruned, media within its lifetime, a deleted message’s content kept within its period: measured on the second Synapse — only GET sent', async () => {
    const { baseUrl, adminToken } = extra.info;
    // What Synapse did: the idle user's connection is gone (pruned after 1 s); their file and the deleted content are still stored.
    const whois = await call(baseUrl, adminToken, 'GET', `/_synapse/admin/v1/whois/${encodeURIComponent(uploaders.extra.userId)}`);
    expect(Object.values(whois.devices).flatMap((device: any) => device.sessions.flatMap((session: any) => session.connections))).toEqual([]);
    const stored = await call(baseUrl, adminToken, 'GET', `/_synapse/admin/v1/fetch_event/${encodeURIComponent(deleted)}`);
    expect(stored.event.content).toMatchObject({ body: 'said, then deleted' });
    const before = proxy.requests.length;
    const run = await mxlintAsync(['server', '--homeserver', proxy.url, '--no-policy', '-c', join(dir, 'kept-on.yaml'), '-f', 'json', '--rooms', rooms.purged.roomId], { token: adminToken });
    timings.keptMs = run.ms;
    expect(run.code, run.stderr).not.toBe(3);
    const json = JSON.parse(run.stdout);
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    expect(validate(json) ? [] : validate.errors).toEqual([]);
    // Pruned: nothing older than 1 s plus Synapse's 10 s is left (mxlint's own admin connection is
    // not written again within Synapse's 2 min granularity, so none may be listed at all).
    expect(keptFinding(run.stdout, 'user-ips-pruned')).toMatchObject({ status: 'pass', messageId: expect.stringMatching(/^kept\.(none|within)$/) });
    expect(keptFinding(run.stdout, 'local-media-retention-applied')).toMatchObject({ status: 'pass', messageId: 'kept.within', message: expect.stringMatching(/^the least recently accessed local media dates from \S+ \(\d+ seconds ago; the media of \d+ of \d+ users read\): within the lifetime 1s/) });
    expect(keptFinding(run.stdout, 'redactions-censored')).toMatchObject({ status: 'pass', messageId: 'kept.within', message: expect.stringMatching(/^the oldest deleted message whose content is still stored dates from .* within the lifetime 7d \(redaction_retention_period\)/) });
    // No federation here: no remote media in the rooms read.
    expect(keptFinding(run.stdout, 'remote-media-retention-applied')).toMatchObject({ status: 'pass', messageId: 'kept.none' });
    expect(json.kept.requests).toBeGreaterThan(0);
    expect(json.kept.retention.server.find((row: { measure: string }) => row.measure === 'ips')).toMatchObject({ configured: 'pass', applied: 'pass' });
    const sent = proxy.requests.slice(before);
    expect(sent.filter((request) => request.method !== 'GET')).toEqual([]);
    expect(sent.some((request) => request.path.includes('/whois/'))).toBe(true);
    expect(sent.some((request) => request.path.includes('/fetch_event/'))).toBe(true);
  }, 120_000);

  it('IPs configured (1s) but kept (the sandbox prunes after 28d), media kept without media_retention: measured on the shared sandbox', async () => {
    const { baseUrl, adminToken } = synapse!;
    const whois = await call(baseUrl, adminToken, 'GET', `/_synapse/admin/v1/whois/${encodeURIComponent(uploaders.sandbox.userId)}`);
    expect(Object.values(whois.devices).flatMap((device: any) => device.sessions.flatMap((session: any) => session.connections)).length).toBeGreaterThan(0);
    const run = await mxlintAsync(['server', '--homeserver', baseUrl, '--no-policy', '-c', join(dir, 'ips-claimed.yaml'), '-f', 'json', '--rooms', `nothing-${RUN}`], { token: adminToken });
    const json = JSON.parse(run.stdout);
    const ips = keptFinding(run.stdout, 'user-ips-pruned')!;
    expect(ips).toMatchObject({ status: 'fail', level: 'error', messageId: 'kept.notApplied' });
    expect(ips.message).toMatch(/^configured but not applied: the oldest IP address of a connection dates from \S+ \((\d+ (seconds|minutes|hours|days)) ago; the connections of \d+ of \d+ users read\), older than the lifetime 1s \(user_ips_max_age\) plus the clean-up job's 10s$/);
    expect(keptFinding(run.stdout, 'local-media-retention-applied')).toMatchObject({
      status: 'fail', messageId: 'kept.forever', message: expect.stringMatching(/, and nothing deletes it: media_retention\.local_media_lifetime keeps it forever$/),
    });
    expect(json.kept.retention.server.find((row: { measure: string }) => row.measure === 'ips')).toMatchObject({ configured: 'pass', applied: 'fail' });
  }, 120_000);
});
