// The probe pipeline in one call: answers → config facts → findings → verdicts, with the same
// rules as `mxlint config`. A rule whose check reads the config files themselves (a check declared
// `readsFiles`: their keys, their modes, the appservice files) cannot be judged from outside: unknown.
import type { CheckNode, Finding, Lang, Report, Rule } from './types.js';
import type { ProbeResult } from './sources/probe.js';
import { buildProbeFacts, NOT_SEEN, type ProbeFacts } from './facts/probe-facts.js';
import { evaluate } from './engine/evaluate.js';
import { judgedReport } from './engine/verdicts.js';
import { USE_CASES } from './engine/rules.js';
import { checkNamed } from './engine/checks/index.js';
import { defineMessages, render, type Message } from './messages/message.js';

const message = defineMessages({
  'probe.readsFiles': { en: 'this check reads the config files themselves, which {notSeen}', fr: 'cette vérification lit les fichiers de configuration eux-mêmes, qui {notSeen}' },
  'probe.seenFromOutside': { en: '{said} (seen from outside: {seen})', fr: '{said} (vu de l’extérieur\u00a0: {seen})' },
  'probe.answerFault': { en: '{method} {url}: {fault}', fr: '{method} {url}\u00a0: {fault}' },
});

const functionsOf = (node: CheckNode): string[] => [
  ...(node.function ? [node.function] : []),
  ...[...(node.allOf ?? []), ...(node.anyOf ?? [])].flatMap(functionsOf),
];

/** A rule facts seen from outside can feed: none of its check functions reads the files themselves. */
export const judgedFromOutside = (rule: Rule): boolean => functionsOf(rule.check).every((name) => checkNamed(name)?.readsFiles !== true);

export interface ProbeLintResult extends Report {
  facts: ProbeFacts;
  probe: ProbeResult;
}

export function lintProbe(probe: ProbeResult, rules: Rule[], requested: string[], lang: Lang = 'en'): ProbeLintResult {
  const useCases = requested.length ? requested : USE_CASES.filter((useCase) => useCase.scope.includes('config')).map((useCase) => useCase.id);
  const facts = buildProbeFacts(probe);
  const configRules = rules.filter((rule) => rule.target === 'config');
  const judged = configRules.filter(judgedFromOutside);
  const findings = evaluate(judged, facts, { useCases, lang }).map((finding) => withSeen(finding, facts, lang));
  const readsFiles = message('probe.readsFiles', { notSeen: NOT_SEEN });
  for (const rule of configRules.filter((other) => !judged.includes(other))) {
    for (const useCase of useCases) {
      const level = rule.levels[useCase] ?? 'off';
      if (level === 'off') continue;
      findings.push({ ruleId: rule.id, useCase, level, status: 'unknown', title: rule.title[lang], message: render(lang, readsFiles), messageId: readsFiles.id, data: readsFiles.data, fix: rule.fix?.hint[lang] });
    }
  }
  const said: Message[] = [...probe.warnings, ...Object.values(probe.answers).filter((answer) => answer.fault).map((answer) => message('probe.answerFault', { method: answer.method, url: answer.url, fault: answer.fault! }))];
  return { ...judgedReport('probe', [probe.origin], useCases, findings, said.map((warning) => render(lang, warning))), facts, probe };
}

/** The message of a finding decided by a fact seen from outside says what was seen. */
function withSeen(finding: Finding, facts: ProbeFacts, lang: Lang): Finding {
  const seen = finding.path ? facts.seen.get(finding.path) : undefined;
  if (!seen) return finding;
  const said = message('probe.seenFromOutside', { said: { id: finding.messageId, data: finding.data }, seen: seen.seen });
  return { ...finding, message: render(lang, said), messageId: said.id, data: said.data };
}
