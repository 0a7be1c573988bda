// Every config rule is tested both ways on hand-written fixtures:
//   fixtures/config/<rule-id>/pass*.yaml (or pass*/ directories): the rule passes (or does not apply);
//   fixtures/config/<rule-id>/fail*.yaml: the rule fails. A first-line comment
//   `# expect: <regex>` must match the failure message; `# status: unknown` expects unknown.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtInRules } from '../../src/engine/rules.js';
import { runCheck } from '../../src/engine/evaluate.js';
import { buildServerFacts } from '../../src/facts/server-facts.js';
import { loadConfigFiles } from '../../src/sources/config-files.js';

const fixtureRoot = join(import.meta.dirname, '../../fixtures/config');
const rules = builtInRules().filter((rule) => rule.target === 'config');

function header(path: string): { expect?: RegExp; status?: string } {
  const file = statSync(path).isDirectory() ? join(path, readdirSync(path).sort()[0]) : path;
  const text = readFileSync(file, 'utf8');
  return {
    expect: /^# expect: (.+)$/m.exec(text)?.[1] ? new RegExp(/^# expect: (.+)$/m.exec(text)![1]) : undefined,
    status: /^# status: (\w+)$/m.exec(text)?.[1],
  };
}

describe.each(rules.map((rule) => [rule.id, rule] as const))('rule %s', (id, rule) => {
  const dir = join(fixtureRoot, id);
  const cases = existsSync(dir) ? readdirSync(dir).sort() : [];

  it('has a passing and a failing fixture', () => {
    expect(cases.some((name) => name.startsWith('pass')), `fixtures/config/${id}/pass*.yaml`).toBe(true);
    expect(cases.some((name) => name.startsWith('fail')), `fixtures/config/${id}/fail*.yaml`).toBe(true);
  });

  for (const name of cases) {
    const path = join(dir, name);
    it(name, () => {
      const facts = buildServerFacts(loadConfigFiles([path]), [path]);
      const results = runCheck(rule.check, facts) ?? [];
      const { expect: pattern, status } = header(path);
      const statuses = results.map((result) => result.status);
      if (name.startsWith('pass')) {
        expect(statuses.filter((s) => s !== 'pass'), results.map((r) => r.message).join('\n')).toEqual([]);
      } else {
        const wanted = status ?? 'fail';
        expect(statuses, results.map((r) => r.message).join('\n')).toContain(wanted);
        if (pattern) expect(results.filter((r) => r.status === wanted).map((r) => r.message).join('\n')).toMatch(pattern);
      }
    });
  }
});
