// Dedicated config checks: what the generic functions cannot say.
import type { AppserviceFacts } from '../../facts/appservices.js';
import type { ServerFacts } from '../../facts/server-facts.js';
import { describeAllowList } from '../../facts/federation.js';
import { masDelegation } from '../../facts/signup.js';
import { findPlaceholder, pythonTruthy, show } from '../../facts/values.js';
import { defineMessages, type Message } from '../../messages/message.js';
import { factMessage, result, unknownOf, type CheckFunction } from './types.js';

const message = defineMessages({
  'config.federatesWithEveryone': { en: '{allowList}: this server federates with every server', fr: '{allowList}\u00a0: ce serveur fédère avec tous les serveurs' },
  'config.federatesWithNoOne': { en: '{allowList}: this server federates with no one', fr: '{allowList}\u00a0: ce serveur ne fédère avec personne' },
  'config.federationLimited': { en: 'federation is limited to {count} server(s): {names}', fr: 'la fédération est limitée à {count} serveur(s)\u00a0: {names}' },
  'config.federatesWithEveryoneIncluded': { en: '{allowList}: this server federates with every server, {servers} included', fr: '{allowList}\u00a0: ce serveur fédère avec tous les serveurs, y compris {servers}' },
  'config.allowListLetsIn': { en: 'federation_domain_whitelist lets in {servers}', fr: 'federation_domain_whitelist admet {servers}' },
  'config.allowListKeepsOut': { en: '{allowList}, which keeps out {servers} (Synapse compares names exactly: no wildcards)', fr: '{allowList}, ce qui tient {servers} à l’écart (Synapse compare les noms tels quels\u00a0: pas de jokers)' },
  'config.federatesWith': { en: 'this server federates with {servers}', fr: 'ce serveur fédère avec {servers}' },
  'config.noFederationListener': {
    en: 'no listener serves the federation resource, so other servers cannot reach this one (outgoing requests are still allowed: federation_domain_whitelist: [] stops them too)',
    fr: 'aucun listener ne sert la ressource federation, donc les autres serveurs ne peuvent pas joindre celui-ci (les requêtes sortantes restent possibles\u00a0: une liste federation_domain_whitelist vide les arrête aussi)',
  },
  'config.federatesWithEveryoneAs': { en: 'this server federates with every server ({allowList})', fr: 'ce serveur fédère avec tous les serveurs ({allowList})' },
  'config.keyNotaries': { en: 'key notaries: {names}', fr: 'notaires de clés\u00a0: {names}' },
  'config.keyNotariesNone': { en: 'key notaries: none (keys are fetched from each server directly)', fr: 'notaires de clés\u00a0: aucun (les clés sont demandées directement à chaque serveur)' },
  'config.keyNotariesByDefault': {
    en: "key notaries: {names} (Synapse's default, as neither trusted_key_servers nor perspectives is set)",
    fr: 'notaires de clés\u00a0: {names} (valeur par défaut de Synapse, car ni trusted_key_servers ni perspectives n’est renseigné)',
  },
  'config.keyServersNotAList': { en: 'trusted_key_servers is {value}, not a list: Synapse refuses to start', fr: 'trusted_key_servers vaut {value}, ce qui n’est pas une liste\u00a0: Synapse refuse de démarrer' },
  'config.keyNotaryAsked': { en: '{seen}; Synapse asks {avoided} for the keys of every server it talks to', fr: '{seen}\u00a0; Synapse demande à {avoided} les clés de chaque serveur avec lequel il échange' },
  'config.keyNotariesBlocked': { en: '{seen}; federation_domain_whitelist stops Synapse from asking {blocked}', fr: '{seen}\u00a0; federation_domain_whitelist empêche Synapse d’interroger {blocked}' },
  'config.presenceDefault': { en: "presence.enabled and use_presence are not set (Synapse's default: on)", fr: 'ni presence.enabled ni use_presence ne sont renseignés (valeur par défaut de Synapse\u00a0: activée)' },
  'config.usePresence': { en: 'use_presence is {value} (read as presence.enabled is not set)', fr: 'use_presence vaut {value} (lu parce que presence.enabled n’est pas renseigné)' },
  'config.presenceOff': { en: '{seen}: presence is off', fr: '{seen}\u00a0: la présence est désactivée' },
  'config.presenceUntracked': { en: "{seen}: clients' presence updates are ignored", fr: '{seen}\u00a0: les mises à jour de présence des clients sont ignorées' },
  'config.quotedTrue': { en: '{seen} (a quoted string, which Synapse reads as true)', fr: '{seen} (une chaîne entre guillemets, que Synapse lit comme vraie)' },
  'config.presenceShared': {
    en: '{seen}: online status and last activity go to everyone who shares a room, {audience}',
    fr: '{seen}\u00a0: l’état en ligne et la dernière activité sont envoyés à tous ceux qui partagent un salon, {audience}',
  },
  'config.audienceLocal': { en: 'on this server (federation is closed)', fr: 'sur ce serveur (la fédération est fermée)' },
  'config.audienceFederated': { en: 'other servers included', fr: 'autres serveurs compris' },
  'config.keyNotSet': { en: '{path} is not set', fr: '{path} n’est pas renseigné' },
  'config.sectionPresent': { en: 'a {path} section is present, which turns it on', fr: 'une section {path} est présente, ce qui l’active' },
  'config.bridge': { en: '{name} ({networks})', fr: '{name} ({networks})' },
  'config.bridgeUnrecognised': { en: '{name} (network not recognised)', fr: '{name} (réseau non reconnu)' },
  'config.unclearBridge': { en: '{name}: {problem}', fr: '{name}\u00a0: {problem}' },
  'config.bridgesRegistered': { en: 'bridges registered: {bridges}', fr: 'passerelles enregistrées\u00a0: {bridges}' },
  'config.networkBridgesRegistered': { en: '{networks} bridges registered: {bridges}', fr: 'passerelles {networks} enregistrées\u00a0: {bridges}' },
  'config.alsoUnclear': { en: '{seen}; also unclear: {unclear}', fr: '{seen}\u00a0; à éclaircir aussi\u00a0: {unclear}' },
  'config.bridgesUnclear': { en: 'cannot tell what these appservices bridge: {unclear}', fr: 'impossible de dire vers quoi ces appservices font passerelle\u00a0: {unclear}' },
  'config.anotherBridge': { en: '{bridge} is another bridge', fr: '{bridge} est une autre passerelle' },
  'config.notABridge': { en: '{name} is {what}', fr: '{name} est {what}' },
  'config.noBridge': { en: 'no bridge registered', fr: 'aucune passerelle enregistrée' },
  'config.noBridgeOthers': { en: 'no bridge registered: {others}', fr: 'aucune passerelle enregistrée\u00a0: {others}' },
  'config.noNetworkBridge': { en: 'no {networks} bridge registered', fr: 'aucune passerelle {networks} enregistrée' },
  'config.noNetworkBridgeOthers': { en: 'no {networks} bridge registered: {others}', fr: 'aucune passerelle {networks} enregistrée\u00a0: {others}' },
  'config.noAppservice': { en: 'no appservice registered', fr: 'aucun appservice enregistré' },
  'config.guestsOffByDefault': { en: 'allow_guest_access is not set (off): no one can join without an account', fr: 'allow_guest_access n’est pas renseigné (désactivé)\u00a0: personne ne peut rejoindre sans compte' },
  'config.guestsOff': { en: 'allow_guest_access is {value}: no one can join without an account', fr: 'allow_guest_access vaut {value}\u00a0: personne ne peut rejoindre sans compte' },
  'config.guestsUnderMas': {
    en: 'allow_guest_access is on but login is delegated to Matrix Authentication Service, which does not support guest accounts',
    fr: 'allow_guest_access est activé, mais la connexion est déléguée à Matrix Authentication Service, qui ne gère pas les comptes invités',
  },
  'config.guestsAllowed': { en: 'guest accounts are allowed', fr: 'les comptes invités sont autorisés' },
  'config.wellKnownSetsIdentityServer': {
    en: 'extra_well_known_client_content sets m.identity_server ({value}), which Synapse refuses at start-up',
    fr: 'extra_well_known_client_content définit m.identity_server ({value}), ce que Synapse refuse au démarrage',
  },
  'config.noIdentityServer': { en: 'no identity server is advertised to clients', fr: 'aucun serveur d’identité n’est annoncé aux clients' },
  'config.identityServerNotServed': {
    en: 'default_identity_server is {value}, but Synapse serves no client well-known, as public_baseurl is not set, so clients are not told about it',
    fr: 'default_identity_server vaut {value}, mais Synapse ne sert pas de well-known client, faute de public_baseurl\u00a0: les clients n’en sont donc pas informés',
  },
  'config.identityServerAdvertised': {
    en: 'the client well-known tells every client to use the identity server {value} (default_identity_server, published as public_baseurl is set)',
    fr: 'le well-known client demande à chaque client d’utiliser le serveur d’identité {value} (default_identity_server, publié puisque public_baseurl est renseigné)',
  },
  'config.encryptionNotTurnedOff': { en: 'clients are not told to turn encryption off', fr: 'rien ne demande aux clients de désactiver le chiffrement' },
  'config.e2eeForceDisable': { en: '{key}: {value} tells Element to turn encryption off entirely', fr: '{key}\u00a0: {value} demande à Element de désactiver complètement le chiffrement' },
  'config.e2eeDefaultOff': { en: '{key}: {value} tells Element to create rooms unencrypted by default', fr: '{key}\u00a0: {value} demande à Element de créer les salons sans chiffrement par défaut' },
  'config.wellKnownNotServed': {
    en: '{told}, but Synapse serves no client well-known, as public_baseurl is not set',
    fr: '{told}, mais Synapse ne sert pas de well-known client, faute de public_baseurl',
  },
});

const server = (facts: unknown): ServerFacts => facts as ServerFacts;
const isMapping = (value: unknown): value is Record<string, any> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** federation.allowList: absent or null = everyone; [] = nobody; otherwise those servers. */
export const federationAllowList: CheckFunction = (fact) => {
  if (fact.state === 'unknown') return unknownOf(fact);
  if (fact.value === null) return result('fail', fact, message('config.federatesWithEveryone', { allowList: describeAllowList(fact) }));
  const names = fact.value as string[];
  return result('pass', fact, names.length === 0
    ? message('config.federatesWithNoOne', { allowList: describeAllowList(fact) })
    : message('config.federationLimited', { count: names.length, names: names.join(', ') }));
};

/** federation.allowList keeps out options.servers (default matrix.org); Synapse compares names exactly. */
export const federationExcludes: CheckFunction = (fact, { options }) => {
  if (fact.state === 'unknown') return unknownOf(fact);
  const servers = (options.servers as string[] | undefined) ?? ['matrix.org'];
  if (fact.value === null) return result('fail', fact, message('config.federatesWithEveryoneIncluded', { allowList: describeAllowList(fact), servers: servers.join(', ') }));
  const admitted = servers.filter((name) => (fact.value as string[]).includes(name));
  if (admitted.length) return result('fail', fact, message('config.allowListLetsIn', { servers: admitted.join(', ') }));
  return result('pass', fact, message('config.allowListKeepsOut', { allowList: describeAllowList(fact), servers: servers.join(', ') }));
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
      ? result('pass', allowList, message('config.federatesWithNoOne', { allowList: describeAllowList(allowList) }))
      : result('fail', allowList, message('config.federatesWith', { servers: allowList.value.join(', ') }));
  }
  const listeners = get('listeners');
  const legacyPort = get('bind_port'); // the old form builds a listener that serves federation
  if (Array.isArray(listeners.value) && listeners.state !== 'default' && !pythonTruthy(legacyPort.value)) {
    const serves = servesFederation(listeners.value);
    if (serves === undefined) return unknownOf(listeners);
    if (!serves) return result('pass', listeners, message('config.noFederationListener'));
  }
  return result('fail', allowList, message('config.federatesWithEveryoneAs', { allowList: describeAllowList(allowList) }));
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
  const byDefault = listed.state === 'default' && perspectives.state === 'default';
  if (byDefault) {
    names = ['matrix.org'];
  } else {
    if (listed.state === 'set' && !Array.isArray(listed.value)) return result('fail', listed, message('config.keyServersNotAList', { value: show(listed.value) }));
    const entries = listed.state === 'set' ? (listed.value as unknown[]) : [];
    names = [...entries.map((entry: any) => String(entry?.server_name ?? entry)), ...legacy];
  }
  const avoid = ((options.avoid as string[] | undefined) ?? ['matrix.org']).map((name) => name.toLowerCase());
  const allowList = get('federation.allowList');
  const blocked = Array.isArray(allowList.value) ? names.filter((name) => !(allowList.value as string[]).includes(name)) : [];
  const avoided = names.filter((name) => avoid.includes(name.toLowerCase()) && !blocked.includes(name));
  if (avoided.length && allowList.state === 'unknown') return unknownOf(allowList);
  const shown = byDefault ? message('config.keyNotariesByDefault', { names: names.join(', ') })
    : names.length ? message('config.keyNotaries', { names: names.join(', ') }) : message('config.keyNotariesNone');
  const asked = avoided.length ? message('config.keyNotaryAsked', { seen: shown, avoided: avoided.join(', ') }) : shown;
  const said = blocked.length ? message('config.keyNotariesBlocked', { seen: asked, blocked: blocked.join(', ') }) : asked;
  return result(avoided.length ? 'fail' : 'pass', listed, said);
};

/** Presence off: the effective presence.enabled (use_presence when it is absent or null) falsy or "untracked". */
export const presenceOff: CheckFunction = (_fact, { facts }) => {
  const { get } = server(facts);
  const enabled = get('presence.enabled');
  if (enabled.state === 'unknown') return unknownOf(enabled);
  const value = enabled.value;
  const decisive = get(enabled.from ?? enabled.path);
  const seen: Message = enabled.from !== 'use_presence'
    ? factMessage('fact.is', { path: 'presence.enabled', value: show(value) })
    : enabled.state === 'default'
      ? message('config.presenceDefault')
      : message('config.usePresence', { value: show(value) });
  if (!pythonTruthy(value)) return result('pass', decisive, message('config.presenceOff', { seen }));
  if (value === 'untracked') return result('pass', decisive, message('config.presenceUntracked', { seen }));
  const federation = get('federation.enabled');
  const audience = federation.value === false ? message('config.audienceLocal') : message('config.audienceFederated');
  return result('fail', decisive, message('config.presenceShared', { seen: typeof value === 'string' ? message('config.quotedTrue', { seen }) : seen, audience }));
};

/** The top-level key is not in the config at all: Synapse turns some sections on by their mere presence
 *  (`"sentry" in config`). Only the key is looked at, so a secret inside does not matter. */
export const topLevelKeyAbsent: CheckFunction = (fact, { facts }) => {
  const entry = server(facts).topLevelKeys.find((item) => item.key === fact.path);
  if (!entry) return result('pass', fact, message('config.keyNotSet', { path: fact.path }));
  return result('fail', { path: fact.path, value: undefined, state: 'set', location: entry.location }, message('config.sectionPresent', { path: fact.path }));
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
  const describe = (service: AppserviceFacts) => (service.networks.length
    ? message('config.bridge', { name: serviceName(service), networks: service.networks.join(', ') })
    : message('config.bridgeUnrecognised', { name: serviceName(service) }));
  const unclearList = unclear.map((service) => (service.problem ? message('config.unclearBridge', { name: serviceName(service), problem: service.problem }) : serviceName(service)));
  const networks = only?.join('/');
  if (relevant.length) {
    const bridges = relevant.map(describe);
    const seen = networks ? message('config.networkBridgesRegistered', { networks, bridges }) : message('config.bridgesRegistered', { bridges });
    return result('fail', fact, unclear.length ? message('config.alsoUnclear', { seen, unclear: unclearList }) : seen);
  }
  if (unclear.length) return result('unknown', fact, message('config.bridgesUnclear', { unclear: unclearList }));
  const others = [
    ...known.map((service) => message('config.anotherBridge', { bridge: describe(service) })),
    ...appservices.filter((service) => service.notBridge).map((service) => message('config.notABridge', { name: serviceName(service), what: service.notBridge! })),
  ];
  if (!appservices.length) return result('pass', fact, message('config.noAppservice'));
  if (networks) return result('pass', fact, others.length ? message('config.noNetworkBridgeOthers', { networks, others }) : message('config.noNetworkBridge', { networks }));
  return result('pass', fact, others.length ? message('config.noBridgeOthers', { others }) : message('config.noBridge'));
};

/** Guests can register: allow_guest_access on, and not delegated to MAS (which has no guests). */
export const guestAccessWorks: CheckFunction = (_fact, { facts }) => {
  const { get } = server(facts);
  const guests = get('allow_guest_access');
  if (guests.state === 'unknown') return unknownOf(guests);
  if (!pythonTruthy(guests.value)) {
    return result('fail', guests, guests.state === 'default' ? message('config.guestsOffByDefault') : message('config.guestsOff', { value: show(guests.value) }));
  }
  const mas = masDelegation(get);
  if ('unknown' in mas) return unknownOf(mas.unknown);
  if (mas.delegated) return result('fail', mas.fact, message('config.guestsUnderMas'));
  return result('pass', guests, message('config.guestsAllowed'));
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
  if (options.forbid === 'identity_server') {
    if ('m.identity_server' in content) {
      return result('fail', fact, message('config.wellKnownSetsIdentityServer', { value: show(content['m.identity_server']) }));
    }
    const identity = get('default_identity_server');
    if (identity.state === 'unknown') return unknownOf(identity);
    if (!pythonTruthy(identity.value)) return result('pass', fact, message('config.noIdentityServer'));
    if (!served) return result('pass', identity, message('config.identityServerNotServed', { value: show(identity.value) }));
    return result('fail', identity, message('config.identityServerAdvertised', { value: show(identity.value) }));
  }
  // Element reads io.element.e2ee, or the older im.vector.riot.e2ee when the new key is absent.
  const key = isMapping(content['io.element.e2ee']) ? 'io.element.e2ee' : 'im.vector.riot.e2ee';
  const e2ee = isMapping(content[key]) ? content[key] : {};
  if (e2ee.default !== false && e2ee.force_disable !== true) return result('pass', fact, message('config.encryptionNotTurnedOff'));
  const told = message(e2ee.force_disable === true ? 'config.e2eeForceDisable' : 'config.e2eeDefaultOff', { key, value: show(e2ee) });
  if (!served) return result('pass', fact, message('config.wellKnownNotServed', { told }));
  return result('fail', fact, told);
};
