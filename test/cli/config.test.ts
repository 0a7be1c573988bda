import { mkdtempSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mxlint, ROOT } from './run.js';

const fixture = (path: string) => join(ROOT, 'fixtures', path);
const temp = () => mkdtempSync(join(tmpdir(), 'mxlint-cli-'));

describe('mxlint (the built binary)', () => {
  it('prints its version', () => {
    const run = mxlint(['--version']);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('refuses to run on Node.js older than 22 with a clear message', () => {
    if (!existsSync('/usr/bin/node')) return;
    const run = mxlint(['--version'], { node: '/usr/bin/node' });
    if (Number(process.versions.node.split('.')[0]) >= 22 && run.code === 0) return; // the system Node is recent enough here
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/needs Node\.js 22\.12 or newer/);
  });

  it('ends with a verdict table and exits 1 when a selected use case fails at error level', () => {
    const run = mxlint(['config', fixture('config/synapse-starts/pass-minimal.yaml'), '--use-case', 'chatons']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/Verdicts\n {2}unfit \(1\) {2}chatons\n\d+\serrors?, \d+\swarnings?, \d+\snotes? over 1\suse case; unfit for 1\n$/);
    expect(run.stderr).toBe('');
  });

  it('with no use case selected, exits 0 unless Synapse would not start', () => {
    expect(mxlint(['config', fixture('config/synapse-starts/pass-minimal.yaml')]).code).toBe(0);
    expect(mxlint(['config', fixture('config/synapse-starts/fail-no-report-stats.yaml')]).code).toBe(1);
  });

  it('writes versioned JSON with findings and verdicts', () => {
    const run = mxlint(['config', fixture('config/synapse-starts/pass-minimal.yaml'), '--format', 'json', '-u', 'direct', '-u', 'chatons']);
    const report = JSON.parse(run.stdout);
    expect(report.schemaVersion).toBe(2);
    expect(report.verdicts.map((v: any) => v.useCase)).toEqual(['direct', 'chatons']);
    const encryption = report.findings.find((f: any) => f.ruleId === 'encryption-by-default' && f.useCase === 'chatons');
    expect(encryption).toMatchObject({ level: 'error', status: 'fail', path: 'encryption_enabled_by_default_for_room_type', value: 'off' });
  });

  it('reports a missing file as one line with exit 2', () => {
    const run = mxlint(['config', 'no/such/homeserver.yaml']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('mxlint: no/such/homeserver.yaml: no such file or directory\n');
  });

  it('reports invalid YAML with file:line:col and no stack trace', () => {
    const dir = temp();
    writeFileSync(join(dir, 'homeserver.yaml'), 'server_name: example.org\nretention:\n  enabled: [true\n');
    const run = mxlint(['config', join(dir, 'homeserver.yaml')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`^mxlint: ${dir}/homeserver\\.yaml:\\d+:\\d+: invalid YAML`));
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).not.toMatch(/\bat .*\.js:\d+/);
  });

  it('a directory given where a rule folder is expected, or an unknown use case, is a usage error', () => {
    expect(mxlint(['config', fixture('config/synapse-starts/pass-minimal.yaml'), '-u', 'secret-room']).code).toBe(2);
    expect(mxlint(['config', '--bogus-option']).code).toBe(2);
  });

  it('finds ./homeserver.yaml when no path is given, and says so', () => {
    const dir = temp();
    writeFileSync(join(dir, 'homeserver.yaml'), 'server_name: example.org\nreport_stats: false\n');
    const run = mxlint(['config', '-u', 'direct'], { cwd: dir });
    expect(run.stderr).toMatch(/using homeserver\.yaml/);
    expect(run.stdout).toMatch(/Verdicts\n {2}\S.* direct\n/);
  });

  it('merges a conf.d directory as Synapse does (later files replace whole top-level keys)', () => {
    const dir = temp();
    mkdirSync(join(dir, 'conf.d'));
    writeFileSync(join(dir, 'homeserver.yaml'), 'server_name: example.org\nreport_stats: false\nretention:\n  enabled: true\n  default_policy:\n    max_lifetime: 1y\n');
    writeFileSync(join(dir, 'conf.d', '10-retention.yaml'), 'retention:\n  default_policy:\n    max_lifetime: 90d\n');
    writeFileSync(join(dir, 'conf.d', 'ignored.yml'), 'report_stats: true\n');
    const run = mxlint(['config', join(dir, 'homeserver.yaml'), join(dir, 'conf.d'), '--dump-facts', '--format', 'json']);
    const facts = JSON.parse(run.stdout);
    // conf.d's retention replaces the whole mapping: `enabled` is gone, so retention is off.
    expect(facts.options['retention.enabled']).toEqual({ value: false, origin: 'default' });
    expect(facts.options['retention.default_policy.max_lifetime']).toEqual({ value: '90d', origin: `${dir}/conf.d/10-retention.yaml:3:5` });
    expect(facts.options.report_stats.value).toBe(false);
  });

  it('never prints a secret, in any format', () => {
    const dir = temp();
    const secrets = ['S3cret-registration-9f2', 'S3cret-macaroon-1a7', 'S3cret-form-77b', 'S3cret-smtp-c0d', 'S3cret-db-e11'];
    writeFileSync(join(dir, 'homeserver.yaml'), [
      'server_name: example.org', 'report_stats: false',
      `registration_shared_secret: "${secrets[0]}"`, `macaroon_secret_key: ${secrets[1]}`, `form_secret: ${secrets[2]}`,
      'email:', `  smtp_pass: ${secrets[3]}`, 'database:', '  name: psycopg2', '  args:', `    password: ${secrets[4]}`,
      'registration_shared_secret_path: /etc/secret',
    ].join('\n'));
    for (const args of [[], ['--format', 'json'], ['--dump-facts'], ['--dump-facts', '--format', 'json'], ['--verbose']]) {
      const run = mxlint(['config', join(dir, 'homeserver.yaml'), '--log-level', 'debug', ...args]);
      for (const secret of secrets) {
        expect(run.stdout + run.stderr, `${args.join(' ')} leaks ${secret}`).not.toContain(secret);
      }
    }
  });
});
