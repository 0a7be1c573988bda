// What the server keeps beyond rooms, measured on admin API answers shaped as Synapse 1.160 gives
// them (fields as recorded on the sandbox): what each measure keeps, what it skips, how a refusal
// becomes an unknown, the requests it sends; and the configured / applied rows in each format.
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { measureKept, KEPT_SAMPLE } from '../../src/server-kept.js';
import { keptMarkdown, keptRows, keptTextLines, type RetentionSummary } from '../../src/report/kept-summary.js';
import { Homeserver } from '../../src/sources/homeserver.js';
import type { Finding } from '../../src/types.js';
import { FakeHomeserver, json, SERVER_NAME, TOKEN, type Handler } from '../hostile/fake-homeserver.js';

const NOW = 1_771_927_200_000;
const DAY = 86_400_000;
const alice = `@alice:${SERVER_NAME}`;
const bob = `@bob:${SERVER_NAME}`;

const USERS: Handler = (_req, res) => json(res, 200, {
  users: [
    { name: alice, user_type: null, is_guest: false, admin: false, deactivated: false, shadow_banned: false, displayname: 'Alice', avatar_url: `mxc://${SERVER_NAME}/alice-avatar`, creation_ts: NOW - 900 * DAY, approved: true, erased: false, last_seen_ts: NOW - DAY, locked: false },
    { name: bob, user_type: null, is_guest: false, admin: false, deactivated: false, shadow_banned: false, displayname: null, avatar_url: null, creation_ts: NOW - 900 * DAY, approved: true, erased: false, last_seen_ts: null, locked: false },
  ],
  total: 7,
});
const media = (id: string, createdAgo: number, accessedAgo: number | null, extra: Record<string, unknown> = {}) => ({
  media_id: id, media_type: 'image/png', media_length: 67, upload_name: 'a.png', created_ts: NOW - createdAgo, last_access_ts: accessedAgo === null ? null : NOW - accessedAgo,
  quarantined_by: null, safe_from_quarantine: false, ...extra,
});
const USER_MEDIA: Handler = (_req, res, url) => json(res, 200, url.pathname.includes(encodeURIComponent(alice))
  ? { media: [media('alice-avatar', 800 * DAY, 800 * DAY), media('quarantined', 700 * DAY, 700 * DAY, { quarantined_by: '@admin:x' }), media('protected', 600 * DAY, 600 * DAY, { safe_from_quarantine: true }), media('old', 500 * DAY, 400 * DAY)], total: 4 }
  : { media: [media('never-read', 30 * DAY, null)], total: 1 });
const WHOIS: Handler = (_req, res, url) => json(res, 200, {
  user_id: decodeURIComponent(url.pathname.split('/').pop()!),
  devices: { '': { sessions: [{ connections: url.pathname.includes(encodeURIComponent(alice)) ? [{ ip: '203.0.113.9', last_seen: NOW - 40 * DAY, user_agent: 'x' }, { ip: '203.0.113.10', last_seen: NOW - DAY, user_agent: 'x' }] : [] }] } },
});
const ROOM_MEDIA: Handler = (_req, res, url) => json(res, 200, url.pathname.includes('room0') ? { local: [`mxc://${SERVER_NAME}/old`], remote: ['mxc://other.example/cached', 'mxc://other.example/gone', 'not-an-mxc'] } : { local: [], remote: [] });
const MEDIA_INFO: Handler = (_req, res, url) => (url.pathname.endsWith('/cached')
  ? json(res, 200, { media_origin: 'other.example', user_id: null, media_id: 'cached', media_type: 'image/png', media_length: 9, upload_name: null, created_ts: NOW - 90 * DAY, filesystem_id: 'x', url_cache: null, last_access_ts: NOW - 20 * DAY, quarantined_by: null, authenticated: true, safe_from_quarantine: null, sha256: 'x' })
  : json(res, 404, { errcode: 'M_NOT_FOUND', error: 'Unknown media' }));
const redaction = (redacts: string, receivedAgo: number, inContent = false) => ({
  type: 'm.room.redaction', sender: alice, room_id: '!room0:x', event_id: `$r-${redacts}`, origin_server_ts: NOW - receivedAgo, unsigned: { age: receivedAgo },
  ...(inContent ? { content: { redacts } } : { redacts, content: {} }),
});
const REDACTIONS: Handler = (_req, res, url) => json(res, 200, { chunk: url.pathname.includes('room0') ? [redaction('$censored', 30 * DAY), redaction('$kept', 10 * DAY, true), redaction('$member', 9 * DAY)] : [], start: 't1', end: 't2' });
const FETCH: Handler = (_req, res, url) => {
  const id = decodeURIComponent(url.pathname.split('/').pop()!);
  if (id === '$member') return json(res, 200, { event: { type: 'm.room.member', content: { membership: 'join' }, state_key: alice } });
  return json(res, 200, { event: { type: 'm.room.message', room_id: '!room0:x', sender: alice, content: id === '$kept' ? { msgtype: 'm.text', body: 'still here' } : {}, unsigned: { redacted_by: `$r-${id}` } } });
};

const ROUTES: Array<[RegExp, Handler]> = [
  [/^\/_synapse\/admin\/v2\/users$/, USERS],
  [/^\/_synapse\/admin\/v1\/users\/[^/]+\/media$/, USER_MEDIA],
  [/^\/_synapse\/admin\/v1\/whois\/[^/]+$/, WHOIS],
  [/^\/_synapse\/admin\/v1\/room\/[^/]+\/media$/, ROOM_MEDIA],
  [/^\/_synapse\/admin\/v1\/media\/[^/]+\/[^/]+$/, MEDIA_INFO],
  [/^\/_synapse\/admin\/v1\/rooms\/[^/]+\/messages$/, REDACTIONS],
  [/^\/_synapse\/admin\/v1\/fetch_event\/[^/]+$/, FETCH],
];

let fake: FakeHomeserver | undefined;
afterEach(async () => { await fake?.close(); fake = undefined; });
async function serverWith(routes: Array<[RegExp, Handler]>): Promise<Homeserver> {
  fake = await FakeHomeserver.start(routes, 2);
  return Homeserver.open({ baseUrl: fake.url, accessToken: TOKEN, timeoutMs: 5000, maxRetries: 0, log: pino({ level: 'silent' }) });
}

describe('measureKept', () => {
  it('finds the oldest of each measure still stored, skipping what Synapse keeps on purpose', async () => {
    const hs = await serverWith(ROUTES);
    const { kept, requests } = await measureKept(hs, { concurrency: 4, now: NOW });
    // The avatar, the quarantined and the protected media are Synapse's to keep; never-read counts from its upload.
    expect(kept.localMedia).toEqual({ oldestTs: NOW - 400 * DAY, sampled: 2, population: 7 });
    expect(kept.ips).toEqual({ oldestTs: NOW - 40 * DAY, sampled: 2, population: 7 });
    // Only cached remote media count (gone: 404), and only mxc URIs.
    expect(kept.remoteMedia).toEqual({ oldestTs: NOW - 20 * DAY, sampled: 2, population: 2 });
    // The censored deletion has no content left; a member event's content is partly kept by design.
    expect(kept.redactions).toEqual({ oldestTs: NOW - 10 * DAY, sampled: 2, population: 2 });
    expect(requests).toBe(fake!.requests.length);
    expect(requests).toBe(2 + 2 * 2 + 2 + 2 + 2 + 3);
  });

  it('asks for the samples it states, and the media least recently accessed first', async () => {
    const hs = await serverWith(ROUTES);
    await measureKept(hs, { concurrency: 1, now: NOW });
    const query = (pattern: RegExp) => Object.fromEntries(new URL(fake!.requests.find((request) => pattern.test(request.path))!.path, 'http://x').searchParams);
    expect(query(/\/v2\/users\?/)).toMatchObject({ limit: String(KEPT_SAMPLE.users), from: '0' });
    expect(query(/\/v1\/rooms\?/)).toMatchObject({ limit: String(KEPT_SAMPLE.rooms), order_by: 'joined_local_members', dir: 'b' });
    expect(query(/\/users\/[^/]+\/media/)).toEqual({ order_by: 'last_access_ts', dir: 'f', limit: '5' });
    expect(query(/\/messages/)).toEqual({ dir: 'f', limit: '10', filter: '{"types":["m.room.redaction"]}' });
  });

  it('keeps at most --concurrency requests in flight, across all the measures', async () => {
    let inFlight = 0;
    let most = 0;
    const slow = (handler: Handler): Handler => (req, res, url, count) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      setTimeout(() => { inFlight -= 1; handler(req, res, url, count); }, 15);
    };
    const hs = await serverWith(ROUTES.map(([pattern, handler]) => [pattern, slow(handler)]));
    await measureKept(hs, { concurrency: 3, now: NOW });
    expect(most).toBe(3);
  });

  it('leaves a measure unknown, with the reason, when the admin API refuses it; the others are still made', async () => {
    const refused: Handler = (_req, res) => json(res, 403, { errcode: 'M_FORBIDDEN', error: 'You are not a server admin' });
    const missing: Handler = (_req, res) => json(res, 404, { errcode: 'M_UNRECOGNIZED', error: 'Unrecognized request' });
    const hs = await serverWith([[/^\/_synapse\/admin\/v1\/whois\//, refused], [/^\/_synapse\/admin\/v1\/fetch_event\//, missing], ...ROUTES]);
    const { kept } = await measureKept(hs, { concurrency: 2, now: NOW });
    expect(kept.ips).toEqual({ unknown: { id: 'kept.notRead', data: { what: { id: 'kept.read.ips', data: {} }, error: { id: 'error.network.matrix', data: expect.objectContaining({ status: expect.stringMatching(/^403 M_FORBIDDEN/) }) } } } });
    expect(kept.redactions).toMatchObject({ unknown: { id: 'kept.notRead', data: { error: { id: 'error.network.matrix', data: { status: expect.stringMatching(/^404 M_UNRECOGNIZED/) } } } } });
    expect(kept.localMedia).toEqual({ oldestTs: NOW - 400 * DAY, sampled: 2, population: 7 });
  });

  it('leaves the user measures unknown when the user list is refused', async () => {
    const hs = await serverWith([[/^\/_synapse\/admin\/v2\/users$/, (_req, res) => json(res, 403, { errcode: 'M_FORBIDDEN', error: 'no' })], ...ROUTES]);
    const { kept } = await measureKept(hs, { concurrency: 2, now: NOW });
    expect(kept.localMedia).toMatchObject({ unknown: { id: 'kept.notRead', data: { what: { id: 'kept.read.users' } } } });
    expect(kept.ips).toMatchObject({ unknown: { id: 'kept.notRead' } });
  });
});

describe('configured / applied rows', () => {
  const finding = (ruleId: string, status: Finding['status'], message = ''): Finding => ({ ruleId, useCase: 'chatons', level: 'warning', status, message, messageId: 'x', data: {}, title: '' });
  const rows = keptRows(
    [finding('media-retention', 'fail'), finding('user-ips-max-age', 'pass'), finding('redaction-retention', 'pass')],
    [finding('local-media-retention-applied', 'fail', 'kept forever'), finding('user-ips-pruned', 'fail', 'not applied'), finding('user-ips-pruned', 'pass'), finding('redactions-censored', 'unknown', 'refused')],
  );
  const summary: RetentionSummary = { rooms: [{ useCase: 'association', rooms: 3, configured: 3, applied: 2, notApplied: 1, unknown: 0 }], server: rows };

  it('pairs each measure with the config rule that promises it; the worst status of a rule stands', () => {
    expect(rows.map((row) => [row.measure, row.configured, row.applied])).toEqual([
      ['localMedia', 'fail', 'fail'], ['remoteMedia', 'fail', null], ['ips', 'pass', 'fail'], ['redactions', 'pass', 'unknown'],
    ]);
  });

  it('reads in English and in French, in text and markdown', () => {
    expect(keptTextLines('en', summary).join('\n')).toMatch(/What the server really keeps: configured \/ applied\n {2}Messages \(rooms\), per use case\n {4}association +3 \/ 2 of 3 rooms \(1 not applied, 0 not measured\)\n {2}Local media +no \/ no: kept forever\n {2}Remote media \(cache\) +no \/ —\n {2}IP addresses +yes \/ no: not applied\n {2}Deleted messages +yes \/ not measured: refused/);
    expect(keptTextLines('fr', summary).join('\n')).toMatch(/Ce que le serveur garde vraiment\u00a0: configuré \/ appliqué\n.*\n {4}association +3 \/ 2 sur 3\u00a0salons/);
    const md = keptMarkdown('fr', summary, (text) => text.replace(/\|/g, '\\|')).join('\n');
    expect(md).toContain('| Adresses IP | oui | non | not applied |');
    expect(md).toContain('## Ce que le serveur garde vraiment\u00a0: configuré / appliqué');
  });
});
