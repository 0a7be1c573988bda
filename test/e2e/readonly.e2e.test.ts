// Issue #6, read-only by proof: every request mxlint sends during room and server audits goes
// through the recording proxy (fault-proxy.ts, no fault set) in front of the real Synapse, and
// every one must be a read (GET). No POST, PUT or DELETE is allowed, none is listed as an
// exception. Then each room's state — GET /_synapse/admin/v1/rooms/{id}/state as canonical JSON
// (keys sorted, no spaces), fetched straight from Synapse — must be byte-identical before and after
// the audits, and the newest event of each room the same (nothing was sent, not even a message).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FaultProxy } from './fault-proxy.js';
import { clientFor, ensureUser, mxlintAsync, pool } from './matrix.js';
import { buildRoom, TRAP_ROOMS, USE_CASE_ROOMS, type BuiltRoom, type Member, type RoomSpec } from './room-specs.js';
import { api, describeE2E, synapse, type SandboxUser } from './sandbox.js';

const RUN = `ro${Date.now().toString(36)}`;
const FORMATS = ['text', 'json', 'sarif', 'junit', 'github', 'gitlab', 'markdown'];
/** Requests mxlint may send that are not GET: none. (A read-only POST, were one ever needed,
 *  would be listed here by method and path, with the reason.) */
const ALLOWED_NON_GET: Array<{ method: string; path: RegExp; why: string }> = [];

/** JSON with sorted keys and no spaces: the same data gives the same bytes. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Removes what Synapse computes at read time rather than stores: `age` (ms since the event). */
function withoutAge(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutAge);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => key !== 'age').map(([key, item]) => [key, withoutAge(item)]));
}

describeE2E('read-only by proof: what mxlint sends during audits, and the rooms before and after (issue #6)', () => {
  let baseUrl: string;
  let adminToken: string;
  let alice: SandboxUser;
  let proxy: FaultProxy;
  let dir: string;
  const rooms: Record<string, BuiltRoom> = {};
  const before = new Map<string, { state: string; newest: string; ageFields: number }>();

  const snapshot = async (roomId: string) => {
    const state = await api(adminToken, 'GET', `/_synapse/admin/v1/rooms/${encodeURIComponent(roomId)}/state`);
    const newest = await api(adminToken, 'GET', `/_synapse/admin/v1/rooms/${encodeURIComponent(roomId)}/messages?dir=b&limit=1`);
    expect(state.status).toBe(200);
    expect(newest.status).toBe(200);
    const ageFields = (JSON.stringify(state.body).match(/"age":/g) ?? []).length;
    return { state: canonical(withoutAge(state.body)), newest: canonical(newest.body.chunk?.[0]?.event_id ?? null), ageFields };
  };

  const settledSnapshot = async (roomId: string) => {
    let previous = await snapshot(roomId);
    for (let attempt = 0; attempt < 10; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const next = await snapshot(roomId);
      if (next.state === previous.state && next.newest === previous.newest) return next;
      previous = next;
    }
    throw new Error(`the state of ${roomId} keeps changing with nobody writing to it`);
  };

  beforeAll(async () => {
    const sandbox = synapse!;
    ({ baseUrl, adminToken } = sandbox);
    alice = sandbox.users.alice ?? await ensureUser(`alice-${RUN}`);
    const bob = sandbox.users.bob ?? await ensureUser(`bob-${RUN}`);
    const carol = await ensureUser(`carol-${RUN}`);
    const members: Record<Member, ReturnType<typeof clientFor>> = { bob: clientFor(bob), carol: clientFor(carol) };
    const { room_id: spaceId } = await clientFor(alice).createRoom({ preset: 'private_chat' as any, name: `readonly ${RUN} space`, creation_content: { type: 'm.space' } });
    const specs: Array<[string, RoomSpec]> = [
      ...(['direct', 'trusted-group', 'association', 'activist-broadcast', 'public-community', 'anonymous'] as const).map((kind) => [kind, USE_CASE_ROOMS[kind]] as [string, RoomSpec]),
      ['bridged-irc', TRAP_ROOMS['bridged-irc']],
      ['acl-any', TRAP_ROOMS['acl-any']],
    ];
    const built = await pool(specs, 4, ([kind, spec]) => buildRoom(spec, { creator: spec.byBob ? members.bob : clientFor(alice), members, userIds: { bob: bob.userId, carol: carol.userId } },
      { serverName: sandbox.serverName, run: RUN, spaceId, name: `readonly ${RUN} ${kind}` }));
    specs.forEach(([kind], index) => { rooms[kind] = built[index]; });
    rooms.space = { roomId: spaceId };
    // Right after a room is made, Synapse's answer still changes by itself (prev_content appears on
    // membership events once its caches fill): the "before" is taken once two reads agree.
    for (const { roomId } of Object.values(rooms)) before.set(roomId, await settledSnapshot(roomId));
    proxy = await FaultProxy.start(baseUrl);
    dir = mkdtempSync(join(tmpdir(), 'mxlint-readonly-'));
    writeFileSync(join(dir, 'homeserver.yaml'), `server_name: ${sandbox.serverName}\nreport_stats: false\nallow_guest_access: true\n`);
  });

  afterAll(async () => {
    await proxy?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('room and server audits send only GET requests — every one of them recorded', async () => {
    const config = join(dir, 'homeserver.yaml');
    const room = (args: string[]) => mxlintAsync(['--log-level', 'debug', 'room', ...args, '--homeserver', proxy.url, '--no-policy'], { token: alice.token });
    const server = (args: string[]) => mxlintAsync(['--log-level', 'debug', 'server', '--homeserver', proxy.url, '--no-policy', ...args], { token: adminToken });
    const jobs: Array<() => ReturnType<typeof room>> = [];
    for (const [kind, built] of Object.entries(rooms)) {
      jobs.push(() => room([built.roomId, '-f', 'json']));
      if (built.alias) jobs.push(() => room([built.alias!, '-c', config, '--verbose']));
      jobs.push(() => room([built.roomId, '--plan', '-u', kind in USE_CASE_ROOMS ? kind : 'trusted-group']));
    }
    jobs.push(() => room([rooms['public-community'].roomId, '--dump-facts']));
    for (const format of FORMATS) jobs.push(() => room([rooms['trusted-group'].roomId, '-c', config, '-f', format, ...(format === 'sarif' ? ['-o', join(dir, 'room.sarif')] : [])]));
    for (const format of FORMATS) jobs.push(() => server(['--rooms', RUN, '-c', config, '-f', format, ...(format === 'sarif' ? ['-o', join(dir, 'server.sarif')] : [])]));
    jobs.push(() => server(['--summary']), () => server(['-f', 'json', '--concurrency', '16']), () => server(['--rooms', `${rooms.direct.roomId},${rooms['public-community'].alias}`]));
    jobs.push(() => server(['--rooms', RUN, '--room-use-case', `${rooms['trusted-group'].roomId}=trusted-group`, '-f', 'json']));
    const runs = await pool(jobs, 4, (job) => job());
    for (const run of runs) {
      expect([0, 1], run.stderr.replaceAll(alice.token, '<token>').replaceAll(adminToken, '<token>').slice(0, 600)).toContain(run.code);
    }

    const methods: Record<string, number> = {};
    for (const request of proxy.requests) methods[request.method] = (methods[request.method] ?? 0) + 1;
    const paths = new Set(proxy.requests.map((request) => `${request.method} ${request.path.replace(/\?.*/, '').replace(/(%21|!)[^/]+/g, '{roomId}').replace(/(%23|#)[^/]+/g, '{alias}').replace(/users\/[^/]+/, 'users/{userId}')}`));
    process.stdout.write(`read-only: ${runs.length} runs, ${proxy.requests.length} requests recorded, methods ${JSON.stringify(methods)}\n  ${[...paths].sort().join('\n  ')}\n`);
    const notGet = proxy.requests.filter((request) => request.method !== 'GET' && !ALLOWED_NON_GET.some((allowed) => allowed.method === request.method && allowed.path.test(request.path)));
    expect(notGet.map((request) => `${request.method} ${request.path}`)).toEqual([]);
    expect(Object.keys(methods)).toEqual(['GET']);
    expect(proxy.requests.length).toBeGreaterThan(runs.length * 2);
    // Every request got an answer from Synapse (nothing was cut off and so unseen).
    expect(proxy.requests.filter((request) => typeof request.outcome !== 'number')).toEqual([]);
  }, 600_000);

  it('each room\'s state is byte-identical before and after (canonical JSON of the admin API state), and no event was added', async () => {
    let compared = 0;
    let ageFields = 0;
    for (const [roomId, earlier] of before) {
      const now = await snapshot(roomId);
      expect(now.state, `state of ${roomId}`).toBe(earlier.state);
      expect(now.newest, `newest event of ${roomId}`).toBe(earlier.newest);
      compared += 1;
      ageFields += now.ageFields;
    }
    process.stdout.write(`read-only: ${compared} rooms compared before/after (${[...before.values()].reduce((sum, snap) => sum + snap.state.length, 0)} bytes of canonical state; ${ageFields} "age" fields left out, computed by Synapse at read time)\n`);
    expect(compared).toBe(Object.keys(rooms).length);
    // The comparison does see a change: the test itself renames one room, and its state differs.
    const renamed = rooms['trusted-group'].roomId;
    await clientFor(alice).setRoomName(renamed, `readonly ${RUN} renamed`);
    expect((await snapshot(renamed)).state).not.toBe(before.get(renamed)!.state);
  });
});
