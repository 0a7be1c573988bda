// Dedicated config checks (src/engine/checks/config.ts) and appservice reading (src/facts/appservices.ts).
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as config from '../../src/engine/checks/config.js';
import type { CheckFunction } from '../../src/engine/checks/types.js';
import { guessNetworks, guessNotBridge } from '../../src/facts/appservices.js';
import { buildServerFacts, type ServerFacts } from '../../src/facts/server-facts.js';
import { loadConfigFiles } from '../../src/sources/config-files.js';
import { render } from '../../src/messages/message.js';
import type { CheckResult } from '../../src/types.js';

/** Facts from a homeserver.yaml written to a fresh directory, with extra files beside it. */
function factsOf(yaml: string, extra: Record<string, string> = {}): ServerFacts {
  const dir = mkdtempSync(join(tmpdir(), 'mxlint-config-'));
  for (const [name, text] of Object.entries(extra)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  const file = join(dir, 'homeserver.yaml');
  writeFileSync(file, yaml);
  return buildServerFacts(loadConfigFiles([file]), [file]);
}

function run(check: CheckFunction, yaml: string, { path, options = {}, extra }: { path?: string; options?: Record<string, unknown>; extra?: Record<string, string> } = {}): CheckResult {
  const facts = factsOf(yaml, extra);
  const fact = path ? facts.get(path) : { path: '', value: undefined, state: 'default' as const };
  const outcome = check(fact, { facts, options });
  return Array.isArray(outcome) ? outcome[0] : outcome;
}

describe('federationAllowList', () => {
  const check = (yaml: string) => run(config.federationAllowList, yaml, { path: 'federation.allowList' });
  it('tells absent (open) from [] (closed) and from a list', () => {
    expect(check('server_name: a\n')).toMatchObject({ status: 'fail', message: { id: 'config.federatesWithEveryone', data: { allowList: { id: 'facts.allowListNotSet' } } } });
    expect(check('federation_domain_whitelist:\n')).toMatchObject({ status: 'fail', message: { id: 'config.federatesWithEveryone', data: { allowList: { id: 'facts.allowListNull' } } } });
    expect(check('federation_domain_whitelist: []\n')).toMatchObject({ status: 'pass', message: { id: 'config.federatesWithNoOne', data: { allowList: { id: 'facts.allowListAdmitsNone' } } } });
    expect(check('federation_domain_whitelist: [a.org, b.org]\n')).toMatchObject({ status: 'pass', message: { id: 'config.federationLimited', data: { count: 2, names: 'a.org, b.org' } } });
    expect(render('en', check('server_name: a\n').message)).toBe('federation_domain_whitelist is not set: this server federates with every server');
  });
  it('gives unknown for a placeholder or a value Synapse cannot iterate; reads a mapping by its keys', () => {
    expect(check('federation_domain_whitelist: "${PEERS}"\n').status).toBe('unknown');
    expect(check('federation_domain_whitelist: 5\n')).toMatchObject({ status: 'unknown', path: 'federation_domain_whitelist' });
    expect(check('federation_domain_whitelist: {a.org: true, b.org: false}\n').message).toMatchObject({ id: 'config.federationLimited', data: { count: 2, names: 'a.org, b.org' } });
  });
});

describe('federationExcludes', () => {
  const check = (yaml: string, servers?: string[]) =>
    run(config.federationExcludes, yaml, { path: 'federation.allowList', options: servers ? { servers } : {} });
  it('fails when matrix.org is listed, exactly as Synapse compares names', () => {
    expect(check('federation_domain_whitelist: [matrix.org]\n')).toMatchObject({ status: 'fail', message: { id: 'config.allowListLetsIn', data: { servers: 'matrix.org' } } });
    expect(check('federation_domain_whitelist: [Matrix.org]\n').status).toBe('pass');
  });
  it('knows no wildcards, as Synapse 1.160: "*.org" admits no matrix.org', () => {
    expect(check('federation_domain_whitelist: ["*.org"]\n')).toMatchObject({ status: 'pass', message: { id: 'config.allowListKeepsOut', data: { servers: 'matrix.org', allowList: { data: { names: '*.org' } } } } });
    expect(check('federation_domain_whitelist: {matrix.org: null}\n').status).toBe('fail');
  });
  it('takes the servers to keep out as an option', () => {
    expect(check('federation_domain_whitelist: [matrix.org]\n', ['gitter.im']).status).toBe('pass');
    expect(check('federation_domain_whitelist: [gitter.im]\n', ['gitter.im']).status).toBe('fail');
  });
  it('fails open federation and gives unknown for a placeholder', () => {
    expect(check('server_name: a\n').message).toMatchObject({ id: 'config.federatesWithEveryoneIncluded', data: { servers: 'matrix.org' } });
    expect(check('federation_domain_whitelist: ["${PEER}"]\n').status).toBe('unknown');
  });
});

describe('federationClosed', () => {
  const listeners = (names: string) => `listeners:\n  - port: 8008\n    type: http\n    resources:\n      - names: [${names}]\n`;
  it('passes [] and a server whose listeners serve no federation', () => {
    expect(run(config.federationClosed, 'federation_domain_whitelist: []\n').status).toBe('pass');
    expect(run(config.federationClosed, listeners('client')).status).toBe('pass');
  });
  it('fails open or limited federation, and the legacy bind_port listener', () => {
    expect(run(config.federationClosed, listeners('client, federation')).status).toBe('fail');
    expect(run(config.federationClosed, `federation_domain_whitelist: [a.org]\n${listeners('client, federation')}`).message).toEqual({ id: 'config.federatesWith', data: { servers: 'a.org' } });
    expect(run(config.federationClosed, `bind_port: 8448\n${listeners('client')}`).status).toBe('fail');
    // Outgoing requests to an allowed server work without any federation listener.
    expect(run(config.federationClosed, `federation_domain_whitelist: [a.org]\n${listeners('client')}`).status).toBe('fail');
  });
  it('gives unknown when a placeholder hides the resource names', () => {
    expect(run(config.federationClosed, listeners('client, "${EXTRA_RESOURCE}"')).status).toBe('unknown');
  });
});

describe('trustedKeyServers', () => {
  const check = (yaml: string, avoid?: string[]) => run(config.trustedKeyServers, yaml, { options: avoid ? { avoid } : {} });
  it('knows that no trusted_key_servers and no perspectives means matrix.org', () => {
    expect(check('server_name: a\n')).toMatchObject({ status: 'fail', message: { id: 'config.keyNotaryAsked', data: { avoided: 'matrix.org', seen: { id: 'config.keyNotariesByDefault', data: { names: 'matrix.org' } } } } });
    expect(check('perspectives:\n  servers:\n    peer.example: {}\n')).toMatchObject({ status: 'pass', message: { id: 'config.keyNotaries', data: { names: 'peer.example' } } });
  });
  it('fails as soon as matrix.org is one of the notaries (Synapse asks them all)', () => {
    expect(check('trusted_key_servers: [{server_name: peer.example}, {server_name: matrix.org}]\n').status).toBe('fail');
    expect(check('trusted_key_servers: [{server_name: peer.example}]\nperspectives:\n  servers:\n    matrix.org: {verify_keys: {"ed25519:auto": {key: abc}}}\n').status).toBe('fail');
  });
  it('passes [] and notaries the allow-list keeps out', () => {
    expect(check('trusted_key_servers: []\n').message).toEqual({ id: 'config.keyNotariesNone', data: {} });
    expect(check('federation_domain_whitelist: [peer.example]\n')).toMatchObject({ status: 'pass', message: { id: 'config.keyNotariesBlocked', data: { blocked: 'matrix.org' } } });
  });
  it('fails null (Synapse refuses it), gives unknown for placeholders, takes avoid as an option', () => {
    expect(check('trusted_key_servers:\n').message).toEqual({ id: 'config.keyServersNotAList', data: { value: 'null' } });
    expect(check('trusted_key_servers: [{server_name: "${NOTARY}"}]\n').status).toBe('unknown');
    expect(check('trusted_key_servers: [{server_name: peer.example}]\n', ['peer.example']).status).toBe('fail');
  });
});

describe('presenceOff', () => {
  const check = (yaml: string) => run(config.presenceOff, yaml);
  it('is on by default, through the legacy use_presence', () => {
    expect(check('server_name: a\n')).toMatchObject({ status: 'fail', message: { id: 'config.presenceShared', data: { seen: { id: 'config.presenceDefault' }, audience: { id: 'config.audienceFederated' } } } });
    expect(check('use_presence: false\n').status).toBe('pass');
    expect(check('presence:\n  enabled:\nuse_presence: false\n').status).toBe('pass');
  });
  it('lets presence.enabled win over use_presence, and accepts "untracked"', () => {
    expect(check('presence: {enabled: true}\nuse_presence: false\n').status).toBe('fail');
    expect(check('presence: {enabled: untracked}\n').status).toBe('pass');
    expect(check('presence: {enabled: off}\n').status).toBe('pass');
  });
  it('reads a quoted "false" as on and a placeholder as unknown', () => {
    expect(check('presence: {enabled: "false"}\n').message).toMatchObject({ id: 'config.presenceShared', data: { seen: { id: 'config.quotedTrue' } } });
    expect(check('presence: {enabled: "${PRESENCE}"}\n').status).toBe('unknown');
  });
});

describe('topLevelKeyAbsent', () => {
  it('sees a sentry section even though its dsn is a redacted secret', () => {
    const seen = run(config.topLevelKeyAbsent, 'report_stats: false\nsentry:\n  dsn: "https://k@sentry.example/1"\n', { path: 'sentry' });
    expect(seen).toMatchObject({ status: 'fail', location: { line: 2 } });
    expect(JSON.stringify(seen)).not.toMatch(/sentry\.example/);
    expect(run(config.topLevelKeyAbsent, 'report_stats: false\n', { path: 'sentry' }).status).toBe('pass');
  });
});

describe('wellKnownClient', () => {
  const identity = (yaml: string) => run(config.wellKnownClient, yaml, { path: 'extra_well_known_client_content', options: { forbid: 'identity_server' } });
  const e2ee = (yaml: string) => run(config.wellKnownClient, yaml, { path: 'extra_well_known_client_content' });
  const served = 'public_baseurl: https://m.example/\n';
  it('reports an identity server only when Synapse publishes one', () => {
    expect(identity(`${served}default_identity_server: https://vector.im\n`).status).toBe('fail');
    expect(identity('default_identity_server: https://vector.im\n').status).toBe('pass');
    expect(identity('public_baseurl: "${BASE_URL}"\ndefault_identity_server: https://vector.im\n').status).toBe('fail');
    expect(identity(`${served}extra_well_known_client_content:\n  m.identity_server: {base_url: "https://vector.im"}\n`).message).toMatchObject({ id: 'config.wellKnownSetsIdentityServer' });
  });
  it('reads Element encryption settings as Element does (a real false only; the old key as fallback)', () => {
    expect(e2ee(`${served}extra_well_known_client_content:\n  io.element.e2ee: {default: false}\n`).status).toBe('fail');
    expect(e2ee(`${served}extra_well_known_client_content:\n  io.element.e2ee: {default: "false"}\n`).status).toBe('pass');
    expect(e2ee(`${served}extra_well_known_client_content:\n  im.vector.riot.e2ee: {force_disable: true}\n`).message).toMatchObject({ id: 'config.e2eeForceDisable', data: { key: 'im.vector.riot.e2ee' } });
    expect(e2ee(`${served}extra_well_known_client_content:\n  io.element.e2ee: {default: true}\n  im.vector.riot.e2ee: {default: false}\n`).status).toBe('pass');
    expect(e2ee('extra_well_known_client_content:\n  io.element.e2ee: {default: false}\n').message).toMatchObject({ id: 'config.wellKnownNotServed', data: { told: { id: 'config.e2eeDefaultOff' } } });
  });
});

describe('guestAccessWorks (behaviour other rules rely on)', () => {
  it('needs allow_guest_access and no MAS', () => {
    expect(run(config.guestAccessWorks, 'allow_guest_access: true\n').status).toBe('pass');
    expect(run(config.guestAccessWorks, 'server_name: a\n').status).toBe('fail');
    expect(run(config.guestAccessWorks, 'allow_guest_access: true\nmatrix_authentication_service: {enabled: true}\n').message).toMatchObject({ id: 'config.guestsUnderMas' });
    expect(run(config.guestAccessWorks, 'allow_guest_access: "${GUESTS}"\n').status).toBe('unknown');
  });
});

describe('noBridges on hand-written registrations', () => {
  const whatsapp = 'id: whatsapp\nurl: http://localhost:29318\nas_token: t\nhs_token: t\nsender_localpart: bot\nnamespaces:\n  users:\n    - {regex: "^@whatsapp_[0-9]+:example.org$", exclusive: true}\n';
  it('finds a relative registration next to the config file first', () => {
    const seen = run(config.noBridges, 'app_service_config_files: [regs/wa.yaml]\n', { extra: { 'regs/wa.yaml': whatsapp } });
    expect(seen).toMatchObject({ status: 'fail', message: { id: 'config.bridgesRegistered', data: { bridges: [{ id: 'config.bridge', data: { name: 'whatsapp', networks: 'whatsapp' } }] } } });
  });
  it('filters by network and gives unknown for a bridge it cannot place', () => {
    const relay = 'id: relay\nurl: http://localhost:1\nas_token: t\nhs_token: t\nsender_localpart: r\nnamespaces: {users: [{regex: "@rl_.*", exclusive: true}]}\n';
    const extra = { 'wa.yaml': whatsapp, 'relay.yaml': relay };
    expect(run(config.noBridges, 'app_service_config_files: [relay.yaml]\n', { extra, options: { networks: ['signal'] } }).status).toBe('unknown');
    expect(run(config.noBridges, 'app_service_config_files: [wa.yaml]\n', { extra, options: { networks: ['signal'] } })).toMatchObject({ status: 'pass', message: { id: 'config.noNetworkBridgeOthers', data: { networks: 'signal', others: [{ id: 'config.anotherBridge' }] } } });
    expect(render('en', run(config.noBridges, 'app_service_config_files: [wa.yaml]\n', { extra, options: { networks: ['signal'] } }).message)).toBe('no signal bridge registered: whatsapp (whatsapp) is another bridge');
  });
});

const realDir = '/work/shared/fixtures/real/appservice';
describe.skipIf(!existsSync(realDir))('appservice registrations from real deployments (read in place)', () => {
  const files = existsSync(realDir) ? readdirSync(realDir).filter((name) => name.endsWith('.yaml')).sort() : [];
  const facts = factsOf(`app_service_config_files:\n${files.map((name) => `  - ${join(realDir, name)}`).join('\n')}\n`);
  const byFile = Object.fromEntries(facts.appservices.map((service) => [service.file.split('/').pop(), service]));

  it('reads every file', () => {
    expect(facts.appservices.map((service) => service.read)).toEqual(files.map(() => true));
  });

  it.each([
    ['01-samcday-mautrix-signal.yaml', ['signal']],
    ['02-samcday-mautrix-telegram.yaml', ['telegram']],
    ['03-samcday-mautrix-whatsapp.yaml', ['whatsapp']],
    ['05-automattic-slack-bridge.yaml', ['slack']],
    ['06-madlittlemods-gitter-bridge.yaml', ['gitter']],
    ['07-fossteams-teams-bridge.yaml', ['teams']],
    ['08-onestacked-bridge.yaml', []],
  ])('%s bridges %j', (file, networks) => {
    expect(byFile[file].networks).toEqual(networks);
    expect(byFile[file].notBridge).toBeUndefined();
  });

  it('says the Dimension integration manager and the double-puppeting helper are not bridges', () => {
    expect(byFile['04-automattic-dimension.yaml']).toMatchObject({ networks: [], notBridge: { id: 'appservices.dimension' } });
    expect(byFile['09-onestacked-doublepuppet.yaml']).toMatchObject({ url: null, networks: [], notBridge: { id: 'appservices.doublePuppet' } });
  });

  it('lists the bridges, not the other appservices', () => {
    const seen = config.noBridges(facts.get('app_service_config_files'), { facts, options: {} }) as CheckResult;
    expect(seen.status).toBe('fail');
    expect(render('en', seen.message)).toBe('bridges registered: signal (signal); telegram (telegram); whatsapp (whatsapp); 547eb430884eae9915e166f386efed45cc931c132b124fa8d72b58ef6af71735 (slack); c0b8ce1183366c7540fe530c7086070286b5062cc04f8c9f10e0b28c8b39304d (gitter); teams-proxy (teams); go-test-bridgev2 (network not recognised)');
  });

  it('picks out the phone-number networks and flags the bridge it cannot place', () => {
    const seen = config.noBridges(facts.get('app_service_config_files'), { facts, options: { networks: ['whatsapp', 'signal', 'sms'] } }) as CheckResult;
    expect(seen).toMatchObject({ status: 'fail', message: { id: 'config.alsoUnclear', data: { seen: { id: 'config.networkBridgesRegistered', data: { networks: 'whatsapp/signal/sms' } }, unclear: ['go-test-bridgev2'] } } });
    expect(render('en', seen.message)).toBe('whatsapp/signal/sms bridges registered: signal (signal); whatsapp (whatsapp); also unclear: go-test-bridgev2');
  });
});

describe('network guessing', () => {
  it('reads common bridge names', () => {
    expect(guessNetworks('heisenbridge')).toEqual(['irc']);
    expect(guessNetworks('@meta_.*:example.org')).toEqual(['facebook']);
    expect(guessNetworks('@kiwa_bot:example.org')).toEqual([]);
    expect(guessNetworks('hookshot')).toEqual(['webhooks']);
  });
  it('knows a null url receives nothing', () => {
    expect(guessNotBridge(null, 'something')).toEqual({ id: 'appservices.nullUrl', data: {} });
    expect(guessNotBridge('http://x', 'something')).toBeUndefined();
  });
});
