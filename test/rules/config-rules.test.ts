// Every config rule is tested both ways on hand-written fixtures:
//   fixtures/config/<rule-id>/pass*.yaml (or pass*/ directories): the rule passes (or does not apply);
//   fixtures/config/<rule-id>/fail*.yaml: the rule fails; na*.yaml: the rule does not apply.
//   Header comments: `# expect: <regex>` must match the message; `# status: unknown` expects unknown;
//   `# count:`, `# path:` and `# line:` (when given) are checked on the results with that status.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtInRules } from '../../src/engine/rules.js';
import { runCheck } from '../../src/engine/evaluate.js';
import { buildServerFacts } from '../../src/facts/server-facts.js';
import { loadConfigFiles } from '../../src/sources/config-files.js';

const fixtureRoot = join(import.meta.dirname, '../../fixtures/config');
const rules = builtInRules().filter((rule) => rule.target === 'config');

function header(path: string): { expect?: RegExp; status?: string; count?: number; path?: string; line?: number } {
  const file = statSync(path).isDirectory() ? join(path, readdirSync(path).sort()[0]) : path;
  const text = readFileSync(file, 'utf8');
  const field = (name: string) => new RegExp(`^# ${name}: (.+)$`, 'm').exec(text)?.[1].trim();
  return {
    expect: field('expect') ? new RegExp(field('expect')!) : undefined,
    status: field('status'),
    count: field('count') ? Number(field('count')) : undefined,
    path: field('path'),
    line: field('line') ? Number(field('line')) : undefined,
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
      const outcome = runCheck(rule.check, facts);
      const results = outcome ?? [];
      const { expect: pattern, status, count, path: resultPath, line } = header(path);
      const statuses = results.map((result) => result.status);
      const wanted = status ?? (name.startsWith('na') ? 'na' : name.startsWith('unknown') ? 'unknown' : name.startsWith('pass') ? 'pass' : 'fail');
      if (wanted === 'na') {
        expect(outcome, results.map((r) => r.message).join('\n')).toBeNull();
        return;
      }
      const decided = results.filter((r) => r.status === wanted);
      if (count !== undefined) expect(decided, results.map((r) => r.message).join('\n')).toHaveLength(count);
      if (resultPath !== undefined) expect(decided[0]?.path).toBe(resultPath);
      if (line !== undefined) expect(decided[0]?.location?.line).toBe(line);
      if (name.startsWith('pass')) {
        expect(statuses.filter((s) => s !== 'pass'), results.map((r) => r.message).join('\n')).toEqual([]);
        if (pattern) expect(decided.map((r) => r.message).join('\n')).toMatch(pattern);
      } else {
        expect(statuses, results.map((r) => r.message).join('\n')).toContain(wanted);
        if (pattern) expect(results.filter((r) => r.status === wanted).map((r) => r.message).join('\n')).toMatch(pattern);
      }
    });
  }
});
