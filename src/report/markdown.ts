// An audit report a hoster can publish (a CHATONS transparency page): date, mxlint version,
// server, the verdict table, then each failing check once with its use cases, rationale and fix.
import type { Finding } from '../types.js';
import { repoPath, ruleText, shownFindings, useCaseName, type AuditOutput } from './model.js';
import { colon, t, verdictWord } from './messages.js';
import { keptMarkdown } from './kept-summary.js';

/** Table cells and prose: no raw HTML, no broken table. */
const md = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
const code = (text: string) => `\`${text.replace(/`/g, "'")}\``;
const RANK = { error: 0, warning: 1, info: 2 } as const;
const ICON = { error: '❌', warning: '⚠️', info: 'ℹ️', unknown: '❔' } as const;

export function formatMarkdown(output: AuditOutput): string {
  const { lang, report } = output;
  const date = output.generatedAt.toISOString().slice(0, 10);
  const title = `${t(lang, 'heading.report')}${output.serverName ? ` — ${output.serverName}` : ''}`;
  const lines: string[] = [`# ${md(title)}`, '', t(lang, 'markdown.intro'), ''];
  lines.push(`| | |`, `|---|---|`);
  lines.push(`| ${t(lang, 'label.date')} | ${date} |`);
  lines.push(`| ${t(lang, 'label.version')} | ${md(report.tool.version)} |`);
  if (output.serverName) lines.push(`| ${t(lang, 'label.server')} | ${md(output.serverName)} |`);
  lines.push(`| ${t(lang, 'label.target')} | ${t(lang, `label.target.${report.target}`)} |`);
  lines.push(`| ${t(lang, 'label.inputs')} | ${report.inputs.map((input) => code(input.startsWith('/') ? repoPath(input) : input)).join(', ')} |`);
  if (output.policyFile) lines.push(`| ${t(lang, 'label.policy')} | ${code(repoPath(output.policyFile))} |`);
  lines.push('', `## ${t(lang, 'heading.verdicts')}`, '');
  lines.push(`| ${[t(lang, 'table.useCase'), t(lang, 'table.verdict'), t(lang, 'table.errors'), t(lang, 'table.warnings'), t(lang, 'table.info'), t(lang, 'table.unknown')].join(' | ')} |`);
  lines.push('|---|---|--:|--:|--:|--:|');
  for (const verdict of report.verdicts) {
    const { error, warning, info, unknown } = verdict.counts;
    const word = verdict.verdict === 'unfit' || verdict.verdict === 'unknown' ? `**${verdictWord(lang, verdict.verdict)}**` : verdictWord(lang, verdict.verdict);
    lines.push(`| ${md(useCaseName(output, verdict.useCase))} (${code(verdict.useCase)}) | ${word} | ${error} | ${warning} | ${info} | ${unknown} |`);
  }
  lines.push('', `_${t(lang, 'markdown.legend')}_`);

  if (output.roomVerdicts?.length) {
    lines.push('', `## ${t(lang, 'heading.rooms')}`, '', `| ${t(lang, 'table.room')} | ${t(lang, 'table.useCase')} | ${t(lang, 'table.verdict')} | ${t(lang, 'table.fits')} |`, '|---|---|---|---|');
    for (const room of output.roomVerdicts) {
      lines.push(`| ${md(room.label)} | ${room.useCase ? code(room.useCase) : '—'} | ${md(room.verdict === 'unclassified' ? t(lang, 'label.fitsNone') : verdictWord(lang, room.verdict as never))} | ${room.fits.map(code).join(', ') || '—'} |`);
    }
  }

  if (output.retention) lines.push(...keptMarkdown(lang, output.retention, md));

  // Each problem once: a rule failing at one place, with every use case it matters for.
  const groups = new Map<string, Finding[]>();
  for (const finding of shownFindings(output).filter((f) => f.status !== 'pass')) {
    const key = `${finding.ruleId}|${finding.location ? `${finding.location.file}:${finding.location.line}` : ''}|${finding.room?.id ?? ''}|${finding.message}`;
    groups.set(key, [...(groups.get(key) ?? []), finding]);
  }
  lines.push('', `## ${t(lang, 'heading.findings')}`, '');
  if (groups.size === 0) lines.push(t(lang, 'markdown.noFailures'));
  const sorted = [...groups.values()].sort((a, b) => Math.min(...a.map((f) => RANK[f.level])) - Math.min(...b.map((f) => RANK[f.level])) || a[0].ruleId.localeCompare(b[0].ruleId));
  for (const findings of sorted) {
    const first = findings[0];
    const worst = findings.reduce((best, f) => (RANK[f.level] < RANK[best.level] ? f : best), first);
    const text = ruleText(output, first.ruleId);
    const icon = first.status === 'unknown' ? ICON.unknown : ICON[worst.level];
    lines.push(`### ${icon} ${md(text.title)}`, '');
    lines.push(`- ${t(lang, 'table.rule')}${colon(lang)}${code(first.ruleId)}${first.status === 'unknown' ? ` (${t(lang, 'status.unknown')})` : ''}`);
    lines.push(`- ${t(lang, 'label.useCases')}${colon(lang)}${findings.map((f) => `${md(useCaseName(output, f.useCase))} (${t(lang, `level.${f.level}`)})`).join(', ')}`);
    if (first.room) lines.push(`- ${t(lang, 'label.room')}${colon(lang)}${code(first.room.id)}`);
    if (first.location) lines.push(`- ${t(lang, 'table.where')}${colon(lang)}${code(`${repoPath(first.location.file)}:${first.location.line}`)}${first.path ? ` (${code(first.path)})` : ''}`);
    else if (first.path) lines.push(`- ${t(lang, 'table.where')}${colon(lang)}${code(first.path)} ${t(lang, 'label.default')}`);
    lines.push(`- ${t(lang, 'label.seen')}${colon(lang)}${md(first.message)}`);
    if (text.rationale) lines.push('', md(text.rationale));
    if (text.fix) lines.push('', `**${t(lang, 'label.whatToChange')}${colon(lang).trimEnd()}** ${md(text.fix)}`);
    lines.push('');
  }

  const suppressed = output.suppressed.filter((entry) => entry.by !== 'baseline');
  if (suppressed.length) {
    lines.push(`## ${t(lang, 'heading.suppressed')}`, '', `| ${t(lang, 'table.rule')} | ${t(lang, 'table.useCase')} | ${t(lang, 'table.reason')} |`, '|---|---|---|');
    for (const entry of suppressed) {
      lines.push(`| ${code(entry.finding.ruleId)} | ${code(entry.finding.useCase)} | ${md(entry.reason ?? '')} (${t(lang, `label.suppressedBy.${entry.by}`)}) |`);
    }
    lines.push('');
  }
  const baseline = output.suppressed.length - suppressed.length;
  if (baseline) lines.push(`_${t(lang, 'summary.baseline', { count: baseline })}_`, '');
  if (output.notes.length) {
    lines.push(`## ${t(lang, 'heading.notes')}`, '');
    for (const note of output.notes) lines.push(`- ${md(note.message)} (${code(note.ruleId)})`);
    lines.push('');
  }
  return `${lines.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}
