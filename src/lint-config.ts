// The config pipeline in one call: files → ServerFacts → findings → verdicts.
import type { Lang, Report, Rule } from './types.js';
import { loadConfigFiles, type MergedConfig } from './sources/config-files.js';
import { loadMasConfig } from './sources/mas-config.js';
import { NO_MAS_CONFIG } from './facts/mas.js';
import { buildServerFacts, type ServerFacts } from './facts/server-facts.js';
import { evaluate } from './engine/evaluate.js';
import { judgedReport } from './engine/verdicts.js';
import { loadRules, USE_CASES } from './engine/rules.js';

export interface LintConfigOptions {
  /** Use cases to judge; default: every use case that can be judged on a config. */
  useCases?: string[];
  rules?: Rule[];
  ruleDirs?: string[];
  lang?: Lang;
  /** Matrix Authentication Service config files, in the order MAS is given them. */
  masConfig?: string[];
}

export interface ConfigLintResult extends Report {
  facts: ServerFacts;
}

export function lintConfig(paths: string[], options: LintConfigOptions = {}): ConfigLintResult {
  const useCases = options.useCases?.length
    ? options.useCases
    : USE_CASES.filter((useCase) => useCase.scope.includes('config')).map((useCase) => useCase.id);
  const rules = options.rules ?? loadRules(options.ruleDirs);
  return lintMerged({ ...loadConfigFiles(paths), mas: loadMasConfig(options.masConfig ?? []) }, paths, rules, useCases, options.lang);
}

/** lintConfig over files already read and merged (the fixer lints texts it has not written yet). */
export function lintMerged(merged: MergedConfig, inputs: string[], rules: Rule[], useCases: string[], lang?: Lang): ConfigLintResult {
  const facts = buildServerFacts(merged, inputs);
  const findings = evaluate(rules, facts, { useCases, lang });
  const warnings = facts.files.filter((file) => file.data === null).map((file) => `${file.path}: skipped, ${file.skipped}`);
  const decidedBy = facts.get('signup.decidedBy');
  if (decidedBy.value === 'mas' && !facts.mas) warnings.push(`Synapse delegates sign-up to Matrix Authentication Service (${decidedBy.from}), but ${NO_MAS_CONFIG}; the sign-up rules stay unknown`);
  if (decidedBy.value === 'synapse' && facts.mas) warnings.push(`a MAS config was given, but Synapse does not delegate to Matrix Authentication Service (matrix_authentication_service.enabled is not true): MAS's config is not used, and the sign-up rules judge Synapse's own settings`);
  return { ...judgedReport('config', facts.files.map((file) => file.path), useCases, findings, warnings), facts };
}
