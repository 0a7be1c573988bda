// mxlint's derived facts against Synapse 1.160's own reading (scripts/synapse-oracle.py): presence
// as use_presence leaves it, who can sign up through single sign-on, and a federation allow-list
// given as a mapping. Each case is one small config read by both.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildServerFacts } from '../../src/facts/server-facts.js';
import { loadConfigFiles } from '../../src/sources/config-files.js';
import { askOracle, oracleUnavailable } from './oracle.js';

const unavailable = oracleUnavailable();
const dir = mkdtempSync(join(tmpdir(), 'mxlint-effective-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let count = 0;

/** Both readings of `server_name` + `report_stats` + a database + `text` (Synapse refuses a config without a database). */
async function read(text: string) {
  const file = join(dir, `homeserver-${(count += 1)}.yaml`);
  writeFileSync(file, `server_name: example.org\nreport_stats: false\ndatabase: {name: sqlite3, args: {database: ":memory:"}}\n${text}`);
  const oracle = await askOracle([file]);
  expect(oracle.loaded, oracle.error).toBe(true);
  return { oracle, facts: buildServerFacts(loadConfigFiles([file]), [file]) };
}

const OIDC = 'oidc_providers:\n  - idp_id: keycloak\n    idp_name: Keycloak\n    issuer: https://sso.example.org\n    client_id: synapse\n    client_secret: not-a-secret\n';

describe.skipIf(unavailable)('effective values against Synapse 1.160', () => {
  it.each([
    ['use_presence: false\n', false],
    ['presence:\nuse_presence: false\n', false],
    ['presence:\n  enabled: null\nuse_presence: false\n', false],
    ['presence:\n  enabled: true\nuse_presence: false\n', true],
    ['use_presence: true\n', true],
    ['public_baseurl: https://example.org/\n', true],
  ])('presence.enabled for %j', async (text, enabled) => {
    const { oracle, facts } = await read(text);
    expect(oracle.effective?.['presence.enabled']).toBe(enabled);
    expect(Boolean(facts.get('presence.enabled').value)).toBe(enabled);
  }, 60_000);

  it('an OIDC provider without enable_registration registers; with false it does not', async () => {
    const open = await read(OIDC);
    expect(open.oracle.sso?.oidc).toEqual([{ idp_id: 'oidc-keycloak', enable_registration: true }]);
    expect(open.facts.get('signup.via').value).toEqual(['oidc:keycloak']);
    expect(open.facts.get('signup.open').value).toBe(true);

    const closed = await read(`${OIDC}    enable_registration: false\n`);
    expect(closed.oracle.sso?.oidc).toEqual([{ idp_id: 'oidc-keycloak', enable_registration: false }]);
    expect(closed.facts.get('signup.open').value).toBe(false);
  }, 60_000);

  it('the legacy oidc_config counts only with enabled: true', async () => {
    const off = await read('oidc_config:\n  issuer: https://sso.example.org\n  client_id: synapse\n  client_secret: x\n');
    expect(off.oracle.sso?.oidc).toEqual([]);
    expect(off.facts.get('signup.via').value).toEqual([]);
    const on = await read('oidc_config:\n  enabled: true\n  issuer: https://sso.example.org\n  client_id: synapse\n  client_secret: x\n');
    expect(on.oracle.sso?.oidc).toEqual([{ idp_id: 'oidc', enable_registration: true }]);
    expect(on.facts.get('signup.via').value).toEqual(['oidc:oidc']);
  }, 60_000);

  it('CAS registers unless its enable_registration is false', async () => {
    const open = await read('cas_config:\n  server_url: https://cas.example.org\n');
    expect(open.oracle.sso?.cas).toEqual({ enabled: true, enable_registration: true });
    expect(open.facts.get('signup.via').value).toEqual(['cas']);
    const closed = await read('cas_config:\n  server_url: https://cas.example.org\n  enable_registration: false\n');
    expect(closed.oracle.sso?.cas).toEqual({ enabled: true, enable_registration: false });
    expect(closed.facts.get('signup.via').value).toEqual([]);
  }, 60_000);

  it('federation_domain_whitelist given as a mapping: Synapse keeps its keys', async () => {
    const { oracle, facts } = await read('federation_domain_whitelist:\n  sans-nuage.fr: true\n  matrix.org: false\n');
    // The oracle's copy of the config is re-dumped with sorted keys: compare the names, not their order.
    expect((oracle.effective?.federation_domain_whitelist as string[]).sort()).toEqual(['matrix.org', 'sans-nuage.fr']);
    expect((facts.get('federation.allowList').value as string[]).sort()).toEqual(['matrix.org', 'sans-nuage.fr']);
    const empty = await read('federation_domain_whitelist: {}\n');
    expect(empty.oracle.effective?.federation_domain_whitelist).toEqual([]);
    expect(empty.facts.get('federation.enabled').value).toBe(false);
  }, 60_000);
});
