// Human report: findings grouped per use case, then the verdict table. Colours only when asked
// (a TTY without NO_COLOR); words and headings in the chosen language.
import type { Finding, Lang, Report, Rule, UseCase, UseCaseVerdict } from '../types.js';
import { relative } from 'node:path';
import { t, verdictWord } from './messages.js';
import { repoPath, type Note, type SuppressedFinding } from './model.js';

export interface TextOptions {
  color: boolean;
  useCases: UseCase[];
  /** Show passing checks too. */
  verbose?: boolean;
  lang?: Lang;
  /** Only error-level findings. */
  quiet?: boolean;
  notes?: Note[];
  suppressed?: SuppressedFinding[];
  /** For rule titles and fix hints in `lang` (findings carry the language they were evaluated in). */
  rules?: Rule[];
}

const ANSI = { red: 31, yellow: 33, blue: 34, magenta: 35, green: 32, dim: 2, bold: 1 } as const;

export function formatText(report: Report, options: TextOptions): string {
  const lang = options.lang ?? 'en';
  const paint = (color: keyof typeof ANSI, text: string) => (options.color ? `\u001b[${ANSI[color]}m${text}\u001b[0m` : text);
  const where = (finding: Finding) => {
    const location = finding.location;
    return location ? `${repoPath(location.file)}:${location.line}:${location.column}` : finding.path && finding.status !== 'unknown' ? t(lang, 'label.default') : '';
  };
  const markWidth = Math.max(...(['pass', 'unknown'] as const).map((status) => t(lang, `status.${status}`).length),
    ...(['error', 'warning', 'info'] as const).map((level) => t(lang, `level.${level}`).length));
  const mark = (finding: Finding) => {
    const word = finding.status === 'pass' || finding.status === 'unknown' ? t(lang, `status.${finding.status}`) : t(lang, `level.${finding.level}`);
    const padded = word.padEnd(markWidth);
    return finding.status === 'unknown' ? paint('magenta', `? ${padded}`) : finding.status === 'pass' ? paint('green', `✓ ${padded}`)
      : finding.level === 'error' ? paint('red', `✗ ${padded}`) : finding.level === 'warning' ? paint('yellow', `! ${padded}`) : paint('blue', `i ${padded}`);
  };
  const verdictText = (verdict: UseCaseVerdict['verdict']) => {
    const word = verdictWord(lang, verdict);
    return verdict === 'unfit' ? paint('red', word) : verdict === 'unknown' ? paint('magenta', word)
      : verdict === 'fit-with-warnings' ? paint('yellow', word) : paint('green', word);
  };
  const name = (id: string) => options.useCases.find((useCase) => useCase.id === id)?.name[lang] ?? id;
  const fixOf = (finding: Finding) => options.rules?.find((rule) => rule.id === finding.ruleId)?.fix?.hint[lang] ?? finding.fix;
  const order = { error: 0, warning: 1, info: 2 } as const;
  const indent = ' '.repeat(markWidth + 6);

  const lines: string[] = [];
  lines.push(paint('bold', `mxlint ${report.tool.version}: ${report.target} ${report.inputs.map((input) => repoPath(input)).join(', ')}`));
  for (const warning of report.warnings) lines.push(paint('yellow', `${t(lang, 'label.warning')}: ${warning}`));
  for (const note of options.notes ?? []) {
    if (options.quiet && note.level !== 'error') continue;
    const at = note.location ? `${relative(process.cwd(), note.location.file) || note.location.file}:${note.location.line}: ` : '';
    lines.push(paint(note.level === 'info' ? 'blue' : 'yellow', `${t(lang, `level.${note.level}`)}: ${at}${note.message} [${note.ruleId}]`));
  }
  for (const verdict of report.verdicts) {
    const shown = report.findings
      .filter((finding) => finding.useCase === verdict.useCase && (options.verbose || finding.status !== 'pass') && (!options.quiet || finding.level === 'error'))
      .sort((a, b) => order[a.level] - order[b.level] || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0));
    lines.push('', `${paint('bold', `${verdict.useCase}`)} (${name(verdict.useCase)}): ${verdictText(verdict.verdict)}`);
    for (const finding of shown) {
      lines.push(`  ${mark(finding)}  ${finding.ruleId}  ${paint('dim', where(finding))}`);
      lines.push(`${indent}${finding.message}`);
      const fix = fixOf(finding);
      if (fix && finding.status !== 'pass') lines.push(paint('dim', `${indent}${t(lang, 'label.fix')}: ${fix}`));
    }
    if (shown.length === 0) lines.push(paint('dim', `  ${t(lang, 'label.noFindings')}`));
  }
  const suppressed = options.suppressed ?? [];
  if (suppressed.length) {
    const byBaseline = suppressed.filter((entry) => entry.by === 'baseline').length;
    const other = suppressed.length - byBaseline;
    lines.push('');
    if (other) lines.push(paint('dim', t(lang, 'summary.suppressed', { count: other })));
    if (byBaseline) lines.push(paint('dim', t(lang, 'summary.baseline', { count: byBaseline })));
  }
  lines.push('', paint('bold', t(lang, 'heading.verdicts')));
  const width = Math.max(t(lang, 'table.useCase').length, ...report.verdicts.map((verdict) => verdict.useCase.length));
  const verdictWidth = Math.max(t(lang, 'table.verdict').length, ...(['fit', 'fit-with-warnings', 'unfit', 'unknown'] as const).map((v) => verdictWord(lang, v).length));
  const columns = (['table.errors', 'table.warnings', 'table.info', 'table.unknown'] as const).map((key) => t(lang, key));
  lines.push(`  ${t(lang, 'table.useCase').padEnd(width)}  ${t(lang, 'table.verdict').padEnd(verdictWidth)}  ${columns.join('  ')}`);
  for (const verdict of report.verdicts) {
    const { error, warning, info, unknown } = verdict.counts;
    const plain = verdictWord(lang, verdict.verdict);
    const counts = [error, warning, info, unknown].map((count, index) => String(count).padStart(columns[index].length)).join('  ');
    lines.push(`  ${verdict.useCase.padEnd(width)}  ${verdictText(verdict.verdict)}${' '.repeat(verdictWidth - plain.length)}  ${counts}`);
  }
  return `${lines.join('\n')}\n`;
}
