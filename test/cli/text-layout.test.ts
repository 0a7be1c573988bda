// The text report on the built binary: each problem once with its use cases beside it, the
// verdicts as a matrix, one summary line; it fits the width (80 on a pipe, COLUMNS when set).
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { mxlint, ROOT } from './run.js';

const REAL = join(ROOT, '../shared/fixtures/real/homeserver');
const GENERATED = join(REAL, '40-synapse-1.160-generated.yaml');
const width = (text: string) => Math.max(...text.split('\n').map((line) => [...line].length));

interface Block { group: string; ruleId: string; messages: string[] }

/** Blocks of the text report: group heading, rule, and each message (with its continuation lines). */
function blocks(text: string): Block[] {
  const out: Block[] = [];
  let group = '';
  for (const line of text.split('\n')) {
    if (/^\S/.test(line)) { group = line; continue; }
    const head = /^ {2}[✗!i?✓] (\S+)/.exec(line);
    if (head) { out.push({ group, ruleId: head[1], messages: [] }); continue; }
    const block = out.at(-1);
    if (!block || block.group !== group) continue;
    if (/^ {4}\S/.test(line) && !/^ {4}(fix|error|warning|info):/.test(line)) block.messages.push(line.trim());
    else if (/^ {5,}\S/.test(line) && block.messages.length && !/^ {9}/.test(line)) block.messages[block.messages.length - 1] += ` ${line.trim()}`;
  }
  return out;
}

describe.runIf(existsSync(GENERATED))('text report layout', () => {
  it("Synapse 1.160's generated config: at most 120 lines at 80 columns, every failing rule + path exactly once", () => {
    const text = mxlint(['config', GENERATED], { env: { COLUMNS: '80' } }).stdout;
    const json = JSON.parse(mxlint(['config', GENERATED, '-f', 'json']).stdout);
    const lines = text.trimEnd().split('\n');
    expect(lines.length).toBeLessThanOrEqual(120);
    expect(width(text)).toBeLessThanOrEqual(80);
    const parsed = blocks(text);
    const keys = new Map<string, any>();
    for (const finding of json.findings.filter((f: any) => f.status !== 'pass')) keys.set(`${finding.ruleId}|${finding.path ?? ''}|${finding.location?.line ?? ''}`, finding);
    expect(keys.size).toBeGreaterThan(10);
    for (const finding of keys.values()) {
      const group = finding.location ? relative(ROOT, finding.location.file) : "Options not set (Synapse's defaults)";
      const messages = parsed.filter((block) => block.ruleId === finding.ruleId && block.group === group).flatMap((block) => block.messages);
      const matching = finding.location
        ? messages.filter((message) => message.startsWith(`${finding.location.line}:${finding.location.column} `))
        : messages.filter((message) => message.includes(finding.path));
      expect(matching, `${finding.ruleId} ${finding.path}`).toHaveLength(1);
    }
    // The summary counts the same problems, by their worst level.
    const summary = /^(\d+)\serrors?, (\d+)\swarnings?, (\d+)\snotes? over 12\suse cases; unfit for (\d+)$/.exec(lines.at(-1)!);
    expect(summary).not.toBeNull();
    expect(Number(summary![1]) + Number(summary![2]) + Number(summary![3])).toBe(keys.size);
    expect(Number(summary![4])).toBe(json.verdicts.filter((v: any) => v.verdict === 'unfit').length);
    // The verdict matrix names every use case once.
    const matrix = text.slice(text.lastIndexOf('\nVerdicts\n'));
    for (const verdict of json.verdicts) expect(matrix.match(new RegExp(`[ ,]${verdict.useCase}(,|\\n)`, 'g')), verdict.useCase).toHaveLength(1);
  });

  it('-u narrows the report to the use cases asked; --quiet keeps errors; -v adds passing checks', () => {
    const one = mxlint(['config', GENERATED, '-u', 'chatons']).stdout;
    expect(one).toMatch(/ over 1\suse case; unfit for 1\n$/);
    expect(one).not.toMatch(/team-chat/);
    const quiet = mxlint(['config', GENERATED, '--quiet']).stdout;
    expect(quiet).not.toMatch(/^ {2}[!i?] /m);
    expect(quiet).toMatch(/^ {2}✗ encryption-by-default/m);
    const verbose = mxlint(['config', GENERATED, '-v']).stdout;
    expect(verbose).toMatch(/^ {2}✓ synapse-starts/m);
    expect(verbose.split('\n').length).toBeGreaterThan(one.split('\n').length);
  });

  it('wraps to COLUMNS; colours only with FORCE_COLOR off a terminal, never with NO_COLOR alone', () => {
    const narrow = mxlint(['config', GENERATED], { env: { COLUMNS: '60' } }).stdout;
    expect(width(narrow)).toBeLessThanOrEqual(60);
    expect(narrow).not.toContain('\u001b[');
    const forced = mxlint(['config', GENERATED], { env: { FORCE_COLOR: '1' } }).stdout;
    expect(forced).toContain('\u001b[31m✗\u001b[0m');
    expect(mxlint(['config', GENERATED], { env: { FORCE_COLOR: '0' } }).stdout).not.toContain('\u001b[');
  });

  it('room: the classification first, then each failing rule + state event once, within 80 columns', () => {
    const dump = join(ROOT, 'fixtures/room-dumps/association.json');
    const text = mxlint(['room', '--state', dump]).stdout;
    const json = JSON.parse(mxlint(['room', '--state', dump, '-f', 'json']).stdout);
    expect(width(text)).toBeLessThanOrEqual(80);
    expect(text.split('\n')[0]).toBe(`Room ${json.roomId}`);
    expect(text.split('\n')[1]).toMatch(/^ {2}fits: association/);
    const failing = new Set(json.findings.filter((f: any) => f.status !== 'pass').map((f: any) => f.ruleId));
    for (const ruleId of failing) expect(text.match(new RegExp(`^ {2}[✗!i?] ${ruleId}(  |$)`, 'gm')), ruleId as string).toHaveLength(1);
    expect(text).toMatch(/over 10\suse cases; unfit for \d+\n$/);
  });

  it.each(['41-debian-sid-package-1.160.yaml', '05-yunohost-synapse-ynh-rendered.yaml'])('%s: no line past 80 columns', (name) => {
    const text = mxlint(['config', join(REAL, name)]).stdout;
    expect(width(text)).toBeLessThanOrEqual(80);
    expect(text).toMatch(/^\d+\serrors?, .* over 12\suse cases/m);
  });
});
