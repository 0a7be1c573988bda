// Machine report, schemaVersion 1 (documented in README "Output formats and CI"; its JSON Schema
// is src/report/report.schema.json, printed by `mxlint schema json`).
import type { Report } from '../types.js';
import type { Note, SuppressedFinding } from './model.js';

export interface JsonExtras {
  notes?: Note[];
  suppressed?: SuppressedFinding[];
}

export function jsonReport(report: Report, extras: JsonExtras = {}): Record<string, unknown> {
  const { schemaVersion, tool, target, inputs, useCases, findings, verdicts, warnings } = report;
  return {
    schemaVersion, tool, target, inputs, useCases, warnings, verdicts, findings,
    ...(extras.notes?.length ? { notes: extras.notes } : {}),
    ...(extras.suppressed?.length ? { suppressed: extras.suppressed.map(({ finding, by, reason, location }) => ({ ...finding, suppressedBy: by, ...(reason ? { reason } : {}), ...(location ? { suppressedAt: location } : {}) })) } : {}),
  };
}

export function formatJson(report: Report, extras: JsonExtras = {}): string {
  return `${JSON.stringify(jsonReport(report, extras), null, 2)}\n`;
}
