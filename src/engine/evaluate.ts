// Runs rules over facts and folds the results into findings.
import type { CheckNode, CheckResult, Condition, FactSource, Finding, Lang, Level, Rule } from '../types.js';
import { pythonTruthy } from '../facts/values.js';
import { checkNamed } from './checks/index.js';
import { redactValue } from '../facts/redact.js';
import { defineMessages, render } from '../messages/message.js';

const message = defineMessages({
  'engine.whenUnknown': { en: 'cannot tell whether this applies: {path} {reason}', fr: 'impossible de dire si la règle s’applique\u00a0: {path}, {reason}' },
  'engine.isUnknown': { en: 'is unknown', fr: 'valeur inconnue' },
  'engine.allOf': { en: '{parts}', fr: '{parts}' },
  'engine.anyOf': { en: '{parts}', fr: '{parts}' },
  'engine.and': { en: 'and {seen}', fr: 'et {seen}' },
  'engine.crashed': { en: 'rule {rule} could not run: {error}', fr: 'la règle {rule} n’a pas pu s’exécuter\u00a0: {error}' },
  'engine.defeats': { en: '{seen}; {defeated}', fr: '{seen}\u00a0; {defeated}' },
  'engine.defeated': { en: 'so {rule} fails: {seen}', fr: 'donc {rule} échoue\u00a0: {seen}' },
});

/** null: the rule does not apply (a `when` condition is false). */
export function runCheck(node: CheckNode, facts: FactSource): CheckResult[] | null {
  if (node.when) {
    for (const condition of node.when) {
      const holds = conditionHolds(condition, facts);
      if (holds === 'unknown') {
        const fact = facts.get(condition.path);
        return [{ status: 'unknown', message: message('engine.whenUnknown', { path: condition.path, reason: fact.reason ?? message('engine.isUnknown') }), path: fact.from ?? fact.path, location: fact.location }];
      }
      if (!holds) return null;
    }
  }
  if (node.allOf || node.anyOf) return combine(node, facts);
  const check = checkNamed(node.function!);
  if (!check) throw new Error(`unknown check function "${node.function}"`);
  const fact = node.path ? facts.get(node.path) : { path: '', value: undefined, state: 'default' as const };
  const outcome = check.run(fact, { facts, options: node.options ?? {} });
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
    return [{ ...parts[0], message: message('engine.allOf', { parts: parts.map((part) => part.message) }) }];
  }
  const passing = parts.find((part) => part.status === 'pass');
  if (passing) return [passing];
  const status = has('unknown') ? 'unknown' : 'fail';
  return [{ ...parts[0], status, message: message('engine.anyOf', { parts: parts.map((part, index) => (index ? message('engine.and', { seen: part.message }) : part.message)) }) }];
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
  const resultsOf = memoised((rule: Rule): CheckResult[] | null => {
    try {
      return runCheck(rule.check, facts);
    } catch (error) {
      return [{ status: 'unknown', message: message('engine.crashed', { rule: rule.id, error: (error as Error).message }) }];
    }
  });
  for (const rule of rules) {
    if (rule.target !== facts.target) continue;
    const levels = useCases.map((useCase) => [useCase, rule.levels[useCase] ?? 'off'] as const).filter(([, level]) => level !== 'off');
    if (levels.length === 0) continue;
    const results = resultsOf(rule);
    if (!results) continue;
    for (const outcome of results) {
      const value = outcome.path === undefined ? undefined : redactValue(outcome.path, outcome.value);
      const room = facts.target === 'room' ? { room: { id: String(facts.get('room.id').value), eventType: outcome.event?.type } } : {};
      // The rules that read the option meant and fail now that Synapse's default stands in for it.
      const defeated = outcome.intended && outcome.status === 'fail'
        ? rulesReading(rules, facts.target, outcome.intended).filter((other) => other !== rule && resultsOf(other)?.some((result) => result.status === 'fail'))
        : [];
      // Say what is lost: each defeated rule's own failure, now judged on the default.
      const said = (defeated.length
        ? message('engine.defeats', { seen: outcome.message, defeated: defeated.map((other) => message('engine.defeated', { rule: other.id, seen: resultsOf(other)!.find((result) => result.status === 'fail')!.message })) })
        : outcome.message);
      const shown = render(lang, said);
      for (const [useCase, level] of levels) {
        findings.push({
          ruleId: rule.id,
          useCase,
          // As serious as the rules it defeats are for this use case.
          level: defeated.reduce((highest, other) => higher(highest, other.levels[useCase] ?? 'off'), level) as Finding['level'],
          status: outcome.status,
          title: rule.title[lang],
          message: shown,
          messageId: said.id,
          data: said.data,
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

const LEVEL_ORDER: Level[] = ['off', 'info', 'warning', 'error'];
const higher = (a: Level, b: Level): Level => (LEVEL_ORDER.indexOf(b) > LEVEL_ORDER.indexOf(a) ? b : a);

/** Every option path a check reads: its own, its conditions', its parts'. */
function pathsRead(node: CheckNode): string[] {
  return [
    ...(node.path ? [node.path] : []),
    ...(node.when ?? []).map((condition) => condition.path),
    ...[...(node.allOf ?? []), ...(node.anyOf ?? [])].flatMap(pathsRead),
  ];
}

/** The rules that read `option`, a part of it, or the section holding it. */
function rulesReading(rules: Rule[], target: Rule['target'], option: string): Rule[] {
  const related = (path: string) => path === option || path.startsWith(`${option}.`) || option.startsWith(`${path}.`);
  return rules.filter((rule) => rule.target === target && pathsRead(rule.check).some(related));
}

function memoised<T extends object, R>(compute: (key: T) => R): (key: T) => R {
  const cache = new Map<T, R>();
  return (key) => {
    if (!cache.has(key)) cache.set(key, compute(key));
    return cache.get(key)!;
  };
}
