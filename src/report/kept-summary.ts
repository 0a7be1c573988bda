// "Configured / applied": for each retention promise, whether the config makes it (its config
// rule) and whether the server keeps it (what mxlint server measured): rooms per use case, and the
// server-wide measures (media, IP addresses, deleted messages). Built once from the findings and
// the room summary, shown by the text, markdown and HTML reports and written to the JSON one.
import type { Finding, Lang, Status } from '../types.js';
import type { KeptMeasure } from '../facts/server-kept-table.js';
import { defineMessages, render } from '../messages/message.js';

const message = defineMessages({
  'keptSummary.heading': { en: 'What the server really keeps: configured / applied', fr: 'Ce que le serveur garde vraiment\u00a0: configuré / appliqué' },
  'keptSummary.rooms': { en: 'Messages (rooms), per use case', fr: 'Messages (salons), par cas d’usage' },
  'keptSummary.roomsRow': { en: '{configured} / {applied} of {rooms} rooms ({notApplied} not applied, {unknown} not measured)', fr: '{configured} / {applied} sur {rooms}\u00a0salons ({notApplied} non appliquée, {unknown} non mesurée)' },
  'keptSummary.measure': { en: 'Measure', fr: 'Mesure' },
  'keptSummary.configured': { en: 'Configured', fr: 'Configuré' },
  'keptSummary.applied': { en: 'Applied', fr: 'Appliqué' },
  'keptSummary.seen': { en: 'Seen', fr: 'Constaté' },
  'keptSummary.useCase': { en: 'Use case', fr: 'Cas d’usage' },
  'keptSummary.localMedia': { en: 'Local media', fr: 'Médias locaux' },
  'keptSummary.remoteMedia': { en: 'Remote media (cache)', fr: 'Médias distants (cache)' },
  'keptSummary.ips': { en: 'IP addresses', fr: 'Adresses IP' },
  'keptSummary.redactions': { en: 'Deleted messages', fr: 'Messages supprimés' },
  'keptSummary.pass': { en: 'yes', fr: 'oui' },
  'keptSummary.fail': { en: 'no', fr: 'non' },
  'keptSummary.unknown': { en: 'not measured', fr: 'non mesuré' },
  'keptSummary.none': { en: '—', fr: '—' },
});

/** Each server-wide measure: the config rule that promises it and the server rule that measures it. */
export const KEPT_RULES: Record<KeptMeasure, { configured: string; applied: string }> = {
  localMedia: { configured: 'media-retention', applied: 'local-media-retention-applied' },
  remoteMedia: { configured: 'media-retention', applied: 'remote-media-retention-applied' },
  ips: { configured: 'user-ips-max-age', applied: 'user-ips-pruned' },
  redactions: { configured: 'redaction-retention', applied: 'redactions-censored' },
};

export interface KeptRow {
  measure: KeptMeasure;
  configuredRule: string;
  appliedRule: string;
  /** null: the rule did not run (no --config, or off for every use case audited). */
  configured: Status | null;
  applied: Status | null;
  /** What was measured, in the report's language (the applied finding's message). */
  seen: string | null;
}

export interface RetentionSummary {
  rooms: Array<{ useCase: string; rooms: number; configured: number; applied: number; notApplied: number; unknown: number }>;
  server: KeptRow[];
}

/** The server rows, from the config's findings and the server rules' findings (a status is the
 *  same for every use case; the worst is taken should they differ). */
export function keptRows(configFindings: Finding[], keptFindings: Finding[]): KeptRow[] {
  const statusOf = (findings: Finding[], ruleId: string): Finding | undefined => {
    const own = findings.filter((finding) => finding.ruleId === ruleId);
    return own.find((finding) => finding.status === 'fail') ?? own.find((finding) => finding.status === 'unknown') ?? own[0];
  };
  return (Object.keys(KEPT_RULES) as KeptMeasure[]).map((measure) => {
    const { configured, applied } = KEPT_RULES[measure];
    const seen = statusOf(keptFindings, applied);
    return { measure, configuredRule: configured, appliedRule: applied, configured: statusOf(configFindings, configured)?.status ?? null, applied: seen?.status ?? null, seen: seen?.message ?? null };
  });
}

const word = (lang: Lang, status: Status | null) => render(lang, message(status ? `keptSummary.${status}` : 'keptSummary.none'));
const label = (lang: Lang, measure: KeptMeasure) => render(lang, message(`keptSummary.${measure}`));
const roomsRow = (lang: Lang, row: RetentionSummary['rooms'][number]) => render(lang, message('keptSummary.roomsRow', { ...row }));

/** Text lines: the heading, the rooms per use case, one line per server measure. */
export function keptTextLines(lang: Lang, summary: RetentionSummary, nameWidth = 18): string[] {
  if (!summary.rooms.length && summary.server.every((row) => row.configured === null && row.applied === null)) return [];
  const lines = ['', render(lang, message('keptSummary.heading'))];
  if (summary.rooms.length) {
    lines.push(`  ${render(lang, message('keptSummary.rooms'))}`);
    for (const row of summary.rooms) lines.push(`    ${row.useCase.padEnd(nameWidth)} ${roomsRow(lang, row)}`);
  }
  for (const row of summary.server) {
    if (row.configured === null && row.applied === null) continue;
    lines.push(`  ${label(lang, row.measure).padEnd(nameWidth + 2)} ${word(lang, row.configured)} / ${word(lang, row.applied)}${row.seen ? `: ${row.seen}` : ''}`);
  }
  return lines;
}

/** The markdown section (cells escaped by the caller's `md`). */
export function keptMarkdown(lang: Lang, summary: RetentionSummary, md: (text: string) => string): string[] {
  const lines = ['', `## ${md(render(lang, message('keptSummary.heading')))}`, ''];
  if (summary.rooms.length) {
    lines.push(`| ${render(lang, message('keptSummary.useCase'))} | ${md(render(lang, message('keptSummary.rooms')))} |`, '|---|---|');
    for (const row of summary.rooms) lines.push(`| \`${row.useCase}\` | ${md(roomsRow(lang, row))} |`);
    lines.push('');
  }
  lines.push(`| ${['measure', 'configured', 'applied', 'seen'].map((key) => render(lang, message(`keptSummary.${key}` as 'keptSummary.seen'))).join(' | ')} |`, '|---|---|---|---|');
  for (const row of summary.server) lines.push(`| ${md(label(lang, row.measure))} | ${word(lang, row.configured)} | ${word(lang, row.applied)} | ${md(row.seen ?? '')} |`);
  return lines;
}

/** The HTML section (everything escaped with the caller's `esc`). */
export function keptHtml(lang: Lang, summary: RetentionSummary, esc: (text: unknown) => string): string {
  const head = (keys: string[]) => `<tr>${keys.map((key) => `<th scope="col">${esc(render(lang, message(`keptSummary.${key}` as 'keptSummary.seen')))}</th>`).join('')}</tr>`;
  const rooms = summary.rooms.length
    ? `<h3>${esc(render(lang, message('keptSummary.rooms')))}</h3><div class="scroll"><table class="kept-rooms"><thead>${head(['useCase', 'rooms'])}</thead><tbody>`
      + summary.rooms.map((row) => `<tr data-use-case="${esc(row.useCase)}"><th scope="row"><code>${esc(row.useCase)}</code></th><td>${esc(roomsRow(lang, row))}</td></tr>`).join('') + '</tbody></table></div>'
    : '';
  const cell = (status: Status | null) => `<td data-status="${status ?? 'none'}">${esc(word(lang, status))}</td>`;
  const server = `<div class="scroll"><table class="kept-server"><thead>${head(['measure', 'configured', 'applied', 'seen'])}</thead><tbody>`
    + summary.server.map((row) => `<tr data-measure="${row.measure}"><th scope="row">${esc(label(lang, row.measure))}</th>${cell(row.configured)}${cell(row.applied)}<td>${esc(row.seen ?? '')}</td></tr>`).join('')
    + '</tbody></table></div>';
  return `<section id="kept"><h2>${esc(render(lang, message('keptSummary.heading')))}</h2>${rooms}${server}</section>`;
}
