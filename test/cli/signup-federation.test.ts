// The built binary on who can sign up and whether the server federates: closed doors are closed,
// a single sign-on provider that creates accounts is an open door, and --dump-facts shows both.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mxlint } from './run.js';

const dir = mkdtempSync(join(tmpdir(), 'mxlint-cli-signup-'));
const write = (name: string, text: string) => {
  writeFileSync(join(dir, name), `server_name: example.org\nreport_stats: false\n${text}`);
  return join(dir, name);
};
const SIGNUP_RULES = ['no-phone-registration', 'registration-email-optional', 'no-google-recaptcha', 'registration-terms'];
const findingsOf = (file: string, ...useCases: string[]) => {
  const run = mxlint(['config', file, ...useCases.flatMap((useCase) => ['-u', useCase]), '-f', 'json']);
  return { code: run.code, findings: JSON.parse(run.stdout).findings as Array<{ ruleId: string; status: string; message: string; messageId: string; data: Record<string, unknown>; path?: string }> };
};

describe('mxlint config: sign-up', () => {
  it('registration closed: the sign-up rules do not apply and sign-up is reported closed', () => {
    const file = write('closed.yaml', 'registrations_require_3pid: [email, msisdn]\nenable_registration_captcha: true\naccount_threepid_delegates:\n  msisdn: https://sms.example.org\n');
    for (const useCase of ['chatons', 'anonymous']) {
      const { findings } = findingsOf(file, useCase);
      expect(findings.filter((finding) => SIGNUP_RULES.includes(finding.ruleId)), useCase).toEqual([]);
      expect(findings.find((finding) => finding.ruleId === 'registration-gated')).toMatchObject({ status: 'pass', messageId: 'registration.closedNoSso' });
    }
  });

  it('an OIDC provider without enable_registration is an open door, never reported closed', () => {
    const file = write('oidc.yaml', 'oidc_providers:\n  - idp_id: keycloak\n    issuer: https://sso.example.org\n    client_id: synapse\n    client_secret_path: /run/secrets/oidc\n');
    const { findings } = findingsOf(file, 'chatons');
    expect(findings.find((finding) => finding.ruleId === 'registration-gated')).toMatchObject({
      status: 'unknown', path: 'oidc_providers.0', messageId: 'registration.providers',
      message: expect.stringMatching(/accounts are created on first login through OIDC provider "keycloak"/),
    });
    expect(findings.find((finding) => finding.ruleId === 'registration-terms')).toMatchObject({ status: 'fail' });
    // The provider does not use Synapse's registration form: no captcha, no 3PID asked there.
    expect(findings.filter((finding) => ['no-google-recaptcha', 'registration-email-optional'].includes(finding.ruleId))).toEqual([]);
  });

  it('--dump-facts shows the derived facts and the option each comes from', () => {
    const file = write('dump.yaml', 'oidc_providers:\n  - idp_id: keycloak\n    issuer: https://sso.example.org\nfederation_domain_whitelist: []\nuse_presence: false\n');
    const run = mxlint(['config', file, '--dump-facts', '-f', 'json']);
    const options = JSON.parse(run.stdout).options;
    expect(options['signup.via']).toMatchObject({ value: ['oidc:keycloak'], from: 'oidc_providers.0' });
    expect(options['signup.open'].value).toBe(true);
    expect(options['federation.enabled']).toMatchObject({ value: false, from: 'federation_domain_whitelist' });
    expect(options['presence.enabled']).toMatchObject({ value: false, from: 'use_presence' });
  });
});

describe('mxlint config: no federation', () => {
  it('federation_domain_whitelist: [] makes the rules about other servers not apply', () => {
    const file = write('nofed.yaml', 'federation_domain_whitelist: []\nallow_public_rooms_over_federation: true\n');
    // chatons judges limit-remote-rooms, action the other two: each would fail with federation open.
    const { findings } = findingsOf(file, 'chatons', 'action');
    for (const id of ['limit-remote-rooms', 'public-rooms-over-federation', 'invite-without-profile']) {
      expect(findings.filter((finding) => finding.ruleId === id), id).toEqual([]);
    }
    const open = findingsOf(write('fed.yaml', 'allow_public_rooms_over_federation: true\n'), 'chatons', 'action').findings;
    for (const id of ['limit-remote-rooms', 'public-rooms-over-federation', 'invite-without-profile']) {
      expect(open.some((finding) => finding.ruleId === id && finding.status === 'fail'), id).toBe(true);
    }
    expect(findings.filter((finding) => finding.ruleId === 'profile-lookup-limited').map((finding) => finding.path)).not.toContain('allow_profile_lookup_over_federation');
    expect(findings.find((finding) => finding.ruleId === 'federation-closed')).toMatchObject({ status: 'pass' });
    expect(findings.find((finding) => finding.ruleId === 'presence-off')).toMatchObject({ messageId: 'config.presenceShared', data: { audience: { id: 'config.audienceLocal' } } });
  });
});
