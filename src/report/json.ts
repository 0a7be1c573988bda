// Machine report, schemaVersion 2 (documented in README "Output formats and CI"; its JSON Schema
// is src/report/report.schema.json, printed by `mxlint schema json`).
import type { Finding, Report } from '../types.js';
import type { Note, SuppressedFinding } from './model.js';

export interface JsonExtras {
  notes?: Note[];
  suppressed?: SuppressedFinding[];
}

/** 2: every finding has `location` (null when no file position decided) and `origin`. */
export const JSON_SCHEMA_VERSION = 2;

export type Origin = 'file' | 'default' | 'room' | 'none';

/** file: read at `location`; default: the option is absent (Synapse's default); room: a room's state; none: no option decided. */
export function originOf(finding: Finding): Origin {
  return finding.location ? 'file' : finding.room ? 'room' : finding.path ? 'default' : 'none';
}

/** A finding as the JSON contract has it: `location` always present, `origin` beside it. */
export const jsonFinding = (finding: Finding) => ({ ...finding, location: finding.location ?? null, origin: originOf(finding) });

export const jsonSuppressed = (entries: SuppressedFinding[]) => entries.map(({ finding, by, reason, location }) =>
  ({ ...jsonFinding(finding), suppressedBy: by, ...(reason ? { reason } : {}), ...(location ? { suppressedAt: location } : {}) }));

export function jsonReport(report: Report, extras: JsonExtras = {}): Record<string, unknown> {
  const { tool, target, inputs, useCases, findings, verdicts, warnings } = report;
  return {
    schemaVersion: JSON_SCHEMA_VERSION, tool, target, inputs, useCases, warnings, verdicts, findings: findings.map(jsonFinding),
    ...(extras.notes?.length ? { notes: extras.notes } : {}),
    ...(extras.suppressed?.length ? { suppressed: jsonSuppressed(extras.suppressed) } : {}),
  };
}

export function formatJson(report: Report, extras: JsonExtras = {}): string {
  return `${JSON.stringify(jsonReport(report, extras), null, 2)}\n`;
}
