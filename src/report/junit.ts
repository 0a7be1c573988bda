// JUnit XML: one testsuite per use case, one testcase per rule (a failure when it fails, skipped
// with the reason when it could not be checked or was suppressed). Room findings get one
// testcase per rule and room.
import type { Finding } from '../types.js';
import { repoPath, ruleText, shownFindings, useCaseName, type AuditOutput } from './model.js';
import { colon, t, verdictWord } from './messages.js';

const xml = (text: string) => text
  // Characters XML 1.0 cannot carry at all.
  .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '\uFFFD')
  .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

interface Case { name: string; classname: string; file?: string; line?: number; findings: Finding[]; suppressed?: string }

export function formatJunit(output: AuditOutput): string {
  const { lang } = output;
  const findings = shownFindings({ ...output, verbose: true });
  const suppressedBy = new Map(output.suppressed.map((entry) => [entry.finding, entry]));
  const suites: string[] = [];
  let totals = { tests: 0, failures: 0, skipped: 0 };
  for (const verdict of output.report.verdicts) {
    const cases = new Map<string, Case>();
    const forUseCase = [...findings.filter((finding) => finding.useCase === verdict.useCase),
      ...output.suppressed.filter((entry) => entry.by !== 'baseline' && entry.finding.useCase === verdict.useCase).map((entry) => entry.finding)];
    for (const finding of forUseCase) {
      const key = `${finding.ruleId}|${finding.room?.id ?? ''}`;
      const entry = cases.get(key) ?? {
        name: `${finding.ruleId}${finding.room ? ` ${finding.room.id}` : ''}${colon(lang)}${ruleText(output, finding.ruleId).title}`,
        classname: `mxlint.${verdict.useCase}`,
        findings: [],
      };
      if (finding.location && !entry.file) {
        entry.file = repoPath(finding.location.file);
        entry.line = finding.location.line;
      }
      const suppression = suppressedBy.get(finding);
      if (suppression) entry.suppressed = `${t(lang, `label.suppressedBy.${suppression.by}`)}${colon(lang)}${suppression.reason ?? ''}`.trim();
      else entry.findings.push(finding);
      cases.set(key, entry);
    }
    const body: string[] = [];
    let failures = 0;
    let skipped = 0;
    for (const testcase of [...cases.values()].sort((a, b) => a.name.localeCompare(b.name))) {
      const attributes = `name="${xml(testcase.name)}" classname="${xml(testcase.classname)}"${testcase.file ? ` file="${xml(testcase.file)}" line="${testcase.line}"` : ''}`;
      const failing = testcase.findings.filter((finding) => finding.status === 'fail');
      const unknown = testcase.findings.filter((finding) => finding.status === 'unknown');
      const text = ruleText(output, testcase.findings[0]?.ruleId ?? '');
      if (failing.length) {
        failures += 1;
        const level = failing.some((f) => f.level === 'error') ? 'error' : failing.some((f) => f.level === 'warning') ? 'warning' : 'info';
        const details = [...failing.map((f) => `${f.location ? `${repoPath(f.location.file)}:${f.location.line}:${f.location.column}: ` : ''}${f.message}`),
          ...(text.fix ? [`${t(lang, 'label.fix')}${colon(lang)}${text.fix}`] : []), `${t(lang, 'label.why')}${colon(lang)}${text.rationale}`];
        body.push(`    <testcase ${attributes}>\n      <failure type="${level}" message="${xml(failing.map((f) => f.message).join(t(lang, 'summary.separator')))}">${xml(details.join('\n'))}</failure>\n    </testcase>`);
      } else if (unknown.length || testcase.suppressed) {
        skipped += 1;
        const reason = testcase.suppressed ?? `${t(lang, 'status.unknown')}${colon(lang)}${unknown.map((f) => f.message).join(t(lang, 'summary.separator'))}`;
        body.push(`    <testcase ${attributes}>\n      <skipped message="${xml(reason)}"/>\n    </testcase>`);
      } else {
        body.push(`    <testcase ${attributes}/>`);
      }
    }
    totals = { tests: totals.tests + cases.size, failures: totals.failures + failures, skipped: totals.skipped + skipped };
    suites.push(`  <testsuite name="${xml(verdict.useCase)}" tests="${cases.size}" failures="${failures}" errors="0" skipped="${skipped}" timestamp="${output.generatedAt.toISOString().slice(0, 19)}">\n`
      + `    <properties>\n      <property name="useCase" value="${xml(useCaseName(output, verdict.useCase))}"/>\n      <property name="verdict" value="${xml(verdict.verdict)}"/>\n      <property name="verdictText" value="${xml(verdictWord(lang, verdict.verdict))}"/>\n    </properties>\n`
      + `${body.join('\n')}${body.length ? '\n' : ''}  </testsuite>`);
  }
  if (output.notes.length) {
    const body = output.notes.map((note) => {
      const where = note.location ? ` file="${xml(repoPath(note.location.file))}" line="${note.location.line}"` : '';
      const inner = note.level === 'info' ? `<skipped message="${xml(note.message)}"/>` : `<failure type="${note.level}" message="${xml(note.message)}">${xml(note.message)}</failure>`;
      return `    <testcase name="${xml(`${note.ruleId}${colon(lang)}${note.message}`)}" classname="mxlint"${where}>\n      ${inner}\n    </testcase>`;
    });
    const failures = output.notes.filter((note) => note.level !== 'info').length;
    totals = { tests: totals.tests + body.length, failures: totals.failures + failures, skipped: totals.skipped + body.length - failures };
    suites.push(`  <testsuite name="mxlint" tests="${body.length}" failures="${failures}" errors="0" skipped="${body.length - failures}">\n${body.join('\n')}\n  </testsuite>`);
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="mxlint ${xml(output.report.target)}" tests="${totals.tests}" failures="${totals.failures}" errors="0" skipped="${totals.skipped}">\n${suites.join('\n')}\n</testsuites>\n`;
}
