// The built binary's fixing commands: config --fix / --fix-dry-run, room --plan / --apply (offline
// parts), and diff. The network half of --apply is in test/e2e/room-plan.e2e.test.ts.
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mxlint, ROOT } from './run.js';

const fixture = (path: string) => join(ROOT, 'fixtures', path);
const copyOf = (name: string) => {
  const dir = mkdtempSync(join(tmpdir(), 'mxlint-cli-fix-'));
  cpSync(fixture(`fix/${name}`), dir, { recursive: true });
  return dir;
};

describe('mxlint config --fix', () => {
  it('refuses to fix without a use case, and says why', () => {
    const run = mxlint(['config', fixture('fix/commented/homeserver.yaml'), '--fix']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/-u .*use cases want opposite things/);
  });

  it('prints a unified diff for --fix-dry-run and changes nothing', () => {
    const dir = copyOf('commented');
    const file = join(dir, 'homeserver.yaml');
    const before = readFileSync(file, 'utf8');
    const run = mxlint(['config', file, '-u', 'chatons', '--fix-dry-run']);
    expect(run.stdout).toMatch(/^--- a\/.*homeserver\.yaml\n\+\+\+ b\/.*homeserver\.yaml\n@@ /);
    expect(run.stdout).toContain('-report_stats: "yes"\n+report_stats: false\n');
    expect(run.stdout).toMatch(/Verdicts \(predicted\)\n\s+chatons\s+unfit → fit with warnings/);
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(run.code).toBe(0);
  });

  it('fixes, judges again, and changes nothing the second time', () => {
    const dir = copyOf('confd');
    const args = ['config', join(dir, 'homeserver.yaml'), join(dir, 'conf.d'), '-u', 'chatons', '--fix', '-f', 'json'];
    const first = JSON.parse(mxlint(args).stdout);
    expect(first.mode).toBe('written');
    expect(first.files.map((file: { path: string }) => file.path.slice(dir.length + 1))).toEqual(['homeserver.yaml', 'conf.d/10-retention.yaml', 'conf.d/20-report-stats.yaml']);
    expect(first.verdicts).toEqual([{ useCase: 'chatons', before: 'unfit', after: 'fit-with-warnings' }]);
    const second = mxlint(args);
    expect(JSON.parse(second.stdout).files).toEqual([]);
    expect(second.code).toBe(0);
  });

  it('supports text and json only', () => {
    const run = mxlint(['config', fixture('fix/commented/homeserver.yaml'), '-u', 'chatons', '--fix-dry-run', '-f', 'sarif']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/prints text or json/);
  });
});

describe('mxlint room --plan', () => {
  const dump = fixture('room-dumps/public-help.json');

  it('prints the events to send, marking the irreversible ones', () => {
    const run = mxlint(['room', '--state', dump, '-u', 'trusted-group', '--plan']);
    expect(run.stdout).toMatch(/m\.room\.encryption \(state key ""\)\s+IRREVERSIBLE: once on, encryption cannot be turned off/);
    expect(run.stdout).toMatch(/m\.room\.join_rules \(state key ""\)[^\n]*\n\s+join_rule: "public" → "invite"/);
    expect(run.stdout).toMatch(/room directory: public → private/);
    const json = JSON.parse(mxlint(['room', '--state', dump, '-u', 'trusted-group', '--plan', '-f', 'json']).stdout);
    expect(json.steps.find((step: { type?: string }) => step.type === 'm.room.join_rules').content).toEqual({ join_rule: 'invite' });
  });

  it('needs a use case, and a homeserver to apply', () => {
    expect(mxlint(['room', '--state', dump, '--plan']).stderr).toMatch(/need the use case the room is meant for/);
    const apply = mxlint(['room', '--state', dump, '-u', 'trusted-group', '--apply', '--yes']);
    expect(apply.code).toBe(2);
    expect(apply.stderr).toMatch(/a state dump cannot be changed/);
  });
});

describe('mxlint diff', () => {
  it('exits 1 when a verdict gets worse, 0 when none does', () => {
    const dir = copyOf('commented');
    const fixed = join(dir, 'homeserver.yaml');
    mxlint(['config', fixed, '-u', 'chatons', '--fix']);
    const worse = mxlint(['diff', fixed, fixture('fix/commented/homeserver.yaml'), '-u', 'chatons']);
    expect(worse.code).toBe(1);
    expect(worse.stdout).toMatch(/chatons\s+fit with warnings → unfit\s+\(worse\)/);
    expect(worse.stdout).toMatch(/New findings \(\d+\)\n\s+\+ /);
    const better = mxlint(['diff', '--old', fixture('fix/commented/homeserver.yaml'), '--new', fixed, '-u', 'chatons', '-f', 'markdown']);
    expect(better.code).toBe(0);
    expect(better.stdout).toContain('| chatons | unfit | fit with warnings | ✅ better |');
    expect(better.stdout).toMatch(/\*\*Gone\*\* \(\d+\)/);
  });

  it('compares conf.d set-ups given with --old and --new', () => {
    const dir = copyOf('confd');
    const json = JSON.parse(mxlint(['diff', '--old', fixture('fix/confd/homeserver.yaml'), '--old', fixture('fix/confd/conf.d'),
      '--new', join(dir, 'homeserver.yaml'), '--new', join(dir, 'conf.d'), '-f', 'json']).stdout);
    expect(json.worse).toBe(false);
    expect(json.appeared).toEqual([]);
  });

  it('needs two configs', () => {
    const run = mxlint(['diff', fixture('fix/commented/homeserver.yaml')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/give two configs/);
  });
});
