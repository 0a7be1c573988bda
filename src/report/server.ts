// `mxlint server` reports: the text report (the config's problems, rooms per use case, the
// problems across rooms with counts, failures, the summary table)
// and the flat Report the other formats read (config findings, then every room's findings).
import type { Finding, Lang, Report, UseCase } from '../types.js';
import { judgedReport } from '../engine/verdicts.js';
import type { AuditSummary, RoomFailure, RoomRecord } from '../audit-server.js';
import { colon, t, unit, verdictWord } from './messages.js';
import { mark, noteLines, textContext, wrap, type TextContext } from './text.js';
import type { Note, RoomSnapshot } from './model.js';
import { keptTextLines, type RetentionSummary } from './kept-summary.js';

export interface AuditCounts { total: number; audited: number; failed: number; skipped: number; incomplete: boolean }

export function roomLabel(record: RoomRecord, lang: Lang = 'en'): string {
  const name = record.name ? (lang === 'fr' ? ` «\u00a0${record.name}\u00a0»` : ` "${record.name}"`) : '';
  return `${record.roomId}${record.alias ? ` ${record.alias}` : ''}${name} (${record.members})`;
}

export function formatServerText(args: {
  baseUrl: string; version: string; configText: string; records: RoomRecord[]; failures: RoomFailure[]; summary: AuditSummary;
  audit: AuditCounts; summaryOnly: boolean; lang: Lang; useCases: UseCase[]; notes: Note[]; color?: boolean; width?: number;
  /** The server-wide configured / applied rows (the rooms' are the table above). */
  retention?: RetentionSummary;
}): string {
  const { lang, records, failures, summary, audit } = args;
  const ctx = textContext({ lang, color: Boolean(args.color), width: args.width });
  const { paint, width } = ctx;
  const lines: string[] = wrap(`mxlint ${args.version}${colon(lang)}${t(lang, 'label.target.server')} ${args.baseUrl}`, width, '', '  ').map((line) => paint('bold', line));
  if (args.configText) lines.push('', ...args.configText.trimEnd().split('\n'));
  lines.push(...noteLines(ctx, args.notes));
  const name = (id: string) => args.useCases.find((useCase) => useCase.id === id)?.name[lang] ?? id;
  if (!args.summaryOnly) {
    const byUseCase = new Map<string, RoomRecord[]>();
    for (const record of records) byUseCase.set(record.useCase ?? '', [...(byUseCase.get(record.useCase ?? '') ?? []), record]);
    for (const useCase of [...args.useCases.map((u) => u.id), '']) {
      const rooms = byUseCase.get(useCase);
      if (!rooms) continue;
      const heading = useCase ? `${useCase} (${name(useCase)})` : t(lang, 'label.fitsNone');
      lines.push('', ...wrap(`${heading}${colon(lang)}${unit(lang, 'room', rooms.length)}`, width, '').map((line) => paint('bold', line)));
      for (const record of rooms.sort((a, b) => a.roomId.localeCompare(b.roomId))) {
        const verdict = record.verdict === 'unclassified' ? t(lang, 'label.fitsNone') : verdictWord(lang, record.verdict);
        lines.push(...wrap(`${roomLabel(record, lang)}${colon(lang)}${record.declared ? `${t(lang, 'label.declared')}, ` : ''}${verdict}`, width, '  ', '    '));
        for (const warning of record.warnings ?? []) lines.push(...wrap(`${t(lang, 'label.warning')}${colon(lang)}${warning}`, width, '    ', '      '));
      }
    }
    lines.push(...roomProblemLines(ctx, records));
  }
  if (failures.length) {
    lines.push('', ...wrap(t(lang, 'summary.failures', { count: failures.length }), width, ''));
    for (const failure of failures) lines.push(...wrap(`${failure.roomId}${colon(lang)}${failure.reason}`, width, '  ', '    '));
  }
  const table = summary.toJSON();
  const headers = [t(lang, 'heading.rooms').toLowerCase(), verdictWord(lang, 'fit'), t(lang, 'table.warnings'), verdictWord(lang, 'unfit'), t(lang, 'table.unknown')];
  const nameWidth = Math.max(18, t(lang, 'table.useCase').length);
  lines.push('', paint('bold', t(lang, 'heading.roomVerdicts')), `  ${t(lang, 'table.useCase').padEnd(nameWidth)} ${headers.join(' ')}`);
  for (const row of table.useCases) {
    const cells = [row.rooms, row.fit, row.warnings, row.unfit, row.unknown].map((count, index) => String(count).padStart(headers[index].length));
    lines.push(`  ${row.useCase.padEnd(nameWidth)} ${cells.join(' ')}`);
  }
  lines.push(`  ${`(${t(lang, 'label.fitsNone')})`.padEnd(nameWidth)} ${String(table.unclassified).padStart(headers[0].length)}`);
  if (table.useCases.length) {
    lines.push('', paint('bold', t(lang, 'heading.retention')));
    for (const { useCase, retention } of table.useCases) lines.push(`  ${useCase.padEnd(nameWidth)} ${t(lang, 'table.retention', retention)}`);
  }
  if (args.retention) lines.push(...keptTextLines(lang, { rooms: [], server: args.retention.server }, nameWidth).map((line, index) => (index === 1 ? paint('bold', line) : line)));
  if (args.summaryOnly && table.topFindings.length) {
    lines.push('', t(lang, 'heading.topFindings'));
    for (const { ruleId, rooms } of table.topFindings) lines.push(`  ${String(rooms).padStart(5)}  ${ruleId}`);
  }
  lines.push('', ...wrap(`${t(lang, 'summary.audit', { audited: audit.audited, total: audit.total, skipped: audit.skipped, failed: audit.failed })}${audit.incomplete ? `${colon(lang)}${t(lang, 'summary.incomplete')}` : ''}`, width, ''));
  return `${lines.join('\n')}\n`;
}

/** Each rule failing in rooms, once: how many rooms, for which use cases, and the fix. */
export function roomProblemLines(ctx: TextContext, records: RoomRecord[]): string[] {
  const byRule = new Map<string, { finding: Finding; rooms: Map<string, Set<string>> }>();
  for (const record of records) {
    // An unclassified room's findings are for every use case: they are not the room's problems.
    if (!record.useCase) continue;
    for (const finding of record.findings) {
      if (finding.useCase !== record.useCase || finding.status === 'pass') continue;
      const entry = byRule.get(finding.ruleId) ?? { finding, rooms: new Map<string, Set<string>>() };
      byRule.set(finding.ruleId, entry);
      const key = `${finding.status === 'unknown' ? 'unknown' : finding.level}`;
      entry.rooms.set(key, (entry.rooms.get(key) ?? new Set()).add(`${finding.useCase}\u0000${record.roomId}`));
    }
  }
  if (!byRule.size) return [];
  const { lang, width, paint } = ctx;
  const rank = { error: 0, unknown: 1, warning: 2, info: 3 } as Record<string, number>;
  const worst = (entry: { rooms: Map<string, Set<string>> }) => Math.min(...[...entry.rooms.keys()].map((key) => rank[key]));
  const lines = ['', paint('bold', t(lang, 'heading.roomFindings'))];
  for (const [ruleId, entry] of [...byRule].sort((a, b) => worst(a[1]) - worst(b[1]) || a[0].localeCompare(b[0]))) {
    const total = new Set([...entry.rooms.values()].flatMap((set) => [...set].map((pair) => pair.split('\u0000')[1]))).size;
    const levels = [...entry.rooms].sort((a, b) => rank[a[0]] - rank[b[0]]).map(([level, pairs]) => {
      const perUseCase = new Map<string, number>();
      for (const pair of pairs) perUseCase.set(pair.split('\u0000')[0], (perUseCase.get(pair.split('\u0000')[0]) ?? 0) + 1);
      const word = level === 'unknown' ? t(lang, 'status.unknown') : t(lang, `level.${level as 'error'}`);
      return `${word}${colon(lang)}${[...perUseCase].map(([useCase, count]) => `${useCase} (${count})`).join(', ')}`;
    });
    const status = entry.rooms.has('unknown') && entry.rooms.size === 1 ? 'unknown' : 'fail';
    const head = mark(ctx, { status, worst: (['error', 'warning', 'info'] as const).find((level) => entry.rooms.has(level)) ?? 'info' });
    lines.push(`  ${head} ${paint('bold', ruleId)}  ${unit(lang, 'room', total)}`);
    lines.push(...wrap(levels.join(' · '), width, '    ', '      '));
    lines.push(...wrap(entry.finding.title, width, '    '));
    if (entry.finding.fix) lines.push(...wrap(entry.finding.fix, width, `    ${t(lang, 'label.fix')}${colon(lang)}`).map((line) => paint('dim', line)));
  }
  return lines;
}

/** One Report for the formats that read findings: the config's, then each room's. */
export function serverReport(args: { baseUrl: string; version: string; config?: Report; records: RoomRecord[]; failures: RoomFailure[]; kept?: Finding[] }): Report {
  const { config, records } = args;
  const roomFindings: Finding[] = records.flatMap((record) => record.findings);
  const useCases = [...new Set([...(config?.useCases ?? []), ...records.map((record) => record.useCase).filter((id): id is string => Boolean(id))])];
  const findings = [...(config?.findings ?? []), ...(args.kept ?? []), ...roomFindings];
  // Verdicts per use case, over the config and the rooms of that use case.
  return judgedReport('server', [args.baseUrl, ...(config?.inputs ?? [])], useCases, findings,
    [...(config?.warnings ?? []), ...args.failures.map((failure) => `${failure.roomId}: ${failure.reason}`)]);
}

export function roomSnapshots(records: RoomRecord[]): RoomSnapshot[] {
  return records.map((record) => ({ roomId: record.roomId, name: record.name, alias: record.alias, facts: record.facts ?? {} }));
}
