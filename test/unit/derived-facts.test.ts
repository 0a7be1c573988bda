// The derived facts (src/facts/derived.ts): who can sign up and how, whether the server federates,
// and presence as Synapse 1.160 uses it. Each case names the Synapse code it follows.
import { describe, expect, it } from 'vitest';
import { DERIVED_FACTS } from '../../src/facts/derived.js';
import { buildServerFacts, type ServerFacts } from '../../src/facts/server-facts.js';
import { parseYamlText, type YamlFile } from '../../src/sources/yaml-file.js';
import { render } from '../../src/messages/message.js';

function factsOf(text: string): ServerFacts {
  const file = parseYamlText('homeserver.yaml', Buffer.from(text));
  const config = (file.data ?? {}) as Record<string, unknown>;
  const ownerOf = new Map<string, YamlFile>(Object.keys(config).map((key) => [key, file]));
  return buildServerFacts({ files: [file], config, ownerOf }, ['homeserver.yaml']);
}
const fact = (text: string, path: string) => factsOf(text).get(path);
const via = (text: string) => fact(text, 'signup.via').value;

const OIDC = 'oidc_providers:\n  - idp_id: keycloak\n    issuer: https://sso.example.org\n';

describe('signup.via, signup.open, signup.form', () => {
  it('closed by default: no way in, located at the (absent) enable_registration', () => {
    expect(fact('server_name: a\n', 'signup.via')).toMatchObject({ value: [], state: 'default', from: 'enable_registration' });
    expect(fact('server_name: a\n', 'signup.open').value).toBe(false);
    expect(fact('server_name: a\n', 'signup.form').value).toBe('closed');
  });

  it('the form: open, with a token, and the legacy disable_registration winning (registration.py)', () => {
    expect(via('enable_registration: true\n')).toEqual(['form']);
    expect(via('enable_registration: "yes"\nregistration_requires_token: true\n')).toEqual(['form-token']);
    expect(fact('enable_registration: true\ndisable_registration: true\n', 'signup.form')).toMatchObject({ value: 'closed', from: 'disable_registration', location: { line: 2 } });
    expect(via('disable_registration: "no"\n')).toEqual(['form']);
  });

  it('OIDC providers register by default; only enable_registration: false stops it (oidc.py)', () => {
    expect(fact(OIDC, 'signup.via')).toMatchObject({ value: ['oidc:keycloak'], state: 'set', from: 'oidc_providers.0', location: { line: 2 } });
    expect(fact(OIDC, 'signup.open').value).toBe(true);
    expect(fact(OIDC, 'signup.form').value).toBe('closed');
    expect(via(`${OIDC}    enable_registration: false\n`)).toEqual([]);
    expect(via('oidc_providers:\n  - issuer: https://a\n  - idp_id: b\n    enable_registration: false\n')).toEqual(['oidc:oidc']);
  });

  it('the legacy oidc_config counts only with enabled: true', () => {
    expect(via('oidc_config:\n  issuer: https://a\n')).toEqual([]);
    expect(via('oidc_config:\n  enabled: true\n  issuer: https://a\n')).toEqual(['oidc:oidc']);
  });

  it('SAML needs sp_config or config_path and has no switch; CAS registers unless told not to; JWT needs enabled: true', () => {
    expect(via('saml2_config:\n  sp_config: {metadata: {}}\n')).toEqual(['saml']);
    expect(via('saml2_config:\n  enabled: true\n')).toEqual([]);
    expect(via('saml2_config:\n  enabled: false\n  config_path: /etc/saml.py\n')).toEqual([]);
    expect(via('cas_config:\n  server_url: https://cas\n')).toEqual(['cas']);
    expect(via('cas_config:\n  server_url: https://cas\n  enable_registration: false\n')).toEqual([]);
    expect(via('jwt_config:\n  secret_path: /s\n  algorithm: HS256\n')).toEqual([]);
    expect(via('jwt_config:\n  enabled: true\n  secret_path: /s\n  algorithm: HS256\n')).toEqual(['jwt']);
  });

  it('lists every way, the form first', () => {
    expect(via(`enable_registration: true\n${OIDC}cas_config:\n  server_url: https://cas\n`)).toEqual(['form', 'oidc:keycloak', 'cas']);
  });

  it('is unknown with MAS, a placeholder, or a value strtobool refuses, and says why', () => {
    expect(fact('matrix_authentication_service:\n  enabled: true\n', 'signup.open')).toMatchObject({
      state: 'unknown', from: 'matrix_authentication_service.enabled', reason: { id: 'facts.dependsOn', data: { path: 'matrix_authentication_service.enabled' } },
    });
    expect(fact('enable_registration: "${OPEN}"\n', 'signup.via')).toMatchObject({ state: 'unknown', reason: { id: 'facts.dependsOn', data: { path: 'enable_registration', reason: { id: 'facts.placeholder', data: { placeholder: '${OPEN}' } } } } });
    expect(render('en', fact('enable_registration: maybe\n', 'signup.form').reason!)).toMatch(/Synapse would not start/);
    expect(fact('oidc_providers:\n  - idp_id: a\n    enable_registration: "${REG}"\n', 'signup.open').state).toBe('unknown');
  });

  it('a placeholder or Jinja template elsewhere in a provider does not hide who can sign up', () => {
    expect(via('oidc_providers:\n  - idp_id: a\n    client_secret: "${OIDC_SECRET}"\n')).toEqual(['oidc:a']);
    const jinja = 'oidc_providers:\n  - idp_id: a\n    user_mapping_provider:\n      config:\n        localpart_template: "{{ user.preferred_username }}"\n';
    expect(fact(jinja, 'signup.open')).toMatchObject({ value: true, state: 'set' });
  });
});

describe('federation.allowList and federation.enabled (federation.py iterates the value)', () => {
  it('absent or null admits every server', () => {
    expect(fact('server_name: a\n', 'federation.allowList')).toMatchObject({ value: null, state: 'default' });
    expect(fact('federation_domain_whitelist:\n', 'federation.enabled').value).toBe(true);
  });
  it('[] and {} admit nobody; a mapping admits its keys; a string its characters', () => {
    expect(fact('federation_domain_whitelist: []\n', 'federation.enabled')).toMatchObject({ value: false, from: 'federation_domain_whitelist', location: { line: 1 } });
    expect(fact('federation_domain_whitelist: {}\n', 'federation.enabled').value).toBe(false);
    expect(fact('federation_domain_whitelist: {a.org: false, b.org: true}\n', 'federation.allowList').value).toEqual(['a.org', 'b.org']);
    expect(fact('federation_domain_whitelist: aa.b\n', 'federation.allowList').value).toEqual(['a', '.', 'b']);
  });
  it('is unknown for a placeholder or a value Synapse cannot iterate', () => {
    expect(fact('federation_domain_whitelist: ["${PEER}"]\n', 'federation.enabled').state).toBe('unknown');
    expect(fact('federation_domain_whitelist: 5\n', 'federation.allowList').reason).toMatchObject({ id: 'facts.dependsOn', data: { path: 'federation_domain_whitelist', reason: { id: 'facts.notIterable', data: { value: '5' } } } });
  });
});

describe('presence.enabled, effective (server.py: use_presence when presence.enabled is None)', () => {
  it('use_presence decides when presence.enabled is absent or null', () => {
    expect(fact('use_presence: false\n', 'presence.enabled')).toMatchObject({ value: false, state: 'set', from: 'use_presence', location: { line: 1 } });
    expect(fact('presence:\n  enabled:\nuse_presence: false\n', 'presence.enabled').value).toBe(false);
    expect(fact('server_name: a\n', 'presence.enabled')).toMatchObject({ value: true, state: 'default' });
  });
  it('presence.enabled wins when set', () => {
    const enabled = fact('presence:\n  enabled: true\nuse_presence: false\n', 'presence.enabled');
    expect(enabled.value).toBe(true);
    expect(enabled.from).toBeUndefined();
  });
});

describe('the derived facts table', () => {
  it('documents every fact it derives', () => {
    for (const [path, entry] of Object.entries(DERIVED_FACTS)) {
      expect(entry.doc.length, path).toBeGreaterThan(10);
      expect(entry.values.length, path).toBeGreaterThan(0);
    }
  });
});
