// The oldest history a server still stores (admin messages API, oldest first) on answers shaped as
// Synapse 1.160 gives them, and how the server audit turns a refusal into an unknown.
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { auditServer, type RoomFailure, type RoomRecord } from '../../src/audit-server.js';
import { loadRules } from '../../src/engine/rules.js';
import { buildServerFacts } from '../../src/facts/server-facts.js';
import { largestRooms, oldestStored, pendingRoomPurges } from '../../src/sources/admin-api.js';
import { loadConfigFiles } from '../../src/sources/config-files.js';
import { BadAnswer, Homeserver } from '../../src/sources/homeserver.js';
import { FakeHomeserver, json, roomId, SERVER_NAME, TOKEN, type Handler } from '../hostile/fake-homeserver.js';

const NOW = 1_771_927_200_000;
const MESSAGES = /^\/_synapse\/admin\/v1\/rooms\/[^/]+\/messages$/;
const state = (type: string, ageMs: number) => ({ type, state_key: '', sender: `@admin:${SERVER_NAME}`, content: {}, origin_server_ts: NOW - ageMs, unsigned: { age: ageMs } });
const message = (sentAgoMs: number, receivedAgoMs: number) => ({ type: 'm.room.message', sender: `@admin:${SERVER_NAME}`, content: { body: 'hi' }, origin_server_ts: NOW - sentAgoMs, unsigned: { age: receivedAgoMs } });

let fake: FakeHomeserver | undefined;
afterEach(async () => { await fake?.close(); fake = undefined; });

const STATISTICS = /^\/_synapse\/admin\/v1\/statistics\/database\/rooms$/;
const TASKS = /^\/_synapse\/admin\/v1\/scheduled_tasks$/;
/** What Synapse 1.160 on SQLite answers the database statistics (recorded on the sandbox). */
const SQLITE_STATISTICS: Handler = (_req, res) => json(res, 400, { errcode: 'M_UNKNOWN', error: 'Endpoint requires using PostgreSQL' });
const NO_TASKS: Handler = (_req, res) => json(res, 200, { scheduled_tasks: [] });

async function serverAnswering(handler: Handler, more: Array<[RegExp, Handler]> = [[STATISTICS, SQLITE_STATISTICS], [TASKS, NO_TASKS]]): Promise<Homeserver> {
  fake = await FakeHomeserver.start([[MESSAGES, handler], ...more]);
  return Homeserver.open({ baseUrl: fake.url, accessToken: TOKEN, timeoutMs: 5000, maxRetries: 0, log: pino({ level: 'silent' }) });
}
const answering = (chunk: unknown[]) => serverAnswering((_req, res) => json(res, 200, { chunk, start: 't1-1', end: 't9-9' }));

describe('oldestStored', () => {
  it('asks for the oldest events, members filtered out by the server', async () => {
    const hs = await answering([]);
    await oldestStored(hs, roomId(0), NOW);
    const query = new URL(fake!.requests.at(-1)!.path, 'http://x').searchParams;
    expect(Object.fromEntries(query)).toEqual({ dir: 'f', limit: '50', filter: '{"not_types":["m.room.member"]}' });
  });

  it('skips the state events and dates the oldest message and the next event by their reception', async () => {
    const hs = await answering([state('m.room.create', 9000), state('m.room.power_levels', 9000), message(31_536_000_000, 5000), state('m.room.topic', 4000), message(1000, 1000)]);
    expect(await oldestStored(hs, roomId(0), NOW)).toEqual({ oldestMessage: { receivedTs: NOW - 5000, sentTs: NOW - 31_536_000_000 }, nextEventReceivedTs: NOW - 4000 });
  });

  it('takes origin_server_ts when the server gives no age', async () => {
    const { unsigned: _, ...bare } = message(7000, 7000);
    const hs = await answering([bare]);
    expect(await oldestStored(hs, roomId(0), NOW)).toEqual({ oldestMessage: { receivedTs: NOW - 7000, sentTs: NOW - 7000 }, nextEventReceivedTs: null });
  });

  it('says only state is stored when the timeline holds no message', async () => {
    const hs = await answering([state('m.room.create', 9000), state('m.room.name', 8000)]);
    expect(await oldestStored(hs, roomId(0), NOW)).toEqual({ oldestMessage: null, nextEventReceivedTs: null });
  });

  it('is unknown when a whole page is state, or when the next event is past the page', async () => {
    let hs = await answering(Array.from({ length: 50 }, () => state('m.room.server_acl', 9000)));
    expect(await oldestStored(hs, roomId(0), NOW)).toEqual({ unknown: { id: 'roomFact.oldestAllState', data: { count: 50 } } });
    await fake!.close();
    hs = await answering([...Array.from({ length: 49 }, () => state('m.room.server_acl', 9000)), message(5000, 5000)]);
    expect(await oldestStored(hs, roomId(0), NOW)).toEqual({ unknown: { id: 'roomFact.oldestIsLastRead', data: { count: 50 } } });
  });

  it('refuses an answer of the wrong shape', async () => {
    const hs = await answering([{ ...message(5000, 5000), unsigned: { age: 'old' } }]);
    await expect(oldestStored(hs, roomId(0), NOW)).rejects.toBeInstanceOf(BadAnswer);
  });
});

describe('the server audit', () => {
  it('turns a refused oldest-events listing into an unknown with the reason', async () => {
    const hs = await serverAnswering((_req, res, url) => (url.searchParams.get('dir') === 'f'
      ? json(res, 403, { errcode: 'M_FORBIDDEN', error: 'You are not a server admin' })
      : json(res, 200, { chunk: [message(1000, 1000)] })));
    const config = 'fixtures/room/retention-applied/homeserver-180d.yaml';
    const records: RoomRecord[] = [];
    await auditServer({
      hs, localServer: SERVER_NAME, server: buildServerFacts(loadConfigFiles([config]), [config]), rules: loadRules(),
      roomIds: new Set([roomId(0)]), declared: new Map([[roomId(0), 'association']]), concurrency: 1, withFacts: true,
      onRoom: (record) => records.push(record), onFailure: (failure) => { throw new Error(failure.reason); },
    });
    const finding = records[0].findings.find((f) => f.ruleId === 'retention-applied');
    expect(finding).toMatchObject({ status: 'unknown', useCase: 'association', message: expect.stringMatching(/refused to list the oldest events: .*403/) });
    expect(records[0].facts!['activity.lastEventTs']).toEqual(expect.any(Number));
  });
});

describe('the server storage, read once per audit', () => {
  const purge = { id: 'x1', action: 'purge_room', status: 'failed', timestamp_ms: NOW - 86_400_000, resource_id: roomId(1), result: null, error: 'boom' };
  const storageServer = (statistics: Handler, tasks: Handler) => serverAnswering((_req, res) => json(res, 200, { chunk: [message(1000, 1000)] }), [[STATISTICS, statistics], [TASKS, tasks]]);

  it('reads the sizes Synapse lists and the purges not done, filtered by the server', async () => {
    const hs = await storageServer((_req, res) => json(res, 200, { rooms: [{ room_id: roomId(0), estimated_size: 3_200_000 }] }), (_req, res) => json(res, 200, { scheduled_tasks: [purge] }));
    expect(await largestRooms(hs)).toEqual(new Map([[roomId(0), 3_200_000]]));
    expect(await pendingRoomPurges(hs)).toEqual(new Map([[roomId(1), { dueTs: NOW - 86_400_000, status: 'failed' }]]));
    const query = new URL(fake!.requests.at(-1)!.path, 'http://x').searchParams;
    expect([query.getAll('action_name'), query.getAll('status')]).toEqual([['purge_room'], ['scheduled', 'active', 'failed']]);
  });

  const auditOf = async (hs: Homeserver, lang: 'en' | 'fr' = 'en') => {
    const records: RoomRecord[] = [];
    const failures: RoomFailure[] = [];
    const config = 'fixtures/room/retention-applied/homeserver-180d.yaml';
    await auditServer({
      hs, localServer: SERVER_NAME, server: buildServerFacts(loadConfigFiles([config]), [config]), rules: loadRules(), concurrency: 2, withFacts: true, lang,
      declared: new Map([[roomId(0), 'association'], [roomId(1), 'association']]),
      onRoom: (record) => records.push(record), onFailure: (failure) => failures.push(failure),
    });
    return { records: new Map(records.map((record) => [record.roomId, record])), failures };
  };

  it('tells each room its size and pending purge, with two requests for the whole audit', async () => {
    const hs = await storageServer((_req, res) => json(res, 200, { rooms: [{ room_id: roomId(0), estimated_size: 3_200_000 }] }), (_req, res) => json(res, 200, { scheduled_tasks: [{ ...purge, timestamp_ms: Date.now() - 2 * 86_400_000 }] }));
    const { records, failures } = await auditOf(hs);
    expect(failures).toEqual([]);
    expect(fake!.count(/\/statistics\/database\/rooms|\/scheduled_tasks/)).toBe(2);
    expect(records.get(roomId(0))!.facts).toMatchObject({ 'stored.sizeBytes': 3_200_000, 'stored.forgottenPurgeOverdueMs': null });
    expect(records.get(roomId(2))!.facts!['stored.sizeBytes']).toBeNull();
    expect(records.get(roomId(1))!.findings.find((f) => f.ruleId === 'forgotten-room-purged')).toMatchObject({
      status: 'fail', messageId: 'room.forgottenStored',
      data: { seen: { id: 'room.forgotten', data: { ago: { id: 'room.days', data: { count: 2 } }, status: 'failed' } } },
      message: expect.stringMatching(/purge was due 2 days ago \(task failed\)/),
    });
  });

  it('leaves them unknown with the reason when refused (SQLite, an older Synapse), and incomplete on a fault', async () => {
    let hs = await storageServer(SQLITE_STATISTICS, (_req, res) => json(res, 404, { errcode: 'M_UNRECOGNIZED', error: 'Unrecognized request' }));
    let audit = await auditOf(hs);
    expect(audit.failures).toEqual([]);
    const forgotten = audit.records.get(roomId(0))!.findings.find((f) => f.ruleId === 'forgotten-room-purged');
    expect(forgotten).toMatchObject({
      status: 'unknown', messageId: 'fact.unknown',
      data: { path: 'stored.forgottenPurgeOverdueMs', reason: { id: 'roomFact.tasksNotRead', data: { error: { id: 'error.network.matrix', data: expect.objectContaining({ status: expect.stringMatching(/^404/) }) } } } },
    });
    await fake!.close();
    hs = await storageServer(SQLITE_STATISTICS, (_req, res) => json(res, 200, { scheduled_tasks: 'none' }));
    audit = await auditOf(hs);
    expect(audit.failures).toEqual([{
      roomId: '(scheduled tasks)', reasonId: 'audit.cannotReadTasks', data: { error: { id: 'error.network.wrongShape', data: expect.objectContaining({ problem: 'scheduled_tasks must be array' }) } },
      reason: expect.stringMatching(/^cannot read the scheduled tasks: .*wrong shape/),
    }]);
    expect(audit.records.size).toBe(3);
  });

  it('says why in the report\'s language, with the same id and data', async () => {
    const hs = await storageServer(SQLITE_STATISTICS, (_req, res) => json(res, 200, { scheduled_tasks: 'none' }));
    const audit = await auditOf(hs, 'fr');
    expect(audit.failures).toEqual([expect.objectContaining({ reasonId: 'audit.cannotReadTasks', reason: expect.stringMatching(/^impossible de lire les tâches planifiées\u00a0: /) })]);
    const forgotten = audit.records.get(roomId(0))!.findings.find((f) => f.ruleId === 'forgotten-room-purged');
    expect(forgotten?.message).toMatch(/^stored\.forgottenPurgeOverdueMs ne peut pas être vérifié\u00a0: les tâches planifiées n’ont pas été lues/);
  });
});
