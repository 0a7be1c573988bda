// `mxlint diff`: what a config change does to each use case's verdict, and which findings it
// brings or removes. For CI, before a change is deployed; worse verdicts make the exit code 1.
import { relative } from 'node:path';
import type { Finding, Report, Verdict } from '../types.js';
import { verdictName } from './format-fix.js';

const BADNESS: Record<Verdict, number> = { fit: 0, 'fit-with-warnings': 1, unknown: 2, unfit: 3 };

export interface VerdictChange {
  useCase: string;
  before: Verdict;
  after: Verdict;
  change: 'better' | 'worse' | 'same';
}

/** One finding (grouped over the use cases it has in common). */
export interface FindingDelta {
  ruleId: string;
  title: string;
  /** The most serious level among its use cases. */
  level: Finding['level'];
  status: Finding['status'];
  message: string;
  useCases: string[];
  /** The use cases at each level. */
  levels: Partial<Record<Finding['level'], string[]>>;
  where?: string;
  /** For a finding whose status or level changed: what it was. */
  was?: { status: Finding['status']; level: Finding['level'] };
}

export interface ConfigDiff {
  old: string[];
  new: string[];
  useCases: string[];
  verdicts: VerdictChange[];
  appeared: FindingDelta[];
  disappeared: FindingDelta[];
  changed: FindingDelta[];
  worse: boolean;
}

const keyOf = (finding: Finding) => `${finding.ruleId}\u0000${finding.useCase}\u0000${finding.path ?? ''}`;
const where = (finding: Finding) => (finding.location ? `${relative(process.cwd(), finding.location.file) || finding.location.file}:${finding.location.line}` : undefined);

export function diffReports(before: Report, after: Report): ConfigDiff {
  const verdicts = after.verdicts.map((verdict): VerdictChange => {
    const old = before.verdicts.find((candidate) => candidate.useCase === verdict.useCase)?.verdict ?? 'unknown';
    const delta = BADNESS[verdict.verdict] - BADNESS[old];
    return { useCase: verdict.useCase, before: old, after: verdict.verdict, change: delta > 0 ? 'worse' : delta < 0 ? 'better' : 'same' };
  });
  const failing = (report: Report) => new Map(report.findings.filter((finding) => finding.status !== 'pass').map((finding) => [keyOf(finding), finding]));
  const oldFailing = failing(before);
  const newFailing = failing(after);
  const appeared = [...newFailing].filter(([key]) => !oldFailing.has(key)).map(([, finding]) => finding);
  const disappeared = [...oldFailing].filter(([key]) => !newFailing.has(key)).map(([, finding]) => finding);
  const changed = [...newFailing].filter(([key, finding]) => {
    const old = oldFailing.get(key);
    return old && (old.status !== finding.status || old.level !== finding.level);
  }).map(([key, finding]) => ({ finding, was: oldFailing.get(key)! }));
  return {
    old: before.inputs,
    new: after.inputs,
    useCases: after.useCases,
    verdicts,
    appeared: group(appeared.map((finding) => ({ finding }))),
    disappeared: group(disappeared.map((finding) => ({ finding }))),
    changed: group(changed),
    worse: verdicts.some((verdict) => verdict.change === 'worse'),
  };
}

const order = { error: 0, warning: 1, info: 2 } as const;

/** One line per rule, status and message, with the use cases it concerns at each level. */
function group(items: Array<{ finding: Finding; was?: Finding }>): FindingDelta[] {
  const groups = new Map<string, FindingDelta>();
  for (const { finding, was } of items) {
    const key = [finding.ruleId, finding.status, finding.message, was?.status, was?.level].join('\u0000');
    const known = groups.get(key);
    if (known) {
      if (!known.useCases.includes(finding.useCase)) known.useCases.push(finding.useCase);
      (known.levels[finding.level] ??= []).push(finding.useCase);
      if (order[finding.level] < order[known.level]) known.level = finding.level;
      continue;
    }
    groups.set(key, {
      ruleId: finding.ruleId, title: finding.title, level: finding.level, status: finding.status, message: finding.message,
      useCases: [finding.useCase], levels: { [finding.level]: [finding.useCase] }, where: where(finding), ...(was ? { was: { status: was.status, level: was.level } } : {}),
    });
  }
  return [...groups.values()].sort((a, b) => order[a.level] - order[b.level] || a.ruleId.localeCompare(b.ruleId));
}

const state = (delta: { status: Finding['status']; level: Finding['level'] }) => (delta.status === 'unknown' ? `unknown (${delta.level})` : delta.level);
/** `error: chatons, team-chat; warning: association` (`unknown` first when the check could not be made). */
const perLevel = (delta: FindingDelta) => `${delta.status === 'unknown' ? 'unknown, ' : ''}${(['error', 'warning', 'info'] as const)
  .filter((level) => delta.levels[level]?.length).map((level) => `${level}: ${delta.levels[level]!.join(', ')}`).join('; ')}`;

export function formatDiffText(diff: ConfigDiff): string {
  const lines = [`mxlint diff: ${diff.old.map((path) => relative(process.cwd(), path) || path).join(' + ')} → ${diff.new.map((path) => relative(process.cwd(), path) || path).join(' + ')}`, '', 'Verdicts'];
  const width = Math.max(8, ...diff.verdicts.map((verdict) => verdict.useCase.length));
  for (const verdict of diff.verdicts) {
    const text = verdict.change === 'same' ? verdictName(verdict.after) : `${verdictName(verdict.before)} → ${verdictName(verdict.after)}`;
    lines.push(`  ${verdict.useCase.padEnd(width)}  ${text}${verdict.change === 'same' ? '' : `   (${verdict.change})`}`);
  }
  const list = (title: string, deltas: FindingDelta[], mark: string) => {
    if (!deltas.length) return;
    lines.push('', `${title} (${deltas.length})`);
    for (const delta of deltas) {
      lines.push(`  ${mark} ${delta.ruleId} [${delta.was ? `was ${state(delta.was)}; now ` : ''}${perLevel(delta)}]${delta.where ? `  ${delta.where}` : ''}`);
      lines.push(`      ${delta.message}`);
    }
  };
  list('New findings', diff.appeared, '+');
  list('Gone', diff.disappeared, '-');
  list('Changed', diff.changed, '~');
  if (!diff.appeared.length && !diff.disappeared.length && !diff.changed.length) lines.push('', 'No finding appears or disappears.');
  lines.push('', diff.worse ? 'A verdict gets worse.' : 'No verdict gets worse.');
  return `${lines.join('\n')}\n`;
}

const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

export function formatDiffMarkdown(diff: ConfigDiff): string {
  const icon = { better: '✅ better', worse: '❌ worse', same: '' } as const;
  const lines = ['### mxlint: what this config change does', ''];
  lines.push('| Use case | Before | After | |', '|---|---|---|---|');
  for (const verdict of diff.verdicts) lines.push(`| ${verdict.useCase} | ${verdictName(verdict.before)} | ${verdictName(verdict.after)} | ${icon[verdict.change]} |`);
  const list = (title: string, deltas: FindingDelta[]) => {
    if (!deltas.length) return;
    lines.push('', `**${title}** (${deltas.length})`, '');
    for (const delta of deltas) {
      const change = delta.was ? `was ${state(delta.was)}; now ${perLevel(delta)}` : perLevel(delta);
      lines.push(`- \`${delta.ruleId}\` (${change}): ${cell(delta.title)}. ${cell(delta.message)}${delta.where ? ` (\`${delta.where}\`)` : ''}`);
    }
  };
  list('New findings', diff.appeared);
  list('Gone', diff.disappeared);
  list('Changed', diff.changed);
  if (!diff.appeared.length && !diff.disappeared.length && !diff.changed.length) lines.push('', 'No finding appears or disappears.');
  lines.push('', diff.worse ? '**A verdict gets worse.**' : 'No verdict gets worse.');
  return `${lines.join('\n')}\n`;
}

export function formatDiffJson(diff: ConfigDiff): string {
  return `${JSON.stringify({ schemaVersion: 1, ...diff }, null, 2)}\n`;
}
