// Dedicated checks on a server that delegates sign-up to Matrix Authentication Service: the two
// configs must agree, and Synapse's own sign-up options decide nothing there.
import type { ServerFacts } from '../../facts/server-facts.js';
import { MAS_PREFIX, NO_MAS_CONFIG, masCatalogue } from '../../facts/mas.js';
import { findPlaceholder, show, walk } from '../../facts/values.js';
import { defineMessages, type Message } from '../../messages/message.js';
import { closest } from './did-you-mean.js';
import type { CheckResult, Fact } from '../../types.js';
import { describeFact, result, type CheckFunction } from './types.js';

const message = defineMessages({
  'mas.cannotCompare': { en: '{reason}: the two configs cannot be compared', fr: '{reason}\u00a0: les deux configurations ne peuvent pas être comparées' },
  'mas.cannotCheckKeys': { en: '{reason}: its keys cannot be checked', fr: '{reason}\u00a0: ses clés ne peuvent pas être vérifiées' },
  'mas.cannotCheckUpstreams': { en: '{reason}: its upstream providers cannot be checked', fr: '{reason}\u00a0: ses fournisseurs amont ne peuvent pas être vérifiés' },
  'mas.cannotCheckEndpoint': { en: "{reason}: where MAS listens cannot be compared with Synapse's endpoint", fr: '{reason}\u00a0: l’adresse où MAS écoute ne peut pas être comparée à l’endpoint de Synapse' },
  'mas.homeserverUnknown': { en: 'cannot compare mas.matrix.homeserver with server_name ({reason})', fr: 'impossible de comparer mas.matrix.homeserver à server_name ({reason})' },
  'mas.homeserverDiffers': {
    en: "{seen}, but Synapse's server_name is {serverName}: MAS would make user IDs for another server",
    fr: '{seen}, mais le server_name de Synapse est {serverName}\u00a0: MAS fabriquerait des identifiants d’utilisateur pour un autre serveur',
  },
  'mas.secretDiffers': {
    en: "mas.matrix.secret differs from Synapse's matrix_authentication_service.secret (neither shown): MAS and Synapse will refuse each other's requests",
    fr: 'mas.matrix.secret diffère du matrix_authentication_service.secret de Synapse (aucun des deux n’est affiché)\u00a0: MAS et Synapse refuseront les requêtes l’un de l’autre',
  },
  'mas.linkAgrees': { en: 'mas.matrix.homeserver is server_name ({serverName})', fr: 'mas.matrix.homeserver est le server_name ({serverName})' },
  'mas.linkAgreesSecret': {
    en: 'mas.matrix.homeserver is server_name ({serverName}), and the shared secret is the same on both sides',
    fr: 'mas.matrix.homeserver est le server_name ({serverName}), et le secret partagé est le même des deux côtés',
  },
  'mas.noSynapseSignupOption': { en: "none of Synapse's own sign-up options is set", fr: 'aucune des options d’inscription propres à Synapse n’est renseignée' },
  'mas.synapseSignupOptionSet': {
    en: "{path} is set, but Matrix Authentication Service decides sign-up: Synapse ignores it (set it in MAS's config, or delete it)",
    fr: '{path} est renseigné, mais c’est Matrix Authentication Service qui décide de l’inscription\u00a0: Synapse l’ignore (réglez-le dans la configuration de MAS, ou supprimez-le)',
  },
  'mas.unknownKey': { en: '{path} is not a key MAS {version} reads: MAS ignores it', fr: '{path} n’est pas une clé que MAS {version} lit\u00a0: MAS l’ignore' },
  'mas.unknownKeyNear': { en: '{path} is not a key MAS {version} reads: MAS ignores it (did you mean {near}?)', fr: '{path} n’est pas une clé que MAS {version} lit\u00a0: MAS l’ignore (vouliez-vous dire {near}\u00a0?)' },
  'mas.knownKeys': { en: 'every key of the MAS config is one MAS {version} reads', fr: 'toutes les clés de la configuration MAS sont lues par MAS {version}' },
  'mas.thirdParty': { en: 'upstream provider "{name}" is {party}: {party} learns who logs in to this server, and when', fr: 'le fournisseur amont «\u00a0{name}\u00a0» est {party}\u00a0: {party} apprend qui se connecte à ce serveur, et quand' },
  'mas.upstreamUnknown': {
    en: 'cannot tell who upstream provider {index} is: mas.upstream_oauth2.providers.{index}.issuer is unknown ({reason})',
    fr: 'impossible de savoir qui est le fournisseur amont {index}\u00a0: mas.upstream_oauth2.providers.{index}.issuer est inconnu ({reason})',
  },
  'mas.noThirdParty': { en: 'no upstream provider is a large third party', fr: 'aucun fournisseur amont n’est un grand tiers' },
  'mas.noUpstream': { en: 'MAS has no upstream provider', fr: 'MAS n’a aucun fournisseur amont' },
  'mas.importsIdentity': {
    en: 'upstream provider "{name}" is {party} and imports {claims} into the account: the pseudonym is tied to the name {party} knows',
    fr: 'le fournisseur amont «\u00a0{name}\u00a0» est {party} et importe {claims} dans le compte\u00a0: le pseudonyme est lié au nom que {party} connaît',
  },
  'mas.claimEmail': { en: 'the e-mail address (claims_imports.email.action: {action})', fr: 'l’adresse e-mail (claims_imports.email.action\u00a0: {action})' },
  'mas.claimName': { en: 'the real name (claims_imports.displayname.action: {action})', fr: 'le vrai nom (claims_imports.displayname.action\u00a0: {action})' },
  'mas.claimsAnd': { en: '{first} and {second}', fr: '{first} et {second}' },
  'mas.importsNothing': { en: 'no large third-party provider imports the e-mail address or the real name', fr: 'aucun fournisseur tiers important n’importe l’adresse e-mail ni le vrai nom' },
  'mas.endpointListened': { en: '{seen}: MAS listens there ({bind})', fr: '{seen}\u00a0: MAS y écoute ({bind})' },
  'mas.endpointNotListened': {
    en: '{seen}, but MAS listens at {binds} on this host: Synapse cannot reach MAS (port {port})',
    fr: '{seen}, mais MAS écoute sur {binds} sur cette machine\u00a0: Synapse ne peut pas joindre MAS (port {port})',
  },
  'mas.endpointElsewhere': {
    en: '{seen} is another host than where MAS listens ({binds}): mxlint cannot tell whether it reaches MAS (another machine, a container name or a reverse proxy)',
    fr: '{seen} est un autre hôte que celui où MAS écoute ({binds})\u00a0: mxlint ne peut pas savoir s’il mène à MAS (autre machine, nom de conteneur ou proxy inverse)',
  },
  'mas.endpointUnreadable': { en: '{seen} is not an http(s) URL mxlint can read', fr: '{seen} n’est pas une URL http(s) que mxlint sait lire' },
  'mas.noTcpBind': { en: 'MAS listens only on sockets or file descriptors ({binds})', fr: 'MAS n’écoute que sur des sockets ou des descripteurs de fichier ({binds})' },
});

const server = (facts: unknown): ServerFacts => facts as ServerFacts;

/** Synapse's sign-up options that start-up does not refuse under MAS, and that then do nothing. */
const SYNAPSE_SIGNUP_OPTIONS = ['registrations_require_3pid', 'registration_requires_token', 'enable_registration_token_3pid_bypass', 'enable_registration_without_verification',
  'disable_msisdn_registration', 'account_threepid_delegates', 'recaptcha_public_key', 'recaptcha_private_key', 'recaptcha_siteverify_api'];

/** An inline shared secret, or undefined when it is read from a file (never opened: it is a secret)
 *  or is a template's placeholder (two templates may fill the same secret from different names). */
const inline = (section: unknown, key: string): string | undefined => {
  const value = (section as Record<string, unknown> | undefined)?.[key];
  return typeof value === 'string' && !findPlaceholder(value) ? value : undefined;
};

const noConfig = (facts: ServerFacts, what: Parameters<typeof message>[0] & `mas.cannot${string}`): CheckResult =>
  result('unknown', facts.get('signup.decidedBy'), message(what, { reason: NO_MAS_CONFIG }));

/** MAS's matrix.homeserver is Synapse's server_name, and the shared secret is the same on both sides
 *  when both are written inline (compared, never shown). */
export const masLinkAgrees: CheckFunction = (_fact, { facts }) => {
  const { get, mas, config } = server(facts);
  if (!mas) return noConfig(server(facts), 'mas.cannotCompare');
  const results: CheckResult[] = [];
  const homeserver = get('mas.matrix.homeserver');
  const serverName = get('server_name');
  if (homeserver.state === 'unknown' || serverName.state === 'unknown') {
    results.push(result('unknown', homeserver.state === 'unknown' ? homeserver : serverName, message('mas.homeserverUnknown', { reason: (homeserver.reason ?? serverName.reason)! })));
  } else if (homeserver.value !== serverName.value) {
    results.push(result('fail', homeserver, message('mas.homeserverDiffers', { seen: describeFact(homeserver, show(homeserver.value)), serverName: show(serverName.value) })));
  }
  const synapseSecret = inline(config.matrix_authentication_service, 'secret');
  const masSecret = inline(mas.config.matrix, 'secret');
  if (synapseSecret !== undefined && masSecret !== undefined && synapseSecret !== masSecret) {
    results.push(result('fail', get('mas.matrix.secret'), message('mas.secretDiffers')));
  }
  if (results.length) return results;
  const both = synapseSecret !== undefined && masSecret !== undefined;
  return result('pass', homeserver, message(both ? 'mas.linkAgreesSecret' : 'mas.linkAgrees', { serverName: show(serverName.value) }));
};

/** None of Synapse's own sign-up options is set while MAS decides sign-up (they would do nothing). */
export const synapseSignupOptionsUnused: CheckFunction = (_fact, { facts }) => {
  const { get } = server(facts);
  const set = SYNAPSE_SIGNUP_OPTIONS.map((path) => get(path)).filter((fact) => fact.state === 'set');
  if (set.length === 0) return result('pass', get('signup.decidedBy'), message('mas.noSynapseSignupOption'));
  return set.map((fact) => result('fail', fact, message('mas.synapseSignupOptionSet', { path: fact.path })));
};

/** The concrete paths of a catalogued section (`upstream_oauth2.providers.*`: each provider). */
function sectionPaths(config: unknown, section: string): string[] {
  const [head, tail] = section.split('.*');
  const { value, found } = walk(config, head.split('.'));
  if (found < head.split('.').length) return [];
  if (tail === undefined) return [head];
  return Array.isArray(value) ? value.map((_item, index) => `${head}.${index}${tail}`) : [];
}

/** Every key of the MAS config is one MAS 1.22 reads, at the top level and in the sections the
 *  catalogue lists (MAS ignores any other key without a word), with the nearest known key. */
export const masKnownKeys: CheckFunction = (_fact, { facts }) => {
  const { mas } = server(facts);
  if (!mas) return noConfig(server(facts), 'mas.cannotCheckKeys');
  const ignored: CheckResult[] = [];
  const version = masCatalogue.mas;
  const check = (prefix: string, mapping: unknown, known: string[]) => {
    if (typeof mapping !== 'object' || mapping === null || Array.isArray(mapping)) return;
    for (const key of Object.keys(mapping).filter((name) => !known.includes(name))) {
      const path = prefix ? `${prefix}.${key}` : key;
      const near = closest(key, known);
      const said = near ? message('mas.unknownKeyNear', { path, version, near: `${prefix ? `${prefix}.` : ''}${near}` }) : message('mas.unknownKey', { path, version });
      // A section from the environment has no position of its own: its first value's is said.
      const location = mas.positions.get(path) ?? [...mas.positions].find(([key]) => key.startsWith(`${path}.`))?.[1];
      ignored.push({ status: 'fail', message: said, path: MAS_PREFIX + path, location });
    }
  };
  check('', mas.config, masCatalogue.topLevel);
  for (const [section, known] of Object.entries(masCatalogue.sections)) {
    for (const path of sectionPaths(mas.config, section)) check(path, walk(mas.config, path.split('.')).value, known);
  }
  return ignored.length ? ignored : result('pass', undefined, message('mas.knownKeys', { version }));
};

/** Large third parties an upstream provider may be, by issuer host or by MAS's brand_name. */
const THIRD_PARTIES: Array<{ name: string; hosts: RegExp; brand: string }> = [
  { name: 'Google', hosts: /(^|\.)google\.com$/, brand: 'google' },
  { name: 'GitHub', hosts: /(^|\.)github\.com$/, brand: 'github' },
  { name: 'Apple', hosts: /(^|\.)apple\.com$/, brand: 'apple' },
  { name: 'Microsoft', hosts: /(^|\.)(microsoftonline\.com|live\.com|microsoft\.com)$/, brand: 'microsoft' },
  { name: 'Facebook', hosts: /(^|\.)facebook\.com$/, brand: 'facebook' },
  { name: 'Discord', hosts: /(^|\.)discord\.com$/, brand: 'discord' },
];

const hostOf = (issuer: unknown): string | undefined => {
  try {
    return typeof issuer === 'string' ? new URL(issuer).hostname.toLowerCase() : undefined;
  } catch {
    return undefined;
  }
};

interface Upstream {
  index: number;
  at: (key: string) => Fact;
  /** The large third party it is, if it is one. */
  party?: string;
  name: string;
}

/** MAS's enabled upstream providers, each with the large third party it is, if any. */
function enabledUpstreams(get: (path: string) => Fact): Upstream[] {
  const providers = get('mas.upstream_oauth2.providers');
  const count = Array.isArray(providers.value) ? providers.value.length : 0;
  const upstreams: Upstream[] = [];
  for (let index = 0; index < count; index += 1) {
    const at = (key: string) => get(`mas.upstream_oauth2.providers.${index}.${key}`);
    if (at('enabled').value === false) continue;
    const issuer = at('issuer');
    const brand = String(at('brand_name').value ?? '').toLowerCase();
    const party = THIRD_PARTIES.find((candidate) => candidate.brand === brand || candidate.hosts.test(hostOf(issuer.value) ?? '')
      || (candidate.brand === 'apple' && at('sign_in_with_apple').state === 'set'));
    upstreams.push({ index, at, party: party?.name, name: String(at('human_name').value ?? issuer.value ?? index) });
  }
  return upstreams;
}

/** No enabled MAS upstream provider is a large third party (it learns who logs in, and when). */
export const masUpstreamThirdParties: CheckFunction = (_fact, { facts }) => {
  const { get, mas } = server(facts);
  if (!mas) return noConfig(server(facts), 'mas.cannotCheckUpstreams');
  const upstreams = enabledUpstreams(get);
  const results: CheckResult[] = [];
  for (const { index, at, party, name } of upstreams) {
    const issuer = at('issuer');
    if (party) results.push(result('fail', get(`mas.upstream_oauth2.providers.${index}`), message('mas.thirdParty', { name, party })));
    else if (issuer.state === 'unknown' && !at('brand_name').value) results.push(result('unknown', issuer, message('mas.upstreamUnknown', { index, reason: issuer.reason! })));
  }
  if (results.length) return results;
  const providers = get('mas.upstream_oauth2.providers');
  return result('pass', providers, message(Array.isArray(providers.value) && providers.value.length ? 'mas.noThirdParty' : 'mas.noUpstream'));
};

/** No large third-party upstream provider imports the e-mail address or the display name (MAS's
 *  default action for both is `ignore`). */
export const masUpstreamImportsIdentity: CheckFunction = (_fact, { facts }) => {
  const { get, mas } = server(facts);
  if (!mas) return noConfig(server(facts), 'mas.cannotCheckUpstreams');
  const results: CheckResult[] = [];
  for (const { at, party, name } of enabledUpstreams(get).filter((upstream) => upstream.party)) {
    const claims: Message[] = [];
    let first: Fact | undefined;
    for (const [claim, id] of [['email', 'mas.claimEmail'], ['displayname', 'mas.claimName']] as const) {
      const action = at(`claims_imports.${claim}.action`);
      if (action.state === 'unknown') {
        results.push(result('unknown', action, describeFact(action, show(action.value))));
        continue;
      }
      if (action.state !== 'set' || action.value === 'ignore') continue;
      first ??= action;
      claims.push(message(id, { action: show(action.value) }));
    }
    const imported = claims.length === 2 ? message('mas.claimsAnd', { first: claims[0], second: claims[1] }) : claims[0];
    if (imported) results.push(result('fail', first, message('mas.importsIdentity', { name, party: party!, claims: imported })));
  }
  return results.length ? results : result('pass', get('mas.upstream_oauth2.providers'), message('mas.importsNothing'));
};

/** A TCP bind of MAS: host ('' for every address) and port; a socket or fd bind gives undefined. */
function tcpBind(bind: unknown): { host: string; port: number; shown: string } | undefined {
  if (typeof bind !== 'object' || bind === null) return undefined;
  const { address, host, port } = bind as Record<string, unknown>;
  if (typeof address === 'string') {
    const match = /^(?:\[([^\]]*)\]|([^:]*)):(\d+)$/.exec(address);
    return match ? { host: (match[1] ?? match[2]).toLowerCase(), port: Number(match[3]), shown: address } : undefined;
  }
  if (typeof port === 'number') return { host: typeof host === 'string' ? host.toLowerCase() : '', port, shown: `${typeof host === 'string' ? host : '*'}:${port}` };
  return undefined;
}

const LOOPBACK = /^(?:localhost|127(?:\.\d+){3}|::1|0:0:0:0:0:0:0:1)$/;
const EVERY_ADDRESS = new Set(['', '::', '0.0.0.0', '[::]']);

/** Synapse's matrix_authentication_service.endpoint is where one of MAS's HTTP listeners listens,
 *  when that can be told: the endpoint is on this host (loopback) or names the host a bind names. */
export const masEndpointListened: CheckFunction = (_fact, { facts }) => {
  const { get, mas } = server(facts);
  if (!mas) return noConfig(server(facts), 'mas.cannotCheckEndpoint');
  const endpoint = get('matrix_authentication_service.endpoint');
  if (endpoint.state === 'unknown') return result('unknown', endpoint, describeFact(endpoint, show(endpoint.value)));
  const seen = describeFact(endpoint, show(endpoint.value));
  const listeners = get('mas.http.listeners');
  if (listeners.state === 'unknown') return result('unknown', listeners, describeFact(listeners, show(listeners.value)));
  let url: URL;
  try {
    url = new URL(String(endpoint.value));
    if (!/^https?:$/.test(url.protocol)) throw new Error('scheme');
  } catch {
    return result('unknown', endpoint, message('mas.endpointUnreadable', { seen }));
  }
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  const listenerList = Array.isArray(listeners.value) ? listeners.value as Array<Record<string, unknown>> : [];
  const binds = listenerList.flatMap((listener) => (Array.isArray(listener?.binds) ? listener.binds : []));
  const tcp = binds.map(tcpBind).filter((bind) => bind !== undefined);
  const shown = binds.map((bind) => tcpBind(bind)?.shown ?? JSON.stringify(bind)).join(', ') || '(none)';
  if (tcp.length === 0) return result('unknown', endpoint, message('mas.noTcpBind', { binds: shown }));
  // Only an endpoint on this host (loopback), or on a host a bind names, can be told listened or not.
  const local = LOOPBACK.test(host) || tcp.some((bind) => bind.host === host);
  if (!local) return result('unknown', endpoint, message('mas.endpointElsewhere', { seen, binds: shown }));
  const covers = (bind: { host: string }) => EVERY_ADDRESS.has(bind.host) || bind.host === host || (LOOPBACK.test(host) && LOOPBACK.test(bind.host));
  const listening = tcp.find((bind) => bind.port === port && covers(bind));
  if (listening) return result('pass', endpoint, message('mas.endpointListened', { seen, bind: listening.shown }));
  return result('fail', endpoint, message('mas.endpointNotListened', { seen, binds: shown, port }));
};
