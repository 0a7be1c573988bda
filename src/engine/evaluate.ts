// Runs rules over facts and folds the results into findings.
import type { CheckNode, CheckResult, Condition, FactSource, Finding, Lang, Rule } from '../types.js';
import { pythonTruthy } from '../facts/values.js';
import { checkFunctions } from './checks/index.js';
import { redactValue } from '../facts/redact.js';

/** null: the rule does not apply (a `when` condition is false). */
export function runCheck(node: CheckNode, facts: FactSource): CheckResult[] | null {
  if (node.when) {
    for (const condition of node.when) {
      const holds = conditionHolds(condition, facts);
      if (holds === 'unknown') {
        const fact = facts.get(condition.path);
        return [{ status: 'unknown', message: `cannot tell whether this applies: ${condition.path} ${fact.reason ?? 'is unknown'}`, path: fact.from ?? fact.path, location: fact.location }];
      }
      if (!holds) return null;
    }
  }
  if (node.allOf || node.anyOf) return combine(node, facts);
  const check = checkFunctions[node.function!];
  if (!check) throw new Error(`unknown check function "${node.function}"`);
  const fact = node.path ? facts.get(node.path) : { path: '', value: undefined, state: 'default' as const };
  const outcome = check(fact, { facts, options: node.options ?? {} });
  return Array.isArray(outcome) ? outcome : [outcome];
}

function combine(node: CheckNode, facts: FactSource): CheckResult[] | null {
  const parts = (node.allOf ?? node.anyOf)!.map((child) => runCheck(child, facts)).filter((r): r is CheckResult[] => r !== null).flat();
  if (parts.length === 0) return null;
  const has = (status: CheckResult['status']) => parts.some((part) => part.status === status);
  if (node.allOf) {
    // All must pass: report the failures (or unknowns) themselves.
    if (has('fail')) return parts.filter((part) => part.status === 'fail');
    if (has('unknown')) return parts.filter((part) => part.status === 'unknown');
    return [{ ...parts[0], message: parts.map((part) => part.message).join('; ') }];
  }
  const passing = parts.find((part) => part.status === 'pass');
  if (passing) return [passing];
  const status = has('unknown') ? 'unknown' : 'fail';
  return [{ ...parts[0], status, message: parts.map((part) => part.message).join('; and ') }];
}

function conditionHolds(condition: Condition, facts: FactSource): boolean | 'unknown' {
  const fact = facts.get(condition.path);
  if (fact.state === 'unknown') return 'unknown';
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  if ('equals' in condition && !same(fact.value, condition.equals)) return false;
  if ('notEquals' in condition && same(fact.value, condition.notEquals)) return false;
  if (condition.truthy !== undefined && pythonTruthy(fact.value) !== condition.truthy) return false;
  if (condition.present !== undefined && (fact.state === 'set') !== condition.present) return false;
  if (condition.in && !condition.in.some((value) => same(value, fact.value))) return false;
  return true;
}

export interface EvaluateOptions {
  useCases: string[];
  lang?: Lang;
}

/** One finding per (rule result, use case) where the rule has a level for that use case. */
export function evaluate(rules: Rule[], facts: FactSource, { useCases, lang = 'en' }: EvaluateOptions): Finding[] {
  const findings: Finding[] = [];
  for (const rule of rules) {
    if (rule.target !== facts.target) continue;
    const levels = useCases.map((useCase) => [useCase, rule.levels[useCase] ?? 'off'] as const).filter(([, level]) => level !== 'off');
    if (levels.length === 0) continue;
    let results: CheckResult[] | null;
    try {
      results = runCheck(rule.check, facts);
    } catch (error) {
      results = [{ status: 'unknown', message: `rule ${rule.id} could not run: ${(error as Error).message}` }];
    }
    if (!results) continue;
    for (const outcome of results) {
      const value = outcome.path === undefined ? undefined : redactValue(outcome.path, outcome.value);
      const room = facts.target === 'room' ? { room: { id: String(facts.get('room.id').value), eventType: outcome.event?.type } } : {};
      for (const [useCase, level] of levels) {
        findings.push({
          ruleId: rule.id,
          useCase,
          level: level as Finding['level'],
          status: outcome.status,
          title: rule.title[lang],
          message: outcome.message,
          location: outcome.location,
          path: outcome.path,
          value,
          fix: outcome.status === 'pass' ? undefined : rule.fix?.hint[lang],
          ...room,
        });
      }
    }
  }
  return findings;
}
