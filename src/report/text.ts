// Human report: findings grouped per use case, then the verdict table.
import type { Finding, Report, UseCase, UseCaseVerdict } from '../types.js';
import { relative } from 'node:path';

export interface TextOptions {
  color: boolean;
  useCases: UseCase[];
  /** Show passing checks too. */
  verbose?: boolean;
}

const ANSI = { red: 31, yellow: 33, blue: 34, magenta: 35, green: 32, dim: 2, bold: 1 } as const;

export function formatText(report: Report, options: TextOptions): string {
  const paint = (color: keyof typeof ANSI, text: string) => (options.color ? `\u001b[${ANSI[color]}m${text}\u001b[0m` : text);
  const where = (finding: Finding) => {
    const location = finding.location;
    if (location) return `${relative(process.cwd(), location.file) || location.file}:${location.line}:${location.column}`;
    if (finding.room) return finding.room.eventType ? `${finding.room.eventType} event` : finding.path ? `no ${finding.path.split('.')[0]} event` : '';
    return finding.path ? '(default)' : '';
  };
  const mark = (finding: Finding) =>
    finding.status === 'unknown' ? paint('magenta', '? unknown') : finding.status === 'pass' ? paint('green', '✓ pass   ')
      : finding.level === 'error' ? paint('red', '✗ error  ') : finding.level === 'warning' ? paint('yellow', '! warning') : paint('blue', 'i info   ');
  const verdictText = (verdict: UseCaseVerdict['verdict']) =>
    verdict === 'unfit' ? paint('red', 'unfit') : verdict === 'unknown' ? paint('magenta', 'unknown')
      : verdict === 'fit-with-warnings' ? paint('yellow', 'fit with warnings') : paint('green', 'fit');
  const name = (id: string) => options.useCases.find((useCase) => useCase.id === id)?.name.en ?? id;
  const order = { error: 0, warning: 1, info: 2 } as const;

  const lines: string[] = [];
  lines.push(paint('bold', `mxlint ${report.tool.version}: ${report.target} ${report.inputs.map((input) => relative(process.cwd(), input) || input).join(', ')}`));
  for (const warning of report.warnings) lines.push(paint('yellow', `warning: ${warning}`));
  for (const verdict of report.verdicts) {
    const shown = report.findings
      .filter((finding) => finding.useCase === verdict.useCase && (options.verbose || finding.status !== 'pass'))
      .sort((a, b) => order[a.level] - order[b.level] || a.ruleId.localeCompare(b.ruleId));
    lines.push('', `${paint('bold', `${verdict.useCase}`)} (${name(verdict.useCase)}): ${verdictText(verdict.verdict)}`);
    for (const finding of shown) {
      lines.push(`  ${mark(finding)}  ${finding.ruleId}  ${paint('dim', where(finding))}`);
      lines.push(`             ${finding.message}`);
      if (finding.fix && finding.status !== 'pass') lines.push(paint('dim', `             fix: ${finding.fix}`));
    }
    if (shown.length === 0) lines.push(paint('dim', '  no findings'));
  }
  lines.push('', paint('bold', 'Verdicts'));
  const width = Math.max(8, ...report.verdicts.map((verdict) => verdict.useCase.length));
  lines.push(`  ${'use case'.padEnd(width)}  ${'verdict'.padEnd(17)}  errors  warnings  info  unknown`);
  for (const verdict of report.verdicts) {
    const { error, warning, info, unknown } = verdict.counts;
    const plain = verdict.verdict === 'fit-with-warnings' ? 'fit with warnings' : verdict.verdict;
    lines.push(`  ${verdict.useCase.padEnd(width)}  ${verdictText(verdict.verdict)}${' '.repeat(17 - plain.length)}  ${String(error).padStart(6)}  ${String(warning).padStart(8)}  ${String(info).padStart(4)}  ${String(unknown).padStart(7)}`);
  }
  return `${lines.join('\n')}\n`;
}
