// Every room rule is tested both ways on hand-written state dumps:
//   fixtures/room/<rule-id>/pass*.json and fail*.json, each either the JSON array of state events
//   (as GET /rooms/{id}/state returns) or {"state": [...], "members": [...], "published": bool,
//   "config": "<homeserver.yaml relative to the fixture>", "localServer": "example.org",
//   "expect": "<regex on the failure message>", "status": "unknown",
//   "lastEventTs": <ms>, "now": <ms, the time ages are computed at>, "comment": "what the case is"}.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtInRules } from '../../src/engine/rules.js';
import { runCheck } from '../../src/engine/evaluate.js';
import { buildRoomFacts } from '../../src/facts/room-facts.js';
import { buildServerFacts } from '../../src/facts/server-facts.js';
import { loadConfigFiles } from '../../src/sources/config-files.js';
import { parseStateEvents } from '../../src/sources/state-dump.js';

const fixtureRoot = join(import.meta.dirname, '../../fixtures/room');
const rules = builtInRules().filter((rule) => rule.target === 'room');

export function loadRoomFixture(path: string) {
  const data = JSON.parse(readFileSync(path, 'utf8'));
  const wrapper = Array.isArray(data) ? { state: data } : data;
  const configPath = wrapper.config ? resolve(dirname(path), wrapper.config) : undefined;
  const server = configPath ? buildServerFacts(loadConfigFiles([configPath]), [configPath]) : undefined;
  const facts = buildRoomFacts({
    roomId: '!fixture:example.org', source: path, state: parseStateEvents(wrapper.state, path),
    members: wrapper.members, published: wrapper.published, localServer: wrapper.localServer ?? 'example.org', lastEventTs: wrapper.lastEventTs, now: wrapper.now,
  }, server);
  return { facts, expect: wrapper.expect as string | undefined, status: wrapper.status as string | undefined };
}

describe.each(rules.map((rule) => [rule.id, rule] as const))('room rule %s', (id, rule) => {
  const dir = join(fixtureRoot, id);
  const cases = existsSync(dir) ? readdirSync(dir).filter((name) => name.endsWith('.json')).sort() : [];

  it('has a passing and a failing fixture', () => {
    expect(cases.some((name) => name.startsWith('pass')), `fixtures/room/${id}/pass*.json`).toBe(true);
    expect(cases.some((name) => name.startsWith('fail')), `fixtures/room/${id}/fail*.json`).toBe(true);
  });

  for (const name of cases) {
    it(name, () => {
      const { facts, expect: pattern, status } = loadRoomFixture(join(dir, name));
      const results = runCheck(rule.check, facts) ?? [];
      const statuses = results.map((result) => result.status);
      if (name.startsWith('pass')) {
        expect(statuses.filter((s) => s !== 'pass'), results.map((r) => r.message).join('\n')).toEqual([]);
      } else {
        const wanted = status ?? 'fail';
        expect(statuses, results.map((r) => r.message).join('\n')).toContain(wanted);
        if (pattern) expect(results.filter((r) => r.status === wanted).map((r) => r.message).join('\n')).toMatch(new RegExp(pattern));
      }
    });
  }
});
