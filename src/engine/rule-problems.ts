// What is wrong with a rule, field by field: the rule schema first, then what the schema cannot
// say: each check names a declared function, gives it the path and options it declares, and reads
// only catalogued options (config) or declared facts (room). Run by scripts/build.mjs on the
// built-in rules and by loadRuleDir on a user's; both use the validators compiled at build.
import type { ErrorObject } from 'ajv';
import validateRule from '../generated/validate-rule.js';
import * as optionValidators from '../generated/validate-options.js';
import { catalogue } from '../facts/catalogue.js';
import { DERIVED_FACTS } from '../facts/derived.js';
import { masFactPaths } from '../facts/mas.js';
import { isRoomFact, ROOM_FACT_SOURCES, ROOM_FACTS } from '../facts/room-fact-table.js';
import { isKeptFact, SERVER_KEPT_FACTS } from '../facts/server-kept-table.js';
import type { CheckNode, Rule } from '../types.js';
import { checkNamed, checks } from './checks/index.js';
import { DURATION_PATTERN } from './checks/types.js';
import { closest } from './checks/did-you-mean.js';

/** A field of the rule (`check.allOf[1].options.max` as ['check', 'allOf', 1, 'options', 'max']) and what is wrong with it. */
export interface RuleProblem {
  field: Array<string | number>;
  message: string;
}

export const showField = (field: RuleProblem['field']): string =>
  field.map((part, index) => (typeof part === 'number' ? `[${part}]` : index ? `.${part}` : part)).join('') || '(rule)';

type Validator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };
const validators = optionValidators as unknown as Record<string, Validator>;

/** ajv's first error as a problem, naming the property for a missing or an extra one. */
function fromAjv(base: RuleProblem['field'], error: ErrorObject | undefined, extraWhat: string): RuleProblem {
  const at = [...base, ...(error?.instancePath ?? '').split('/').slice(1).map((part) => (/^\d+$/.test(part) ? Number(part) : part))];
  if (error?.keyword === 'additionalProperties') return { field: [...at, error.params.additionalProperty], message: extraWhat };
  if (error?.keyword === 'required') return { field: [...at, error.params.missingProperty], message: 'is missing' };
  if (error?.keyword === 'pattern' && error.params.pattern === DURATION_PATTERN) return { field: at, message: 'must be a duration: milliseconds, or a whole number with a unit (s, m, h, d, w, y), like 180d' };
  const allowed = error?.keyword === 'enum' ? `: ${(error.params.allowedValues as unknown[]).map((value) => JSON.stringify(value)).join(', ')}` : '';
  return { field: at, message: `${error?.message ?? 'is invalid'}${allowed}` };
}

const suggest = (word: string, candidates: string[]): string => {
  const near = closest(word, candidates);
  return near ? ` (did you mean ${near}?)` : '';
};

function pathProblem(target: Rule['target'], path: string): string | undefined {
  if (target === 'config') {
    const known = [...Object.keys(catalogue.options), ...Object.keys(DERIVED_FACTS), ...masFactPaths()];
    return known.includes(path) ? undefined
      : `"${path}" is not an option in mxlint's catalogue (catalogue/synapse-options.yaml; MAS options as mas.<option>, catalogue/mas-options.yaml) nor a derived fact (src/facts/derived.ts)${suggest(path, known)}`;
  }
  if (target === 'server') return isKeptFact(path) ? undefined : `"${path}" is not a server fact (src/facts/server-kept-table.ts)${suggest(path, Object.keys(SERVER_KEPT_FACTS))}`;
  return isRoomFact(path) ? undefined : `"${path}" is not a room fact (src/facts/room-fact-table.ts)${suggest(path, Object.keys(ROOM_FACTS))}`;
}

function nodeProblems(node: CheckNode, target: Rule['target'], at: RuleProblem['field'], problems: RuleProblem[]): void {
  node.when?.forEach((condition, index) => {
    const wrong = pathProblem(target, condition.path);
    if (wrong) problems.push({ field: [...at, 'when', index, 'path'], message: wrong });
  });
  node.allOf?.forEach((child, index) => nodeProblems(child, target, [...at, 'allOf', index], problems));
  node.anyOf?.forEach((child, index) => nodeProblems(child, target, [...at, 'anyOf', index], problems));
  if (!node.function) return;
  const check = checkNamed(node.function);
  if (!check) {
    problems.push({ field: [...at, 'function'], message: `unknown check function "${node.function}"${suggest(node.function, Object.keys(checks))}` });
    return;
  }
  if (check.target && check.target !== target) problems.push({ field: [...at, 'function'], message: `${node.function} checks ${check.target} facts, not ${target} ones` });
  if (check.path === 'required' && node.path === undefined) problems.push({ field: [...at, 'path'], message: `is missing: ${node.function} needs a path` });
  if (check.path === 'none' && node.path !== undefined) problems.push({ field: [...at, 'path'], message: `${node.function} takes no path (it reads the facts it needs)` });
  if (node.path !== undefined && check.path !== 'none') {
    const wrong = pathProblem(target, node.path);
    if (wrong) problems.push({ field: [...at, 'path'], message: wrong });
  }
  const wrongOptions = optionsProblem(node.function, node.options, at);
  if (wrongOptions) problems.push(wrongOptions);
}

/** What is wrong with the options given to a declared check function, if anything. */
export function optionsProblem(name: string, options: CheckNode['options'], at: RuleProblem['field'] = []): RuleProblem | undefined {
  const validate = validators[name];
  if (validate(options ?? {})) return undefined;
  const declared = Object.keys(checkNamed(name)?.options ?? {});
  return fromAjv([...at, 'options'], validate.errors?.[0], `is not an option of ${name} (${declared.length ? `its options: ${declared.join(', ')}` : 'it takes none'})`);
}

/** Every problem of a rule read from a file; none means it can be loaded. */
export function ruleProblems(data: unknown): RuleProblem[] {
  if (!validateRule(data)) return [fromAjv([], validateRule.errors?.[0], 'is not a field of a rule (rules/rule.schema.json)')];
  const rule = data as Rule;
  const problems: RuleProblem[] = [];
  nodeProblems(rule.check, rule.target, ['check'], problems);
  for (const key of Object.keys(rule.fix?.set ?? {})) {
    const wrong = rule.target !== 'room' ? pathProblem('config', key)
      : ROOM_FACT_SOURCES.has(key) ? undefined : `"${key}" is not an event type room facts are read from, nor directory${suggest(key, [...ROOM_FACT_SOURCES])}`;
    if (wrong) problems.push({ field: ['fix', 'set', key], message: wrong });
  }
  return problems;
}
