// The policy file, inline suppressions, baselines and the exit gate, through the built binary.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mxlint } from '../cli/run.js';
import { ADMIN_ENV, fakeSynapse, fixture, mxlintAsync, temp } from '../report/helpers.js';
import { USE_CASE_IDS } from '../../src/engine/rules.js';
import policySchema from '../../src/policy/policy.schema.json' with { type: 'json' };
import ruleSchema from '../../rules/rule.schema.json' with { type: 'json' };

const json = (text: string) => JSON.parse(text);
const CONFIG = ['server_name: example.org', 'report_stats: false', 'retention:', '  enabled: true', '  default_policy:', '    max_lifetime: 1y', 'presence:', '  enabled: true', 'database: {name: sqlite3}', ''].join('\n');

function project(config = CONFIG, policy?: string): { dir: string; file: string } {
  const dir = temp();
  const file = join(dir, 'homeserver.yaml');
  writeFileSync(file, config);
  if (policy !== undefined) writeFileSync(join(dir, '.mxlint.yaml'), policy);
  return { dir, file };
}
const findings = (run: { stdout: string }, ruleId?: string) => json(run.stdout).findings.filter((f: any) => f.status !== 'pass' && (!ruleId || f.ruleId === ruleId));

describe('policy file', () => {
  it('is found upward from the working directory and sets the use cases; --no-policy and --policy FILE', () => {
    const { dir, file } = project(CONFIG, 'useCases: [chatons, team-chat]\n');
    const sub = join(dir, 'deploy', 'ci');
    mkdirSync(sub, { recursive: true });
    expect(json(mxlint(['config', file, '-f', 'json'], { cwd: sub }).stdout).useCases).toEqual(['chatons', 'team-chat']);
    expect(json(mxlint(['config', file, '-f', 'json', '-u', 'direct'], { cwd: sub }).stdout).useCases).toEqual(['direct']);
    expect(json(mxlint(['config', file, '-f', 'json', '--no-policy'], { cwd: sub }).stdout).useCases.length).toBeGreaterThan(2);
    writeFileSync(join(dir, 'other.yaml'), 'useCases: [anonymous]\n');
    expect(json(mxlint(['config', file, '-f', 'json', '--policy', join(dir, 'other.yaml')], { cwd: sub }).stdout).useCases).toEqual(['anonymous']);
    // Use cases from the policy count as chosen: an error-level failure exits 1.
    expect(mxlint(['config', file], { cwd: sub }).code).toBe(1);
  });

  it.each([
    ['useCases: [chaton]\n', /\.mxlint\.yaml:1:12: invalid policy: useCases\.0 must be one of: direct/],
    ['rules:\n  nope-rule:\n    level: info\n', /\.mxlint\.yaml:2:3: invalid policy: rules\.nope-rule: no rule has this id/],
    ['rules:\n  presence-off:\n    level: fatal\n', /\.mxlint\.yaml:3:5: invalid policy: rules\.presence-off\.level must be one of: error, warning, info, off/],
    ['ignore:\n  - rule: presence-off\n', /\.mxlint\.yaml:2:5: invalid policy: ignore\.0 needs "reason"/],
    ['ignore:\n  - rule: presence-off\n    reason: x\n    until: 2025-02-30x\n', /\.mxlint\.yaml:4:5: invalid policy: ignore\.0\.until must match/],
    ['rooms:\n  "!a:example.org": secret-room\n', /\.mxlint\.yaml:2:3: invalid policy: rooms\.!a:example\.org must be one of/],
    ['colour: red\n', /\.mxlint\.yaml:1:1: invalid policy: colour is not a known field/],
    ['rules:\n  retention-max-lifetime:\n    options: { maxi: 90d }\n', /\.mxlint\.yaml:3:16: invalid policy: rules\.retention-max-lifetime\.options\.maxi: the rule has no such option; its options: max/],
    ['rules:\n  retention-max-lifetime:\n    options: { max: 6 months }\n', /\.mxlint\.yaml:3:16: invalid policy: rules\.retention-max-lifetime\.options\.max: must be a duration/],
    ['rules:\n  few-posters:\n    options: { max: 3 }\n', /several checks of the rule have this option; name one: anyOf\[0\]\.max, anyOf\[1\]\.max/],
    ['rules: [\n', /\.mxlint\.yaml:\d+:\d+: invalid YAML in the policy file/],
  ])('names the file, line and field of a mistake, exit 2: %s', (policy, message) => {
    const { dir, file } = project(CONFIG, policy);
    const run = mxlint(['config', file], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('overrides levels globally and per use case, and merges options into the check', () => {
    const { dir, file } = project(CONFIG, [
      'useCases: [chatons, team-chat]',
      'rules:',
      '  presence-off:', '    level: off',
      '  retention-max-lifetime:', '    level: warning', '    levels: { chatons: error }',
      '  redaction-retention:', '    options: { max: 1h }',
    ].join('\n'));
    const run = mxlint(['config', file, '-f', 'json'], { cwd: dir });
    expect(findings(run, 'presence-off')).toEqual([]);
    expect(Object.fromEntries(findings(run, 'retention-max-lifetime').map((f: any) => [f.useCase, f.level]))).toEqual({ chatons: 'error', 'team-chat': 'warning' });
    // redaction_retention_period defaults to 7d: within the rule's own limit, not within 1h.
    expect(findings(mxlint(['config', file, '-f', 'json', '--no-policy', '-u', 'chatons'], { cwd: dir }), 'redaction-retention')).toEqual([]);
    expect(findings(run, 'redaction-retention')[0].message).toMatch(/more than 1h/);
  });

  it('maps rooms to use cases for mxlint room (by id or canonical alias)', () => {
    const dump = fixture('room/few-posters/fail-fifteen.json');
    const { dir } = project(CONFIG, 'rooms:\n  "!HuzfuWdUsyDsbsfidq:example.org": trusted-group\n');
    const run = json(mxlint(['room', '--state', dump, '-f', 'json'], { cwd: dir }).stdout);
    expect(run.useCases).toEqual(['trusted-group']);
    expect(run.findings.some((f: any) => f.ruleId === 'room-fits-declared-use-case')).toBe(true);
    expect(mxlint(['room', '--state', dump], { cwd: dir }).code).toBe(1);
  });

  describe('rooms for mxlint server', () => {
    let synapse: Awaited<ReturnType<typeof fakeSynapse>>;
    beforeAll(async () => { synapse = await fakeSynapse([{ id: '!posters:example.org', alias: '#news:example.org', fixture: 'room/few-posters/fail-fifteen.json' }]); });
    afterAll(() => synapse.close());

    it('declares a room by alias; an ignore scoped to that room suppresses its finding', async () => {
      const { dir } = project(CONFIG, 'rooms:\n  "#news:example.org": activist-broadcast\nignore:\n  - rule: few-posters\n    reason: three editors and guests\n    rooms: ["#news:example.org"]\n');
      const run = await mxlintAsync(['server', '--homeserver', synapse.url, '--timeout', '1000', '-f', 'json'], { cwd: dir, env: ADMIN_ENV });
      const report = json(run.stdout);
      expect(report.rooms[0]).toMatchObject({ roomId: '!posters:example.org', useCase: 'activist-broadcast', declared: true });
      expect(report.rooms[0].findings.map((f: any) => f.ruleId)).not.toContain('few-posters');
      expect(report.suppressed.map((f: any) => [f.ruleId, f.suppressedBy, f.reason])).toEqual([['few-posters', 'policy', 'three editors and guests']]);
    });
  });

  it('ignores a rule until its expiry date; afterwards the finding comes back with a note', () => {
    const policy = 'useCases: [chatons]\nignore:\n  - rule: presence-off\n    reason: members asked for it\n    until: 2030-06-30\n';
    const { dir, file } = project(CONFIG, policy);
    const before = mxlint(['config', file, '-f', 'json'], { cwd: dir, env: { MXLINT_TODAY: '2030-06-30' } });
    expect(findings(before, 'presence-off')).toEqual([]);
    expect(json(before.stdout).suppressed.find((f: any) => f.ruleId === 'presence-off')).toMatchObject({ suppressedBy: 'policy', reason: 'members asked for it' });
    const after = mxlint(['config', file, '-f', 'json'], { cwd: dir, env: { MXLINT_TODAY: '2030-07-01' } });
    expect(findings(after, 'presence-off')[0].message).toMatch(/\[ignored until 2030-06-30 \(expired\)\]$/);
    expect(json(after.stdout).notes).toEqual([expect.objectContaining({ ruleId: 'expired-ignore', location: expect.objectContaining({ line: 3 }) })]);
    const text = mxlint(['config', file], { cwd: dir, env: { MXLINT_TODAY: '2030-07-01', COLUMNS: '200' } }).stdout;
    expect(text).toMatch(/presence-off was ignored by the policy file until 2030-06-30; the ignore has expired/);
  });

  it('its schema lists exactly the use cases mxlint knows (as the rule schema does)', () => {
    expect(policySchema.definitions.useCaseId.enum).toEqual(USE_CASE_IDS);
    expect(ruleSchema.definitions.useCaseId.enum).toEqual(USE_CASE_IDS);
    expect(json(mxlint(['schema', 'policy']).stdout)).toEqual(policySchema);
  });
});

describe('inline suppressions', () => {
  const suppressed = CONFIG.replace('    max_lifetime: 1y', '    # mxlint-disable-next-line retention-max-lifetime,retention-not-minutes -- the members voted for a year\n\n    max_lifetime: 1y');

  it('silence the named rules on the next line, with the reason kept', () => {
    const { dir, file } = project(suppressed);
    const run = mxlint(['config', file, '-f', 'json', '-u', 'chatons'], { cwd: dir });
    expect(findings(run, 'retention-max-lifetime')).toEqual([]);
    expect(json(run.stdout).suppressed).toEqual([expect.objectContaining({ ruleId: 'retention-max-lifetime', suppressedBy: 'inline', reason: 'the members voted for a year', suppressedAt: expect.objectContaining({ line: 6 }) })]);
    // retention-not-minutes passes on that line: its half of the comment is unused.
    expect(json(run.stdout).notes).toEqual([expect.objectContaining({ ruleId: 'unused-suppression', level: 'warning', location: expect.objectContaining({ line: 6 }) })]);
    // Nothing else failing at error level for chatons on this line: the verdict is recomputed.
    expect(mxlint(['config', file, '-u', 'chatons'], { cwd: dir }).stdout).not.toMatch(/retention-max-lifetime/);
  });

  it('are ignored with --no-inline-suppressions (CI), and then report nothing unused', () => {
    const { dir, file } = project(suppressed);
    const run = mxlint(['config', file, '-f', 'json', '-u', 'chatons', '--no-inline-suppressions'], { cwd: dir });
    expect(findings(run, 'retention-max-lifetime')).toHaveLength(1);
    expect(json(run.stdout).suppressed).toBeUndefined();
    expect(json(run.stdout).notes).toBeUndefined();
  });

  it('need a reason and known rules; unused ones are warnings that --fail-on warning turns into exit 1', () => {
    const config = `${CONFIG}# mxlint-disable-next-line presence-off\npresence_extra: 1\n# mxlint-disable-next-line no-such-rule -- typo\nurl_preview_enabled: false\n# mxlint-disable-next-line url-previews-off -- nothing fails here\nmax_upload_size: 10M\n`;
    const { dir, file } = project(config, 'rules:\n  presence-off:\n    level: off\n');
    // public-help: retention-enabled fails as a warning; p.yaml turns it off to isolate the notes.
    writeFileSync(join(dir, 'p.yaml'), 'rules:\n  retention-enabled:\n    level: off\n');
    const run = mxlint(['config', file, '-f', 'json', '-u', 'public-help'], { cwd: dir });
    const notes = json(run.stdout).notes.map((note: any) => [note.ruleId, note.location.line]);
    expect(notes).toEqual([['invalid-suppression', 10], ['invalid-suppression', 12], ['unused-suppression', 14]]);
    expect(run.code).toBe(0);
    expect(mxlint(['config', file, '-u', 'public-help', '--fail-on', 'warning', '--policy', join(dir, 'p.yaml')], { cwd: dir }).code).toBe(1);
  });
});

describe('baseline', () => {
  it('records findings by stable key; then only new findings are reported and stale entries listed', () => {
    const { dir, file } = project();
    const first = mxlint(['config', file, '-u', 'chatons', '--write-baseline', 'baseline.json', '-f', 'json'], { cwd: dir });
    expect(first.code).toBe(1);
    const baseline = json(readFileSync(join(dir, 'baseline.json'), 'utf8'));
    expect(baseline.entries.map((entry: any) => entry.key)).toContain('retention-max-lifetime|chatons|homeserver.yaml|retention.default_policy.max_lifetime');

    // Same config, lines moved: nothing new, exit 0.
    writeFileSync(file, `# moved\n${CONFIG}`);
    const same = mxlint(['config', file, '-u', 'chatons', '--baseline', 'baseline.json', '-f', 'json'], { cwd: dir });
    expect(same.code).toBe(0);
    expect(findings(same)).toEqual([]);
    expect(json(same.stdout).suppressed.every((f: any) => f.suppressedBy === 'baseline')).toBe(true);

    // A new problem appears and an old one is fixed.
    writeFileSync(file, CONFIG.replace('    max_lifetime: 1y', '    max_lifetime: 90d').replace('report_stats: false', 'report_stats: false\nurl_preview_enabled: true\nurl_preview_ip_range_blacklist: []'));
    const next = mxlint(['config', file, '-u', 'chatons', '--baseline', 'baseline.json', '-f', 'json'], { cwd: dir });
    expect(findings(next).map((f: any) => f.ruleId)).toEqual(['url-previews-off']);
    expect(json(next.stdout).notes).toEqual([expect.objectContaining({ ruleId: 'stale-baseline', message: expect.stringContaining('retention-max-lifetime|chatons') })]);
    expect(mxlint(['config', file, '-u', 'chatons', '--baseline', 'baseline.json'], { cwd: dir, env: { COLUMNS: '200' } }).stdout).toMatch(/baseline entry no longer found: retention-max-lifetime\|chatons/);
  });

  it('a missing or foreign baseline is an input error', () => {
    const { dir, file } = project();
    expect(mxlint(['config', file, '--baseline', 'none.json'], { cwd: dir }).stderr).toMatch(/none\.json: baseline file not found/);
    writeFileSync(join(dir, 'x.json'), '{"a":1}');
    expect(mxlint(['config', file, '--baseline', 'x.json'], { cwd: dir }).code).toBe(2);
  });
});

describe('exit gate', () => {
  // For public-help this config fails warnings and infos, no error.
  const warnOnly = ['server_name: example.org', 'report_stats: false', 'database: {name: sqlite3}', 'url_preview_enabled: true', 'url_preview_ip_range_blacklist: []', ''].join('\n');

  it('--fail-on chooses the lowest level that exits 1; --max-warnings counts failing warnings', () => {
    const { dir, file } = project(warnOnly);
    const levels = (args: string[]) => json(mxlint(['config', file, '-f', 'json', '-u', 'public-help', ...args], { cwd: dir }).stdout).findings
      .filter((f: any) => f.status === 'fail').map((f: any) => f.level);
    const seen = levels([]);
    expect(seen).not.toContain('error');
    expect(seen).toContain('warning');
    const code = (args: string[]) => mxlint(['config', file, '-u', 'public-help', ...args], { cwd: dir }).code;
    expect(code([])).toBe(0);
    expect(code(['--fail-on', 'warning'])).toBe(1);
    expect(code(['--fail-on', 'info'])).toBe(1);
    const warnings = seen.filter((level: string) => level === 'warning').length;
    expect(code(['--max-warnings', String(warnings)])).toBe(0);
    expect(code(['--max-warnings', String(warnings - 1)])).toBe(1);
    expect(mxlint(['config', file, '--max-warnings', 'many'], { cwd: dir }).code).toBe(2);
  });

  it('--quiet prints only error-level findings', () => {
    const { dir, file } = project();
    const quiet = mxlint(['config', file, '-u', 'chatons', '-q', '-f', 'json'], { cwd: dir });
    const levels = new Set(json(quiet.stdout).findings.map((f: any) => f.level));
    expect([...levels]).toEqual(['error']);
    expect(mxlint(['config', file, '-u', 'chatons', '-q'], { cwd: dir }).stdout).not.toMatch(/! warning|i info/);
  });
});
