// Issue #4: `mxlint room` against a real Synapse. Rooms are built through matrix-js-sdk, one per use
// case and one per trap, then the BUILT binary lints them (as alice, token in MATRIX_ACCESS_TOKEN)
// and must classify each as what it was built for. Network faults go through a fault-injecting
// proxy (fault-proxy.ts): one clear line on stderr, exit 3, bounded retries, no stack trace.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MatrixClient } from 'matrix-js-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../cli/run.js';
import { closedPort, FaultProxy, type FaultKind } from './fault-proxy.js';
import { clientFor, ensureUser, mxlintAsync, oneLineError, pool, type AsyncRun } from './matrix.js';
import { buildRoom, TRAP_ROOMS, USE_CASE_ROOMS, type BuiltRoom, type Member } from './room-specs.js';
import { describeE2E, synapse, type SandboxUser } from './sandbox.js';

const RUN = `r${Date.now().toString(36)}`;
const GUEST_CONFIG = join(ROOT, 'fixtures/room/private-room-guest-joinable/homeserver-guests.yaml');
const DUMPS = join(ROOT, 'fixtures/room-dumps');
const USE_CASES = Object.keys(USE_CASE_ROOMS);

interface Finding { ruleId: string; useCase: string; level: string; status: string; message: string; messageId: string; data: Record<string, unknown> }
interface RoomReport {
  roomId: string;
  useCases: string[];
  warnings: string[];
  findings: Finding[];
  verdicts: Array<{ useCase: string; verdict: string }>;
  classification: { fits: Array<{ useCase: string; verdict: string }>; nearest: Array<{ useCase: string }> };
}

const parse = (run: AsyncRun): RoomReport => {
  try {
    return JSON.parse(run.stdout) as RoomReport;
  } catch {
    throw new Error(`not JSON (exit ${run.code}): ${run.stderr}\n${run.stdout.slice(0, 300)}`);
  }
};
const finding = (report: RoomReport, ruleId: string, useCase: string) => {
  const found = report.findings.find((f) => f.ruleId === ruleId && f.useCase === useCase);
  if (!found) throw new Error(`no ${ruleId} finding for ${useCase} in ${report.roomId}`);
  return found;
};
const fits = (report: RoomReport) => report.classification.fits.map((fit) => fit.useCase);

/** Every offline dump also runs under describe (it needs no server), see the end of the file. */
describeE2E('mxlint room on a live Synapse (issue #4)', () => {
  let alice: SandboxUser;
  let aliceClient: MatrixClient;
  let baseUrl: string;
  let serverName: string;
  const rooms: Record<string, BuiltRoom> = {};
  const tokens: string[] = [];
  /** mxlint room as alice against the real server. */
  const lint = (args: string[], token = alice.token, url = baseUrl) => mxlintAsync(['room', ...args, '--homeserver', url], { token });

  beforeAll(async () => {
    const sandbox = synapse!;
    ({ baseUrl, serverName } = sandbox);
    alice = sandbox.users.alice ?? await ensureUser(`alice-${RUN}`);
    const bob = sandbox.users.bob ?? await ensureUser(`bob-${RUN}`);
    const carol = await ensureUser(`carol-${RUN}`);
    tokens.push(alice.token, bob.token, carol.token, sandbox.adminToken);
    aliceClient = clientFor(alice);
    const members: Record<Member, MatrixClient> = { bob: clientFor(bob), carol: clientFor(carol) };
    const userIds: Record<Member, string> = { bob: bob.userId, carol: carol.userId };
    const { room_id: spaceId } = await aliceClient.createRoom({ preset: 'private_chat' as any, name: `space ${RUN}`, creation_content: { type: 'm.space' } });
    const specs = Object.entries({ ...USE_CASE_ROOMS, ...TRAP_ROOMS });
    const built = await pool(specs, 6, ([key, spec]) => buildRoom(spec, { creator: spec.byBob ? members.bob : aliceClient, members, userIds },
      { serverName, run: RUN, spaceId, name: `mxlint e2e ${key} ${RUN}` }));
    specs.forEach(([key], index) => { rooms[key] = built[index]; });
  });

  /** Nothing mxlint prints may contain an access token. */
  const noToken = (run: AsyncRun) => {
    for (const token of tokens) expect(run.stdout.includes(token) || run.stderr.includes(token), 'an access token was printed').toBe(false);
  };

  describe('each room fits the use case it was built for', () => {
    const reports: Record<string, { declared: AsyncRun; all: AsyncRun }> = {};
    beforeAll(async () => {
      const runs = await pool(USE_CASES.flatMap((useCase) => [[useCase, '-u', useCase], [useCase]]), 6,
        ([useCase, ...declare]) => lint([rooms[useCase].roomId, ...declare, '--format', 'json']));
      USE_CASES.forEach((useCase, index) => { reports[useCase] = { declared: runs[2 * index], all: runs[2 * index + 1] }; });
    });

    it.each(USE_CASES)('%s', (useCase) => {
      const { declared, all } = reports[useCase];
      noToken(declared);
      const report = parse(declared);
      expect(declared.stderr).toBe('');
      expect(report.roomId).toBe(rooms[useCase].roomId);
      expect(report.warnings).toEqual([]);
      expect(fits(report)).toContain(useCase);
      expect(report.verdicts).toEqual([expect.objectContaining({ useCase, verdict: expect.stringMatching(/^fit/) })]);
      expect(report.findings.filter((f) => f.status === 'fail' && f.level === 'error')).toEqual([]);
      expect(report.findings.some((f) => f.ruleId === 'room-fits-declared-use-case')).toBe(false);
      expect(declared.code).toBe(0);
      // Without -u: every use case judged, same classification, nothing fails everywhere.
      const undeclared = parse(all);
      expect(all.code).toBe(0);
      expect(undeclared.useCases).toHaveLength(USE_CASES.length);
      expect(undeclared.classification).toEqual(report.classification);
    });

    it('the defining checks pass for what they define', () => {
      const declared = (useCase: string) => parse(reports[useCase].declared);
      expect(finding(declared('direct'), 'direct-two-members', 'direct').status).toBe('pass');
      expect(finding(declared('direct'), 'room-not-published', 'direct').status).toBe('pass');
      expect(finding(declared('direct'), 'room-encrypted', 'direct').status).toBe('pass');
      expect(fits(declared('direct'))[0]).toBe('direct');
      expect(finding(declared('trusted-group'), 'room-join-invite-or-knock', 'trusted-group').status).toBe('pass');
      expect(finding(declared('trusted-group'), 'trusted-group-size', 'trusted-group').status).toBe('pass');
      expect(finding(declared('trusted-group'), 'invite-power-moderators', 'trusted-group').status).toBe('pass');
      expect(fits(declared('trusted-group'))[0]).toBe('trusted-group');
      expect(finding(declared('activist-exchange'), 'everyone-posts', 'activist-exchange').status).toBe('pass');
      expect(fits(declared('activist-exchange'))[0]).toBe('activist-exchange');
      expect(finding(declared('association'), 'room-join-private-kinds', 'association').status).toBe('pass');
      expect(finding(declared('association'), 'local-members-mostly', 'association').status).toBe('pass');
      expect(fits(declared('association'))[0]).toBe('association');
      expect(finding(declared('action'), 'invite-power-organiser', 'action').status).toBe('pass');
      expect(finding(declared('action'), 'room-recent-or-tombstoned', 'action').status).toBe('pass');
      expect(finding(declared('public-help'), 'room-canonical-alias', 'public-help').status).toBe('pass');
      expect(finding(declared('public-community'), 'room-published', 'public-community').status).toBe('pass');
      expect(fits(declared('public-community'))[0]).toBe('public-community');
      expect(finding(declared('pseudonymous'), 'room-not-encrypted', 'pseudonymous').status).toBe('pass');
    });

    it('broadcast power levels: only moderators post, so it is no exchange group', () => {
      const broadcast = parse(reports['activist-broadcast'].all);
      expect(finding(broadcast, 'posting-restricted', 'activist-broadcast')).toMatchObject({
        status: 'pass', messageId: 'room.postersCounted',
        data: { level: { id: 'room.postingLevel', data: { needed: 50, key: 'events_default', usersDefault: 0 } }, posters: 1, members: 3 },
      });
      expect(finding(broadcast, 'everyone-posts', 'activist-exchange')).toMatchObject({ status: 'fail', level: 'error' });
      expect(fits(broadcast)[0]).toBe('activist-broadcast');
      expect(fits(broadcast)).not.toContain('activist-exchange');
      // ...and the exchange room, where everyone posts, is no broadcast channel.
      expect(finding(parse(reports['activist-exchange'].all), 'posting-restricted', 'activist-broadcast')).toMatchObject({ status: 'fail', level: 'error' });
    });

    it('m.federate false and a server ACL restrict federation; encryption is seen', () => {
      expect(finding(parse(reports.anonymous.all), 'federation-restricted', 'anonymous')).toMatchObject({ status: 'pass', messageId: 'room.federateFalse' });
      expect(finding(parse(reports['trusted-group'].all), 'federation-restricted', 'trusted-group'))
        .toMatchObject({ status: 'pass', messageId: 'room.aclOnly', data: { servers: serverName }, message: `the server ACL allows only ${serverName}, and no IP literals` });
      expect(finding(parse(reports['trusted-group'].all), 'acl-no-ip-literals', 'trusted-group').status).toBe('pass');
      expect(finding(parse(reports['public-community'].all), 'federation-restricted', 'trusted-group').status).toBe('fail');
      for (const useCase of ['direct', 'trusted-group', 'association']) expect(finding(parse(reports[useCase].all), 'room-encrypted', useCase).status).toBe('pass');
      expect(finding(parse(reports['public-community'].all), 'room-encrypted', 'trusted-group')).toMatchObject({ status: 'fail', level: 'error' });
    });
  });

  it('reads the facts from the server: federate, ACL, members, directory, local server', async () => {
    const [anonymous, trusted] = await Promise.all([lint([rooms.anonymous.roomId, '--dump-facts']), lint([rooms['trusted-group'].roomId, '--dump-facts'])]);
    const facts = (run: AsyncRun) => (JSON.parse(run.stdout) as { facts: Record<string, { value: unknown; state: string }> }).facts;
    expect(facts(anonymous).federate).toEqual({ value: false, state: 'set' });
    expect(facts(trusted)['serverAcl.allow']).toEqual({ value: [serverName], state: 'set' });
    expect(facts(trusted)['serverAcl.allowIpLiterals'].value).toBe(false);
    expect(facts(trusted)['members.count'].value).toBe(3);
    expect(facts(trusted)['members.localRatio'].value).toBe(1);
    expect(facts(trusted)['directory.published']).toEqual({ value: false, state: 'set' });
    expect(facts(trusted)['historyVisibility'].value).toBe('invited');
    expect(facts(trusted)['activity.idleDays'].value).toBe(0);
    expect(facts(trusted)['room.ageDays'].value).toBe(0);
  });

  it('an alias is resolved; a published public room declared as trusted-group fails room-fits-declared-use-case (exit 1)', async () => {
    const alias = rooms['public-community'].alias!;
    const run = await lint([alias, '-u', 'trusted-group', '--format', 'json']);
    noToken(run);
    const report = parse(run);
    expect(report.roomId).toBe(rooms['public-community'].roomId);
    expect(finding(report, 'room-fits-declared-use-case', 'trusted-group')).toMatchObject({
      level: 'error', status: 'fail', messageId: 'room.declaredFitsOthers', data: { useCase: 'trusted-group', fits: expect.stringMatching(/^public-community/) },
      message: expect.stringMatching(/^declared trusted-group, but its settings fit public-community/),
    });
    expect(finding(report, 'room-not-published', 'trusted-group')).toMatchObject({ status: 'fail', level: 'error' });
    expect(finding(report, 'room-join-invite-or-knock', 'trusted-group')).toMatchObject({ status: 'fail', level: 'error' });
    expect(report.verdicts).toEqual([expect.objectContaining({ useCase: 'trusted-group', verdict: 'unfit' })]);
    expect(run.code).toBe(1);
    // Text output says the same.
    const text = await lint([alias, '-u', 'trusted-group']);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('room-fits-declared-use-case');
    expect(text.stdout).toContain('public-community');
  });

  it('trap: a private_chat room keeps guest_access can_join, and the server allows guests (--config)', async () => {
    const roomId = rooms['guest-trap'].roomId;
    const [withConfig, withoutConfig] = await Promise.all([
      lint([roomId, '-u', 'trusted-group', '-u', 'association', '--config', GUEST_CONFIG, '--format', 'json']),
      lint([roomId, '-u', 'trusted-group', '--format', 'json']),
    ]);
    const report = parse(withConfig);
    for (const useCase of ['trusted-group', 'association']) {
      expect(finding(report, 'private-room-guest-joinable', useCase)).toMatchObject({ status: 'fail', level: 'warning' });
    }
    expect(finding(report, 'guest-access-forbidden', 'trusted-group')).toMatchObject({ status: 'fail', level: 'warning' });
    expect(withConfig.code).toBe(0); // warnings only
    // Without the server's config, whether guests get in cannot be known: unknown, not a pass.
    expect(finding(parse(withoutConfig), 'private-room-guest-joinable', 'trusted-group').status).toBe('unknown');
  });

  it('trap: a server ACL that allows every server and IP literals restricts nothing', async () => {
    const report = parse(await lint([rooms['acl-any'].roomId, '--format', 'json']));
    expect(finding(report, 'federation-restricted', 'trusted-group')).toMatchObject({ status: 'fail', messageId: 'room.federatesAclAny', data: { allow: '["*"]' } });
    expect(finding(report, 'acl-no-ip-literals', 'trusted-group')).toMatchObject({ status: 'fail', level: 'warning' });
  });

  it('trap: an ACL with an empty allow list — Synapse refuses it; in a dump it fails every use case', async () => {
    const roomId = rooms['trusted-group'].roomId;
    const refused = await aliceClient.sendStateEvent(roomId, 'm.room.server_acl' as any, { allow: [], deny: [], allow_ip_literals: false } as any, '').then(() => undefined, (error) => error);
    expect(refused).toBeDefined();
    expect(refused.httpStatus).toBe(400);
    expect(String(refused.data?.error ?? refused.message)).toMatch(/denies the local server/);
    // The room is unchanged; take its real state and give it the ACL another server could have sent.
    const live = await fetch(`${baseUrl}/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state`, { headers: { Authorization: `Bearer ${alice.token}` } });
    const events = (await live.json()) as Array<{ type: string; content: Record<string, unknown> }>;
    expect(events.find((event) => event.type === 'm.room.server_acl')?.content.allow).toEqual([serverName]);
    const dir = mkdtempSync(join(tmpdir(), 'mxlint-room-e2e-'));
    try {
      const dump = join(dir, 'empty-acl.json');
      const state = events.map((event) => (event.type === 'm.room.server_acl' ? { ...event, content: { ...event.content, allow: [] } } : event));
      writeFileSync(dump, JSON.stringify({ room_id: roomId, published: false, state }));
      const run = await mxlintAsync(['room', '--state', dump, '--format', 'json']);
      const report = parse(run);
      for (const useCase of USE_CASES) expect(finding(report, 'acl-empty-allow', useCase)).toMatchObject({ status: 'fail', level: 'error' });
      expect(report.classification.fits).toEqual([]);
      expect(run.code).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('traps: world-readable yet encrypted; encrypted yet bridged to IRC; bridged to WhatsApp', async () => {
    const [readable, irc, whatsapp] = await Promise.all(['world-readable-encrypted', 'bridged-irc', 'bridged-whatsapp'].map((key) => lint([rooms[key].roomId, '--format', 'json'])));
    expect(finding(parse(readable), 'world-readable-with-encryption', 'trusted-group')).toMatchObject({ status: 'fail', level: 'warning' });
    expect(readable.code).toBe(0);
    // An encrypted room bridged to IRC: the bridge cannot read it, whatever the room is for.
    const ircReport = parse(irc);
    for (const useCase of USE_CASES) expect(finding(ircReport, 'room-not-encrypted-when-bridged-irc-xmpp', useCase)).toMatchObject({ status: 'fail', level: 'error' });
    expect(ircReport.classification.fits).toEqual([]);
    expect(irc.code).toBe(1);
    const whatsappReport = parse(whatsapp);
    expect(finding(whatsappReport, 'no-bridge', 'trusted-group')).toMatchObject({ status: 'fail', messageId: 'room.bridged', data: { networks: 'whatsapp' } });
    expect(finding(whatsappReport, 'no-phone-bridges', 'anonymous')).toMatchObject({ status: 'fail', level: 'warning' });
    expect(finding(whatsappReport, 'room-not-encrypted-when-bridged-irc-xmpp', 'trusted-group').status).toBe('pass');
  });

  it('a world-readable room alice is not in can still be read', async () => {
    const run = await lint([rooms['bob-world-readable'].roomId, '--format', 'json']);
    expect(run.code).toBe(0);
    expect(parse(run).classification.fits.length).toBeGreaterThan(0);
  });

  describe.concurrent('errors: one line, exit 3, no stack trace', () => {
    it('the server is unreachable (a closed port)', async () => {
      const port = await closedPort();
      const run = await lint([rooms.direct.roomId, '--max-retries', '1'], alice.token, `http://127.0.0.1:${port}`);
      expect(oneLineError(run)).toMatch(/cannot connect: connection refused.* after 2 tries$/);
    });

    it('a bad token: 401, not retried, the token never printed', async () => {
      const bad = `syt_${'x'.repeat(30)}`;
      const run = await lint([rooms.direct.roomId], bad);
      expect(oneLineError(run)).toMatch(/the access token was refused \(401 M_UNKNOWN_TOKEN/);
      expect(run.stderr).not.toContain(bad);
      noToken(run);
    });

    it('no token at all is an input error (exit 2)', async () => {
      const run = await mxlintAsync(['room', rooms.direct.roomId, '--homeserver', baseUrl]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^mxlint: no access token/);
    });

    it('403: alice reads a room she is not in that is not world-readable', async () => {
      const run = await lint([rooms['bob-private'].roomId]);
      expect(oneLineError(run)).toMatch(/cannot read the state of !.*: this account is not in the room and the room is not world-readable.*\(403 M_FORBIDDEN\)/);
    });

    it('an unknown room id and an unknown alias', async () => {
      const [id, alias] = await Promise.all([lint([`!doesnotexist${RUN}:${serverName}`]), lint([`#doesnotexist-${RUN}:${serverName}`])]);
      expect(oneLineError(id)).toMatch(/no such room/);
      expect(oneLineError(alias)).toBe(`mxlint: unknown room alias #doesnotexist-${RUN}:${serverName}`);
    });
  });

  // Concurrent: each test has its own proxy (the retries' back-off is most of the time).
  describe.concurrent('network faults through a proxy: bounded retries, then one line and exit 3', () => {
    const proxies: FaultProxy[] = [];
    const newProxy = async () => {
      const proxy = await FaultProxy.start(baseUrl);
      proxies.push(proxy);
      return proxy;
    };
    afterAll(async () => { await Promise.all(proxies.map((proxy) => proxy.close())); });

    const STATE = /^GET \/_matrix\/client\/v3\/rooms\/[^/]+\/state(\?|$)/;
    /** Lint the direct room through a proxy with `fault` on its /state, --max-retries 2. */
    const withFault = async (fault: FaultKind & { times?: number }, extra: string[] = []) => {
      const proxy = (await newProxy()).add({ match: STATE, ...fault });
      const run = await lint([rooms.direct.roomId, '--max-retries', '2', ...extra], alice.token, proxy.url);
      return { run, stateRequests: proxy.count(STATE) };
    };

    it('429 with retry_after_ms, every time: 3 tries, then exit 3', async () => {
      const { run, stateRequests } = await withFault({ kind: 'rate-limit', retryAfterMs: 50 });
      expect(oneLineError(run)).toMatch(/\/state: rate limited \(429 M_LIMIT_EXCEEDED: Too Many Requests\) after 3 tries$/);
      expect(stateRequests).toBe(3);
    });

    it('429 without retry_after_ms: backs off, 3 tries', async () => {
      const { run, stateRequests } = await withFault({ kind: 'rate-limit' });
      expect(oneLineError(run)).toMatch(/rate limited .* after 3 tries$/);
      expect(stateRequests).toBe(3);
    });

    it('429 asking for a wait longer than a minute: given up at once', async () => {
      const { run, stateRequests } = await withFault({ kind: 'rate-limit', retryAfterMs: 120_000 });
      expect(oneLineError(run)).toMatch(/rate limited: the server asks to wait 120 s/);
      expect(stateRequests).toBe(1);
      expect(run.ms).toBeLessThan(10_000);
    });

    it('429 twice, then an answer: the room is linted (exit 0)', async () => {
      const { run, stateRequests } = await withFault({ kind: 'rate-limit', retryAfterMs: 20, times: 2 }, ['--format', 'json']);
      expect(run.code).toBe(0);
      expect(parse(run).roomId).toBe(rooms.direct.roomId);
      expect(stateRequests).toBe(3);
    });

    it.each([
      [500, 'json', /HTTP 500 \(500 M_UNKNOWN: injected 500\) after 3 tries$/],
      [502, 'html', /HTTP 502 without a Matrix error body after 3 tries$/],
      [503, 'empty', /HTTP 503 without a Matrix error body after 3 tries$/],
    ] as const)('%i (%s body): 3 tries', async (status, body, message) => {
      const { run, stateRequests } = await withFault({ kind: 'status', status, body });
      expect(oneLineError(run)).toMatch(message);
      expect(stateRequests).toBe(3);
    });

    it('no answer within --timeout: 3 tries, each cut at the timeout', async () => {
      const { run, stateRequests } = await withFault({ kind: 'delay', ms: 5_000 }, ['--timeout', '300']);
      expect(oneLineError(run)).toMatch(/\/state: no answer within 300 ms after 3 tries \(--timeout\)$/);
      expect(stateRequests).toBe(3);
      expect(run.ms).toBeLessThan(5_000);
    });

    it('headers, then a body that stalls: a timeout too (not a hang)', async () => {
      const { run, stateRequests } = await withFault({ kind: 'stall-body', ms: 20_000 }, ['--timeout', '300']);
      expect(oneLineError(run)).toMatch(/no answer within 300 ms after 3 tries/);
      expect(stateRequests).toBe(3);
      expect(run.ms).toBeLessThan(8_000);
    });

    it('the connection is reset: 3 tries', async () => {
      const { run, stateRequests } = await withFault({ kind: 'reset' });
      expect(oneLineError(run)).toMatch(/the connection was reset after 3 tries$/);
      expect(stateRequests).toBe(3);
    });

    it('the body is cut short: 3 tries', async () => {
      const { run, stateRequests } = await withFault({ kind: 'truncate' });
      expect(oneLineError(run)).toMatch(/the connection was reset after 3 tries$/);
      expect(stateRequests).toBe(3);
    });

    it('an HTML page instead of JSON: 3 tries', async () => {
      const { run, stateRequests } = await withFault({ kind: 'html' });
      expect(oneLineError(run)).toMatch(/did not answer with JSON \(a proxy error page\?\) after 3 tries$/);
      expect(stateRequests).toBe(3);
    });

    it('a server fault on an optional request (members) makes the lint incomplete: exit 3', async () => {
      const proxy = (await newProxy()).add({ match: '/joined_members', kind: 'status', status: 500 });
      const run = await lint([rooms.direct.roomId, '--max-retries', '1'], alice.token, proxy.url);
      expect(oneLineError(run)).toMatch(/joined_members: HTTP 500 .* after 2 tries$/);
      expect(proxy.count('/joined_members')).toBe(2);
    });

    it('only GET requests, and a bounded number of them', async () => {
      const proxy = await newProxy();
      const run = await lint([rooms['public-community'].alias!, '--format', 'json'], alice.token, proxy.url);
      expect(run.code).toBe(0);
      expect(proxy.requests.every((request) => request.method === 'GET')).toBe(true);
      expect(proxy.requests.map((request) => request.path.replace(/\?.*/, '').replace(/![^/]+/, '!ROOM').replace(/%23[^/]+/, '#ALIAS')).sort()).toEqual([
        '/_matrix/client/v3/account/whoami',
        '/_matrix/client/v3/directory/list/room/!ROOM',
        '/_matrix/client/v3/directory/room/#ALIAS',
        '/_matrix/client/v3/rooms/!ROOM/joined_members',
        '/_matrix/client/v3/rooms/!ROOM/messages',
        '/_matrix/client/v3/rooms/!ROOM/state',
      ]);
    });
  });
});

describe('mxlint room --state on the fixture dumps (offline)', () => {
  const dumps = readdirSync(DUMPS).filter((name) => name.endsWith('.json')).map((name) => name.replace(/\.json$/, ''));

  it('has one dump per room use case', () => {
    expect(dumps.sort()).toEqual([...USE_CASES].sort());
  });

  it.each(dumps)('%s.json fits its use case', async (useCase) => {
    const run = await mxlintAsync(['room', '--state', join(DUMPS, `${useCase}.json`), '-u', useCase, '--format', 'json']);
    const report = parse(run);
    expect(fits(report)).toContain(useCase);
    expect(report.verdicts[0]).toMatchObject({ useCase, verdict: expect.stringMatching(/^fit/) });
    expect(report.findings.filter((f) => f.status === 'fail' && f.level === 'error')).toEqual([]);
    expect(run.code).toBe(0);
  });
});
