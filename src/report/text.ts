// Human report, ESLint/Spectral style: each problem (rule + option path + location) once, its
// level per use case beside it, grouped by file (absent options after the file's lines), then a
// compact verdict matrix and one summary line. Lines never pass `width`; colours only when asked.
import type { Finding, Lang, Report, Rule, UseCase, UseCaseVerdict } from '../types.js';
import { relative } from 'node:path';
import { colon, t, unit, verdictWord } from './messages.js';
import type { Note, SuppressedFinding } from './model.js';
import { groupProblems, problemCounts, type Problem, type ProblemGroup } from './problems.js';

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
  /** For fix hints in `lang` (findings carry the language they were evaluated in). */
  rules?: Rule[];
  /** Columns; 80 when not given. */
  width?: number;
}

const ANSI = { red: 31, yellow: 33, blue: 34, magenta: 35, green: 32, dim: 2, bold: 1 } as const;
export type Paint = (color: keyof typeof ANSI, text: string) => string;
export const painter = (color: boolean): Paint => (name, text) => (color ? `\u001b[${ANSI[name]}m${text}\u001b[0m` : text);

const length = (text: string) => [...text].length;

/** Words of `text` in lines of at most `width` columns; the first line after `first`, the next after `next`. */
export function wrap(text: string, width: number, first: string, next = ' '.repeat(length(first))): string[] {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  const room = () => width - length(line);
  for (let word of text.split(/[ \t\n]+/).filter(Boolean)) {
    if (!empty && length(word) + 1 > room()) {
      lines.push(line);
      line = next;
      empty = true;
    }
    // A word longer than a whole line (a URL, a long path) is cut.
    while (length(word) > room() && room() > 0 && empty) {
      const cut = [...word].slice(0, room()).join('');
      lines.push(line + cut);
      word = [...word].slice(length(cut)).join('');
      line = next;
    }
    if (!word) continue;
    line += (empty ? '' : ' ') + word;
    empty = false;
  }
  if (!empty || lines.length === 0) lines.push(line);
  return lines;
}

export interface TextContext {
  lang: Lang;
  width: number;
  paint: Paint;
  rules?: Rule[];
}

export function textContext(options: Pick<TextOptions, 'lang' | 'width' | 'color' | 'rules'>): TextContext {
  return { lang: options.lang ?? 'en', width: Math.max(40, options.width ?? 80), paint: painter(options.color), rules: options.rules };
}

// A probe's facts come from URLs, which are no paths.
const where = (file: string) => (/^https?:\/\//.test(file) ? file : relative(process.cwd(), file) || file);

export function mark(ctx: TextContext, problem: Pick<Problem, 'status' | 'worst'>): string {
  const { paint } = ctx;
  if (problem.status === 'unknown') return paint('magenta', '?');
  if (problem.status === 'pass') return paint('green', '✓');
  return problem.worst === 'error' ? paint('red', '✗') : problem.worst === 'warning' ? paint('yellow', '!') : paint('blue', 'i');
}

/** "error: chatons, team-chat · warning: association · info: 3 more": the lower levels are
 *  counted rather than named until the line fits `room`; error use cases are always named. */
export function levelsText(ctx: TextContext, levels: Problem['levels']): string[] {
  const order = (['error', 'warning', 'info'] as const).filter((level) => levels[level].length);
  const colour = { error: 'red', warning: 'yellow', info: 'blue' } as const;
  const build = (collapsed: number) => order.map((level, index) => {
    const names = levels[level];
    const list = level !== 'error' && index >= order.length - collapsed ? t(ctx.lang, 'label.more', { count: names.length }) : names.join(', ');
    return `${t(ctx.lang, `level.${level}`)}${colon(ctx.lang)}${list}`;
  }).join(' · ');
  let plain = build(0);
  for (let collapsed = 1; length(plain) > ctx.width - 4 && collapsed <= order.length; collapsed++) plain = build(collapsed);
  const words = order.map((level) => t(ctx.lang, `level.${level}`));
  const painted = (line: string) => line.replace(new RegExp(`(^ *|· )(${words.join('|')})(${colon(ctx.lang)})`, 'g'),
    (whole, before: string, word: string, after: string) => `${before}${ctx.paint(colour[order[words.indexOf(word)]], word)}${after}`);
  return wrap(plain, ctx.width, '    ', '      ').map(painted);
}

function fixOf(ctx: TextContext, problem: Problem): string | undefined {
  return ctx.rules?.find((rule) => rule.id === problem.ruleId)?.fix?.hint[ctx.lang] ?? problem.fix;
}

/** One block: the rule and its levels, each of its paths with what was seen, then the fix once. */
function blockLines(ctx: TextContext, block: Problem[], kind: ProblemGroup['kind']): string[] {
  const { paint, width, lang } = ctx;
  const [head] = block;
  const lines: string[] = [];
  const title = `  ${mark(ctx, head)} ${paint('bold', head.ruleId)}`;
  const titleLength = 4 + length(head.ruleId);
  const levels = levelsText(ctx, head.levels);
  const inline = levels.length === 1 && titleLength + 2 + length(levels[0]) - 4 <= width;
  if (inline) lines.push(`${title}  ${levels[0].slice(4)}`);
  else lines.push(title, ...levels);
  for (const problem of block) {
    const position = kind === 'file' && problem.location && problem.location.line > 0 ? `${problem.location.line}:${problem.location.column}`
      : kind === 'room' ? problem.room?.eventType ?? '' : '';
    // Absent options: the message names the path, most of the time; say it when it does not.
    const named = problem.path && !problem.message.includes(problem.path) ? `${problem.path}${colon(lang)}` : '';
    const first = position ? `    ${position} ` : '    ';
    // A long position (a room's event type) would leave no room: continue under the block instead.
    const next = position && length(position) <= 8 ? ' '.repeat(length(first)) : '      ';
    const wrapped = wrap(`${named}${problem.message}`, width, first, position ? next : '      ');
    lines.push(...wrapped.map((line, index) => (index === 0 && position ? `    ${paint('dim', position)} ${line.slice(length(first))}` : line)));
  }
  const fix = head.status === 'pass' ? undefined : fixOf(ctx, head);
  if (fix) lines.push(...wrap(fix, width, `    ${t(lang, 'label.fix')}${colon(lang)}`).map((line) => paint('dim', line)));
  return lines;
}

/** Problems of consecutive same-rule entries sharing levels and fix are shown as one block. */
function blocks(problems: Problem[]): Problem[][] {
  const out: Problem[][] = [];
  for (const problem of problems) {
    const last = out.at(-1)?.[0];
    const same = last && last.ruleId === problem.ruleId && last.status === problem.status && last.fix === problem.fix
      && JSON.stringify(last.levels) === JSON.stringify(problem.levels);
    if (same) out.at(-1)!.push(problem);
    else out.push([problem]);
  }
  return out;
}

/** The problems of `findings`, grouped (file by file, absent options after, rooms, general). */
export function problemLines(ctx: TextContext, findings: Finding[]): string[] {
  const lines: string[] = [];
  for (const group of groupProblems(findings)) {
    const heading = group.kind === 'file' ? where(group.name) : group.kind === 'room' ? `${t(ctx.lang, 'label.room')} ${group.name}`
      : group.kind === 'default' ? t(ctx.lang, 'heading.defaults') : t(ctx.lang, 'heading.general');
    lines.push('', ...wrap(heading, ctx.width, '').map((line) => ctx.paint('bold', line)));
    for (const block of blocks(group.problems)) lines.push(...blockLines(ctx, block, group.kind));
  }
  return lines;
}

/** Verdicts as rows of use cases (the matrix of use cases × verdict, with the count per verdict). */
export function verdictLines(ctx: TextContext, verdicts: UseCaseVerdict[]): string[] {
  const { paint, lang, width } = ctx;
  const colour = { unfit: 'red', unknown: 'magenta', 'fit-with-warnings': 'yellow', fit: 'green' } as const;
  const rows = (['unfit', 'unknown', 'fit-with-warnings', 'fit'] as const)
    .map((verdict) => ({ verdict, useCases: verdicts.filter((entry) => entry.verdict === verdict).map((entry) => entry.useCase) }))
    .filter((row) => row.useCases.length);
  const labels = rows.map((row) => `${verdictWord(lang, row.verdict)} (${row.useCases.length})`);
  const labelWidth = Math.max(0, ...labels.map(length));
  const lines = ['', paint('bold', t(lang, 'heading.verdicts'))];
  rows.forEach((row, index) => {
    const first = `  ${labels[index].padEnd(labelWidth)}  `;
    const wrapped = wrap(row.useCases.join(', '), width, first, ' '.repeat(length(first)));
    wrapped[0] = `  ${paint(colour[row.verdict], labels[index])}${' '.repeat(labelWidth - length(labels[index]))}  ${wrapped[0].slice(length(first))}`;
    lines.push(...wrapped);
  });
  return lines;
}

/** "3 errors, 9 warnings, 14 notes over 12 use cases; unfit for 7". */
export function summaryLine(ctx: TextContext, findings: Finding[], verdicts: UseCaseVerdict[]): string[] {
  const { lang } = ctx;
  const counts = problemCounts(findings);
  const parts = [unit(lang, 'error', counts.error), unit(lang, 'warning', counts.warning), unit(lang, 'note', counts.info)];
  if (counts.unknown) parts.push(unit(lang, 'unknownCheck', counts.unknown));
  const unfit = verdicts.filter((verdict) => verdict.verdict === 'unfit').length;
  const unknown = verdicts.filter((verdict) => verdict.verdict === 'unknown').length;
  const tail = [unfit ? t(lang, 'summary.unfitFor', { count: unfit }) : '', unknown ? t(lang, 'summary.unknownFor', { count: unknown }) : ''].filter(Boolean);
  const line = t(lang, 'summary.problems', { counts: parts.join(', '), useCases: unit(lang, 'useCase', verdicts.length) })
    + (tail.length ? `${t(lang, 'summary.separator')}${tail.join(', ')}` : '');
  return wrap(line, ctx.width, '');
}

export function noteLines(ctx: TextContext, notes: Note[], quiet?: boolean): string[] {
  return notes.filter((note) => !quiet || note.level === 'error').flatMap((note) => {
    const at = note.location ? `${where(note.location.file)}:${note.location.line}: ` : '';
    return wrap(`${t(ctx.lang, `level.${note.level}`)}${colon(ctx.lang)}${at}${note.message} [${note.ruleId}]`, ctx.width, '', '  ')
      .map((line) => ctx.paint(note.level === 'info' ? 'blue' : 'yellow', line));
  });
}

export function suppressedLines(ctx: TextContext, suppressed: SuppressedFinding[]): string[] {
  if (!suppressed.length) return [];
  const byBaseline = suppressed.filter((entry) => entry.by === 'baseline').length;
  const other = suppressed.length - byBaseline;
  return ['', ...(other ? [t(ctx.lang, 'summary.suppressed', { count: other })] : []), ...(byBaseline ? [t(ctx.lang, 'summary.baseline', { count: byBaseline })] : [])]
    .map((line) => (line ? ctx.paint('dim', line) : line));
}

/** Findings the text shows: failing and unknown (passing too when verbose), errors only when quiet. */
export const shownInText = (findings: Finding[], options: Pick<TextOptions, 'verbose' | 'quiet'>) =>
  findings.filter((finding) => (options.verbose || finding.status !== 'pass') && (!options.quiet || finding.level === 'error'));

export function formatText(report: Report, options: TextOptions): string {
  const ctx = textContext(options);
  const { paint, lang } = ctx;
  const inputs = report.inputs.map(where).join(', ');
  const lines = wrap(`mxlint ${report.tool.version}${colon(lang)}${t(lang, `label.target.${report.target}`)} ${inputs}`, ctx.width, '', '  ').map((line) => paint('bold', line));
  for (const warning of report.warnings) lines.push(...wrap(`${t(lang, 'label.warning')}${colon(lang)}${warning}`, ctx.width, '', '  ').map((line) => paint('yellow', line)));
  lines.push(...noteLines(ctx, options.notes ?? [], options.quiet));
  const shown = shownInText(report.findings, options);
  lines.push(...problemLines(ctx, shown));
  if (!shown.length) lines.push('', paint('dim', t(lang, 'label.noFindings')));
  lines.push(...suppressedLines(ctx, options.suppressed ?? []));
  lines.push(...verdictLines(ctx, report.verdicts), ...summaryLine(ctx, report.findings, report.verdicts));
  return `${lines.join('\n')}\n`;
}
