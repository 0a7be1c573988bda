// Fuzz (issue #6): mutated room state dumps — fixtures/room-dumps, fixtures/room/** and the real
// rooms — read as `mxlint room --state` reads them (readStateDump → parseStateEvents) and linted
// (buildRoomFacts → rules → classification), with and without a server config. Every input must
// end in a report or in one controlled InputError.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { lintRoom } from '../../src/lint-room.js';
import { loadRules } from '../../src/engine/rules.js';
import { loadConfigFiles } from '../../src/sources/config-files.js';
import { buildServerFacts } from '../../src/facts/server-facts.js';
import { parseStateEvents, readStateDump } from '../../src/sources/state-dump.js';
import { ROOT } from '../cli/run.js';
import { roomSeeds } from './corpus.js';
import { describeMutant, mutantArb, oddValue, render, ROOM_EVENT_TYPES, ROOM_FIELDS } from './mutate.js';
import { checkReport, controlled, newTally, summary } from './oracle.js';
import { FUZZ } from './settings.js';

const seeds = roomSeeds();
const rules = loadRules();
const serverPaths = [join(ROOT, 'fixtures/examples/homeserver.yaml')];
const server = buildServerFacts(loadConfigFiles(serverPaths), serverPaths);
const work = mkdtempSync(join(tmpdir(), 'mxlint-fuzz-room-'));
const tallies = { dumps: newTally(), values: newTally() };
const NOW = Date.parse('2025-11-26T12:00:00Z');

describe('fuzz: room state dumps through the reader and the linter (in process)', () => {
  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
    process.stdout.write(summary('room dump files', tallies.dumps, FUZZ.seed) + summary('room dump values', tallies.values, FUZZ.seed));
  });

  it('has seeds: the dumps, the room fixtures and the real rooms', () => {
    expect(seeds.length).toBeGreaterThan(150);
    expect(seeds.filter((seed) => seed.name.startsWith('real/')).length).toBeGreaterThanOrEqual(9);
  });

  const dumpRuns = FUZZ.runs(1500);
  it(`${dumpRuns} mutated dump files: a report or one InputError`, () => {
    const path = join(work, 'state.json');
    const arb = fc.record({ mutant: mutantArb(seeds, 'room'), withServer: fc.boolean(), declared: fc.option(fc.constantFrom('direct', 'trusted-group', 'public-community', 'activist-broadcast'), { nil: undefined }) });
    fc.assert(fc.property(arb, ({ mutant, withServer, declared }) => {
      const describeIt = () => describeMutant(mutant, seeds);
      writeFileSync(path, render(mutant, seeds, 'room'));
      controlled(() => {
        const dump = readStateDump(path);
        const result = lintRoom(
          { roomId: dump.roomId, source: path, state: dump.state, members: dump.members, published: dump.published, localServer: withServer ? 'example.org' : undefined, now: NOW },
          { rules, server: withServer ? server : undefined, useCases: declared ? [declared] : undefined },
        );
        checkReport(result, describeIt, tallies.dumps);
      }, [path], tallies.dumps, describeIt);
    }), { seed: FUZZ.seed, numRuns: dumpRuns });
  }, FUZZ.timeout(dumpRuns, 20));

  // Any JSON value at all where the state array or an event is expected.
  const valueRuns = FUZZ.runs(800);
  it(`${valueRuns} arbitrary values as dumps and as events: a report or one InputError`, () => {
    const event = fc.record({ type: fc.constantFrom(...ROOM_EVENT_TYPES), state_key: fc.oneof(fc.constant(''), fc.string({ maxLength: 12 })), sender: oddValue, content: fc.dictionary(fc.constantFrom(...ROOM_FIELDS), oddValue, { maxKeys: 4 }) }, { requiredKeys: ['type', 'state_key', 'content'] });
    const arb = fc.oneof(
      oddValue,
      fc.array(oddValue, { maxLength: 6 }),
      fc.array(fc.record({ type: oddValue, state_key: oddValue, content: oddValue }, { requiredKeys: [] }), { maxLength: 6 }),
      { weight: 4, arbitrary: fc.array(event, { maxLength: 12 }) },
    );
    // Round-tripped through JSON: what a dump file or a server's answer can hold.
    fc.assert(fc.property(arb.map((value) => JSON.parse(JSON.stringify(value) ?? 'null')), (value) => {
      const describeIt = () => JSON.stringify(value)?.slice(0, 600) ?? String(value);
      controlled(() => {
        const state = parseStateEvents(value, 'value.json');
        checkReport(lintRoom({ roomId: '!fuzz:example.org', source: 'value.json', state, now: NOW }, { rules }), describeIt, tallies.values);
      }, ['value.json'], tallies.values, describeIt);
    }), { seed: FUZZ.seed, numRuns: valueRuns });
  }, FUZZ.timeout(valueRuns, 20));
});
