// mxlint on every real homeserver.yaml collected in ../shared/fixtures/real (read in place):
// no crash, a report or a clean input error for each; and findings checked by reading the files.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintConfig } from '../../src/lint-config.js';
import { InputError } from '../../src/errors.js';
import { mxlint } from '../cli/run.js';

const dir = join(import.meta.dirname, '../../../shared/fixtures/real/homeserver');
const real = (name: string) => join(dir, name);
const withConfd = (name: string) => {
  const confd = real(name.replace(/\.yaml$/, '.conf.d'));
  return existsSync(confd) ? [real(name), confd] : [real(name)];
};
const configs = existsSync(dir) ? readdirSync(dir).filter((name) => name.endsWith('.yaml')).sort() : [];

function finding(paths: string[], ruleId: string, useCase: string) {
  const report = lintConfig(paths, { useCases: [useCase] });
  const found = report.findings.filter((f) => f.ruleId === ruleId && f.useCase === useCase);
  expect(found.length, `${ruleId} for ${useCase}`).toBeGreaterThan(0);
  return found;
}

describe.skipIf(configs.length === 0)('every real config', () => {
  it.each(configs)('%s: a report or a clean input error', (name) => {
    try {
      const report = lintConfig(withConfd(name));
      expect(report.verdicts).toHaveLength(12);
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).oneLine()).toMatch(new RegExp(`^${dir}/${name.replace('.', '\\.')}:\\d+:\\d+: invalid YAML`));
    }
  });
});

describe.skipIf(configs.length === 0)('findings checked by reading the real configs', () => {
  it('14-telecrypt: federation_domain_whitelist: [] is no federation; no server_name in this partial file', () => {
    const paths = [real('14-telecrypt-nofed.yaml')];
    expect(finding(paths, 'federation-closed', 'action')[0]).toMatchObject({ status: 'pass' });
    expect(finding(paths, 'federation-limited', 'trusted-group')[0].message).toMatch(/federates with no one/);
    expect(finding(paths, 'synapse-starts', 'chatons').map((f) => f.message).join('\n')).toMatch(/server_name is missing/);
  });

  it('24-grantm: IPs and redacted content kept forever (null), encryption off, private notaries', () => {
    const paths = [real('24-grantm-private-federation.yaml')];
    expect(finding(paths, 'user-ips-max-age', 'chatons')[0]).toMatchObject({ status: 'fail', location: { line: 29 } });
    expect(finding(paths, 'redaction-retention', 'chatons')[0]).toMatchObject({ status: 'fail', location: { line: 28 } });
    expect(finding(paths, 'encryption-by-default', 'chatons')[0]).toMatchObject({ status: 'fail', value: 'off', location: { line: 93 } });
    expect(finding(paths, 'key-servers-avoid-matrix-org', 'chatons')[0]).toMatchObject({ status: 'pass' });
    expect(finding(paths, 'federation-avoids-matrix-org', 'trusted-group')[0]).toMatchObject({ status: 'pass' });
  });

  it('15-beacon: one-day retention and IPs pass; ${SERVER_NAME} leaves start-up unknown, not failed', () => {
    const paths = [real('15-beacon-p2p-retention.yaml')];
    expect(finding(paths, 'retention-max-lifetime', 'chatons')[0]).toMatchObject({ status: 'pass', value: '1d' });
    expect(finding(paths, 'user-ips-short', 'anonymous')[0]).toMatchObject({ status: 'pass' });
    const starts = finding(paths, 'synapse-starts', 'chatons');
    expect(starts.some((f) => f.status === 'unknown' && /SERVER_NAME/.test(f.message))).toBe(true);
  });

  it('08-arcticfoxes + conf.d: retention turned off in conf.d/retention.yaml, sign-up by token, 30-day redactions', () => {
    const paths = withConfd('08-arcticfoxes-confd.yaml');
    const retention = finding(paths, 'retention-enabled', 'chatons')[0];
    expect(retention).toMatchObject({ status: 'fail', value: false });
    expect(retention.location?.file).toMatch(/08-arcticfoxes-confd\.conf\.d\/retention\.yaml$/);
    expect(finding(paths, 'registration-gated', 'chatons')[0]).toMatchObject({ status: 'pass' });
    expect(finding(paths, 'redaction-retention', 'chatons')[0]).toMatchObject({ status: 'fail', value: '30d' });
  });

  it('05-yunohost: encryption on invite, but matrix.org advertised as identity server and URL previews on', () => {
    const paths = [real('05-yunohost-synapse-ynh-rendered.yaml')];
    expect(finding(paths, 'encryption-by-default', 'chatons')[0]).toMatchObject({ status: 'pass', value: 'invite' });
    expect(finding(paths, 'no-default-identity-server', 'chatons')[0]).toMatchObject({ status: 'fail', value: 'https://matrix.org', location: { line: 465 } });
    expect(finding(paths, 'no-3pid-lookup', 'chatons')[0]).toMatchObject({ status: 'pass' });
    expect(finding(paths, 'url-previews-off', 'trusted-group')[0]).toMatchObject({ status: 'fail', location: { line: 324 } });
  });

  it('16-workadventure: guests allowed (fits pseudonymous, not a trusted group), stats reported', () => {
    const paths = [real('16-workadventure-guest-oidc.yaml')];
    expect(finding(paths, 'guest-access-available', 'pseudonymous')[0]).toMatchObject({ status: 'pass' });
    expect(finding(paths, 'guest-access-off', 'trusted-group')[0]).toMatchObject({ status: 'fail', location: { line: 85 } });
    expect(finding(paths, 'no-report-stats', 'chatons')[0]).toMatchObject({ status: 'fail', location: { line: 29 } });
  });

  it('13-automattic: the Slack bridge is listed; the Dimension integration manager is not a bridge', () => {
    const paths = [real('13-automattic-matrix-env.yaml')];
    const bridges = finding(paths, 'bridges-listed', 'team-chat')[0];
    expect(bridges.status === 'fail' || bridges.status === 'unknown').toBe(true);
    expect(bridges.message).toMatch(/slack/i);
    expect(bridges.message).not.toMatch(/dimension \(/i);
  });

  it('40-generated: what every new Synapse starts with fails the guide (matrix.org notary, no encryption by default)', () => {
    const paths = [real('40-synapse-1.160-generated.yaml')];
    expect(finding(paths, 'key-servers-avoid-matrix-org', 'chatons')[0]).toMatchObject({ status: 'fail' });
    expect(finding(paths, 'encryption-by-default', 'chatons')[0]).toMatchObject({ status: 'fail', value: 'off' });
    expect(finding(paths, 'synapse-starts', 'chatons')[0]).toMatchObject({ status: 'pass' });
  });

  it('22-robertdwhite: an empty retention: section means retention off; the database password is never printed', () => {
    const paths = [real('22-robertdwhite-privacy-template.yaml')];
    expect(finding(paths, 'retention-enabled', 'chatons')[0]).toMatchObject({ status: 'fail', value: false });
    for (const args of [['--format', 'json'], ['--dump-facts', '--format', 'json'], ['--format', 'sarif']]) {
      const run = mxlint(['config', ...paths, ...args]);
      expect(run.stdout + run.stderr).not.toContain('SAME-PASSWORD-DEFINED-IN-DOCKERCOMPOSE');
    }
  });
});
