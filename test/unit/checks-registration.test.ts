// Dedicated registration checks, and the Synapse traps the registration and retention rules rely on.
import { describe, expect, it } from 'vitest';
import { registrationGated } from '../../src/engine/checks/registration.js';
import { truthy } from '../../src/engine/checks/generic.js';
import type { CheckFunction } from '../../src/engine/checks/types.js';
import { runCheck } from '../../src/engine/evaluate.js';
import { builtInRules } from '../../src/engine/rules.js';
import { buildServerFacts, type ServerFacts } from '../../src/facts/server-facts.js';
import { parseYamlText, type YamlFile } from '../../src/sources/yaml-file.js';
import { render } from '../../src/messages/message.js';

/** Facts from one homeserver.yaml given as text. */
function factsOf(text: string): ServerFacts {
  const file = parseYamlText('homeserver.yaml', Buffer.from(text));
  const config = (file.data ?? {}) as Record<string, unknown>;
  const ownerOf = new Map<string, YamlFile>(Object.keys(config).map((key) => [key, file]));
  return buildServerFacts({ files: [file], config, ownerOf }, ['homeserver.yaml']);
}

/** Runs a check that reads no path of its own (it asks the facts). */
function run(check: CheckFunction, text: string, options: Record<string, unknown> = {}) {
  const facts = factsOf(text);
  const outcome = check({ path: '', value: undefined, state: 'default' }, { facts, options });
  return Array.isArray(outcome) ? outcome[0] : outcome;
}

const rule = (id: string) => {
  const found = builtInRules().find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no rule ${id}`);
  return found;
};

describe('registrationGated', () => {
  it('passes when registration is closed by default', () => {
    const outcome = run(registrationGated, 'server_name: example.org\n');
    expect(outcome.status).toBe('pass');
    expect(outcome.message).toMatchObject({ id: 'registration.closedNoSso', data: { seen: { id: 'fact.default', data: { path: 'enable_registration', value: 'false' } } } });
    expect(render('en', outcome.message)).toBe("self-service registration is closed (enable_registration is not set (Synapse's default: false)) and no single sign-on provider creates accounts");
  });

  it('reads enable_registration with strtobool: a quoted "false" is false', () => {
    expect(run(registrationGated, 'enable_registration: "false"\n').status).toBe('pass');
    expect(run(registrationGated, 'enable_registration: "yes"\n').status).toBe('fail');
  });

  it('passes when open registration needs a token', () => {
    const outcome = run(registrationGated, 'enable_registration: true\nregistration_requires_token: true\n');
    expect(outcome).toMatchObject({ status: 'pass', path: 'registration_requires_token' });
  });

  it('fails open registration without a token, even with a captcha', () => {
    const outcome = run(registrationGated, 'enable_registration: true\nenable_registration_captcha: true\n');
    expect(outcome.status).toBe('fail');
    expect(outcome.message).toMatchObject({ id: 'registration.open', data: { seen: { id: 'fact.is', data: { path: 'enable_registration', value: 'true' } } } });
  });

  it('gives unknown for a placeholder or a value Synapse refuses', () => {
    expect(run(registrationGated, 'enable_registration: "${OPEN}"\n').status).toBe('unknown');
    const refused = run(registrationGated, 'enable_registration: maybe\n');
    expect(refused.status).toBe('unknown');
    expect(refused.message).toMatchObject({ id: 'registration.dependsOn', data: { path: 'enable_registration' } });
    expect(render('en', refused.message)).toMatch(/Synapse would not start/);
  });

  it('gives unknown with Matrix Authentication Service and no MAS config, saying what to pass', () => {
    const outcome = run(registrationGated, 'matrix_authentication_service:\n  enabled: true\n');
    expect(outcome.status).toBe('unknown');
    expect(outcome.message).toMatchObject({ id: 'registration.dependsOn' });
    expect(render('en', outcome.message)).toMatch(/no MAS config was given: pass --mas-config FILE/);
    expect(run(registrationGated, 'matrix_authentication_service:\n  enabled: "${MAS}"\n').status).toBe('unknown');
  });
});

describe('sign-up rules read the signup facts', () => {
  it('keep rules on Synapse settings from judging a MAS server', () => {
    const mas = factsOf('matrix_authentication_service:\n  enabled: true\n');
    expect(runCheck(rule('no-phone-registration').check, mas)?.map((outcome) => outcome.status)).toEqual(['unknown']);
    expect(runCheck(rule('registration-terms').check, mas)?.map((outcome) => outcome.status)).toEqual(['unknown']);
  });

  it('do not apply when nobody can sign up, and do when an SSO provider creates accounts', () => {
    const closed = factsOf('registrations_require_3pid: [msisdn, email]\nenable_registration_captcha: true\n');
    for (const id of ['no-phone-registration', 'registration-email-optional', 'no-google-recaptcha', 'registration-terms']) {
      expect(runCheck(rule(id).check, closed), id).toBeNull();
    }
    const oidc = factsOf('oidc_providers:\n  - idp_id: keycloak\n    issuer: https://sso.example.org\n');
    expect(runCheck(rule('registration-terms').check, oidc)?.[0].status).toBe('fail');
    expect(runCheck(rule('registration-gated').check, oidc)?.[0]).toMatchObject({ status: 'unknown', path: 'oidc_providers.0' });
  });
});

describe('Synapse traps', () => {
  it('a quoted "false" in retention.enabled turns retention ON', () => {
    const facts = factsOf('retention:\n  enabled: "false"\n  default_policy:\n    max_lifetime: 2y\n');
    const fact = facts.get('retention.enabled');
    const outcome = truthy(fact, { facts, options: {} });
    expect(outcome).toMatchObject({ status: 'pass' });
    expect((outcome as { message: unknown }).message).toMatchObject({ id: 'generic.quotedFalse', data: { seen: { data: { path: 'retention.enabled', value: '"false"' } } } });
    // So the lifetime rule applies, and 2y fails it.
    expect(runCheck(rule('retention-max-lifetime').check, facts)?.[0]).toMatchObject({ status: 'fail', path: 'retention.default_policy.max_lifetime' });
  });

  it('an unquoted off in retention.enabled turns retention off, and the lifetime rule does not apply', () => {
    const facts = factsOf('retention:\n  enabled: off\n  default_policy:\n    max_lifetime: 2y\n');
    expect(runCheck(rule('retention-max-lifetime').check, facts)).toBeNull();
  });

  it('the legacy disable_registration overrides enable_registration both ways', () => {
    const closed = run(registrationGated, 'enable_registration: true\ndisable_registration: true\n');
    expect(closed).toMatchObject({ status: 'pass', path: 'disable_registration' });
    expect(closed.message).toMatchObject({ id: 'registration.closedNoSso', data: { seen: { id: 'registration.disableOverrides', data: { value: 'true' } } } });

    const opened = run(registrationGated, 'enable_registration: false\ndisable_registration: "no"\n');
    expect(opened).toMatchObject({ status: 'fail', path: 'disable_registration' });
    expect(opened.message).toMatchObject({ id: 'registration.open', data: { seen: { id: 'registration.disableOverrides', data: { value: '"no"' } } } });
  });

  it('an empty disable_registration is None, which Synapse refuses', () => {
    expect(run(registrationGated, 'disable_registration:\n').status).toBe('unknown');
  });

  it('phone sign-up needs an SMS delegate: without one, the default disable_msisdn_registration is harmless', () => {
    const noDelegate = factsOf('enable_registration: true\nregistration_requires_token: true\n');
    expect(runCheck(rule('no-phone-registration').check, noDelegate)?.[0].status).toBe('pass');
    const withDelegate = factsOf('enable_registration: true\naccount_threepid_delegates:\n  msisdn: https://sms.example.org\n');
    expect(runCheck(rule('no-phone-registration').check, withDelegate)?.[0].status).toBe('fail');
  });
});
