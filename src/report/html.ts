// The page a hoster publishes (a CHATONS transparency page): one self-contained HTML file, no
// script, no external resource, its one <style> allowed by hash in its own CSP. Header, the
// suitability matrix (each cell links to what decided it), each problem once with rationale,
// the guide's passage and the fix, and for rooms where their metadata goes (members per server).
// Everything printed is escaped: room names and server text are hostile input.
import { createHash } from 'node:crypto';
import type { Lang, UseCaseVerdict, Verdict } from '../types.js';
import { colon, t, unit, verdictWord } from './messages.js';
import { repoPath, ruleText, shownFindings, useCaseName, type AuditOutput, type RoomSnapshot } from './model.js';
import { groupProblems, type Problem } from './problems.js';
import { keptHtml } from './kept-summary.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const esc = (text: unknown): string => String(text).replace(/[&<>"']/g, (char) => ESCAPES[char]);

/** Colour pairs (text on background); the browser test checks each for WCAG AA (4.5:1). */
export const PALETTE = {
  page: { color: '#1f2328', background: '#ffffff' },
  muted: { color: '#57606a', background: '#ffffff' },
  link: { color: '#0a4fa8', background: '#ffffff' },
  fit: { color: '#0f4d22', background: '#d8f3df' },
  'fit-with-warnings': { color: '#5a3b00', background: '#fcebb6' },
  unfit: { color: '#8b1111', background: '#fddcdc' },
  unknown: { color: '#4b2a80', background: '#e9e1f7' },
  error: { color: '#8b1111', background: '#fddcdc' },
  warning: { color: '#5a3b00', background: '#fcebb6' },
  info: { color: '#0b3f7a', background: '#dceafb' },
  bar: { color: '#ffffff', background: '#3b5b8c' },
  matrixOrg: { color: '#ffffff', background: '#a4161a' },
} as const;

const VERDICTS: Verdict[] = ['fit', 'fit-with-warnings', 'unfit', 'unknown'];
const MARK = { fit: '✓', 'fit-with-warnings': '!', unfit: '✗', unknown: '?', error: '✗', warning: '!', info: 'i' } as const;

const pair = (name: string, colours: { color: string; background: string }) => `.${name}{color:${colours.color};background:${colours.background}}`;
const CSS = [
  `body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:${PALETTE.page.color};background:${PALETTE.page.background}}`,
  'header,main,footer{max-width:64rem;margin:0 auto;padding:0 1rem}',
  `header{border-bottom:1px solid #d0d7de;padding-bottom:.5rem}a{color:${PALETTE.link.color}}`,
  `p.kicker{margin:.8rem 0 0;color:${PALETTE.muted.color};font-size:.9rem}`,
  'h1{font-size:1.6rem;margin:.1rem 0 .2rem;overflow-wrap:anywhere}h2{font-size:1.3rem;margin-top:2rem}h3{font-size:1.1rem}',
  `dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.1rem 1rem;margin:.5rem 0}dl.meta dt{color:${PALETTE.muted.color}}dl.meta dd{margin:0;overflow-wrap:anywhere}`,
  '.scroll{overflow-x:auto}table{border-collapse:collapse;width:100%}th,td{border:1px solid #d0d7de;padding:.35rem .5rem;text-align:left;vertical-align:top}',
  'table.matrix{font-size:.9rem}table.matrix th,table.matrix td{padding:.25rem .4rem}table.matrix th[scope=row]{width:28%}',
  'table.matrix td{width:18%;text-align:center}table.matrix td a{display:block;text-decoration:none;color:inherit;font-weight:600}table.matrix td small{display:block;font-weight:400;font-size:.8rem}',
  'th code,td code{font-size:.8em}',
  // A phone: each use case on one line with its verdict, the empty cells left out.
  '@media (max-width:40rem){table.matrix thead{display:none}table.matrix tr{display:grid;grid-template-columns:1fr 1fr}table.matrix td:empty{display:none}table.matrix th[scope=row],table.matrix td{width:auto}}',
  ...VERDICTS.map((verdict) => pair(`v-${verdict}`, PALETTE[verdict])),
  ...(['error', 'warning', 'info'] as const).map((level) => pair(`l-${level}`, PALETTE[level])),
  '.badge{display:inline-block;padding:0 .4rem;border-radius:.3rem;font-size:.85em;font-weight:600}',
  'article.problem{border:1px solid #d0d7de;border-radius:.4rem;padding:.2rem 1rem .6rem;margin:1rem 0}article.problem:target{outline:3px solid #0a4fa8}',
  'article h4{margin:.6rem 0 .3rem;font-size:1.05rem}.where,.levels{margin:.2rem 0;overflow-wrap:anywhere}',
  `blockquote p{margin:.2rem 0}blockquote{margin:.5rem 0;padding:.2rem .8rem;border-left:4px solid #d0d7de;color:${PALETTE.muted.color}}`,
  'code{overflow-wrap:anywhere}ul.decided{margin:.3rem 0 1rem}section.usecase:target h3{text-decoration:underline}',
  `svg.servers{width:100%;max-width:30rem;height:auto}svg.servers text{font:13px system-ui,sans-serif;fill:${PALETTE.page.color}}`,
  `svg.servers .bar{fill:${PALETTE.bar.background}}svg.servers .matrix-org{fill:${PALETTE.matrixOrg.background}}svg.servers text.matrix-org{fill:${PALETTE.matrixOrg.background};font-weight:700}`,
  `footer{color:${PALETTE.muted.color};border-top:1px solid #d0d7de;margin-top:2rem;padding:.5rem 1rem 2rem}`,
].join('\n');

const levelOrder = ['error', 'warning', 'info'] as const;

function matrix(output: AuditOutput): string {
  const { lang } = output;
  const head = `<tr><th scope="col">${esc(t(lang, 'table.useCase'))}</th>${VERDICTS.map((verdict) => `<th scope="col">${esc(verdictWord(lang, verdict))}</th>`).join('')}</tr>`;
  const rows = output.report.verdicts.map((verdict) => {
    const cells = VERDICTS.map((column) => {
      if (column !== verdict.verdict) return '<td></td>';
      const { error, warning, info, unknown } = verdict.counts;
      const counts = [unit(lang, 'error', error), unit(lang, 'warning', warning), unit(lang, 'note', info), ...(unknown ? [unit(lang, 'unknownCheck', unknown)] : [])].join(' · ');
      return `<td class="v-${column}" data-use-case="${esc(verdict.useCase)}" data-verdict="${column}"><a href="#uc-${esc(verdict.useCase)}">${MARK[column]} ${esc(verdictWord(lang, column))}<small>${esc(counts)}</small></a></td>`;
    }).join('');
    return `<tr><th scope="row">${esc(useCaseName(output, verdict.useCase))}<br><code>${esc(verdict.useCase)}</code></th>${cells}</tr>`;
  });
  return `<section id="verdicts"><h2>${esc(t(lang, 'html.matrix'))}</h2><div class="scroll"><table class="matrix"><thead>${head}</thead><tbody>${rows.join('')}</tbody></table></div>`
    + `<p>${esc(t(lang, 'markdown.legend'))}</p></section>`;
}

/** Per use case: links to the problems that make its verdict (errors, warnings, checks not made). */
function decided(output: AuditOutput, verdicts: UseCaseVerdict[], ids: Map<Problem, string>): string {
  const { lang } = output;
  const sections = verdicts.map((verdict) => {
    // One line per rule: a rule failing on several options links to its first.
    const seen = new Set<string>();
    const deciding = [...ids].filter(([problem]) => problem.status !== 'pass'
      && problem.findings.some((finding) => finding.useCase === verdict.useCase && finding.level !== 'info')
      && !seen.has(problem.ruleId) && Boolean(seen.add(problem.ruleId)));
    const items = deciding.map(([problem, id]) => {
      const level = problem.findings.find((finding) => finding.useCase === verdict.useCase)!.level;
      const label = problem.status === 'unknown' ? t(lang, 'status.unknown') : t(lang, `level.${level}`);
      return `<li><a href="#${id}"><span class="badge l-${level}">${esc(label)}</span> ${esc(ruleText(output, problem.ruleId).title)}</a></li>`;
    });
    return `<section class="usecase" id="uc-${esc(verdict.useCase)}"><h3>${esc(useCaseName(output, verdict.useCase))}${esc(colon(lang))}<span class="badge v-${verdict.verdict}">${esc(verdictWord(lang, verdict.verdict))}</span></h3>`
      + (items.length ? `<ul class="decided">${items.join('')}</ul>` : `<p>${esc(t(lang, 'html.nothingDecided'))}</p>`) + '</section>';
  });
  return `<section id="decided"><h2>${esc(t(lang, 'html.decided'))}</h2>${sections.join('')}</section>`;
}

function problemArticle(output: AuditOutput, problem: Problem, id: string): string {
  const { lang } = output;
  const text = ruleText(output, problem.ruleId);
  const rule = output.rules.find((candidate) => candidate.id === problem.ruleId);
  const where = problem.location ? `${repoPath(problem.location.file)}:${problem.location.line}:${problem.location.column}${problem.path ? ` (${problem.path})` : ''}`
    : problem.room ? `${problem.room.id}${problem.room.eventType ? ` ${problem.room.eventType}` : ''}` : problem.path ? `${problem.path} ${t(lang, 'label.default')}` : '';
  const levels = levelOrder.filter((level) => problem.levels[level].length).map((level) =>
    `<span class="badge l-${level}">${esc(t(lang, `level.${level}`))}</span>${esc(colon(lang))}${problem.levels[level].map((useCase) => `<a href="#uc-${esc(useCase)}">${esc(useCaseName(output, useCase))}</a>`).join(', ')}`).join(' · ');
  const status = problem.status === 'unknown' ? ` (${t(lang, 'status.unknown')})` : '';
  return `<article class="problem" id="${id}" data-rule="${esc(problem.ruleId)}"><h4><span class="badge l-${problem.worst}">${MARK[problem.worst]} ${esc(t(lang, `level.${problem.worst}`))}${esc(status)}</span> ${esc(text.title)} <code>${esc(problem.ruleId)}</code></h4>`
    + (where ? `<p class="where"><strong>${esc(t(lang, 'table.where'))}</strong>${esc(colon(lang))}<code>${esc(where)}</code></p>` : '')
    + `<p class="levels">${levels}</p>`
    + `<p><strong>${esc(t(lang, 'label.seen'))}</strong>${esc(colon(lang))}${esc(problem.message)}</p>`
    + (text.rationale ? `<p><strong>${esc(t(lang, 'label.rationale'))}</strong>${esc(colon(lang))}${esc(text.rationale)}</p>` : '')
    + (rule?.source.quote ? `<blockquote><p>${lang === 'fr' ? `«\u00a0${esc(rule.source.quote)}\u00a0»` : `“${esc(rule.source.quote)}”`}</p><cite>${esc(t(lang, 'label.article'))}${rule.source.where ? `, ${esc(rule.source.where)}` : ''}</cite></blockquote>` : '')
    + (text.fix || problem.fix ? `<p><strong>${esc(t(lang, 'label.whatToChange'))}</strong>${esc(colon(lang))}${esc(text.fix ?? problem.fix)}</p>` : '')
    + '</article>';
}

/** Members per server as horizontal bars (inline SVG: no style attribute for the CSP to refuse). */
export function serverChart(lang: Lang, room: RoomSnapshot): string {
  const perServer = room.facts['members.perServer'];
  if (!perServer || typeof perServer !== 'object') return `<p>${esc(t(lang, 'html.noMembers'))}</p>`;
  const entries = Object.entries(perServer as Record<string, number>).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const shown = entries.slice(0, 12);
  const rest = entries.slice(12);
  // matrix.org is always drawn, even when it is past the twelfth server.
  const matrixOrg = rest.find(([server]) => server === 'matrix.org');
  if (matrixOrg) shown.push(matrixOrg);
  const others = rest.filter(([server]) => server !== 'matrix.org');
  const rows: Array<[string, number, boolean]> = shown.map(([server, count]) => [server, count, server === 'matrix.org']);
  if (others.length) rows.push([t(lang, 'html.otherServers', { count: others.length }), others.reduce((sum, [, count]) => sum + count, 0), false]);
  const max = Math.max(1, ...rows.map(([, count]) => count));
  const [labelWidth, barWidth, rowHeight] = [150, 170, 22];
  const bars = rows.map(([label, count, highlighted], index) => {
    const y = index * rowHeight;
    const width = Math.max(2, Math.round((count / max) * barWidth));
    const short = label.length > 22 ? `${label.slice(0, 21)}…` : label;
    const cls = highlighted ? ' matrix-org' : '';
    return `<g data-server="${esc(label)}" data-members="${count}"><title>${esc(label)}${esc(colon(lang))}${unit(lang, 'member', count)}</title>`
      + `<text x="${labelWidth - 6}" y="${y + 15}" text-anchor="end" class="${cls.trim()}">${esc(short)}</text>`
      + `<rect class="bar${cls}" x="${labelWidth}" y="${y + 3}" width="${width}" height="16"></rect>`
      + `<text x="${labelWidth + width + 4}" y="${y + 15}">${count}</text></g>`;
  });
  const height = rows.length * rowHeight;
  const summary = `${t(lang, 'html.metadata')}${colon(lang)}${entries.map(([server, count]) => `${server} ${count}`).join(', ')}`;
  return `<svg class="servers" viewBox="0 0 ${labelWidth + barWidth + 40} ${height}" role="img" aria-label="${esc(summary)}">${bars.join('')}</svg>`;
}

function rooms(output: AuditOutput): string {
  const { lang } = output;
  const verdicts = output.roomVerdicts ?? [];
  if (!verdicts.length) return '';
  const snapshots = new Map((output.rooms ?? []).map((room) => [room.roomId, room]));
  const byUseCase = new Map<string, typeof verdicts>();
  for (const room of verdicts) byUseCase.set(room.useCase ?? '', [...(byUseCase.get(room.useCase ?? '') ?? []), room]);
  const order = [...output.useCases.map((useCase) => useCase.id), ''];
  let index = 0;
  const sections = order.filter((id) => byUseCase.has(id)).map((id) => {
    const list = byUseCase.get(id)!;
    const heading = id ? useCaseName(output, id) : t(lang, 'label.fitsNone');
    const articles = list.map((room) => {
      const snapshot = snapshots.get(room.roomId);
      const name = snapshot?.name || snapshot?.alias || room.roomId;
      const verdict = room.verdict === 'unclassified' ? t(lang, 'label.fitsNone') : verdictWord(lang, room.verdict as Verdict);
      const members = snapshot?.facts['members.count'];
      return `<article class="room" id="room-${index++}"><h4>${esc(name)} <span class="badge v-${room.verdict === 'unclassified' ? 'unknown' : esc(room.verdict)}">${esc(verdict)}</span></h4>`
        + `<p class="where"><code>${esc(room.roomId)}</code>${snapshot?.alias && snapshot.alias !== name ? ` <code>${esc(snapshot.alias)}</code>` : ''}${typeof members === 'number' ? ` · ${esc(unit(lang, 'member', members))}` : ''}</p>`
        + (snapshot ? `<h5>${esc(t(lang, 'html.metadata'))}</h5>${serverChart(lang, snapshot)}` : '') + '</article>';
    });
    return `<section class="rooms-of"><h3>${esc(heading)}${esc(colon(lang))}${esc(unit(lang, 'room', list.length))}</h3>${articles.join('')}</section>`;
  });
  return `<section id="rooms"><h2>${esc(t(lang, 'heading.rooms'))}</h2><p>${esc(t(lang, 'html.metadataNote'))}</p>${sections.join('')}</section>`;
}

export function formatHtml(output: AuditOutput): string {
  const { lang, report } = output;
  const read = [...report.inputs, ...(output.stateFile && !report.inputs.includes(output.stateFile) ? [output.stateFile] : [])]
    .map((input) => `<code>${esc(input.startsWith('/') ? repoPath(input) : input)}</code>`).join(', ');
  const meta: Array<[string, string]> = [
    [t(lang, 'label.date'), `<time datetime="${output.generatedAt.toISOString()}">${esc(output.generatedAt.toISOString().slice(0, 16).replace('T', ' '))} UTC</time>`],
    [t(lang, 'label.version'), esc(report.tool.version)],
    ...(output.serverName ? [[t(lang, 'label.server'), esc(output.serverName)] as [string, string]] : []),
    [t(lang, 'label.target'), esc(t(lang, `label.target.${report.target}`))],
    [t(lang, 'label.inputs'), read],
    ...(output.policyFile ? [[t(lang, 'label.policy'), `<code>${esc(repoPath(output.policyFile))}</code>`] as [string, string]] : []),
  ];
  const ids = new Map<Problem, string>();
  const groups = groupProblems(shownFindings(output).filter((finding) => finding.status !== 'pass'));
  for (const group of groups) for (const problem of group.problems) ids.set(problem, `p-${ids.size + 1}`);
  const findings = groups.map((group) => {
    const heading = group.kind === 'file' ? repoPath(group.name) : group.kind === 'room' ? `${t(lang, 'label.room')} ${group.name}`
      : group.kind === 'default' ? t(lang, 'heading.defaults') : t(lang, 'heading.general');
    return `<h3>${esc(heading)}</h3>${group.problems.map((problem) => problemArticle(output, problem, ids.get(problem)!)).join('')}`;
  }).join('');
  const room = report.target === 'room' ? output.rooms?.[0] : undefined;
  const subject = room ? `${t(lang, 'label.room')} ${room.name || room.alias || room.roomId}` : output.serverName ?? t(lang, `label.target.${report.target}`);
  const body = `<header><p class="kicker">mxlint · ${esc(t(lang, 'heading.report'))}</p><h1>${esc(subject)}</h1>`
    + `<dl class="meta">${meta.map(([term, value]) => `<dt>${esc(term)}</dt><dd>${value}</dd>`).join('')}</dl><p>${esc(t(lang, 'markdown.intro'))}</p></header>`
    + `<main>${matrix(output)}${decided(output, report.verdicts, ids)}${output.retention ? keptHtml(lang, output.retention, esc) : ''}${rooms(output)}`
    + `<section id="findings"><h2>${esc(t(lang, 'heading.findings'))}</h2>${findings || `<p>${esc(t(lang, 'markdown.noFailures'))}</p>`}</section></main>`
    + `<footer>${esc(t(lang, 'html.generated'))} ${esc(report.tool.version)}</footer>`;
  const hash = createHash('sha256').update(CSS).digest('base64');
  return `<!doctype html>\n<html lang="${lang}">\n<head>\n<meta charset="utf-8">\n`
    + `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'sha256-${hash}'; base-uri 'none'; form-action 'none'">\n`
    + `<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>${esc(`${t(lang, 'heading.report')} — ${subject}`)}</title>\n<style>${CSS}</style>\n</head>\n<body>\n${body}\n</body>\n</html>\n`;
}
