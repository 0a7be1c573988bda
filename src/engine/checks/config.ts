// Dedicated config checks: what the generic functions cannot say.
import type { AppserviceFacts } from '../../facts/appservices.js';
import type { ServerFacts } from '../../facts/server-facts.js';
import { describeAllowList } from '../../facts/federation.js';
import { masDelegation } from '../../facts/signup.js';
import { findPlaceholder, pythonTruthy, show } from '../../facts/values.js';
import { describeFact, result, unknownOf, type CheckFunction } from './types.js';

const server = (facts: unknown): ServerFacts => facts as ServerFacts;
const isMapping = (value: unknown): value is Record<string, any> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** federation.allowList: absent or null = everyone; [] = nobody; otherwise those servers. */
export const federationAllowList: CheckFunction = (fact) => {
  if (fact.state === 'unknown') return unknownOf(fact);
  if (fact.value === null) return result('fail', fact, `${describeAllowList(fact)}: this server federates with every server`);
  const names = fact.value as string[];
  return result('pass', fact, names.length === 0 ? `${describeAllowList(fact)}: this server federates with no one` : `federation is limited to ${names.length} server(s): ${names.join(', ')}`);
};

/** federation.allowList keeps out options.servers (default matrix.org); Synapse compares names exactly. */
export const federationExcludes: CheckFunction = (fact, { options }) => {
  if (fact.state === 'unknown') return unknownOf(fact);
  const servers = (options.servers as string[] | undefined) ?? ['matrix.org'];
  if (fact.value === null) return result('fail', fact, `${describeAllowList(fact)}: this server federates with every server, ${servers.join(', ')} included`);
  const admitted = servers.filter((name) => (fact.value as string[]).includes(name));
  if (admitted.length) return result('fail', fact, `federation_domain_whitelist lets in ${admitted.join(', ')}`);
  return result('pass', fact, `${describeAllowList(fact)}, which keeps out ${servers.join(', ')} (Synapse compares names exactly: no wildcards)`);
};

/** Whether some listener serves the federation resource; undefined when a placeholder hides it. */
function servesFederation(listeners: unknown[]): boolean | undefined {
  const names = listeners.flatMap((listener: any) => (Array.isArray(listener?.resources) ? listener.resources : []).flatMap((resource: any) => (Array.isArray(resource?.names) ? resource.names : [])));
  if (names.includes('federation')) return true;
  return findPlaceholder(names) ? undefined : false;
}

/** No federation at all: federation_domain_whitelist: [], or no allow-list and no listener serving federation.
 *  A non-empty allow-list always fails: outgoing requests to those servers still work without a listener. */
export const federationClosed: CheckFunction = (_fact, { facts }) => {
  const { get } = server(facts);
  const allowList = get('federation.allowList');
  if (allowList.state === 'unknown') return unknownOf(allowList);
  if (Array.isArray(allowList.value)) {
    return allowList.value.length === 0
      ? result('pass', allowList, `${describeAllowList(allowList)}: this server federates with no one`)
      : result('fail', allowList, `this server federates with ${allowList.value.join(', ')}`);
  }
  const listeners = get('listeners');
  const legacyPort = get('bind_port'); // the old form builds a listener that serves federation
  if (Array.isArray(listeners.value) && listeners.state !== 'default' && !pythonTruthy(legacyPort.value)) {
    const serves = servesFederation(listeners.value);
    if (serves === undefined) return unknownOf(listeners);
    if (!serves) return result('pass', listeners, 'no listener serves the federation resource, so other servers cannot reach this one (outgoing requests are still allowed: federation_domain_whitelist: [] stops them too)');
  }
  return result('fail', allowList, `this server federates with every server (${describeAllowList(allowList)})`);
};

/** Which notaries Synapse asks for other servers' keys: absent (and no perspectives) = matrix.org.
 *  Synapse asks every notary, before the servers themselves, so one avoided notary is enough to fail. */
export const trustedKeyServers: CheckFunction = (_fact, { facts, options }) => {
  const { get } = server(facts);
  const listed = get('trusted_key_servers');
  const perspectives = get('perspectives');
  if (listed.state === 'unknown') return unknownOf(listed);
  // Only perspectives' server names matter (its keys are redacted, which would make the whole fact unknown).
  const legacy = isMapping(perspectives.value) && isMapping(perspectives.value.servers) ? Object.keys(perspectives.value.servers) : [];
  if (findPlaceholder(legacy)) return unknownOf(perspectives);
  let names: string[];
  let origin = '';
  if (listed.state === 'default' && perspectives.state === 'default') {
    names = ['matrix.org'];
    origin = " (Synapse's default, as neither trusted_key_servers nor perspectives is set)";
  } else {
    if (listed.state === 'set' && !Array.isArray(listed.value)) return result('fail', listed, `trusted_key_servers is ${show(listed.value)}, not a list: Synapse refuses to start`);
    const entries = listed.state === 'set' ? (listed.value as unknown[]) : [];
    names = [...entries.map((entry: any) => String(entry?.server_name ?? entry)), ...legacy];
  }
  const avoid = ((options.avoid as string[] | undefined) ?? ['matrix.org']).map((name) => name.toLowerCase());
  const allowList = get('federation.allowList');
  const blocked = Array.isArray(allowList.value) ? names.filter((name) => !(allowList.value as string[]).includes(name)) : [];
  const avoided = names.filter((name) => avoid.includes(name.toLowerCase()) && !blocked.includes(name));
  if (avoided.length && allowList.state === 'unknown') return unknownOf(allowList);
  const shown = `key notaries: ${names.length ? names.join(', ') : 'none (keys are fetched from each server directly)'}${origin}`;
  const kept = blocked.length ? `; federation_domain_whitelist stops Synapse from asking ${blocked.join(', ')}` : '';
  if (avoided.length) return result('fail', listed, `${shown}; Synapse asks ${avoided.join(', ')} for the keys of every server it talks to${kept}`);
  return result('pass', listed, `${shown}${kept}`);
};

/** Presence off: the effective presence.enabled (use_presence when it is absent or null) falsy or "untracked". */
export const presenceOff: CheckFunction = (_fact, { facts }) => {
  const { get } = server(facts);
  const enabled = get('presence.enabled');
  if (enabled.state === 'unknown') return unknownOf(enabled);
  const value = enabled.value;
  const decisive = get(enabled.from ?? enabled.path);
  const seen = enabled.from !== 'use_presence'
    ? `presence.enabled is ${show(value)}`
    : enabled.state === 'default'
      ? "presence.enabled and use_presence are not set (Synapse's default: on)"
      : `use_presence is ${show(value)} (read as presence.enabled is not set)`;
  if (!pythonTruthy(value)) return result('pass', decisive, `${seen}: presence is off`);
  if (value === 'untracked') return result('pass', decisive, `${seen}: clients' presence updates are ignored`);
  const quoted = typeof value === 'string' ? ' (a quoted string, which Synapse reads as true)' : '';
  const federation = get('federation.enabled');
  const audience = federation.value === false ? 'on this server (federation is closed)' : 'other servers included';
  return result('fail', decisive, `${seen}${quoted}: online status and last activity go to everyone who shares a room, ${audience}`);
};

/** The top-level key is not in the config at all: Synapse turns some sections on by their mere presence
 *  (`"sentry" in config`). Only the key is looked at, so a secret inside does not matter. */
export const topLevelKeyAbsent: CheckFunction = (fact, { facts }) => {
  const entry = server(facts).topLevelKeys.find((item) => item.key === fact.path);
  if (!entry) return result('pass', fact, `${fact.path} is not set`);
  return result('fail', { path: fact.path, value: undefined, state: 'set', location: entry.location }, `a ${fact.path} section is present, which turns it on`);
};

const serviceName = (service: AppserviceFacts): string => service.id ?? service.file;

/** Bridges from app_service_config_files; options.networks restricts the check to some networks.
 *  Appservices recognised as no bridge (integration managers, double-puppeting) never count. */
export const noBridges: CheckFunction = (_fact, { facts, options }) => {
  const { appservices, get } = server(facts);
  const fact = get('app_service_config_files');
  if (fact.state === 'unknown') return unknownOf(fact);
  const only = options.networks as string[] | undefined;
  const bridges = appservices.filter((service) => !service.notBridge);
  // A bridge is known when its network was guessed, or (without a network filter) when its file was read.
  const known = bridges.filter((service) => service.networks.length > 0 || (service.read && !only));
  const unclear = bridges.filter((service) => !known.includes(service));
  const relevant = known.filter((service) => !only || service.networks.some((network) => only.includes(network)));
  const describe = (service: AppserviceFacts) => `${serviceName(service)} (${service.networks.join(', ') || 'network not recognised'})`;
  const unclearText = unclear.map((service) => `${serviceName(service)}${service.problem ? `: ${service.problem}` : ''}`).join('; ');
  const what = only ? `${only.join('/')} bridge` : 'bridge';
  if (relevant.length) {
    return result('fail', fact, `${what}s registered: ${relevant.map(describe).join('; ')}${unclear.length ? `; also unclear: ${unclearText}` : ''}`);
  }
  if (unclear.length) return result('unknown', fact, `cannot tell what these appservices bridge: ${unclearText}`);
  const others = [
    ...known.map((service) => `${describe(service)} is another bridge`),
    ...appservices.filter((service) => service.notBridge).map((service) => `${serviceName(service)} is ${service.notBridge}`),
  ];
  return result('pass', fact, appservices.length ? `no ${what} registered${others.length ? `: ${others.join('; ')}` : ''}` : 'no appservice registered');
};

/** Guests can register: allow_guest_access on, and not delegated to MAS (which has no guests). */
export const guestAccessWorks: CheckFunction = (_fact, { facts }) => {
  const { get } = server(facts);
  const guests = get('allow_guest_access');
  if (guests.state === 'unknown') return unknownOf(guests);
  if (!pythonTruthy(guests.value)) return result('fail', guests, `allow_guest_access is ${guests.state === 'default' ? 'not set (off)' : show(guests.value)}: no one can join without an account`);
  const mas = masDelegation(get);
  if ('unknown' in mas) return unknownOf(mas.unknown);
  if (mas.delegated) return result('fail', mas.fact, 'allow_guest_access is on but login is delegated to Matrix Authentication Service, which does not support guest accounts');
  return result('pass', guests, 'guest accounts are allowed');
};

/** What /.well-known/matrix/client (and the login response) tell clients. Synapse serves it only when
 *  public_baseurl is set; it adds m.identity_server from default_identity_server, then extra_well_known_client_content.
 *  options.forbid: identity_server (no identity server advertised), else Element's encryption settings are checked. */
export const wellKnownClient: CheckFunction = (fact, { facts, options }) => {
  if (fact.state === 'unknown') return unknownOf(fact);
  const { get } = server(facts);
  const content = isMapping(fact.value) ? fact.value : {};
  const baseUrl = get('public_baseurl');
  const served = baseUrl.value !== null && baseUrl.value !== undefined;
  const notServed = 'Synapse serves no client well-known, as public_baseurl is not set';
  if (options.forbid === 'identity_server') {
    if ('m.identity_server' in content) {
      return result('fail', fact, `extra_well_known_client_content sets m.identity_server (${show(content['m.identity_server'])}), which Synapse refuses at start-up`);
    }
    const identity = get('default_identity_server');
    if (identity.state === 'unknown') return unknownOf(identity);
    if (!pythonTruthy(identity.value)) return result('pass', fact, 'no identity server is advertised to clients');
    if (!served) return result('pass', identity, `default_identity_server is ${show(identity.value)}, but ${notServed}, so clients are not told about it`);
    return result('fail', identity, `the client well-known tells every client to use the identity server ${show(identity.value)} (default_identity_server, published as public_baseurl is set)`);
  }
  // Element reads io.element.e2ee, or the older im.vector.riot.e2ee when the new key is absent.
  const key = isMapping(content['io.element.e2ee']) ? 'io.element.e2ee' : 'im.vector.riot.e2ee';
  const e2ee = isMapping(content[key]) ? content[key] : {};
  if (e2ee.default !== false && e2ee.force_disable !== true) return result('pass', fact, 'clients are not told to turn encryption off');
  const told = `${key}: ${show(e2ee)} tells Element to ${e2ee.force_disable === true ? 'turn encryption off entirely' : 'create rooms unencrypted by default'}`;
  if (!served) return result('pass', fact, `${told}, but ${notServed}`);
  return result('fail', fact, told);
};
