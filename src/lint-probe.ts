// The probe pipeline in one call: answers → config facts → findings → verdicts, with the same
// rules as `mxlint config`. A rule whose check reads the config files themselves (their keys,
// their modes, the appservice files) cannot be judged from outside: unknown.
import type { CheckNode, Finding, Lang, Report, Rule } from './types.js';
import type { ProbeResult } from './sources/probe.js';
import { buildProbeFacts, NOT_SEEN, type ProbeFacts } from './facts/probe-facts.js';
import { evaluate } from './engine/evaluate.js';
import { judgedReport } from './engine/verdicts.js';
import { USE_CASES } from './engine/rules.js';

/** Check functions that read nothing but facts by path, so facts seen from outside can feed them. */
const READS_FACTS_ONLY = new Set([
  'equals', 'oneOf', 'truthy', 'falsy', 'absent', 'present', 'durationAtMost', 'durationAtLeast', 'listExcludes', 'atMost', 'atLeast', 'notMatches',
  'registrationGated', 'handledBySynapse', 'guestAccessWorks', 'wellKnownClient', 'federationClosed', 'presenceOff', 'trustedKeyServers',
  'federationAllowList', 'federationExcludes',
]);

const functionsOf = (node: CheckNode): string[] => [
  ...(node.function ? [node.function] : []),
  ...[...(node.allOf ?? []), ...(node.anyOf ?? [])].flatMap(functionsOf),
];

export interface ProbeLintResult extends Report {
  facts: ProbeFacts;
  probe: ProbeResult;
}

export function lintProbe(probe: ProbeResult, rules: Rule[], requested: string[], lang: Lang = 'en'): ProbeLintResult {
  const useCases = requested.length ? requested : USE_CASES.filter((useCase) => useCase.scope.includes('config')).map((useCase) => useCase.id);
  const facts = buildProbeFacts(probe);
  const configRules = rules.filter((rule) => rule.target === 'config');
  const judged = configRules.filter((rule) => functionsOf(rule.check).every((name) => READS_FACTS_ONLY.has(name)));
  const findings = evaluate(judged, facts, { useCases, lang }).map((finding) => withSeen(finding, facts));
  for (const rule of configRules.filter((other) => !judged.includes(other))) {
    for (const useCase of useCases) {
      const level = rule.levels[useCase] ?? 'off';
      if (level === 'off') continue;
      findings.push({ ruleId: rule.id, useCase, level, status: 'unknown', title: rule.title[lang], message: `this check reads the config files themselves, which ${NOT_SEEN}`, messageId: 'text', data: { text: 'TRANSITION' }, fix: rule.fix?.hint[lang] });
    }
  }
  const warnings = [...probe.warnings, ...Object.values(probe.answers).filter((answer) => answer.fault).map((answer) => `${answer.method} ${answer.url}: ${answer.fault}`)];
  return { ...judgedReport('probe', [probe.origin], useCases, findings, warnings), facts, probe };
}

/** The message of a finding decided by a fact seen from outside says what was seen. */
function withSeen(finding: Finding, facts: ProbeFacts): Finding {
  const seen = finding.path ? facts.seen.get(finding.path) : undefined;
  return seen ? { ...finding, message: `${finding.message} (seen from outside: ${seen.seen})` } : finding;
}
