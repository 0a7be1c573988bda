// --format html in a real browser (Debian's chromium, headless): the DOM it builds (matrix cells,
// counts, links that resolve, escaped hostile names, no script), no CSP refusal, screenshots at
// 1280×800 and 390×844 kept in test-output/html/, and the WCAG AA contrast of every colour pair.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mxlint, ROOT } from '../cli/run.js';
import { ADMIN_ENV, fakeSynapse, fixture, mxlintAsync, temp } from './helpers.js';
import { PALETTE } from '../../src/report/html.js';

const OUT = join(ROOT, 'test-output/html');
const GENERATED = join(ROOT, '../shared/fixtures/real/homeserver/40-synapse-1.160-generated.yaml');
const EPOCH = { SOURCE_DATE_EPOCH: '1764720000' }; // 2025-12-03 00:00 UTC
const HOSTILE_NAME = '<script>alert(1)</script><img src=x onerror=alert(2)> & "Entraide"';

function findChromium(): string | undefined {
  for (const name of [process.env.CHROMIUM, 'chromium', 'chromium-browser']) {
    if (name && spawnSync('sh', ['-c', `command -v "${name}"`]).status === 0) return name;
  }
  return undefined;
}
const CHROMIUM = findChromium();
if (!CHROMIUM) {
  // CI must run it (.ci/run installs chromium): there, a missing browser is a failure.
  if (process.env.CI === 'true') throw new Error('chromium is not installed: the HTML report cannot be tested in a browser (apt-get install -y chromium)');
  console.warn('html.test.ts: SKIPPED, no chromium on PATH (apt-get install -y chromium); the HTML report was not tested in a browser');
}

function chromium(args: string[]): { stdout: string; stderr: string } {
  const run = spawnSync(CHROMIUM!, ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--no-first-run', '--enable-logging=stderr', '--v=0', ...args],
    { encoding: 'utf8', timeout: 60_000, maxBuffer: 64 * 1024 * 1024 });
  expect(run.status, run.stderr).toBe(0);
  return { stdout: run.stdout, stderr: run.stderr };
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(file: string): [number, number] {
  const bytes = readFileSync(file);
  expect(bytes.subarray(1, 4).toString()).toBe('PNG');
  return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
}

const ids = (dom: string) => new Set([...dom.matchAll(/\sid="([^"]+)"/g)].map((match) => match[1]));
const links = (dom: string) => [...dom.matchAll(/\shref="#([^"]*)"/g)].map((match) => match[1]);

/** The page as chromium builds it, checked for what every report must hold; then its two screenshots. */
function inBrowser(file: string, name: string): string {
  const { stdout: dom, stderr } = chromium(['--dump-dom', `file://${file}`]);
  // No script, no external resource, nothing the page's own CSP refused.
  expect(dom).not.toMatch(/<(script|img|link|iframe|object|embed)\b|<[a-z][^>]*\son[a-z]+=/i);
  expect(dom).not.toMatch(/\s(src|href)="(https?:)?\/\//);
  expect(stderr).not.toMatch(/Content Security Policy/i);
  const known = ids(dom);
  const targets = links(dom);
  expect(targets.length).toBeGreaterThan(0);
  for (const target of targets) expect(known.has(target), `#${target}`).toBe(true);
  for (const [width, height] of [[1280, 800], [390, 844]]) {
    const shot = join(OUT, `${name}-${width}x${height}.png`);
    chromium([`--screenshot=${shot}`, `--window-size=${width},${height}`, `file://${file}`]);
    expect(pngSize(shot)).toEqual([width, height]);
  }
  return dom;
}

/** Relative luminance and contrast ratio, WCAG 2.x. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((index) => parseInt(hex.slice(index, index + 2), 16) / 255)
    .map((channel) => (channel <= 0.04045 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
export const contrast = (a: string, b: string) => {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
};

describe('colours', () => {
  it('every text/background pair has WCAG AA contrast (4.5:1), and the page uses exactly these pairs', () => {
    const ratios = Object.fromEntries(Object.entries(PALETTE).map(([name, pair]) => [name, Math.round(contrast(pair.color, pair.background) * 100) / 100]));
    console.info(`html contrast ratios: ${JSON.stringify(ratios)}`);
    for (const [name, ratio] of Object.entries(ratios)) expect(ratio, name).toBeGreaterThanOrEqual(4.5);
    const html = mxlint(['config', fixture('examples/homeserver.yaml'), '-f', 'html']).stdout;
    for (const verdict of ['fit', 'fit-with-warnings', 'unfit', 'unknown'] as const) {
      expect(html).toContain(`.v-${verdict}{color:${PALETTE[verdict].color};background:${PALETTE[verdict].background}}`);
    }
  });
});

describe.runIf(CHROMIUM)('--format html in chromium', () => {
  let dir: string;
  beforeAll(() => {
    mkdirSync(OUT, { recursive: true });
    dir = temp();
  });

  it.runIf(existsSync(GENERATED))('config: the matrix has one verdict cell per use case, each linking to what decided it; each problem once', () => {
    const file = join(dir, 'config.html');
    const run = mxlint(['config', GENERATED, '-f', 'html', '-o', file], { env: EPOCH });
    expect(run.code).toBe(0);
    const json = JSON.parse(mxlint(['config', GENERATED, '-f', 'json']).stdout);
    const dom = inBrowser(file, 'config');
    expect(dom).toMatch(/<html lang="en">/);
    expect(dom).toContain('<time datetime="2025-12-03T00:00:00.000Z">');
    const cells = [...dom.matchAll(/<td class="v-([\w-]+)" data-use-case="([\w-]+)" data-verdict="[\w-]+"><a href="#uc-([\w-]+)">/g)];
    expect(cells.map((cell) => [cell[2], cell[1]])).toEqual(json.verdicts.map((v: any) => [v.useCase, v.verdict]));
    for (const cell of cells) expect(cell[3]).toBe(cell[2]);
    // Counts in each cell are the verdict's.
    const direct = json.verdicts.find((v: any) => v.useCase === 'direct');
    const space = '(?:\\s|&nbsp;)';
    expect(/data-use-case="direct"[^>]*>(?:(?!<\/td>)[^])*<\/td>/.exec(dom)![0]).toMatch(new RegExp(`<small>${direct.counts.error}${space}errors?${space}·${space}${direct.counts.warning}${space}warnings?`));
    // Each failing check (rule + path + location) once.
    const problems = new Set(json.findings.filter((f: any) => f.status !== 'pass').map((f: any) => `${f.ruleId}|${f.path ?? ''}|${f.location?.line ?? ''}`));
    expect(dom.match(/<article class="problem"/g)).toHaveLength(problems.size);
    expect(dom).toMatch(/<blockquote><p>“[^<]+”<\/p><cite>/);
  });

  it('room, in French, with a hostile name and member server: escaped, matrix.org highlighted in the servers chart', () => {
    const dump = JSON.parse(readFileSync(fixture('room-dumps/public-help.json'), 'utf8'));
    for (const event of dump.state) if (event.type === 'm.room.name') event.content.name = HOSTILE_NAME;
    dump.members.push('@evil:"><script>alert(3)</script>');
    const state = join(dir, 'hostile.json');
    writeFileSync(state, JSON.stringify(dump));
    const file = join(dir, 'room.html');
    mxlint(['room', '--state', state, '-f', 'html', '-o', file, '--lang', 'fr'], { env: EPOCH });
    const dom = inBrowser(file, 'room');
    expect(dom).toMatch(/<html lang="fr">/);
    expect(dom).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt; &amp; "Entraide"');
    const bars = [...dom.matchAll(/<g data-server="([^"]*)" data-members="(\d+)">[^]*?<rect class="bar( matrix-org)?"/g)];
    const members = dump.members.length;
    expect(bars.reduce((sum, bar) => sum + Number(bar[2]), 0)).toBe(members);
    expect(bars.filter((bar) => bar[3]).map((bar) => bar[1])).toEqual(['matrix.org']);
    expect(Number(bars.find((bar) => bar[1] === 'matrix.org')![2])).toBe(dump.members.filter((id: string) => id.endsWith(':matrix.org')).length);
  });

  describe('server', () => {
    let synapse: Awaited<ReturnType<typeof fakeSynapse>>;
    beforeAll(async () => {
      synapse = await fakeSynapse([
        { id: '!help:example.org', alias: '#help:example.org', name: HOSTILE_NAME, fixture: 'room-dumps/public-help.json' },
        { id: '!asso:example.org', name: 'Bureau', fixture: 'room-dumps/association.json' },
        { id: '!posters:example.org', fixture: 'room/few-posters/fail-fifteen.json' },
      ]);
    });
    afterAll(() => synapse.close());

    it('rooms grouped per use case, each with its members-per-server chart; the config once', async () => {
      const file = join(dir, 'server.html');
      const run = await mxlintAsync(['server', '--homeserver', synapse.url, '--timeout', '1000', '-c', fixture('examples/homeserver.yaml'), '-f', 'html', '-o', file],
        { env: { ...ADMIN_ENV, ...EPOCH } });
      expect(run.stderr).toBe('');
      const html = readFileSync(file, 'utf8');
      expect(html).not.toContain('secret-admin-token');
      const dom = inBrowser(file, 'server');
      expect(dom.match(/<article class="room"/g)).toHaveLength(3);
      expect(dom.match(/<svg class="servers"/g)).toHaveLength(3);
      expect(dom.match(/<section class="rooms-of">/g)!.length).toBeGreaterThanOrEqual(1);
      expect(dom).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(dom).toMatch(/<rect class="bar matrix-org"/);
      // Configured / applied: one row per server-wide measure, the rooms per use case above them.
      const kept = /<section id="kept">[^]*?<\/section>/.exec(dom)?.[0] ?? '';
      const rows = [...kept.matchAll(/<tr data-measure="(\w+)"><th scope="row">[^<]*<\/th><td data-status="(\w+)">[^<]*<\/td><td data-status="(\w+)">/g)].map((row) => row.slice(1).join(' '));
      expect(rows).toEqual(['localMedia fail fail', 'remoteMedia fail pass', 'ips pass pass', 'redactions pass pass']);
      expect(kept).toMatch(/<table class="kept-rooms">/);
      expect(kept).toMatch(/the least recently accessed local media dates from \S+ \(400 days ago; the media of 1 of 1 users read\), and nothing deletes it/);
    });
  });
});
