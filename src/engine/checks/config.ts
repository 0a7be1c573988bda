// Dedicated config checks: what the generic functions cannot say.
import type { ServerFacts } from '../../facts/server-facts.js';
import { pythonTruthy, show } from '../../facts/values.js';
import { result, unknownOf, type CheckFunction } from './types.js';


const server = (facts: unknown): ServerFacts => facts as ServerFacts;

/** federation_domain_whitelist: absent or null = everyone; [] = nobody; a list = those servers. */
export const federationAllowList: CheckFunction = (fact) => {
  if (fact.state === 'unknown') return unknownOf(fact);
  if (fact.value === null || fact.value === undefined) {
    return result('fail', fact, `${fact.state === 'default' ? 'federation_domain_whitelist is not set' : 'federation_domain_whitelist is null'}: this server federates with every server`);
  }
  if (!Array.isArray(fact.value)) return result('fail', fact, `federation_domain_whitelist is ${show(fact.value)}, not a list`);
  return result('pass', fact, fact.value.length === 0
    ? 'federation_domain_whitelist is []: this server federates with no one'
    : `federation is limited to ${fact.value.length} server(s): ${fact.value.map(String).join(', ')}`);
};

/** No federation at all: federation_domain_whitelist: [] or no listener serves federation. */
export const federationClosed: CheckFunction = (_fact, { facts }) => {
  const { get } = server(facts);
  const allowList = get('federation_domain_whitelist');
  if (allowList.state === 'unknown') return unknownOf(allowList);
  if (Array.isArray(allowList.value) && allowList.value.length === 0) return result('pass', allowList, 'federation_domain_whitelist is []: no federation');
  const listeners = get('listeners');
  if (listeners.state === 'set' && Array.isArray(listeners.value)) {
    const servesFederation = listeners.value.some((listener: any) =>
      (listener?.resources ?? []).some((resource: any) => (resource?.names ?? []).includes('federation')));
    if (!servesFederation) return result('pass', listeners, 'no listener serves the federation resource');
  }
  return result('fail', allowList, Array.isArray(allowList.value)
    ? `this server federates with ${allowList.value.map(String).join(', ')}`
    : 'this server federates with every server (federation_domain_whitelist is not set)');
};

/** Which notaries Synapse asks for other servers' keys: absent (and no perspectives) = matrix.org. */
export const trustedKeyServers: CheckFunction = (_fact, { facts, options }) => {
  const { get } = server(facts);
  const fact = get('trusted_key_servers');
  if (fact.state === 'unknown') return unknownOf(fact);
  const perspectives = get('perspectives');
  let names: string[];
  if (fact.state === 'default' && perspectives.state === 'set' && perspectives.value && typeof perspectives.value === 'object') {
    names = Object.keys((perspectives.value as any).servers ?? {});
  } else if (fact.state === 'default') {
    names = ['matrix.org'];
  } else {
    names = (Array.isArray(fact.value) ? fact.value : []).map((entry: any) => String(entry?.server_name ?? entry)).filter(Boolean);
  }
  const avoid = ((options.avoid as string[] | undefined) ?? ['matrix.org']).map((name) => name.toLowerCase());
  const onlyAvoided = names.length > 0 && names.every((name) => avoid.includes(name.toLowerCase()));
  const shown = names.length ? names.join(', ') : 'none (keys fetched directly from each server)';
  const origin = fact.state === 'default' ? ' (Synapse\'s default, as trusted_key_servers is not set)' : '';
  return result(onlyAvoided ? 'fail' : 'pass', fact, `key notaries: ${shown}${origin}`);
};

/** Bridges from app_service_config_files; options.networks restricts the check to some networks. */
export const noBridges: CheckFunction = (_fact, { facts, options }) => {
  const { appservices, get } = server(facts);
  const fact = get('app_service_config_files');
  if (fact.state === 'unknown') return unknownOf(fact);
  const only = options.networks as string[] | undefined;
  const relevant = appservices.filter((service) => !only || service.networks.some((network) => only.includes(network)));
  const unread = appservices.filter((service) => !service.read && service.networks.length === 0);
  if (relevant.length) {
    const list = relevant.map((service) => `${service.id ?? service.file} (${service.networks.join(', ') || 'unknown network'})`).join('; ');
    return result('fail', fact, `bridges registered: ${list}`);
  }
  if (only && unread.length) {
    return result('unknown', fact, `cannot tell what ${unread.map((service) => service.file).join(', ')} bridges: ${unread[0].problem}`);
  }
  return result('pass', fact, appservices.length ? `appservices registered, none of them ${only ? `bridging ${only.join('/')}` : 'a bridge'}` : 'no appservice registered');
};

/** Guests can register: allow_guest_access on, and not delegated to MAS (which has no guests). */
export const guestAccessWorks: CheckFunction = (_fact, { facts }) => {
  const { get } = server(facts);
  const guests = get('allow_guest_access');
  if (guests.state === 'unknown') return unknownOf(guests);
  if (!pythonTruthy(guests.value)) return result('fail', guests, `allow_guest_access is ${guests.state === 'default' ? 'not set (off)' : show(guests.value)}: no one can join without an account`);
  const mas = get('matrix_authentication_service.enabled');
  if (pythonTruthy(mas.value)) return result('fail', mas, 'allow_guest_access is on but login is delegated to Matrix Authentication Service, which does not support guest accounts');
  return result('pass', guests, 'guest accounts are allowed');
};

/** What extra_well_known_client_content tells clients (keys contain dots, hence a dedicated check). */
export const wellKnownClient: CheckFunction = (fact, { options }) => {
  if (fact.state === 'unknown') return unknownOf(fact);
  const content = (fact.value && typeof fact.value === 'object' ? fact.value : {}) as Record<string, any>;
  if (options.forbid === 'identity_server') {
    const server = content['m.identity_server']?.base_url;
    return server ? result('fail', fact, `clients are told to use the identity server ${show(server)}`) : result('pass', fact, 'no identity server advertised to clients');
  }
  const e2ee = content['io.element.e2ee'] ?? {};
  if (e2ee.default === false || e2ee.force_disable === true) {
    return result('fail', fact, `Element is told to ${e2ee.force_disable ? 'disable encryption' : 'create unencrypted rooms by default'} (io.element.e2ee: ${show(e2ee)})`);
  }
  return result('pass', fact, 'clients are not told to turn encryption off');
};
