// mxlint probe on recorded answers (test/unit/probe-recorded.ts): its facts and findings.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoveryOrigin, isNonPublicAddress, probeServer, type ProbeOptions } from '../../src/sources/probe.js';
import { buildProbeFacts, NOT_SEEN } from '../../src/facts/probe-facts.js';
import { judgedFromOutside, lintProbe } from '../../src/lint-probe.js';
import { checks } from '../../src/engine/checks/index.js';
import { declaredMessages, render } from '../../src/messages/message.js';
import { builtInRules } from '../../src/engine/rules.js';
import { CLOSED, OPEN, Recorded, UNRECOGNIZED, type Route, type Routes } from './probe-recorded.js';
import { configDifferences } from '../../src/facts/probe-compare.js';
import { buildServerFacts } from '../../src/facts/server-facts.js';
import { parseYamlText, type YamlFile } from '../../src/sources/yaml-file.js';

const OPTIONS: ProbeOptions = { timeoutMs: 2000, maxRetries: 0, allowPrivate: true, allowInsecureHttp: false, tryGuest: false };
let server: Recorded;
beforeAll(async () => { server = await Recorded.start(); });
afterAll(() => server.close());

async function probe(routes: Routes, options: Partial<ProbeOptions> = {}) {
  server.routes = routes;
  server.seen.length = 0;
  const result = await probeServer(server.url, { ...OPTIONS, ...options });
  return { result, lint: lintProbe(result, builtInRules(), ['chatons', 'pseudonymous', 'anonymous', 'direct']) };
}

const statusOf = (lint: ReturnType<typeof lintProbe>, ruleId: string, useCase = 'chatons') =>
  lint.findings.find((finding) => finding.ruleId === ruleId && finding.useCase === useCase);

describe('probe of a server with registration closed', () => {
  it('reads each endpoint once, read-only, and counts the requests', async () => {
    const { result } = await probe(CLOSED);
    expect(server.seen.every((line) => line.startsWith('GET ') || line === 'POST /_matrix/client/v3/register')).toBe(true);
    expect(result.requests).toBe(server.seen.length);
    // 11 of discovery, sign-up, login, directory, profile, federation, and the media configuration.
    expect(result.requests).toBe(12);
    expect(server.seen.some((line) => line.includes('/register/available'))).toBe(false);
    expect(result.serverName).toBe('test.local');
    expect(server.seen).toContain(`GET /_matrix/client/v3/profile/${encodeURIComponent('@mxlint-probe:test.local')}`);
  });

  it('maps what it sees to the config facts, pointing at the URL that showed them', async () => {
    const { result } = await probe(CLOSED);
    const facts = buildProbeFacts(result);
    expect(facts.get('enable_registration')).toMatchObject({ value: false, state: 'set', location: { file: `${server.url}/_matrix/client/v3/register` } });
    expect(facts.get('allow_public_rooms_without_auth').value).toBe(false);
    expect(facts.get('require_auth_for_profile_requests').value).toBe(false);
    expect(facts.get('default_identity_server').value).toBeNull();
    expect(facts.get('registration_requires_token')).toMatchObject({ state: 'unknown', reason: { id: 'probe.closedNoStages' } });
    expect(facts.get('retention.enabled')).toMatchObject({ state: 'unknown', reason: NOT_SEEN });
    expect(facts.get('allow_guest_access').reason).toMatchObject({ id: 'probe.guestNotTried' });
    expect(facts.get('disable_registration').state).toBe('default');
  });

  it('judges the same rules as mxlint config, saying what was seen', async () => {
    const { lint } = await probe(CLOSED);
    expect(statusOf(lint, 'registration-gated')).toMatchObject({ status: 'pass', messageId: 'probe.seenFromOutside', message: expect.stringMatching(/closed.*seen from outside: POST \/register \{\} answers 403 M_FORBIDDEN/) });
    expect(statusOf(lint, 'registration-gated')?.data.seen).toMatchObject({ id: 'probe.registerRefused', data: { status: 403 } });
    expect(statusOf(lint, 'profile-lookup-limited', 'anonymous')?.status).toBe('fail');
    expect(statusOf(lint, 'public-rooms-without-auth', 'anonymous')?.status).toBe('pass');
    expect(statusOf(lint, 'retention-enabled')).toMatchObject({ status: 'unknown', message: expect.stringContaining('mxlint config') });
    // A rule that reads the files themselves is unknown, never a pass.
    expect(statusOf(lint, 'known-keys')).toMatchObject({ status: 'unknown', messageId: 'probe.readsFiles', data: { notSeen: NOT_SEEN }, message: expect.stringContaining('mxlint config') });
    expect(lint.verdicts.find((verdict) => verdict.useCase === 'chatons')?.verdict).toBe('unknown');
  });
});

describe('probe of a server with open sign-up and a telling well-known', () => {
  it('reads the sign-up stages and the well-known into the registration and well-known facts', async () => {
    const { result, lint } = await probe(OPEN);
    const facts = buildProbeFacts(result);
    expect(facts.get('enable_registration').value).toBe(true);
    expect(facts.get('registration_requires_token').value).toBe(true);
    expect(facts.get('enable_registration_captcha').value).toBe(true);
    expect(facts.get('user_consent.require_at_registration').value).toBe(true);
    expect(facts.get('registrations_require_3pid').value).toEqual([]);
    expect(facts.get('enable_registration_token_3pid_bypass').value).toBe(false);
    expect(facts.get('disable_msisdn_registration').value).toBe(true);
    expect(facts.get('default_identity_server').value).toBe('https://vector.im');
    expect(facts.get('admin_contact').value).toBe('admin@example.org');
    expect(statusOf(lint, 'registration-gated')?.status).toBe('pass');
    expect(statusOf(lint, 'well-known-no-identity-server')).toMatchObject({ status: 'fail', location: { file: `${server.url}/.well-known/matrix/client` } });
    expect(statusOf(lint, 'well-known-encryption-default')?.status).toBe('fail');
    expect(statusOf(lint, 'no-default-identity-server')?.status).toBe('fail');
    expect(statusOf(lint, 'registration-terms')?.status).toBe('pass');
    expect(statusOf(lint, 'admin-contact')?.status).toBe('pass');
    expect(statusOf(lint, 'no-phone-registration')?.status).toBe('pass');
    // A captcha is seen; whose it is (recaptcha_siteverify_api) is not.
    expect(statusOf(lint, 'no-google-recaptcha')?.status).toBe('unknown');
    expect(statusOf(lint, 'public-rooms-without-auth', 'anonymous')?.status).toBe('fail');
    expect(statusOf(lint, 'profile-lookup-limited', 'anonymous')?.status).toBe('unknown');
  });

  it('tries a guest account only with tryGuest, and keeps no token of it', async () => {
    const without = await probe(OPEN);
    expect(server.seen.some((line) => line.includes('kind=guest'))).toBe(false);
    expect(statusOf(without.lint, 'guest-access-available', 'pseudonymous')?.status).toBe('unknown');
    const { result, lint } = await probe(OPEN, { tryGuest: true });
    expect(server.seen).toContain('POST /_matrix/client/v3/register?kind=guest');
    expect(result.guestUserId).toBe('@12:test.local');
    expect(JSON.stringify(result)).not.toContain('syt_guest');
    expect(statusOf(lint, 'guest-access-available', 'pseudonymous')?.status).toBe('pass');
  });

  it('reads a sign-up that requires an e-mail, with a token bypass', async () => {
    const { result } = await probe({ ...OPEN, 'POST /_matrix/client/v3/register': [401, { flows: [{ stages: ['m.login.email.identity'] }, { stages: ['m.login.msisdn', 'm.login.email.identity'] }, { stages: ['m.login.registration_token'] }] }] });
    const facts = buildProbeFacts(result);
    expect(facts.get('registrations_require_3pid').value).toEqual(['email']);
    expect(facts.get('enable_registration_token_3pid_bypass').value).toBe(true);
    expect(facts.get('registration_requires_token').value).toBe(false);
    expect(facts.get('disable_msisdn_registration').value).toBe(false);
  });
});

describe('probe: who can sign up, with single sign-on', () => {
  it('a login page without single sign-on means no provider; with one, sign-up through it cannot be seen', async () => {
    const closed = await probe(CLOSED);
    expect(closed.lint.facts.get('signup.open')).toMatchObject({ value: false });
    const sso = await probe({ ...CLOSED, 'GET /_matrix/client/v3/login': [200, { flows: [{ type: 'm.login.sso', identity_providers: [{ id: 'oidc-github', name: 'GitHub' }] }, { type: 'm.login.token' }] }] });
    expect(sso.lint.facts.get('oidc_providers')).toMatchObject({ state: 'unknown', reason: { id: 'probe.ssoUnseen', data: { flows: 'm.login.sso', providers: { data: { ids: 'oidc-github' } } } } });
    expect(statusOf(sso.lint, 'registration-gated')?.status).toBe('unknown');
  });
});

describe('probe faults and refusals', () => {
  it('an HTML page, a 5xx or a body of the wrong shape leaves its facts unknown and says why', async () => {
    const { result, lint } = await probe({
      ...CLOSED,
      'POST /_matrix/client/v3/register': [200, '<html>portal</html>', 'text/html'],
      'GET /_matrix/client/v3/publicRooms': [502, '<html>bad gateway</html>', 'text/html'],
      'GET /_matrix/client/v3/profile/': [200, { displayname: 7 }],
    });
    expect(result.answers.register?.fault).toEqual({ id: 'probe.notJson', data: { status: 200 } });
    expect(result.answers.publicRooms?.fault).toEqual({ id: 'probe.httpStatus', data: { status: 502 } });
    expect(result.answers.profile?.fault).toEqual({ id: 'probe.wrongShape', data: { status: 200, problem: 'displayname must be string,null' } });
    const facts = buildProbeFacts(result);
    // The flows gave nothing usable: GET /register/available, for a random name, is the second signal.
    expect(server.seen.some((line) => /^GET \/_matrix\/client\/v3\/register\/available\?username=mxlint-probe-[0-9a-f]{12}$/.test(line))).toBe(true);
    expect(facts.get('enable_registration')).toMatchObject({ state: 'set', value: false, location: { file: expect.stringContaining('/register/available?username=') } });
    expect(facts.seen.get('enable_registration')?.seen).toMatchObject({ id: 'probe.availableRefused' });
    expect(facts.get('registration_requires_token')).toMatchObject({ state: 'unknown', reason: { id: 'probe.noUsableAnswer', data: { method: 'POST', fault: { id: 'probe.notJson' } } } });
    expect(statusOf(lint, 'registration-gated')?.status).toBe('pass');
    expect(lint.warnings.some((warning) => warning.includes('publicRooms'))).toBe(true);
  });

  it('retries a 5xx, and counts the retries', async () => {
    let first = true;
    const routes = { ...CLOSED };
    Object.defineProperty(routes, 'GET /_matrix/client/versions', { enumerable: true, get: () => (first ? ((first = false), [503, {}]) : CLOSED['GET /_matrix/client/versions']) });
    const { result } = await probe(routes, { maxRetries: 2 });
    expect(result.answers.clientVersions?.status).toBe(200);
    expect(result.retries).toBe(1);
    expect(result.requests).toBe(13);
  });

  it('follows a well-known delegation only to the same scheme, and to a public address unless allowed', async () => {
    const withBase = (base: string): Routes => ({ ...CLOSED, 'GET /.well-known/matrix/client': [200, { 'm.homeserver': { base_url: base } }] });
    const https = await probe(withBase('https://127.0.0.1:1'));
    expect(https.result.baseUrl).toBe(server.url);
    expect(https.result.warnings[0]).toMatchObject({ id: 'probe.notFollowingClient', data: { problem: { id: 'probe.schemeChange' } } });
    const privateAddress = await probe(withBase('http://10.1.2.3:8008'), { allowPrivate: false });
    expect(privateAddress.result.baseUrl).toBe(server.url);
    expect(privateAddress.result.warnings[0]).toMatchObject({ data: { problem: { id: 'probe.nonPublic', data: { address: '10.1.2.3' } } } });
    const followed = await probe(withBase(`${server.url}/`));
    expect(followed.result.baseUrl).toBe(server.url);
    expect(followed.result.warnings).toEqual([]);
  });

  it('asks federation at m.server (port 8448 by default), and not at a non-public one unless allowed', async () => {
    const withServer = (name: string): Routes => ({ ...CLOSED, 'GET /.well-known/matrix/server': [200, { 'm.server': name }] });
    expect((await probe(withServer('127.0.0.1'))).result.federationUrl).toBe('http://127.0.0.1:8448');
    const refused = await probe(withServer('192.168.4.4:443'), { allowPrivate: false });
    expect(refused.result.federationUrl).toBe(server.url);
    expect(refused.result.warnings[0]).toMatchObject({ id: 'probe.notFollowingServer', data: { to: '192.168.4.4:443', problem: { id: 'probe.nonPublic', data: { host: '192.168.4.4' } } } });
  });

  it('a server that answers nothing usable is a network error (exit 3), not a report', async () => {
    await expect(probe(Object.fromEntries(Object.keys(CLOSED).map((key) => [key, [500, 'no'] as Route])))).rejects.toMatchObject({ name: 'NetworkError', exitCode: 3 });
  });

  it('takes names as https, plain http only on this machine unless allowed', () => {
    expect(discoveryOrigin('example.org', false).href).toBe('https://example.org/');
    expect(discoveryOrigin('http://127.0.0.1:8008/x', false).href).toBe('http://127.0.0.1:8008/');
    expect(() => discoveryOrigin('http://example.org', false)).toThrow(/plain http/);
    expect(discoveryOrigin('http://example.org', true).protocol).toBe('http:');
    expect(() => discoveryOrigin('https://u:p@example.org', false)).toThrow(/user name or password/);
    expect(() => discoveryOrigin('ftp://example.org', false)).toThrow(/http\(s\)/);
  });

  it('knows the non-public addresses', () => {
    for (const address of ['127.0.0.1', '10.0.0.1', '172.16.0.1', '192.168.1.1', '169.254.1.1', '100.64.0.1', '0.0.0.0', '::1', 'fd00::1', 'fe80::1', '::ffff:10.0.0.1', '::ffff:7f00:1', new URL('http://[::ffff:192.168.0.1]/').hostname.slice(1, -1)]) expect(isNonPublicAddress(address), address).toBe(true);
    for (const address of ['1.1.1.1', '::ffff:808:808', '172.32.0.1', '100.128.0.1', '2001:db8::1', '8.8.8.8']) expect(isNonPublicAddress(address), address).toBe(false);
  });
});

describe('probe --config: what the file says against what the server shows', () => {
  const configFacts = (text: string) => {
    const file = parseYamlText('homeserver.yaml', Buffer.from(text));
    const config = (file.data ?? {}) as Record<string, unknown>;
    return buildServerFacts({ files: [file], config, ownerOf: new Map<string, YamlFile>(Object.keys(config).map((key) => [key, file])) }, ['homeserver.yaml']);
  };

  it('finds no difference when the file is what the server runs', async () => {
    const { result } = await probe(CLOSED);
    expect(configDifferences(buildProbeFacts(result), configFacts('server_name: test.local\nenable_registration: false\nallow_guest_access: true\n'))).toEqual([]);
  });

  it('names each difference, at the line of the file that says otherwise', async () => {
    const { result } = await probe(OPEN);
    const differences = configDifferences(buildProbeFacts(result), configFacts([
      'server_name: test.local', 'enable_registration: true', 'registration_requires_token: false', 'enable_registration_captcha: true',
      'user_consent:', '  require_at_registration: true', 'allow_public_rooms_without_auth: "false"', 'require_auth_for_profile_requests: true',
      `public_baseurl: ${server.url}/`, 'default_identity_server: https://vector.im/', 'extra_well_known_client_content:', '  io.element.e2ee: { default: false }', '',
    ].join('\n')));
    // A quoted "false" is true for Synapse: the server shows the directory, as the file makes it.
    expect(differences.map((difference) => [difference.path, difference.config, difference.seen, difference.location?.line])).toEqual([
      ['registration_requires_token', false, true, 3],
    ]);
    expect(differences[0].seenMessage).toEqual({ id: 'probe.everyFlowToken', data: {} });
  });

  it('compares what the federation directory showed (a 403 is off) with allow_public_rooms_over_federation', async () => {
    const { result } = await probe({ ...CLOSED, 'GET /_matrix/federation/v1/publicRooms': [403, { errcode: 'M_FORBIDDEN' }] }, { federation: true });
    const facts = buildProbeFacts(result);
    expect(configDifferences(facts, configFacts('enable_registration: false\nallow_public_rooms_over_federation: true\n'))).toMatchObject([
      { path: 'allow_public_rooms_over_federation', config: true, seen: false, location: { line: 2 }, seenMessage: { id: 'probe.federationRoomsDenied' } },
    ]);
    expect(configDifferences(facts, configFacts('enable_registration: false\n'))).toEqual([]);
  });

  it('compares the stages only while sign-up is open on both sides', async () => {
    const { result } = await probe(CLOSED);
    const [difference, ...rest] = configDifferences(buildProbeFacts(result), configFacts('enable_registration: true\nregistration_requires_token: true\n'));
    expect(rest).toEqual([]);
    expect(difference).toMatchObject({ path: 'enable_registration', config: true, seen: false, location: { line: 1 } });
  });
});

describe('probe: the profile lookup names a user of this server only', () => {
  it('asks no profile when the server name is unknown (no key answer, a URL given)', async () => {
    const { result, lint } = await probe({ ...CLOSED, 'GET /_matrix/key/v2/server': [404, UNRECOGNIZED] });
    expect(result.serverName).toBeUndefined();
    expect(server.seen.some((line) => line.includes('/profile/'))).toBe(false);
    expect(result.warnings).toContainEqual({ id: 'probe.noServerName', data: {} });
    expect(statusOf(lint, 'profile-lookup-limited', 'anonymous')?.status).toBe('unknown');
  });
});

describe('probe: login delegated to Matrix Authentication Service', () => {
  // What Synapse 1.160 with matrix_authentication_service.enabled answers (rest/client/auth_metadata.py,
  // rest/well_known.py), and MAS's discovery (crates/handlers/src/oauth2/discovery.rs).
  const masRoutes = (prompts: string[], extra: Routes = {}): Routes => ({
    ...CLOSED,
    'GET /.well-known/matrix/client': [200, { 'm.homeserver': { base_url: 'BASE' }, 'org.matrix.msc2965.authentication': { issuer: 'BASE/', account: 'BASE/account/' } }],
    'POST /_matrix/client/v3/register': [403, { errcode: 'M_FORBIDDEN', error: 'Registration has been disabled. Only m.login.application_service registrations are allowed.' }],
    'GET /_matrix/client/v1/auth_metadata': [200, { issuer: 'BASE/', account_management_uri: 'BASE/account/', prompt_values_supported: prompts }],
    'GET /.well-known/openid-configuration': [200, { issuer: 'BASE/', registration_endpoint: 'BASE/oauth2/registration', prompt_values_supported: prompts, account_management_uri: 'BASE/account/' }],
    ...extra,
  });

  it('reads MAS\'s OpenID discovery: prompt=create means its password registration is on; the token stays unknown', async () => {
    const { result, lint } = await probe(masRoutes(['login', 'create']));
    expect(server.seen).toContain('GET /.well-known/openid-configuration');
    expect(result.delegation).toEqual({ issuer: `${server.url}/`, via: 'auth_metadata', accountUrl: `${server.url}/account/` });
    const facts = lint.facts;
    expect(facts.get('matrix_authentication_service.enabled')).toMatchObject({ value: true });
    expect(facts.get('mas.account.password_registration_enabled')).toMatchObject({ value: true, location: { file: `${server.url}/.well-known/openid-configuration` } });
    expect(facts.get('mas.passwords.enabled')).toMatchObject({ value: true });
    expect(facts.get('signup.decidedBy').value).toBe('mas');
    expect(facts.get('signup.form')).toMatchObject({ state: 'unknown', reason: { id: 'facts.dependsOn', data: { reason: { id: 'probe.masTokenUnseen' } } } });
    expect(statusOf(lint, 'registration-gated')?.status).toBe('unknown');
  });

  it('without prompt=create, MAS\'s form is closed; its upstream providers cannot be seen', async () => {
    const { lint } = await probe(masRoutes(['login']));
    expect(lint.facts.get('mas.account.password_registration_enabled')).toMatchObject({ value: false });
    expect(lint.facts.get('mas.passwords.enabled')).toMatchObject({ state: 'unknown', reason: { id: 'probe.masPasswordsUnseen' } });
    expect(lint.facts.get('signup.form')).toMatchObject({ value: 'closed' });
    expect(lint.facts.get('signup.via')).toMatchObject({ state: 'unknown', reason: { data: { path: 'mas.upstream_oauth2.providers', reason: { id: 'probe.masUpstreamUnseen' } } } });
    expect(statusOf(lint, 'registration-gated')).toMatchObject({ status: 'unknown' });
  });

  it('finds the issuer in the client well-known, and else through the unstable auth_issuer when the login flows hint at it', async () => {
    const wellKnownOnly = await probe(masRoutes(['login'], { 'GET /_matrix/client/v1/auth_metadata': [404, UNRECOGNIZED] }));
    expect(wellKnownOnly.result.delegation).toMatchObject({ via: 'well-known', accountUrl: `${server.url}/account/` });
    expect(wellKnownOnly.lint.facts.get('signup.form').value).toBe('closed');
    const hinted = await probe({
      ...masRoutes(['login', 'create'], { 'GET /_matrix/client/v1/auth_metadata': [404, UNRECOGNIZED] }),
      'GET /.well-known/matrix/client': [404, UNRECOGNIZED],
      'GET /_matrix/client/v3/login': [200, { flows: [{ type: 'm.login.sso', oauth_aware_preferred: true }, { type: 'm.login.token' }] }],
      'GET /_matrix/client/unstable/org.matrix.msc2965/auth_issuer': [200, { issuer: 'BASE/' }],
    });
    expect(hinted.result.delegation).toMatchObject({ via: 'auth_issuer', issuer: `${server.url}/` });
    expect(hinted.lint.facts.get('mas.account.password_registration_enabled').value).toBe(true);
    // Without MAS, neither auth_issuer nor a discovery is asked.
    await probe(CLOSED);
    expect(server.seen.some((line) => line.includes('auth_issuer') || line.includes('openid-configuration'))).toBe(false);
  });

  it('does not ask an issuer on a non-public address unless allowed', async () => {
    const { result } = await probe({ ...masRoutes(['login']), 'GET /_matrix/client/v1/auth_metadata': [200, { issuer: 'http://10.9.9.9/' }] }, { allowPrivate: false });
    expect(result.warnings).toContainEqual(expect.objectContaining({ id: 'probe.notFollowingIssuer' }));
    expect(result.answers.openidConfiguration).toBeUndefined();
  });
});

describe('probe: what is public without an account', () => {
  it('the media configuration asks a token on Synapse: unknown, saying so', async () => {
    const { lint } = await probe(CLOSED);
    expect(lint.facts.get('max_upload_size')).toMatchObject({ state: 'unknown', reason: { id: 'probe.mediaNeedsToken', data: { status: 401 } } });
    const open = await probe({ ...CLOSED, 'GET /_matrix/client/v1/media/config': [200, { 'm.upload.size': 52428800 }] });
    expect(open.lint.facts.get('max_upload_size')).toMatchObject({ value: 52428800 });
  });

  it('published rooms whose history anyone can read, from the directory\'s world_readable', async () => {
    const { lint } = await probe({ ...OPEN, 'GET /_matrix/client/v3/publicRooms': [200, { chunk: [{ room_id: '!a:test.local', world_readable: true }, { room_id: '!b:test.local', world_readable: false }] }] });
    expect(server.seen).toContain('GET /_matrix/client/v3/publicRooms?limit=20');
    expect(lint.facts.get('probe.publicRooms.worldReadable')).toMatchObject({ value: ['!a:test.local'] });
    expect(lint.facts.seen.get('probe.publicRooms.worldReadable')?.seen).toEqual({ id: 'probe.worldReadable', data: { count: 1, read: 2 } });
    const closed = await probe(CLOSED);
    expect(closed.lint.facts.get('probe.publicRooms.worldReadable')).toMatchObject({ state: 'unknown', reason: { id: 'probe.directoryNeedsToken' } });
  });

  it('the user directory needs an account: unknown with that reason', async () => {
    const { lint } = await probe(CLOSED);
    expect(lint.facts.get('user_directory.search_all_users')).toMatchObject({ state: 'unknown', reason: { id: 'probe.userDirectoryNeedsAccount' } });
  });
});

describe('probe --federation: the public rooms over federation', () => {
  it('is asked only with federation; an unsigned request\'s 401 says nothing of allow_public_rooms_over_federation', async () => {
    const without = await probe(CLOSED);
    expect(server.seen.some((line) => line.includes('/federation/v1/publicRooms'))).toBe(false);
    expect(without.lint.facts.get('allow_public_rooms_over_federation').reason).toMatchObject({ id: 'probe.federationNotAsked' });
    const unsigned = await probe({ ...CLOSED, 'GET /_matrix/federation/v1/publicRooms': [401, { errcode: 'M_UNAUTHORIZED', error: 'Missing Authorization headers' }] }, { federation: true });
    expect(server.seen).toContain('GET /_matrix/federation/v1/publicRooms?limit=1');
    expect(unsigned.lint.facts.get('allow_public_rooms_over_federation')).toMatchObject({ state: 'unknown', reason: { id: 'probe.federationUnsigned', data: { status: 401 } } });
    const denied = await probe({ ...CLOSED, 'GET /_matrix/federation/v1/publicRooms': [403, { errcode: 'M_FORBIDDEN' }] }, { federation: true });
    expect(denied.lint.facts.get('allow_public_rooms_over_federation').value).toBe(false);
    const listed = await probe({ ...CLOSED, 'GET /_matrix/federation/v1/publicRooms': [200, { chunk: [] }] }, { federation: true });
    expect(listed.lint.facts.get('allow_public_rooms_over_federation').value).toBe(true);
  });
});

describe('probe: which rules facts seen from outside can judge', () => {
  it('every check function is classified: the ones reading the files themselves declare readsFiles', () => {
    const readsFiles = Object.entries(checks).filter(([, check]) => check.readsFiles).map(([name]) => name).sort();
    expect(readsFiles).toEqual([
      'knownKeys', 'masEndpointListened', 'masKnownKeys', 'masLinkAgrees', 'masUpstreamImportsIdentity', 'masUpstreamThirdParties', 'noBridges', 'noDeprecatedKeys', 'noDuplicateKeys', 'noEmptySections',
      'noMisplacedKeys', 'noSkippedFiles', 'secretFilesPrivate', 'secretsInFiles', 'synapseSignupOptionsUnused', 'synapseStarts', 'topLevelKeyAbsent',
    ]);
    for (const check of Object.values(checks)) expect([undefined, true]).toContain(check.readsFiles);
    const rules = builtInRules().filter((rule) => rule.target === 'config');
    expect(rules.filter(judgedFromOutside).map((rule) => rule.id)).toContain('registration-gated');
    expect(rules.filter((rule) => !judgedFromOutside(rule)).map((rule) => rule.id)).toContain('known-keys');
  });

  it('every probe message renders in both languages', () => {
    for (const [id, templates] of declaredMessages()) {
      if (!id.startsWith('probe.')) continue;
      expect(templates.fr, id).not.toMatch(/ [:;?!]/);
    }
    expect(render('fr', NOT_SEEN)).toMatch(/^ne se voit pas de l’extérieur\u00a0: /);
  });
});
