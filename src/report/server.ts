// `mxlint server` reports: the text report (rooms per use case, failures, the summary table)
// and the flat Report the other formats read (config findings, then every room's findings).
import type { Finding, Lang, Report, UseCase } from '../types.js';
import { verdicts } from '../engine/verdicts.js';
import type { AuditSummary, RoomFailure, RoomRecord } from '../audit-server.js';
import { t, verdictWord } from './messages.js';
import type { Note, RoomSnapshot } from './model.js';

export interface AuditCounts { total: number; audited: number; failed: number; skipped: number; incomplete: boolean }

export function roomLabel(record: RoomRecord): string {
  return `${record.roomId}${record.alias ? ` ${record.alias}` : ''}${record.name ? ` "${record.name}"` : ''} (${record.members})`;
}

export function formatServerText(args: {
  baseUrl: string; version: string; configText: string; records: RoomRecord[]; failures: RoomFailure[]; summary: AuditSummary;
  audit: AuditCounts; summaryOnly: boolean; lang: Lang; useCases: UseCase[]; notes: Note[];
}): string {
  const { lang, records, failures, summary, audit } = args;
  const lines: string[] = [`mxlint ${args.version}: ${t(lang, 'label.target.server')} ${args.baseUrl}`];
  if (args.configText) lines.push('', t(lang, 'label.target.config'), args.configText.trimEnd());
  for (const note of args.notes) lines.push(`${t(lang, `level.${note.level}`)}: ${note.message} [${note.ruleId}]`);
  const name = (id: string) => args.useCases.find((useCase) => useCase.id === id)?.name[lang] ?? id;
  if (!args.summaryOnly) {
    const byUseCase = new Map<string, RoomRecord[]>();
    for (const record of records) byUseCase.set(record.useCase ?? '', [...(byUseCase.get(record.useCase ?? '') ?? []), record]);
    for (const useCase of [...args.useCases.map((u) => u.id), '']) {
      const rooms = byUseCase.get(useCase);
      if (!rooms) continue;
      lines.push('', useCase ? `${useCase} (${name(useCase)}): ${rooms.length} ${t(lang, 'heading.rooms').toLowerCase()}` : `${t(lang, 'label.fitsNone')}: ${rooms.length} ${t(lang, 'heading.rooms').toLowerCase()}`);
      for (const record of rooms.sort((a, b) => a.roomId.localeCompare(b.roomId))) {
        const verdict = record.verdict === 'unclassified' ? t(lang, 'label.fitsNone') : verdictWord(lang, record.verdict);
        lines.push(`  ${roomLabel(record)}: ${record.declared ? `${t(lang, 'label.declared')}, ` : ''}${verdict}`);
        for (const warning of record.warnings ?? []) lines.push(`    ${t(lang, 'label.warning')}: ${warning}`);
        for (const finding of record.findings.filter((f) => useCase || f.status === 'fail').slice(0, useCase ? 20 : 3)) {
          lines.push(`    ${finding.status === 'unknown' ? '?' : finding.level === 'error' ? '✗' : finding.level === 'warning' ? '!' : 'i'} ${finding.ruleId}${useCase ? '' : ` (${finding.useCase})`}: ${finding.message}`);
        }
      }
    }
  }
  if (failures.length) {
    lines.push('', t(lang, 'summary.failures', { count: failures.length }));
    for (const failure of failures) lines.push(`  ${failure.roomId}: ${failure.reason}`);
  }
  const table = summary.toJSON();
  const headers = [t(lang, 'heading.rooms').toLowerCase(), verdictWord(lang, 'fit'), t(lang, 'table.warnings'), verdictWord(lang, 'unfit'), t(lang, 'table.unknown')];
  const width = Math.max(20, t(lang, 'table.useCase').length);
  lines.push('', t(lang, 'heading.verdicts'), `  ${t(lang, 'table.useCase').padEnd(width)} ${headers.join('  ')}`);
  for (const row of table.useCases) {
    const cells = [row.rooms, row.fit, row.warnings, row.unfit, row.unknown].map((count, index) => String(count).padStart(headers[index].length));
    lines.push(`  ${row.useCase.padEnd(width)} ${cells.join('  ')}`);
  }
  lines.push(`  ${`(${t(lang, 'label.fitsNone')})`.padEnd(width)} ${String(table.unclassified).padStart(headers[0].length)}`);
  if (table.useCases.length) {
    lines.push('', t(lang, 'heading.retention'));
    for (const { useCase, retention } of table.useCases) lines.push(`  ${useCase.padEnd(width)} ${t(lang, 'table.retention', retention)}`);
  }
  if (table.topFindings.length) {
    lines.push('', t(lang, 'heading.topFindings'));
    for (const { ruleId, rooms } of table.topFindings) lines.push(`  ${String(rooms).padStart(5)}  ${ruleId}`);
  }
  lines.push('', `${t(lang, 'summary.audit', { audited: audit.audited, total: audit.total, skipped: audit.skipped, failed: audit.failed })}${audit.incomplete ? `: ${t(lang, 'summary.incomplete')}` : ''}`);
  return `${lines.join('\n')}\n`;
}

/** One Report for the formats that read findings: the config's, then each room's. */
export function serverReport(args: { baseUrl: string; version: string; config?: Report; records: RoomRecord[]; failures: RoomFailure[] }): Report {
  const { config, records } = args;
  const roomFindings: Finding[] = records.flatMap((record) => record.findings);
  const useCases = [...new Set([...(config?.useCases ?? []), ...records.map((record) => record.useCase).filter((id): id is string => Boolean(id))])];
  return {
    schemaVersion: 1,
    tool: { name: 'mxlint', version: args.version },
    target: 'server',
    inputs: [args.baseUrl, ...(config?.inputs ?? [])],
    useCases,
    findings: [...(config?.findings ?? []), ...roomFindings],
    // Per use case, over the config and the rooms of that use case.
    verdicts: verdicts([...(config?.findings ?? []), ...roomFindings], useCases),
    warnings: [...(config?.warnings ?? []), ...args.failures.map((failure) => `${failure.roomId}: ${failure.reason}`)],
  };
}

export function roomSnapshots(records: RoomRecord[]): RoomSnapshot[] {
  return records.map((record) => ({ roomId: record.roomId, name: record.name, alias: record.alias, facts: record.facts ?? {} }));
}
