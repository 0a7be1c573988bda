// GitHub Actions workflow commands: one annotation per problem (a rule failing at one place),
// at the highest level among the use cases it fails for.
import type { Finding } from '../types.js';
import { repoPath, ruleText, shownFindings, type AuditOutput } from './model.js';
import { colon, t } from './messages.js';

/** Message data: % \r \n escaped as GitHub's toolkit does. */
export const escapeData = (text: string) => text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
/** Property values: the same, plus : and , which separate properties. */
export const escapeProperty = (text: string) => escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');

const COMMAND = { error: 'error', warning: 'warning', info: 'notice' } as const;
const RANK = { error: 0, warning: 1, info: 2 } as const;

export function formatGithub(output: AuditOutput): string {
  const { lang } = output;
  const groups = new Map<string, Finding[]>();
  for (const finding of shownFindings(output).filter((f) => f.status !== 'pass')) {
    const where = finding.location ? `${finding.location.file}:${finding.location.line}:${finding.location.column}` : finding.room?.id ?? finding.path ?? '';
    const key = `${finding.ruleId}|${where}|${finding.status}|${finding.message}`;
    groups.set(key, [...(groups.get(key) ?? []), finding]);
  }
  const lines: string[] = [];
  for (const findings of groups.values()) {
    const first = [...findings].sort((a, b) => RANK[a.level] - RANK[b.level])[0];
    const text = ruleText(output, first.ruleId);
    const properties: string[] = [];
    const file = first.location?.file ?? (first.room ? output.stateFile : output.anchorFiles[0]);
    if (file) properties.push(`file=${escapeProperty(repoPath(file))}`);
    if (first.location) properties.push(`line=${first.location.line}`, `col=${first.location.column}`);
    properties.push(`title=${escapeProperty(`mxlint ${first.ruleId}${colon(lang)}${text.title}`)}`);
    const useCases = findings.map((f) => `${f.useCase} (${t(lang, `level.${f.level}`)})`).join(', ');
    const status = first.status === 'unknown' ? `${t(lang, 'status.unknown')}${colon(lang)}` : '';
    const room = first.room ? `${first.room.id}${colon(lang)}` : '';
    const message = `${room}${status}${first.message}\n${t(lang, 'table.useCase')}${colon(lang)}${useCases}${text.fix ? `\n${t(lang, 'label.fix')}${colon(lang)}${text.fix}` : ''}`;
    lines.push(`::${COMMAND[first.level]} ${properties.join(',')}::${escapeData(message)}`);
  }
  for (const note of output.notes) {
    const properties = [
      ...(note.location ? [`file=${escapeProperty(repoPath(note.location.file))}`, `line=${note.location.line}`, `col=${note.location.column}`] : []),
      `title=${escapeProperty(`mxlint ${note.ruleId}`)}`,
    ];
    lines.push(`::${COMMAND[note.level]} ${properties.join(',')}::${escapeData(note.message)}`);
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}
