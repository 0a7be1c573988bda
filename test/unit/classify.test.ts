// Classification: each hand-written room dump in fixtures/room-dumps/ fits its own use case (no
// error-level failure) and none of the use cases it clearly is not.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintRoom } from '../../src/lint-room.js';
import type { RoomInput } from '../../src/facts/room-facts.js';
import { parseStateEvents } from '../../src/sources/state-dump.js';

const dumpRoot = join(import.meta.dirname, '../../fixtures/room-dumps');

/** A dump in the wrapper format: {state, members, published, localServer, lastEventTs, now}. */
export function loadRoomDump(useCase: string): RoomInput {
  const path = join(dumpRoot, `${useCase}.json`);
  const dump = JSON.parse(readFileSync(path, 'utf8'));
  const state = parseStateEvents(dump.state, path);
  const roomId = (dump.state[0] as { room_id?: string } | undefined)?.room_id ?? `!${useCase}:example.org`;
  return {
    roomId, source: path, state,
    members: dump.members, published: dump.published, localServer: dump.localServer, lastEventTs: dump.lastEventTs, now: dump.now,
  };
}

/** For each dump: the use cases it is clearly not. */
const clearlyNot: Record<string, string[]> = {
  direct: ['public-help', 'public-community', 'activist-broadcast'],
  'trusted-group': ['direct', 'public-help', 'public-community', 'activist-broadcast'],
  'activist-exchange': ['direct', 'trusted-group', 'association', 'action', 'activist-broadcast', 'public-community'],
  'activist-broadcast': ['activist-exchange', 'direct', 'trusted-group', 'association', 'action'],
  association: ['trusted-group', 'direct', 'public-help', 'public-community', 'action', 'activist-broadcast'],
  'public-help': ['direct', 'trusted-group', 'association', 'action', 'activist-broadcast'],
  pseudonymous: ['direct', 'trusted-group', 'association', 'action'],
  anonymous: ['direct', 'public-help', 'public-community', 'activist-broadcast'],
  action: ['direct', 'public-help', 'public-community', 'activist-broadcast'],
  'public-community': ['direct', 'trusted-group', 'association', 'action', 'activist-broadcast'],
};

describe.each(Object.entries(clearlyNot))('room dump %s', (useCase, wrong) => {
  const result = lintRoom(loadRoomDump(useCase));
  const fits = result.classification.fits.map((fit) => fit.useCase);
  const blockers = (id: string) => result.findings
    .filter((finding) => finding.useCase === id && finding.level === 'error' && finding.status !== 'pass')
    .map((finding) => `${finding.ruleId} (${finding.status}): ${finding.message}`);

  it(`fits ${useCase}`, () => {
    expect(fits, blockers(useCase).join('\n')).toContain(useCase);
  });

  it(`does not fit ${wrong.join(', ')}`, () => {
    for (const id of wrong) expect(fits, `${useCase} dump should not fit ${id}`).not.toContain(id);
    expect(wrong.length).toBeGreaterThanOrEqual(3);
  });
});

describe('a room whose defining facts cannot be known', () => {
  it('is unknown for its declared use case, naming what to give, never unfit', () => {
    const unpublished = loadRoomDump('direct');
    const result = lintRoom({ ...unpublished, published: undefined }, { useCases: ['direct'] });
    expect(result.verdicts).toEqual([expect.objectContaining({ useCase: 'direct', verdict: 'unknown' })]);
    const declared = result.findings.find((finding) => finding.ruleId === 'room-fits-declared-use-case');
    expect(declared).toMatchObject({
      status: 'unknown', level: 'error', messageId: 'room.declaredUndecided',
      data: { useCase: 'direct', unknowns: expect.arrayContaining([{ id: 'classify.blocker', data: { rule: 'room-not-published', seen: expect.objectContaining({ id: 'fact.unknown' }) } }]) },
    });
    expect(declared?.message).toMatch(/^declared direct: whether its settings fit it cannot be known: room-not-published: .*--published or --not-published/);
  });

  it('fits once the missing fact is given, and is still a mismatch when a known fact rules it out', () => {
    const dump = loadRoomDump('direct');
    expect(lintRoom({ ...dump, published: false }, { useCases: ['direct'] }).verdicts[0].verdict).not.toMatch(/unknown|unfit/);
    const published = lintRoom({ ...dump, published: true }, { useCases: ['direct'] });
    const mismatch = published.findings.find((finding) => finding.ruleId === 'room-fits-declared-use-case');
    expect(mismatch).toMatchObject({ status: 'fail', messageId: expect.stringMatching(/^room\.declaredFits(Others|None)$/), data: { useCase: 'direct' } });
    expect(published.verdicts[0].verdict).toBe('unfit');
  });
});

describe('the declared-use-case finding in French', () => {
  it('says its title and message in the report\'s language, and names the blockers with French punctuation', () => {
    const dump = loadRoomDump('direct');
    const result = lintRoom({ ...dump, published: undefined }, { useCases: ['direct'], lang: 'fr' });
    const declared = result.findings.find((finding) => finding.ruleId === 'room-fits-declared-use-case');
    expect(declared?.title).toMatch(/^Les réglages du salon conviennent/);
    expect(declared?.message).toMatch(/^déclaré direct\u00a0: impossible de savoir si ses réglages lui conviennent\u00a0: room-not-published\u00a0: /);
  });
});
