// The oldest history a server still stores (admin messages API, oldest first) on answers shaped as
// Synapse 1.160 gives them, and how the server audit turns a refusal into an unknown.
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { auditServer, type RoomRecord } from '../../src/audit-server.js';
import { loadRules } from '../../src/engine/rules.js';
import { buildServerFacts } from '../../src/facts/server-facts.js';
import { oldestStored } from '../../src/sources/admin-api.js';
import { loadConfigFiles } from '../../src/sources/config-files.js';
import { BadAnswer, Homeserver } from '../../src/sources/homeserver.js';
import { FakeHomeserver, json, roomId, SERVER_NAME, TOKEN, type Handler } from '../hostile/fake-homeserver.js';

const NOW = 1_771_927_200_000;
const MESSAGES = /^\/_synapse\/admin\/v1\/rooms\/[^/]+\/messages$/;
const state = (type: string, ageMs: number) => ({ type, state_key: '', sender: `@admin:${SERVER_NAME}`, content: {}, origin_server_ts: NOW - ageMs, unsigned: { age: ageMs } });
const message = (sentAgoMs: number, receivedAgoMs: number) => ({ type: 'm.room.message', sender: `@admin:${SERVER_NAME}`, content: { body: 'hi' }, origin_server_ts: NOW - sentAgoMs, unsigned: { age: receivedAgoMs } });

let fake: FakeHomeserver | undefined;
afterEach(async () => { await fake?.close(); fake = undefined; });

async function serverAnswering(handler: Handler): Promise<Homeserver> {
  fake = await FakeHomeserver.start([[MESSAGES, handler]]);
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
    expect(await oldestStored(hs, roomId(0), NOW)).toEqual({ unknown: 'the first 50 events of the timeline are all state events' });
    await fake!.close();
    hs = await answering([...Array.from({ length: 49 }, () => state('m.room.server_acl', 9000)), message(5000, 5000)]);
    expect(await oldestStored(hs, roomId(0), NOW)).toMatchObject({ unknown: expect.stringMatching(/the one after it is not known/) });
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
