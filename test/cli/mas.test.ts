// The built binary on a server that delegates sign-up to Matrix Authentication Service: MAS files
// read from --mas-config or MAS_CONFIG, the sign-up rules judged on them, files of other shapes
// refused in one line. The real MAS configs are read in place, each paired with a hand-written
// homeserver.yaml that enables MAS.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mxlint, ROOT } from './run.js';

const HOMESERVER = join(ROOT, 'fixtures/mas/homeserver.yaml');
const REAL = join(ROOT, '../shared/fixtures/real/mas');
const MERGED = join(ROOT, 'fixtures/config/registration-gated/pass-mas-merged-token/mas');
const SIGNUP_RULES = ['registration-email-optional', 'no-phone-registration', 'no-google-recaptcha', 'registration-gated', 'registration-terms'];

interface Finding { ruleId: string; status: string; message: string; location?: { file: string; line: number } }
const signup = (args: string[], env?: Record<string, string>) => {
  const run = mxlint(['config', HOMESERVER, ...args, '-u', 'chatons', '-f', 'json'], { env });
  const findings = (JSON.parse(run.stdout).findings as Finding[]).filter((finding) => SIGNUP_RULES.includes(finding.ruleId));
  return { run, findings: findings.map((finding) => [finding.ruleId, finding.status, finding.location ? `${finding.location.file.split('/').pop()}:${finding.location.line}` : null]) };
};

describe('mxlint config --mas-config: the real MAS configs', () => {
  it('01 (SSO only, one Keycloak upstream): the upstream creates accounts, no terms', () => {
    expect(signup(['--mas-config', join(REAL, '01-binaryvanguard-keycloak-sso.yaml')]).findings).toEqual([
      ['registration-gated', 'unknown', '01-binaryvanguard-keycloak-sso.yaml:47'],
      ['registration-terms', 'fail', null],
    ]);
  });

  it('05 (password registration with a token, no e-mail): gated, e-mail optional, no captcha, no terms', () => {
    // MAS 1.22 reads account.password_registration_token_required (registration_token_required is its older name).
    expect(signup(['--mas-config', join(REAL, '05-potemkin-salt-split-base.yaml')]).findings).toEqual([
      ['no-google-recaptcha', 'pass', null],
      ['registration-email-optional', 'pass', '05-potemkin-salt-split-base.yaml:32'],
      ['registration-gated', 'pass', '05-potemkin-salt-split-base.yaml:31'],
      ['registration-terms', 'fail', '05-potemkin-salt-split-base.yaml:46'],
    ]);
  });

  it('06 (no account section): MAS defaults, password registration closed', () => {
    expect(signup(['--mas-config', join(REAL, '06-kimsokhom-railway-inline-secrets.yaml')]).findings).toEqual([['registration-gated', 'pass', null]]);
  });

  it('the two configs compared: a placeholder is unknown, an absent matrix.homeserver is MAS\'s default, a URL is no server name', () => {
    const agreement = (name: string) => {
      const run = mxlint(['config', HOMESERVER, '--mas-config', join(REAL, name), '-u', 'chatons', '-f', 'json']);
      return (JSON.parse(run.stdout).findings as Finding[]).filter((finding) => finding.ruleId === 'mas-synapse-agree').map((finding) => [finding.status, finding.location?.line ?? null]);
    };
    expect(agreement('01-binaryvanguard-keycloak-sso.yaml')).toEqual([['unknown', 21]]);
    // 05's matrix section lives in a companion file (secrets.json) that is not in the corpus.
    expect(agreement('05-potemkin-salt-split-base.yaml')).toEqual([['fail', null]]);
    expect(agreement('06-kimsokhom-railway-inline-secrets.yaml')).toEqual([['fail', 25]]);
  });

  it('upstream providers: 01\'s Keycloak issuer is a placeholder, so who it is stays unknown', () => {
    const thirdParty = (name: string) => (JSON.parse(mxlint(['config', HOMESERVER, '--mas-config', join(REAL, name), '-u', 'chatons', '-f', 'json']).stdout).findings as Finding[])
      .filter((finding) => finding.ruleId === 'mas-upstream-third-party').map((finding) => [finding.status, finding.location?.line ?? null]);
    expect(thirdParty('01-binaryvanguard-keycloak-sso.yaml')).toEqual([['unknown', 48]]);
    expect(thirdParty('05-potemkin-salt-split-base.yaml')).toEqual([['pass', null]]);
  });

  it('every key of the three readable real MAS configs is one MAS 1.22 reads', () => {
    for (const name of ['01-binaryvanguard-keycloak-sso.yaml', '05-potemkin-salt-split-base.yaml', '06-kimsokhom-railway-inline-secrets.yaml']) {
      const run = mxlint(['config', HOMESERVER, '--mas-config', join(REAL, name), '-u', 'chatons', '-f', 'json']);
      expect((JSON.parse(run.stdout).findings as Finding[]).filter((finding) => finding.ruleId === 'mas-known-keys').map((finding) => finding.status), name).toEqual(['pass']);
    }
  });

  it.each([
    ['02-rumpusroom-google-discord-token.yaml', /02-rumpusroom-google-discord-token\.yaml:44:1: invalid YAML/],
    ['03-nycmesh-ess-email-allowlist.yaml', /03-nycmesh-ess-email-allowlist\.yaml: an Element Server Suite Helm values file, not a MAS config: give/],
    ['04-laur1dor-mdad-vars.yaml', /04-laur1dor-mdad-vars\.yaml: a matrix-docker-ansible-deploy vars.yml, not a MAS config: give/],
  ])('%s: one line saying what is wrong, exit 2', (name, message) => {
    const run = mxlint(['config', HOMESERVER, '--mas-config', join(REAL, name)]);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(message);
  });
});

describe('mxlint config: which MAS files are read', () => {
  it('MAS_CONFIG (colon-separated) is read as --mas-config is, the files merged in order', () => {
    const files = [join(MERGED, 'config.yaml'), join(MERGED, 'config-2.yaml')];
    const fromFlags = signup(files.flatMap((file) => ['--mas-config', file]));
    const fromEnvironment = signup([], { MAS_CONFIG: files.join(':') });
    expect(fromEnvironment.findings).toEqual(fromFlags.findings);
    expect(fromFlags.findings).toContainEqual(['registration-gated', 'pass', 'config-2.yaml:2']);
  });

  it('without a MAS config, says so once and leaves the sign-up rules unknown, saying what to pass', () => {
    const report = JSON.parse(mxlint(['config', HOMESERVER, '-u', 'chatons', '-f', 'json'], { env: { MAS_CONFIG: '' } }).stdout);
    expect(report.warnings).toEqual([expect.stringMatching(/^Synapse delegates sign-up to Matrix Authentication Service .*no MAS config was given: pass --mas-config FILE/)]);
    const findings = (report.findings as Finding[]).filter((finding) => SIGNUP_RULES.includes(finding.ruleId));
    expect(findings.map((finding) => finding.status)).toEqual(['unknown', 'unknown', 'unknown', 'unknown', 'unknown']);
    for (const finding of findings) expect(finding.message).toMatch(/pass --mas-config FILE/);
  });

  it('a MAS config given for a Synapse that does not delegate to MAS: said once, and Synapse judged', () => {
    const synapseOnly = join(ROOT, 'fixtures/config/mas-synapse-agree/na-synapse.yaml');
    const report = JSON.parse(mxlint(['config', synapseOnly, '--mas-config', join(MERGED, 'config.yaml'), '-u', 'chatons', '-f', 'json']).stdout);
    expect(report.warnings).toEqual([expect.stringMatching(/^a MAS config was given, but Synapse does not delegate to Matrix Authentication Service/)]);
    expect((report.findings as Finding[]).find((finding) => finding.ruleId === 'registration-gated')).toMatchObject({ status: 'pass', path: 'enable_registration' });
  });

  it("06's inline secrets (database password, encryption key, signing key, shared and client secrets) appear in no output", () => {
    const mas = ['--mas-config', join(REAL, '06-kimsokhom-railway-inline-secrets.yaml')];
    for (const args of [['-v', '-f', 'text'], ['-v', '-f', 'json'], ['-f', 'sarif'], ['--dump-facts'], ['--dump-facts', '-f', 'json']]) {
      const run = mxlint(['config', HOMESERVER, ...mas, ...args]);
      expect(run.stdout.length, args.join(' ')).toBeGreaterThan(0);
      expect(run.stdout + run.stderr, args.join(' ')).not.toContain('REDACTED-BY-CORPUS');
    }
  });

  it('--dump-facts shows MAS options with their origin beside Synapse options', () => {
    const run = mxlint(['config', HOMESERVER, '--mas-config', join(REAL, '05-potemkin-salt-split-base.yaml'), '--dump-facts', '-f', 'json']);
    const dump = JSON.parse(run.stdout);
    expect(dump.masFiles).toEqual([join(REAL, '05-potemkin-salt-split-base.yaml')]);
    expect(dump.options['mas.account.password_registration_token_required']).toEqual({ value: true, origin: `${join(REAL, '05-potemkin-salt-split-base.yaml')}:31:3` });
    expect(dump.options['mas.captcha.service']).toEqual({ value: null, origin: 'default' });
    expect(dump.options['signup.form']).toMatchObject({ value: 'token', from: 'mas.account.password_registration_token_required' });
  });
});
