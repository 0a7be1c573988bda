// Every built-in rule against its fixture cases (see rule-tester.ts for the format): each case's
// status, count, path, line and message, and fix.set applied to each failing case.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtInRules } from '../../src/engine/rules.js';
import { runCheck } from '../../src/engine/evaluate.js';
import { configCase, differences, fixDifferences, roomCase, serverCase, statusOf, type RuleCase } from './rule-tester.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures');

describe.each(builtInRules().map((rule) => [`${rule.target} rule ${rule.id}`, rule] as const))('%s', (_name, rule) => {
  const dir = join(FIXTURES, rule.target, rule.id);
  const entries = existsSync(dir) ? readdirSync(dir).sort() : [];
  const cases: RuleCase[] = rule.target === 'config'
    ? entries.filter((name) => statusOf(name)).map((name) => configCase(rule, join(dir, name)))
    : entries.filter((name) => name.endsWith('.json')).map((name) => (rule.target === 'server' ? serverCase : roomCase)(rule, join(dir, name)));

  it('has a passing and a failing case', () => {
    expect(cases.map((testCase) => testCase.expected.status)).toContain('pass');
    expect(cases.map((testCase) => testCase.expected.status)).toContain('fail');
  });

  it.each(cases.map((testCase) => [testCase.name, testCase] as const))('%s', (_case, testCase) => {
    expect(testCase.problems).toEqual([]);
    expect(differences(rule, testCase, runCheck(rule.check, testCase.facts()))).toEqual([]);
    expect(fixDifferences(rule, testCase)).toEqual([]);
  });
});
