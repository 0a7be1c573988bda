// Rules are data: built-in ones are bundled at build time (already validated), a user's
// folder is read and validated with the same pre-compiled validator at load.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parsePyYaml } from '../sources/pyyaml.js';
import builtinRules from '../generated/rules.json' with { type: 'json' };
import useCaseData from '../generated/use-cases.json' with { type: 'json' };
import validateRule from '../generated/validate-rule.js';
import { InputError } from '../errors.js';
import { readBounded } from '../sources/read-bounded.js';
import { LIMITS } from '../sources/yaml-file.js';
import type { Rule, UseCase } from '../types.js';
import { checkFunctions } from './checks/index.js';

export const USE_CASES: UseCase[] = useCaseData as UseCase[];
export const USE_CASE_IDS: string[] = USE_CASES.map((useCase) => useCase.id);

export function builtInRules(): Rule[] {
  return builtinRules as Rule[];
}

/** Problems a valid-by-schema rule can still have: an unknown function, a missing path. */
export function ruleProblems(rule: Rule): string[] {
  const problems: string[] = [];
  const visit = (node: Rule['check'], where: string): void => {
    if (node.function) {
      if (!checkFunctions[node.function]) problems.push(`${where}.function: unknown check function "${node.function}"`);
    }
    node.allOf?.forEach((child, index) => visit(child, `${where}.allOf[${index}]`));
    node.anyOf?.forEach((child, index) => visit(child, `${where}.anyOf[${index}]`));
  };
  visit(rule.check, 'check');
  return problems;
}

function yamlFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return yamlFilesUnder(path);
    return /\.ya?ml$/.test(entry.name) ? [path] : [];
  }).sort();
}

/** Reads and validates every rule file in `dir`; the first problem is an InputError naming file and field. */
export function loadRuleDir(dir: string): Rule[] {
  try {
    if (!statSync(dir).isDirectory()) throw new InputError('is not a directory of rule files', { file: dir });
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError('rule directory not found', { file: dir });
  }
  return yamlFilesUnder(dir).map((file) => {
    let data: unknown;
    try {
      data = parsePyYaml(readBounded(file, LIMITS.maxFileBytes, 'a rule file').bytes.toString('utf8'), file).data;
    } catch (error) {
      if (error instanceof InputError) throw error;
      throw new InputError(`cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`, { file });
    }
    if (!validateRule(data)) {
      const first = validateRule.errors?.[0];
      const field = first?.instancePath ? first.instancePath.slice(1).replaceAll('/', '.') : '(rule)';
      throw new InputError(`invalid rule: ${field} ${first?.message ?? 'is invalid'}`, { file });
    }
    const rule = { ...(data as Rule), file: relative(process.cwd(), file) };
    const problems = ruleProblems(rule);
    if (problems.length) throw new InputError(`invalid rule: ${problems[0]}`, { file });
    return rule;
  });
}

/** Built-in rules plus user folders; a user rule with a built-in id replaces it. */
export function loadRules(extraDirs: string[] = []): Rule[] {
  const byId = new Map(builtInRules().map((rule) => [rule.id, rule]));
  for (const dir of extraDirs) for (const rule of loadRuleDir(dir)) byId.set(rule.id, rule);
  return [...byId.values()];
}
