// Issue #5: `mxlint server` against a real Synapse. A few hundred rooms of mixed settings are seeded
// through the client API (in parallel; the sandbox raises Synapse's rate limits), then the BUILT
// binary audits the server with the admin token: counts per use case, specific rooms, --rooms,
// --room-use-case, a non-admin token, an admin API hidden behind a 404, and a server that dies
// mid-audit (a fault-injecting proxy resets every connection after N room requests).
import type { MatrixClient } from 'matrix-js-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultProxy } from './fault-proxy.js';
import { clientFor, ensureUser, mxlintAsync, oneLineError, pool, type AsyncRun } from './matrix.js';
import { buildRoom, state, TRAP_ROOMS, USE_CASE_ROOMS, type RoomSpec } from './room-specs.js';
import { describeE2E, synapse, type SandboxUser } from './sandbox.js';

const RUN = `srv${Date.now().toString(36)}`;

/** What is seeded: how many rooms of each kind, and the use case each must be classified as. */
const KINDS: Record<string, { count: number; spec: RoomSpec; useCase: string | null }> = {
  dm: { count: 20, spec: USE_CASE_ROOMS.direct, useCase: 'direct' },
  team: { count: 40, spec: { ...USE_CASE_ROOMS['trusted-group'], join: [] }, useCase: 'trusted-group' },
  assoc: { count: 30, spec: { ...USE_CASE_ROOMS.association, join: [] }, useCase: 'association' },
  exchange: { count: 40, spec: { ...USE_CASE_ROOMS['activist-exchange'], join: [] }, useCase: 'activist-exchange' },
  broadcast: { count: 40, spec: { ...USE_CASE_ROOMS['activist-broadcast'], join: [] }, useCase: 'activist-broadcast' },
  community: { count: 40, spec: { create: () => ({ preset: 'public_chat' as any, visibility: 'public' as any, initial_state: [state.history('world_readable')] }) }, useCase: 'public-community' },
  'irc-encrypted': { count: 30, spec: TRAP_ROOMS['bridged-irc'], useCase: null },
};
const TOTAL = Object.values(KINDS).reduce((sum, kind) => sum + kind.count, 0);

interface Finding { ruleId: string; useCase: string; level: string; status: string; message: string }
interface RoomRecord { roomId: string; name: string | null; alias: string | null; members: number; useCase: string | null; declared: boolean; verdict: string; fits: string[]; findings: Finding[] }
interface ServerReport {
  target: string;
  rooms: RoomRecord[];
  failures: Array<{ roomId: string; reason: string; reasonId: string; data: Record<string, unknown> }>;
  audit: { total: number; audited: number; failed: number; skipped: number; incomplete: boolean; faults: Record<string, number> };
  summary: { useCases: Array<{ useCase: string; rooms: number; fit: number; warnings: number; unfit: number; unknown: number }>; unclassified: number };
}

const parse = (run: AsyncRun): ServerReport => {
  try {
    return JSON.parse(run.stdout) as ServerReport;
  } catch {
    throw new Error(`not JSON (exit ${run.code}): ${run.stderr}\n${run.stdout.slice(0, 300)}`);
  }
};

describeE2E('mxlint server on a live Synapse (issue #5)', () => {
  let baseUrl: string;
  let serverName: string;
  let adminToken: string;
  let alice: SandboxUser;
  /** Room id → kind, for every seeded room. */
  const kindOf = new Map<string, string>();
  const idsOf = (kind: string) => [...kindOf].filter(([, k]) => k === kind).map(([id]) => id);
  let aliased: { roomId: string; alias: string };
  const server = (args: string[], options: { token?: string; url?: string } = {}) =>
    mxlintAsync(['server', '--homeserver', options.url ?? baseUrl, ...args], { token: options.token ?? adminToken });

  beforeAll(async () => {
    const sandbox = synapse!;
    ({ baseUrl, serverName, adminToken } = sandbox);
    alice = sandbox.users.alice ?? await ensureUser(`alice-${RUN}`);
    const bob = sandbox.users.bob ?? await ensureUser(`bob-${RUN}`);
    const aliceClient = clientFor(alice);
    const bobClient = clientFor(bob);
    const { room_id: spaceId } = await aliceClient.createRoom({ preset: 'private_chat' as any, name: 'mxlint e2e association space', creation_content: { type: 'm.space' } });
    const jobs = Object.entries(KINDS).flatMap(([kind, { count, spec }]) => Array.from({ length: count }, (_, index) => ({ kind, spec, index })));
    const clients = { creator: aliceClient, members: { bob: bobClient, carol: bobClient } as Record<'bob' | 'carol', MatrixClient>, userIds: { bob: bob.userId, carol: bob.userId } };
    const built = await pool(jobs, 12, ({ kind, spec, index }) => buildRoom(spec, clients, { serverName, run: RUN, spaceId, name: `${RUN} ${kind} ${index}` }));
    jobs.forEach(({ kind }, index) => kindOf.set(built[index].roomId, kind));
    // One community room with an address, for --rooms #alias.
    const alias = `${RUN}-community`;
    const { room_id: roomId } = await aliceClient.createRoom({ preset: 'public_chat' as any, visibility: 'public' as any, name: `${RUN} community aliased`, room_alias_name: alias, initial_state: [state.history('world_readable')] });
    kindOf.set(roomId, 'community');
    aliased = { roomId, alias: `#${alias}:${serverName}` };
  });

  describe('a whole-server audit, in JSON', () => {
    let run: AsyncRun;
    let report: ServerReport;
    beforeAll(async () => {
      run = await server(['--format', 'json']);
      report = parse(run);
    });

    it('audits every room, ours among them, and none fails', () => {
      expect(run.code).toBe(0);
      expect(report.target).toBe('server');
      expect(report.failures).toEqual([]);
      expect(report.audit).toMatchObject({ failed: 0, skipped: 0, incomplete: false });
      expect(report.audit.total).toBeGreaterThanOrEqual(TOTAL + 1);
      expect(report.audit.audited).toBe(report.audit.total);
      expect(report.rooms).toHaveLength(report.audit.total);
      const audited = new Set(report.rooms.map((room) => room.roomId));
      for (const roomId of kindOf.keys()) expect(audited.has(roomId), roomId).toBe(true);
      expect(run.stdout).not.toContain(adminToken);
    });

    it('classifies each seeded room as the use case it was built for', () => {
      const byId = new Map(report.rooms.map((room) => [room.roomId, room]));
      const wrong: string[] = [];
      for (const [roomId, kind] of kindOf) {
        const record = byId.get(roomId)!;
        if (record.useCase !== KINDS[kind].useCase) wrong.push(`${kind} ${roomId}: ${record.useCase} (fits ${record.fits.join(', ')})`);
      }
      expect(wrong).toEqual([]);
    });

    it('records the facts of specific rooms', () => {
      const byId = new Map(report.rooms.map((room) => [room.roomId, room]));
      const dm = byId.get(idsOf('dm')[0])!;
      expect(dm).toMatchObject({ members: 2, useCase: 'direct', declared: false, verdict: 'fit' });
      const community = byId.get(aliased.roomId)!;
      expect(community).toMatchObject({ alias: aliased.alias, name: `${RUN} community aliased`, useCase: 'public-community' });
      const irc = byId.get(idsOf('irc-encrypted')[0])!;
      expect(irc).toMatchObject({ useCase: null, verdict: 'unclassified', fits: [] });
      expect(irc.findings.filter((f) => f.ruleId === 'room-not-encrypted-when-bridged-irc-xmpp').map((f) => f.useCase).sort())
        .toEqual(['action', 'activist-broadcast', 'activist-exchange', 'anonymous', 'association', 'direct', 'pseudonymous', 'public-community', 'public-help', 'trusted-group']);
      const broadcast = byId.get(idsOf('broadcast')[0])!;
      expect(broadcast.findings.every((f) => f.useCase === 'activist-broadcast' && f.status !== 'pass')).toBe(true);
    });
  });

  it('--rooms with a search term: exactly the seeded rooms, counted per use case', async () => {
    const run = await server(['--rooms', RUN, '--format', 'json']);
    const report = parse(run);
    expect(run.code).toBe(0);
    expect(report.audit).toMatchObject({ total: TOTAL + 1, audited: TOTAL + 1, failed: 0 });
    const expected: Record<string, number> = {};
    for (const kind of kindOf.values()) if (KINDS[kind].useCase) expected[KINDS[kind].useCase!] = (expected[KINDS[kind].useCase!] ?? 0) + 1;
    expect(Object.fromEntries(report.summary.useCases.map((row) => [row.useCase, row.rooms]))).toEqual(expected);
    expect(report.summary.unclassified).toBe(KINDS['irc-encrypted'].count);
    for (const row of report.summary.useCases) expect(row.fit + row.warnings + row.unfit + row.unknown).toBe(row.rooms);
    // Without a declaration nothing is unfit: each room is counted under what it fits.
    expect(report.summary.useCases.every((row) => row.unfit === 0)).toBe(true);
  });

  it('--rooms with a narrower search term', async () => {
    const report = parse(await server(['--rooms', `${RUN} broadcast`, '--format', 'json']));
    expect(report.rooms.map((room) => room.roomId).sort()).toEqual(idsOf('broadcast').sort());
    expect(report.rooms.every((room) => room.useCase === 'activist-broadcast')).toBe(true);
  });

  it('--rooms with a room id, with an alias, and with both', async () => {
    const dm = idsOf('dm')[0];
    const [byId, byAlias, both] = await Promise.all([
      server(['--rooms', dm, '--format', 'json']),
      server(['--rooms', aliased.alias, '--format', 'json']),
      server(['--rooms', `${dm},${aliased.alias}`, '--format', 'json']),
    ]);
    expect(parse(byId).rooms.map((room) => room.roomId)).toEqual([dm]);
    expect(parse(byId).audit).toMatchObject({ audited: 1, failed: 0 });
    expect(parse(byAlias).rooms.map((room) => room.roomId)).toEqual([aliased.roomId]);
    expect(parse(both).rooms.map((room) => room.roomId).sort()).toEqual([dm, aliased.roomId].sort());
    for (const run of [byId, byAlias, both]) expect(run.code).toBe(0);
  });

  it('--rooms with an id that is not on the server: reported, not silently passed over', async () => {
    const missing = `!missing${RUN}:${serverName}`;
    const run = await server(['--rooms', `${idsOf('dm')[0]},${missing}`, '--format', 'json']);
    const report = parse(run);
    expect(report.rooms).toHaveLength(1);
    expect(report.failures).toEqual([{ roomId: missing, reason: 'no such room on this server', reasonId: 'audit.noSuchRoom', data: {} }]);
    expect(report.audit).toMatchObject({ audited: 1, failed: 1, incomplete: true });
    expect(run.code).toBe(3);
  });

  it('--room-use-case: a published community room declared as trusted-group is unfit (exit 1)', async () => {
    const community = idsOf('community')[0];
    const run = await server(['--rooms', `${community},${aliased.alias}`, '--room-use-case', `${community}=trusted-group`, '--room-use-case', `${aliased.alias}=public-community`, '--format', 'json']);
    const report = parse(run);
    const byId = new Map(report.rooms.map((room) => [room.roomId, room]));
    expect(byId.get(community)).toMatchObject({ useCase: 'trusted-group', declared: true, verdict: 'unfit' });
    expect(byId.get(community)!.findings).toContainEqual(expect.objectContaining({ ruleId: 'room-fits-declared-use-case', level: 'error', status: 'fail' }));
    expect(byId.get(community)!.findings).toContainEqual(expect.objectContaining({ ruleId: 'room-not-published', useCase: 'trusted-group', status: 'fail' }));
    expect(byId.get(aliased.roomId)).toMatchObject({ useCase: 'public-community', declared: true, verdict: 'fit' });
    expect(report.summary.useCases).toContainEqual(expect.objectContaining({ useCase: 'trusted-group', rooms: 1, unfit: 1 }));
    expect(run.code).toBe(1);
  });

  it('text output: the rooms by use case and the summary table', async () => {
    const run = await server(['--rooms', RUN]);
    expect(run.code).toBe(0);
    const text = run.stdout;
    expect(text).toMatch(/use case\s+rooms\s+fit\s+warnings\s+unfit\s+unknown/);
    for (const [kind, { count, useCase }] of Object.entries(KINDS)) {
      if (useCase) expect(text).toMatch(new RegExp(`\\n\\s+${useCase}\\s+${count + (kind === 'community' ? 1 : 0)}\\s`));
    }
    expect(text).toContain(idsOf('dm')[0]);
    expect(text).toMatch(new RegExp(`${TOTAL + 1} of ${TOTAL + 1} room`));
    // --summary: the table only.
    const summary = await server(['--rooms', RUN, '--summary']);
    expect(summary.stdout).toMatch(/use case\s+rooms\s+fit\s+warnings\s+unfit\s+unknown/);
    expect(summary.stdout).not.toContain(idsOf('dm')[0]);
  });

  describe.concurrent('errors and faults', () => {
    const proxies: FaultProxy[] = [];
    const newProxy = async () => {
      const proxy = await FaultProxy.start(baseUrl);
      proxies.push(proxy);
      return proxy;
    };
    afterAll(async () => { await Promise.all(proxies.map((proxy) => proxy.close())); });

    it('a token that is not an admin\'s: one clear line, exit 3', async () => {
      const run = await server([], { token: alice.token });
      expect(oneLineError(run)).toBe(`mxlint: ${alice.userId} is not a server admin: mxlint server needs an admin's access token (403 M_FORBIDDEN)`);
    });

    it('the admin API hidden behind a 404 (a reverse proxy that does not route /_synapse)', async () => {
      const proxy = (await newProxy()).add({ match: ' /_synapse/', kind: 'status', status: 404, body: 'html' });
      const run = await server([], { url: proxy.url });
      expect(oneLineError(run)).toMatch(/the admin API does not answer at .*\/_synapse\/admin\/v1 \(404\): a reverse proxy may hide \/_synapse/);
      expect(proxy.count('/_synapse/')).toBe(1);
    });

    it('rate limited on some rooms: retried, and the audit completes', async () => {
      const proxy = (await newProxy()).add({ match: /\/state$/, kind: 'rate-limit', retryAfterMs: 20, after: 10, times: 15 });
      const run = await server(['--rooms', `${RUN} team`, '--format', 'json'], { url: proxy.url });
      const report = parse(run);
      expect(run.code).toBe(0);
      expect(report.audit).toMatchObject({ total: KINDS.team.count, audited: KINDS.team.count, failed: 0 });
      expect(report.audit.faults.rateLimited).toBe(15);
      expect(proxy.count(/\/state$/)).toBe(KINDS.team.count + 15);
    });

    it('the server dies mid-audit: the rest are failures, never passes; exit 3; the retries are bounded', async () => {
      const proxy = (await newProxy()).dieAfterRequests(/\/state$/, 25);
      const run = await server(['--rooms', RUN, '--format', 'json', '--concurrency', '4', '--max-retries', '1'], { url: proxy.url });
      const report = parse(run);
      expect(run.code).toBe(3);
      expect(run.stderr).not.toMatch(/\n\s+at /);
      const { audit } = report;
      expect(audit.incomplete).toBe(true);
      expect(audit.total).toBe(TOTAL + 1);
      expect(audit.audited).toBeLessThanOrEqual(25);
      expect(audit.audited + audit.failed).toBe(audit.total);
      expect(report.failures).toHaveLength(audit.failed);
      const audited = new Set(report.rooms.map((room) => room.roomId));
      for (const failure of report.failures) {
        expect(audited.has(failure.roomId)).toBe(false);
        expect(failure.reason).toMatch(/connection was reset|stopped answering/);
        expect(failure.reasonId).toMatch(/^audit\.(error|serverStopped)$/);
      }
      // Only the audited rooms are counted in the summary: a failed room is never a pass.
      const counted = report.summary.useCases.reduce((sum, row) => sum + row.rooms, 0) + report.summary.unclassified;
      expect(counted).toBe(audit.audited);
      // Once the server is gone mxlint stops asking: far fewer requests than rooms × tries.
      expect(proxy.requests.length).toBeLessThan(25 * 2 + 60);
    });

    it('the server dies mid-audit, text output: the failures, the summary table, INCOMPLETE', async () => {
      const proxy = (await newProxy()).dieAfterRequests(/\/state$/, 25);
      const run = await server(['--rooms', RUN, '--concurrency', '4', '--max-retries', '1'], { url: proxy.url });
      expect(run.code).toBe(3);
      expect(run.stdout).toMatch(/could not audit \d+ room/);
      expect(run.stdout).toMatch(/use case\s+rooms\s+fit\s+warnings\s+unfit\s+unknown/);
      expect(run.stdout).toMatch(/INCOMPLETE/);
    });

    it('the room list itself fails: the streamed JSON report stays valid, exit 3', async () => {
      const proxy = (await newProxy()).add({ match: /^GET \/_synapse\/admin\/v1\/rooms\?/, kind: 'status', status: 502, body: 'html' });
      const run = await server(['--format', 'json', '--max-retries', '1'], { url: proxy.url });
      const report = parse(run);
      expect(run.code).toBe(3);
      expect(report.rooms).toEqual([]);
      expect(report.failures).toEqual([{
        roomId: '(room list)', reasonId: 'audit.cannotList', data: {
          count: 0,
          error: { id: 'error.network.noMatrixBody', data: expect.objectContaining({ status: '502', what: 'GET /_synapse/admin/v1/rooms', tries: { id: 'error.network.tries', data: { count: 2 } } }) },
        },
        reason: expect.stringMatching(/cannot list the rooms after 0: .*HTTP 502 without a Matrix error body after 2 tries/),
      }]);
      expect(report.audit).toMatchObject({ audited: 0, incomplete: true });
      expect(proxy.count('/_synapse/admin/v1/rooms?')).toBe(2);
    });

    it('the server is gone before the audit: one line, exit 3', async () => {
      const proxy = await newProxy();
      const url = proxy.url;
      await proxy.close();
      proxies.splice(proxies.indexOf(proxy), 1);
      const run = await server(['--max-retries', '1'], { url });
      expect(oneLineError(run)).toMatch(/cannot connect: connection refused/);
    });
  });
});
