// Rules are data: built-in ones are bundled at build time (already validated), a user's
// folder is read by the same YAML reader and checked by the same code (rule-problems.ts) at load.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parsePyYaml } from '../sources/pyyaml.js';
import builtinRules from '../generated/rules.json' with { type: 'json' };
import useCaseData from '../generated/use-cases.json' with { type: 'json' };
import { InputError } from '../errors.js';
import { readBounded, fileKind } from '../sources/read-bounded.js';
import { LIMITS } from '../sources/yaml-file.js';
import type { Rule, SourceLocation, UseCase } from '../types.js';
import { ruleProblems, showField } from './rule-problems.js';
import { defineMessages } from '../messages/message.js';

const errorMessage = defineMessages({
  'error.rules.notDirectory': { en: 'is not a directory of rule files', fr: 'n’est pas un dossier de fichiers de règles' },
  'error.rules.dirNotFound': { en: 'rule directory not found', fr: 'dossier de règles introuvable' },
  'error.rules.cannotRead': { en: 'cannot read ({reason})', fr: 'lecture impossible ({reason})' },
  // {problem}: what the rule validation says (in English until engine/rule-problems gives ids).
  'error.rules.invalid': { en: 'invalid rule: {field}: {problem}', fr: 'règle invalide\u00a0: {field}\u00a0: {problem}' },
});

export const USE_CASES: UseCase[] = useCaseData as UseCase[];
export const USE_CASE_IDS: string[] = USE_CASES.map((useCase) => useCase.id);

export function builtInRules(): Rule[] {
  return builtinRules as Rule[];
}

function yamlFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return yamlFilesUnder(path);
    return /\.ya?ml$/.test(entry.name) ? [path] : [];
  }).sort();
}

/** The file and line of a field, or of the nearest enclosing field written in the file. */
function locate(file: string, positions: Map<string, SourceLocation>, field: Array<string | number>): { file: string } & Partial<SourceLocation> {
  for (let depth = field.length; depth > 0; depth -= 1) {
    const position = positions.get(field.slice(0, depth).join('.'));
    if (position) return { ...position, file };
  }
  return { file };
}

/** Reads and validates every rule file in `dir`; the first problem is an InputError naming file and field. */
export function loadRuleDir(dir: string): Rule[] {
  try {
    if (!statSync(dir).isDirectory()) throw new InputError(errorMessage('error.rules.notDirectory'), { file: dir });
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(errorMessage('error.rules.dirNotFound'), { file: dir });
  }
  return yamlFilesUnder(dir).map((file) => {
    let parsed: ReturnType<typeof parsePyYaml>;
    try {
      parsed = parsePyYaml(readBounded(file, LIMITS.maxFileBytes, fileKind('error.file.rule')).bytes.toString('utf8'), file);
    } catch (error) {
      if (error instanceof InputError) throw error;
      throw new InputError(errorMessage('error.rules.cannotRead', { reason: (error as NodeJS.ErrnoException).code ?? String(error) }), { file });
    }
    const [problem] = ruleProblems(parsed.data);
    if (problem) throw new InputError(errorMessage('error.rules.invalid', { field: showField(problem.field), problem: problem.message }), locate(file, parsed.positions, problem.field));
    return { ...(parsed.data as Rule), file: relative(process.cwd(), file) };
  });
}

/** Built-in rules plus user folders; a user rule with a built-in id replaces it. */
export function loadRules(extraDirs: string[] = []): Rule[] {
  const byId = new Map(builtInRules().map((rule) => [rule.id, rule]));
  for (const dir of extraDirs) for (const rule of loadRuleDir(dir)) byId.set(rule.id, rule);
  return [...byId.values()];
}
