// Which use cases a room's settings fit: those with no error-level failure, best first.
import type { Finding, Lang, UseCaseVerdict } from '../types.js';
import { defineMessages, render, type Message } from '../messages/message.js';

const message = defineMessages({
  'classify.blocker': { en: '{rule}: {seen}', fr: '{rule}\u00a0: {seen}' },
});

/** What a finding says, named by its rule: `rule-id: message`, as a message. */
export const blockerMessage = (finding: Finding): Message =>
  message('classify.blocker', { rule: finding.ruleId, seen: { id: finding.messageId, data: finding.data } });

export interface Classification {
  /** Use cases the room fits, best first, with the defining checks it passes (their messages, in the report's language). */
  fits: Array<{ useCase: string; verdict: UseCaseVerdict['verdict']; reasons: string[] }>;
  /** When nothing fits: the nearest use cases and what stops them (`rule-id: message`, in the report's language). */
  nearest: Array<{ useCase: string; blockers: string[] }>;
}

export function classify(verdicts: UseCaseVerdict[], findings: Finding[], lang: Lang = 'en'): Classification {
  const forUseCase = (useCase: string) => findings.filter((finding) => finding.useCase === useCase);
  // A rule that is an error for every use case (an ACL locking everyone out) defines none of them.
  const errorUseCases = new Map<string, Set<string>>();
  for (const finding of findings) {
    if (finding.level !== 'error') continue;
    if (!errorUseCases.has(finding.ruleId)) errorUseCases.set(finding.ruleId, new Set());
    errorUseCases.get(finding.ruleId)!.add(finding.useCase);
  }
  const defines = (finding: Finding) => (errorUseCases.get(finding.ruleId)?.size ?? 0) < verdicts.length;
  const fits = verdicts
    .filter((verdict) => verdict.verdict === 'fit' || verdict.verdict === 'fit-with-warnings')
    .map((verdict) => {
      const defining = forUseCase(verdict.useCase).filter((finding) => finding.level === 'error' && finding.status === 'pass' && defines(finding));
      return { useCase: verdict.useCase, verdict: verdict.verdict, reasons: defining.map((finding) => finding.message), score: defining.length * 10 - verdict.counts.warning };
    })
    // More defining checks passed means a more specific match; warnings count against it.
    .sort((a, b) => b.score - a.score)
    .map(({ score: _score, ...fit }) => fit);
  const nearest = fits.length ? [] : verdicts
    .map((verdict) => ({ useCase: verdict.useCase, blockers: forUseCase(verdict.useCase).filter((f) => f.level === 'error' && f.status !== 'pass').map((f) => render(lang, blockerMessage(f))) }))
    .sort((a, b) => a.blockers.length - b.blockers.length)
    .slice(0, 3);
  return { fits, nearest };
}
