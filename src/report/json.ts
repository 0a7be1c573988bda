// Machine report, schemaVersion 1 (documented in README "JSON output").
import type { Report } from '../types.js';

export function formatJson(report: Report): string {
  const { schemaVersion, tool, target, inputs, useCases, findings, verdicts, warnings } = report;
  return `${JSON.stringify({ schemaVersion, tool, target, inputs, useCases, warnings, verdicts, findings }, null, 2)}\n`;
}
