// The config pipeline in one call: files → ServerFacts → findings → verdicts.
import type { Lang, Report, Rule } from './types.js';
import { loadConfigFiles, type MergedConfig } from './sources/config-files.js';
import { findMasConfig, loadMasConfig, type MasLookup, type MasSearch } from './sources/mas-config.js';
import { masWarnings } from './facts/mas.js';
import { defineMessages, render } from './messages/message.js';
import { buildServerFacts, type ServerFacts } from './facts/server-facts.js';
import { evaluate } from './engine/evaluate.js';
import { judgedReport } from './engine/verdicts.js';
import { loadRules, USE_CASES } from './engine/rules.js';

const message = defineMessages({
  'config.fileSkipped': { en: '{file}: skipped, {why}', fr: '{file}\u00a0: ignoré, {why}' },
});

export interface LintConfigOptions {
  /** Use cases to judge; default: every use case that can be judged on a config. */
  useCases?: string[];
  rules?: Rule[];
  ruleDirs?: string[];
  lang?: Lang;
  /** Matrix Authentication Service config files, in the order MAS is given them. */
  masConfig?: string[];
  /** With no masConfig, where to look for MAS's config when Synapse delegates to MAS (absent: nowhere). */
  masSearch?: MasSearch;
  /** The environment MAS's `MAS_*` variables are read from (absent: none). */
  environment?: Record<string, string | undefined>;
}

export interface ConfigLintResult extends Report {
  facts: ServerFacts;
}

export function lintConfig(paths: string[], options: LintConfigOptions = {}): ConfigLintResult {
  const useCases = options.useCases?.length
    ? options.useCases
    : USE_CASES.filter((useCase) => useCase.scope.includes('config')).map((useCase) => useCase.id);
  const rules = options.rules ?? loadRules(options.ruleDirs);
  const synapse = loadConfigFiles(paths);
  let masFiles = options.masConfig ?? [];
  let masLookup: MasLookup | undefined;
  if (!masFiles.length && options.masSearch && buildServerFacts(synapse, paths).get('signup.decidedBy').value === 'mas') {
    masLookup = findMasConfig(options.masSearch);
    masFiles = masLookup.found ? [masLookup.found] : [];
  }
  return lintMerged({ ...synapse, mas: loadMasConfig(masFiles, options.environment), masLookup }, paths, rules, useCases, options.lang);
}

/** lintConfig over files already read and merged (the fixer lints texts it has not written yet). */
export function lintMerged(merged: MergedConfig & { masLookup?: MasLookup }, inputs: string[], rules: Rule[], useCases: string[], lang?: Lang): ConfigLintResult {
  const facts = buildServerFacts(merged, inputs);
  const findings = evaluate(rules, facts, { useCases, lang });
  const warnings = facts.files.filter((file) => file.data === null).map((file) => render(lang ?? 'en', message('config.fileSkipped', { file: file.path, why: file.skipped! })));
  warnings.push(...masWarnings(facts, merged.masLookup).map((note) => render(lang ?? 'en', note)));
  const read = [...facts.files.map((file) => file.path), ...(facts.mas?.files ?? [])];
  return { ...judgedReport('config', read, useCases, findings, warnings), facts };
}
