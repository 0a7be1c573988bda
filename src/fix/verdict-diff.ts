// `mxlint diff`: what a config change does to each use case's verdict, and which findings it
// brings or removes. For CI, before a change is deployed; worse verdicts make the exit code 1.
import { relative } from 'node:path';
import type { Finding, Lang, Report, Verdict } from '../types.js';
import { defineMessages, render, type Message } from '../messages/message.js';
import { colon, levelWord, t, verdictWord } from '../report/messages.js';

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

const say = defineMessages({
  'diff.heading': { en: 'mxlint diff: {old} → {new}', fr: 'mxlint diff\u00a0: {old} → {new}' },
  'diff.verdict': { en: '{before} → {after}', fr: '{before} → {after}' },
  'diff.better': { en: 'better', fr: 'mieux' },
  'diff.worse': { en: 'worse', fr: 'pire' },
  'diff.appeared': { en: 'New findings', fr: 'Nouveaux constats' },
  'diff.disappeared': { en: 'Gone', fr: 'Disparus' },
  'diff.changed': { en: 'Changed', fr: 'Changés' },
  'diff.wasNow': { en: 'was {was}; now {now}', fr: 'avant\u00a0: {was}\u00a0; maintenant\u00a0: {now}' },
  'diff.unknownAt': { en: 'unknown ({level})', fr: 'indéterminé ({level})' },
  'diff.unknown': { en: 'unknown, {levels}', fr: 'indéterminé, {levels}' },
  'diff.levels': { en: '{levels}', fr: '{levels}' },
  'diff.level': { en: '{level}: {useCases}', fr: '{level}\u00a0: {useCases}' },
  'diff.nothing': { en: 'No finding appears or disappears.', fr: 'Aucun constat n’apparaît ni ne disparaît.' },
  'diff.getsWorse': { en: 'A verdict gets worse.', fr: 'Un verdict se dégrade.' },
  'diff.noneWorse': { en: 'No verdict gets worse.', fr: 'Aucun verdict ne se dégrade.' },
  'diff.markdown.heading': { en: 'mxlint: what this config change does', fr: 'mxlint\u00a0: ce que fait ce changement de configuration' },
  'diff.useCase': { en: 'Use case', fr: 'Cas d’usage' },
  'diff.before': { en: 'Before', fr: 'Avant' },
  'diff.after': { en: 'After', fr: 'Après' },
  'diff.markdown.item': { en: '{title}. {message}', fr: '{title}. {message}' },
});

const state = (lang: Lang, delta: { status: Finding['status']; level: Finding['level'] }): Message | string =>
  (delta.status === 'unknown' ? say('diff.unknownAt', { level: levelWord(lang, delta.level) }) : levelWord(lang, delta.level));
/** `error: chatons, team-chat; warning: association` (`unknown` first when the check could not be made). */
const perLevel = (lang: Lang, delta: FindingDelta): Message => {
  const levels = (['error', 'warning', 'info'] as const).filter((level) => delta.levels[level]?.length)
    .map((level) => say('diff.level', { level: levelWord(lang, level), useCases: delta.levels[level]!.join(', ') }));
  return delta.status === 'unknown' ? say('diff.unknown', { levels }) : say('diff.levels', { levels });
};
const change = (lang: Lang, delta: FindingDelta): string =>
  render(lang, delta.was ? say('diff.wasNow', { was: state(lang, delta.was), now: perLevel(lang, delta) }) : perLevel(lang, delta));

const paths = (list: string[]) => list.map((path) => relative(process.cwd(), path) || path).join(' + ');

export function formatDiffText(diff: ConfigDiff, lang: Lang = 'en'): string {
  const text = (message: Message) => render(lang, message);
  const lines = [text(say('diff.heading', { old: paths(diff.old), new: paths(diff.new) })), '', t(lang, 'heading.verdicts')];
  const width = Math.max(8, ...diff.verdicts.map((verdict) => verdict.useCase.length));
  for (const verdict of diff.verdicts) {
    const shown = verdict.change === 'same' ? verdictWord(lang, verdict.after)
      : text(say('diff.verdict', { before: verdictWord(lang, verdict.before), after: verdictWord(lang, verdict.after) }));
    lines.push(`  ${verdict.useCase.padEnd(width)}  ${shown}${verdict.change === 'same' ? '' : `   (${text(say(verdict.change === 'better' ? 'diff.better' : 'diff.worse'))})`}`);
  }
  const list = (title: Message, deltas: FindingDelta[], mark: string) => {
    if (!deltas.length) return;
    lines.push('', `${text(title)} (${deltas.length})`);
    for (const delta of deltas) {
      lines.push(`  ${mark} ${delta.ruleId} [${change(lang, delta)}]${delta.where ? `  ${delta.where}` : ''}`);
      lines.push(`      ${delta.message}`);
    }
  };
  list(say('diff.appeared'), diff.appeared, '+');
  list(say('diff.disappeared'), diff.disappeared, '-');
  list(say('diff.changed'), diff.changed, '~');
  if (!diff.appeared.length && !diff.disappeared.length && !diff.changed.length) lines.push('', text(say('diff.nothing')));
  lines.push('', text(say(diff.worse ? 'diff.getsWorse' : 'diff.noneWorse')));
  return `${lines.join('\n')}\n`;
}

const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

export function formatDiffMarkdown(diff: ConfigDiff, lang: Lang = 'en'): string {
  const text = (message: Message) => render(lang, message);
  const icon = { better: `✅ ${text(say('diff.better'))}`, worse: `❌ ${text(say('diff.worse'))}`, same: '' } as const;
  const lines = [`### ${text(say('diff.markdown.heading'))}`, ''];
  lines.push(`| ${text(say('diff.useCase'))} | ${text(say('diff.before'))} | ${text(say('diff.after'))} | |`, '|---|---|---|---|');
  for (const verdict of diff.verdicts) lines.push(`| ${verdict.useCase} | ${verdictWord(lang, verdict.before)} | ${verdictWord(lang, verdict.after)} | ${icon[verdict.change]} |`);
  const list = (title: Message, deltas: FindingDelta[]) => {
    if (!deltas.length) return;
    lines.push('', `**${text(title)}** (${deltas.length})`, '');
    for (const delta of deltas) {
      lines.push(`- \`${delta.ruleId}\` (${change(lang, delta)})${colon(lang)}${cell(text(say('diff.markdown.item', { title: delta.title, message: delta.message })))}${delta.where ? ` (\`${delta.where}\`)` : ''}`);
    }
  };
  list(say('diff.appeared'), diff.appeared);
  list(say('diff.disappeared'), diff.disappeared);
  list(say('diff.changed'), diff.changed);
  if (!diff.appeared.length && !diff.disappeared.length && !diff.changed.length) lines.push('', text(say('diff.nothing')));
  lines.push('', diff.worse ? `**${text(say('diff.getsWorse'))}**` : text(say('diff.noneWorse')));
  return `${lines.join('\n')}\n`;
}

export function formatDiffJson(diff: ConfigDiff): string {
  return `${JSON.stringify({ schemaVersion: 1, ...diff }, null, 2)}\n`;
}
