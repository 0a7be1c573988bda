// `mxlint config --fix` on hand-written configs with comments (fixtures/fix): the fixed file differs
// from the original only in the fixed keys, the rules then pass, and a second run changes nothing.
import { chmodSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, lstatSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { diffLines } from 'diff';
import { loadRules } from '../../src/engine/rules.js';
import { lintConfig } from '../../src/lint-config.js';
import { InputError } from '../../src/errors.js';
import { planConfigFix, writeConfigFix } from '../../src/fix/config-fix.js';
import { writeFilesAtomically } from '../../src/fix/atomic-write.js';
import { unifiedDiff } from '../../src/fix/format-fix.js';

const FIXTURES = resolve(import.meta.dirname, '../../fixtures/fix');
const scratch = mkdtempSync(join(tmpdir(), 'mxlint-fix-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const rules = loadRules();
let copies = 0;

/** A private copy of a fixture directory. */
function copy(name: string): string {
  const dir = join(scratch, `${name}-${(copies += 1)}`);
  cpSync(join(FIXTURES, name), dir, { recursive: true });
  return dir;
}

/** The diff as lists of removed and added lines. */
function changedLines(before: string, after: string): { removed: string[]; added: string[] } {
  const parts = diffLines(before, after);
  const lines = (kind: 'added' | 'removed') => parts.filter((part) => part[kind]).flatMap((part) => part.value.split('\n').filter(Boolean));
  return { removed: lines('removed'), added: lines('added') };
}

const failing = (paths: string[], useCases: string[]) =>
  lintConfig(paths, { useCases, rules }).findings.filter((finding) => finding.status !== 'pass' && finding.level !== 'info').map((finding) => finding.ruleId);

describe('--fix on a commented homeserver.yaml', () => {
  it('changes the fixed keys and nothing else', () => {
    const dir = copy('commented');
    const file = join(dir, 'homeserver.yaml');
    const original = readFileSync(file, 'utf8');
    const fix = planConfigFix([file], { useCases: ['chatons'], rules });
    expect(readFileSync(file, 'utf8')).toBe(original); // planning writes nothing
    writeConfigFix(fix);
    const fixed = readFileSync(file, 'utf8');
    expect(changedLines(original, fixed)).toEqual({
      removed: [
        'report_stats: "yes"',
        'sentry:',
        '  dsn: "https://key@sentry.example.net/1"   # the project\'s DSN',
        'encryption_enabled_by_default_for_room_type: off',
        'user_ips_max_age: 1y',
        'redaction_retention_period: 30d',
        'default_identity_server: https://vector.im',
        'enable_3pid_lookup: true',
        '  enabled: false',
      ],
      added: [
        'report_stats: false',
        '# sentry:',
        '  # dsn: "https://key@sentry.example.net/1"   # the project\'s DSN',
        'encryption_enabled_by_default_for_room_type: invite',
        'user_ips_max_age: 28d',
        'redaction_retention_period: 7d',
        '# default_identity_server: https://vector.im',
        'enable_3pid_lookup: false',
        '  enabled: true',
        '  default_policy:',
        '    max_lifetime: 180d',
        '  allowed_lifetime_max: 180d',
        'forget_rooms_on_leave: true',
        'forgotten_room_retention_period: 7d',
        'media_retention:',
        '  local_media_lifetime: 180d',
        '  remote_media_lifetime: 90d',
      ],
    });
    // Every comment and blank line is still there, in order.
    const kept = (text: string) => text.split('\n').filter((line) => line.trim() === '' || /^\s*# /.test(line) && !/^\s*# (sentry|dsn|default_identity_server)/.test(line));
    expect(kept(fixed)).toEqual(kept(original));
  });

  it('makes the fixed rules pass, predicts the verdict, and lists what it leaves to a person', () => {
    const file = join(copy('commented'), 'homeserver.yaml');
    const fix = planConfigFix([file], { useCases: ['chatons'], rules });
    writeConfigFix(fix);
    const fixedRules = fix.files.flatMap((changed) => changed.leaves.flatMap((leaf) => leaf.ruleIds));
    expect(fixedRules).toEqual(expect.arrayContaining(['retention-enabled', 'no-report-stats', 'encryption-by-default']));
    expect(failing([file], ['chatons']).filter((id) => fixedRules.includes(id))).toEqual([]);
    const relinted = lintConfig([file], { useCases: ['chatons'], rules });
    expect(relinted.verdicts).toEqual(fix.after.verdicts);
    expect(fix.before.verdicts[0].verdict).toBe('unfit');
    expect(relinted.verdicts[0].verdict).toBe('fit-with-warnings');
    // The terms of service are a decision, not a guess.
    expect(fix.selection.decisions.map((item) => item.ruleId)).toContain('registration-terms');
    expect(fix.stillFailing).toEqual([]);
  });

  it('is idempotent: a second run changes nothing', () => {
    const file = join(copy('commented'), 'homeserver.yaml');
    writeConfigFix(planConfigFix([file], { useCases: ['chatons', 'team-chat'], rules }));
    const once = readFileSync(file, 'utf8');
    const again = planConfigFix([file], { useCases: ['chatons', 'team-chat'], rules });
    expect(again.files).toEqual([]);
    writeConfigFix(again);
    expect(readFileSync(file, 'utf8')).toBe(once);
  });

  it('prints a unified diff for the dry run', () => {
    const file = join(copy('commented'), 'homeserver.yaml');
    const diff = unifiedDiff(planConfigFix([file], { useCases: ['chatons'], rules })).text;
    expect(diff).toMatch(/^--- a\/.*homeserver\.yaml\n\+\+\+ b\/.*homeserver\.yaml\n@@ /);
    expect(diff).toContain('\n-report_stats: "yes"\n+report_stats: false\n');
  });

  it('refuses to fix without a use case', () => {
    const file = join(copy('commented'), 'homeserver.yaml');
    expect(() => planConfigFix([file], { useCases: [], rules })).toThrow(InputError);
    expect(() => planConfigFix([file], { useCases: [], rules })).toThrow(/use cases want opposite things/);
  });
});

describe('--fix on a conf.d set-up (Synapse replaces whole top-level mappings)', () => {
  it('edits a key in the file that defines its section, adds missing keys to the main file', () => {
    const dir = copy('confd');
    const paths = [join(dir, 'homeserver.yaml'), join(dir, 'conf.d')];
    const fix = planConfigFix(paths, { useCases: ['chatons'], rules });
    const byFile = Object.fromEntries(fix.files.map((file) => [file.path.slice(dir.length + 1), file.leaves.map((leaf) => leaf.path.join('.'))]));
    expect(byFile['conf.d/10-retention.yaml']).toEqual(['retention.default_policy.max_lifetime', 'retention.allowed_lifetime_max']);
    expect(byFile['conf.d/20-report-stats.yaml']).toEqual(['report_stats']);
    expect(byFile['homeserver.yaml']).toEqual(expect.arrayContaining(['encryption_enabled_by_default_for_room_type', 'media_retention.local_media_lifetime']));
    expect(byFile['homeserver.yaml']).not.toContain('retention.default_policy.max_lifetime');
    writeConfigFix(fix);
    const { config } = lintConfig(paths, { useCases: ['chatons'], rules }).facts;
    // The fragment's own retention keys are kept next to the new ones.
    expect(config.retention).toEqual({ enabled: true, purge_jobs: [{ interval: '1d' }], default_policy: { max_lifetime: '180d' }, allowed_lifetime_max: '180d' });
    expect(planConfigFix(paths, { useCases: ['chatons'], rules }).files).toEqual([]);
  });

  it('adds missing keys to a new fragment given with --fix-target, with the main file\'s permissions', () => {
    const dir = copy('confd');
    chmodSync(join(dir, 'homeserver.yaml'), 0o640);
    const paths = [join(dir, 'homeserver.yaml'), join(dir, 'conf.d')];
    const target = join(dir, 'conf.d', '99-mxlint.yaml');
    const main = readFileSync(paths[0], 'utf8');
    const fix = planConfigFix(paths, { useCases: ['chatons'], rules, target });
    expect(fix.files.map((file) => file.path)).toEqual([join(dir, 'conf.d/10-retention.yaml'), join(dir, 'conf.d/20-report-stats.yaml'), target]);
    expect(fix.files[2].created).toBe(true);
    writeConfigFix(fix);
    expect(readFileSync(paths[0], 'utf8')).toBe(main);
    expect(statSync(target).mode & 0o777).toBe(0o640);
    expect(readFileSync(target, 'utf8')).toMatch(/^encryption_enabled_by_default_for_room_type: invite\n/);
    // retention stays in 10-retention.yaml: in 99-mxlint.yaml it would replace that mapping whole.
    expect(readFileSync(target, 'utf8')).not.toMatch(/^retention:/m);
    expect(failing(paths, ['chatons'])).not.toContain('retention-max-lifetime');
    expect(planConfigFix(paths, { useCases: ['chatons'], rules, target }).files).toEqual([]);
  });

  it('refuses a --fix-target Synapse would not read', () => {
    const dir = copy('confd');
    const paths = [join(dir, 'homeserver.yaml'), join(dir, 'conf.d')];
    expect(() => planConfigFix(paths, { useCases: ['chatons'], rules, target: join(dir, 'elsewhere.yaml') })).toThrow(/--fix-target must be one of the files read/);
    expect(() => planConfigFix(paths, { useCases: ['chatons'], rules, target: join(dir, 'conf.d', 'x.yml') })).toThrow(InputError);
  });
});

describe('use cases that want different values', () => {
  const write = (text: string) => {
    const dir = join(scratch, `inline-${(copies += 1)}`);
    cpSync(join(FIXTURES, 'commented'), dir, { recursive: true });
    const file = join(dir, 'homeserver.yaml');
    writeFileSync(file, text);
    return file;
  };

  it('keeps a value that satisfies every rule involved', () => {
    const file = write('server_name: a.example\nreport_stats: false\nuser_ips_max_age: 1y\n');
    const fix = planConfigFix([file], { useCases: ['chatons', 'anonymous'], rules });
    const leaf = fix.files[0].leaves.find((candidate) => candidate.path[0] === 'user_ips_max_age')!;
    expect(leaf.value).toBe('1d'); // 1d is at most 28d (chatons) and at most 1d (anonymous)
    expect(leaf.ruleIds.sort()).toEqual(['user-ips-max-age', 'user-ips-short']);
    expect(fix.clashes).toEqual([]);
  });

  it('writes nothing for a key the use cases disagree on, and says so', () => {
    const file = write('server_name: a.example\nreport_stats: false\nallow_guest_access: true\n');
    const fix = planConfigFix([file], { useCases: ['trusted-group', 'pseudonymous'], rules, minLevel: 'info' });
    // Fixing guests for one use case breaks the other's rule: nothing is written, both wants are shown.
    expect(fix.clashes).toEqual([{ path: ['allow_guest_access'], wants: expect.arrayContaining([
      { ruleIds: ['guest-access-off'], useCases: ['trusted-group'], value: false },
      { ruleIds: ['guest-access-available'], useCases: ['pseudonymous'], value: true },
    ]) }]);
    expect(fix.files.flatMap((changed) => changed.leaves).some((leaf) => leaf.path[0] === 'allow_guest_access')).toBe(false);
  });
});

describe('writing', () => {
  it('keeps permissions and follows a symbolic link, leaving the link in place', () => {
    const dir = copy('commented');
    const real = join(dir, 'homeserver.yaml');
    chmodSync(real, 0o600);
    const link = join(dir, 'link.yaml');
    symlinkSync(real, link);
    writeConfigFix(planConfigFix([link], { useCases: ['chatons'], rules }));
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(statSync(real).mode & 0o777).toBe(0o600);
    expect(readFileSync(real, 'utf8')).toContain('report_stats: false');
  });

  it('writes all files or none, and leaves no temporary file behind', () => {
    const dir = copy('commented');
    const file = join(dir, 'homeserver.yaml');
    const original = readFileSync(file, 'utf8');
    expect(() => writeFilesAtomically([
      { path: file, text: 'changed: true\n' },
      { path: join(dir, 'missing-dir', 'x.yaml'), text: 'x: 1\n' },
    ])).toThrow();
    expect(readFileSync(file, 'utf8')).toBe(original);
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    expect(existsSync(join(dir, 'missing-dir'))).toBe(false);
  });

  it('names its temporary files so that a conf.d never reads them', () => {
    const dir = copy('confd');
    const paths = [join(dir, 'homeserver.yaml'), join(dir, 'conf.d')];
    writeConfigFix(planConfigFix(paths, { useCases: ['chatons'], rules }));
    expect(readdirSync(join(dir, 'conf.d')).sort()).toEqual(['10-retention.yaml', '20-report-stats.yaml']);
  });
});
