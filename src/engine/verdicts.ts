// Folds findings into one verdict per use case: the user's real question.
import type { Finding, Report, UseCaseVerdict } from '../types.js';
import { VERSION } from '../version.js';

export function verdicts(findings: Finding[], useCases: string[]): UseCaseVerdict[] {
  return useCases.map((useCase) => {
    const counts = { error: 0, warning: 0, info: 0, unknown: 0 };
    let unknownError = false;
    for (const finding of findings) {
      if (finding.useCase !== useCase || finding.status === 'pass') continue;
      if (finding.status === 'unknown') {
        counts.unknown += 1;
        if (finding.level === 'error') unknownError = true;
      } else {
        counts[finding.level] += 1;
      }
    }
    // "Could not check" is never a pass: an unknown at error level makes the verdict unknown.
    const verdict = counts.error > 0 ? 'unfit' : unknownError ? 'unknown' : counts.warning > 0 ? 'fit-with-warnings' : 'fit';
    return { useCase, verdict, counts };
  });
}

/** What every command reports: its findings and the verdicts they give, per use case. */
export function judgedReport(target: Report['target'], inputs: string[], useCases: string[], findings: Finding[], warnings: string[]): Report {
  return { schemaVersion: 2, tool: { name: 'mxlint', version: VERSION }, target, inputs, useCases, findings, verdicts: verdicts(findings, useCases), warnings };
}
