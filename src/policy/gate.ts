// The exit code: which findings make `mxlint` exit 1 (--fail-on, --max-warnings).
import { EXIT } from '../errors.js';
import type { Finding, Level } from '../types.js';
import type { Note } from '../report/model.js';

export type FailOn = 'error' | 'warning' | 'info';

export interface Gate {
  failOn: FailOn;
  /** More failing warnings than this exits 1. */
  maxWarnings?: number;
  /** Use cases were chosen (-u or the policy file): every counted finding matters. */
  selected: boolean;
}

const RANK: Record<Exclude<Level, 'off'>, number> = { error: 0, warning: 1, info: 2 };
export const counts = (level: Exclude<Level, 'off'>, failOn: FailOn): boolean => RANK[level] <= RANK[failOn];

/**
 * 1 when a finding at a counted level fails (or cannot be checked) for the selected use cases.
 * With no use case selected every use case is judged, and they contradict each other (a public
 * room wants what a secret one forbids): then only a rule that fails for every use case judged
 * counts (such as a config Synapse would not start with). Notes (unused suppressions...) count
 * at their own level; --max-warnings counts failing warnings and warning notes.
 */
export function exitStatus(findings: Finding[], useCases: string[], notes: Note[], gate: Gate): number {
  const counted = findings.filter((finding) => counts(finding.level, gate.failOn)
    && (finding.status === 'fail' || (gate.selected && finding.status === 'unknown')));
  let failing = false;
  if (gate.selected) {
    failing = counted.length > 0;
  } else {
    const useCasesByRule = new Map<string, Set<string>>();
    for (const finding of counted.filter((f) => f.status === 'fail')) {
      if (!useCasesByRule.has(finding.ruleId)) useCasesByRule.set(finding.ruleId, new Set());
      useCasesByRule.get(finding.ruleId)!.add(finding.useCase);
    }
    failing = [...useCasesByRule.values()].some((set) => set.size === useCases.length);
  }
  if (notes.some((note) => counts(note.level, gate.failOn))) failing = true;
  if (gate.maxWarnings !== undefined) {
    const warnings = findings.filter((finding) => finding.status === 'fail' && finding.level === 'warning').length
      + notes.filter((note) => note.level === 'warning').length;
    if (warnings > gate.maxWarnings) failing = true;
  }
  return failing ? EXIT.findings : EXIT.ok;
}
