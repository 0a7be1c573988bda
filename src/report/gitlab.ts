// GitLab Code Quality report (a JSON array of issues): description, check_name, fingerprint,
// severity, location.path + lines.begin. One issue per failing finding (per use case).
import type { Finding, Rule } from '../types.js';
import { repoPath, ruleText, shownFindings, useCaseName, type AuditOutput } from './model.js';
import { findingKey, fingerprint } from './fingerprint.js';
import { colon, t } from './messages.js';

type Severity = 'blocker' | 'critical' | 'major' | 'minor' | 'info';

/** A rule that is an error for every use case (a config Synapse will not start with) blocks. */
function severityOf(finding: Finding, rule: Rule | undefined, useCaseCount: number): Severity {
  if (finding.status === 'unknown') return finding.level === 'error' ? 'major' : 'info';
  if (finding.level === 'error') {
    const errors = Object.values(rule?.levels ?? {}).filter((level) => level === 'error').length;
    return errors === useCaseCount ? 'blocker' : 'critical';
  }
  return finding.level === 'warning' ? 'major' : 'minor';
}

export function formatGitlab(output: AuditOutput): string {
  const { lang } = output;
  const seen = new Map<string, number>();
  const unique = (key: string) => {
    const count = (seen.get(key) ?? 0) + 1;
    seen.set(key, count);
    return fingerprint(count > 1 ? `${key}#${count}` : key);
  };
  const pathOf = (finding: Finding) => finding.location ? repoPath(finding.location.file)
    : finding.room ? (output.stateFile ? repoPath(output.stateFile) : output.anchorFiles[0] ? repoPath(output.anchorFiles[0]) : `matrix-room/${finding.room.id}`)
      : output.anchorFiles[0] ? repoPath(output.anchorFiles[0]) : 'homeserver.yaml';
  const issues: object[] = shownFindings(output).filter((finding) => finding.status !== 'pass').map((finding) => {
    const text = ruleText(output, finding.ruleId);
    const status = finding.status === 'unknown' ? `${t(lang, 'status.unknown')}${colon(lang)}` : '';
    return {
      type: 'issue',
      description: `${useCaseName(output, finding.useCase)} (${finding.useCase}) — ${text.title}${colon(lang)}${finding.room ? `${finding.room.id}${colon(lang)}` : ''}${status}${finding.message}`,
      check_name: finding.ruleId,
      fingerprint: unique(findingKey(finding)),
      severity: severityOf(finding, output.rules.find((rule) => rule.id === finding.ruleId), output.useCases.length),
      categories: ['Security'],
      ...(text.fix ? { content: { body: `${text.rationale}\n\n${t(lang, 'label.fix')}${colon(lang)}${text.fix}` } } : {}),
      location: { path: pathOf(finding), lines: { begin: finding.location?.line ?? 1 } },
    };
  });
  for (const note of output.notes) {
    issues.push({
      type: 'issue',
      description: note.message,
      check_name: note.ruleId,
      fingerprint: unique(`${note.ruleId}|${note.key}`),
      severity: note.level === 'warning' ? 'minor' : 'info',
      categories: ['Style'],
      location: { path: note.location ? repoPath(note.location.file) : output.anchorFiles[0] ? repoPath(output.anchorFiles[0]) : '.mxlint.yaml', lines: { begin: note.location?.line ?? 1 } },
    });
  }
  return `${JSON.stringify(issues, null, 2)}\n`;
}
