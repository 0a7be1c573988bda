// The built binary on a server that delegates sign-up to Matrix Authentication Service: MAS files
// read from --mas-config or MAS_CONFIG, the sign-up rules judged on them, files of other shapes
// refused in one line. The real MAS configs are read in place, each paired with a hand-written
// homeserver.yaml that enables MAS.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
    const nowhere = mkdtempSync(join(tmpdir(), 'mxlint-mas-root-'));
    const report = JSON.parse(mxlint(['config', HOMESERVER, '-u', 'chatons', '-f', 'json'], { env: { MAS_CONFIG: '', MXLINT_MAS_SEARCH_ROOT: nowhere } }).stdout);
    expect(report.warnings).toEqual([expect.stringMatching(/^Synapse delegates sign-up to Matrix Authentication Service .*no MAS config was given, and none was found at .*matrix-authentication-service\/config\.yaml.*: pass --mas-config FILE/)]);
    expect(report.warnings[0]).toContain(join(nowhere, 'etc/matrix-authentication-service/config.yaml'));
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

/** A folder laid out as a docker-compose deployment: synapse/homeserver.yaml beside mas/config.yaml. */
function deployment(masAt: string | undefined): { root: string; homeserver: string } {
  const root = mkdtempSync(join(tmpdir(), 'mxlint-mas-layout-'));
  mkdirSync(join(root, 'synapse'));
  const homeserver = join(root, 'synapse/homeserver.yaml');
  copyFileSync(HOMESERVER, homeserver);
  if (masAt) {
    mkdirSync(join(root, masAt, '..'), { recursive: true });
    copyFileSync(join(MERGED, 'config.yaml'), join(root, masAt));
  }
  return { root, homeserver };
}

describe('mxlint config: MAS config found in the usual places when none is given', () => {
  const lint = (homeserver: string, env: Record<string, string>) =>
    JSON.parse(mxlint(['config', homeserver, '-u', 'chatons', '-f', 'json'], { env: { MAS_CONFIG: '', ...env } }).stdout);

  it.each(['mas/config.yaml', 'synapse/mas.yaml', 'synapse/mas-config.yaml'])('beside the homeserver config: %s, said in a warning and in inputs', (at) => {
    const { root, homeserver } = deployment(at);
    const report = lint(homeserver, { MXLINT_MAS_SEARCH_ROOT: join(root, 'system') });
    expect(report.warnings).toEqual([`no --mas-config nor MAS_CONFIG was given: using the MAS config found at ${join(root, at)}`]);
    expect(report.inputs).toEqual([homeserver, join(root, at)]);
    expect(report.findings.find((finding: Finding) => finding.ruleId === 'registration-gated').status).not.toBe('unknown');
  });

  it.each(['etc/matrix-authentication-service/config.yaml', 'matrix/matrix-authentication-service/config/config.yaml'])('in a system location (under the injected root): /%s', (at) => {
    const { root, homeserver } = deployment(undefined);
    const system = join(root, 'system');
    mkdirSync(join(system, at, '..'), { recursive: true });
    copyFileSync(join(MERGED, 'config.yaml'), join(system, at));
    expect(lint(homeserver, { MXLINT_MAS_SEARCH_ROOT: system }).inputs).toEqual([homeserver, join(system, at)]);
  });

  it('a file in a usual place that is no MAS config (a Synapse config, a Helm values file) is passed over', () => {
    const { root, homeserver } = deployment(undefined);
    mkdirSync(join(root, 'mas'));
    writeFileSync(join(root, 'mas/config.yaml'), 'server_name: example.org\nemail:\n  smtp_host: localhost\n');
    const report = lint(homeserver, { MXLINT_MAS_SEARCH_ROOT: join(root, 'system') });
    expect(report.inputs).toEqual([homeserver]);
    expect(report.warnings[0]).toMatch(/none was found at/);
  });

  it('not looked for when Synapse does not delegate to MAS', () => {
    const { root } = deployment('mas/config.yaml');
    writeFileSync(join(root, 'synapse/homeserver.yaml'), 'server_name: example.org\n');
    const report = lint(join(root, 'synapse/homeserver.yaml'), { MXLINT_MAS_SEARCH_ROOT: join(root, 'system') });
    expect(report.inputs).toEqual([join(root, 'synapse/homeserver.yaml')]);
    expect(report.warnings).toEqual([]);
  });
});

describe('mxlint config: MAS_* environment variables below the MAS files', () => {
  const lint = (env: Record<string, string>, file = join(MERGED, 'config.yaml')) =>
    JSON.parse(mxlint(['config', HOMESERVER, '--mas-config', file, '-u', 'chatons', '-u', 'pseudonymous', '-f', 'json'], { env }).stdout);

  it('a value from the environment is located at env:MAS_…, and the variables read are named', () => {
    const report = lint({ MAS_CAPTCHA_SERVICE: 'recaptcha_v2' });
    const captcha = (report.findings as Finding[]).find((finding) => finding.ruleId === 'no-google-recaptcha' && finding.status === 'fail');
    expect(captcha?.location).toMatchObject({ file: 'env:MAS_CAPTCHA_SERVICE' });
    expect(report.warnings).toContain("MAS reads these environment variables of mxlint's below its files: MAS_CAPTCHA_SERVICE");
  });

  it('a file wins over the environment; figment reads true and false as booleans', () => {
    const dump = JSON.parse(mxlint(['config', HOMESERVER, '--mas-config', join(MERGED, 'config.yaml'), '--dump-facts', '-f', 'json'], { env: { MAS_PASSWORDS_ENABLED: 'false', MAS_ACCOUNT: 'x' } }).stdout);
    expect(dump.options['mas.passwords.enabled']).toEqual({ value: false, origin: 'env:MAS_PASSWORDS_ENABLED' });
    expect(dump.options['mas.account.password_registration_enabled'].origin).toMatch(/config\.yaml:\d+:\d+$/);
  });

  it('an option whose name has an underscore cannot be set from the environment: MAS splits at every _', () => {
    const report = lint({ MAS_ACCOUNT_PASSWORD_REGISTRATION_ENABLED: 'true' });
    const ignored = (report.findings as Finding[]).filter((finding) => finding.ruleId === 'mas-known-keys' && finding.status === 'fail');
    expect(ignored.map((finding) => [finding.message, finding.location?.file])).toContainEqual([expect.stringMatching(/^account\.password is not a key MAS 1\.22 reads/), 'env:MAS_ACCOUNT_PASSWORD_REGISTRATION_ENABLED']);
  });

  it('a secret from the environment is never shown', () => {
    const secret = 'env-secret-value-0123456789';
    for (const args of [['-v', '-f', 'json'], ['--dump-facts', '-f', 'json'], ['-f', 'text']]) {
      const run = mxlint(['config', HOMESERVER, '--mas-config', join(MERGED, 'config.yaml'), ...args], { env: { MAS_MATRIX_SECRET: secret } });
      expect(run.stdout + run.stderr).not.toContain(secret);
    }
  });
});

describe('mxlint config --fix: a rule whose fix.set names mas.* edits the MAS file it came from', () => {
  it('registration-gated under MAS: the token key goes into MAS\'s file, comments kept, not into Synapse\'s, the rule passes after', () => {
    const root = mkdtempSync(join(tmpdir(), 'mxlint-mas-fix-'));
    const homeserver = join(root, 'homeserver.yaml');
    const masFile = join(root, 'mas.yaml');
    copyFileSync(HOMESERVER, homeserver);
    const before = '# Members only.\naccount:\n  # the form is open\n  password_registration_enabled: true  # on\n';
    writeFileSync(masFile, before);
    const run = mxlint(['config', homeserver, '--mas-config', masFile, '--fix', '-u', 'anonymous', '-f', 'json'], { env: { MAS_CONFIG: '' } });
    expect(run.stderr).toBe('');
    expect(readFileSync(masFile, 'utf8')).toBe(`${before}  password_registration_token_required: true\n`);
    // Synapse's own registration_requires_token would do nothing under MAS: it is not written.
    expect(readFileSync(homeserver, 'utf8')).not.toContain('registration_requires_token');
    const after = JSON.parse(mxlint(['config', homeserver, '--mas-config', masFile, '-u', 'anonymous', '-f', 'json']).stdout);
    expect((after.findings as Finding[]).find((finding) => finding.ruleId === 'registration-gated')).toMatchObject({ status: 'pass', location: { file: masFile, line: 5 } });
  });
});
