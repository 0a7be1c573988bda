// Does this server talk to other servers, as Synapse 1.160 reads federation_domain_whitelist
// (synapse/config/federation.py): absent or null admits every server; otherwise Synapse iterates the
// value (a list's items, a mapping's keys, a string's characters) and admits exactly those names,
// compared as they are: no wildcards (element-hq/synapse#7346 is still open).
import type { Fact } from '../types.js';
import { defineMessages, type Message } from '../messages/message.js';
import { derived, unknownAs } from './fact.js';
import { show } from './values.js';

const message = defineMessages({
  'facts.notIterable': { en: '{value}, which Synapse cannot iterate: it does not start', fr: '{value}, que Synapse ne sait pas parcourir\u00a0: il ne démarre pas' },
  'facts.allowListNotSet': { en: 'federation_domain_whitelist is not set', fr: 'federation_domain_whitelist n’est pas renseigné' },
  'facts.allowListNull': { en: 'federation_domain_whitelist is null', fr: 'federation_domain_whitelist vaut null' },
  'facts.allowListAdmits': { en: 'federation_domain_whitelist admits {names}', fr: 'federation_domain_whitelist admet {names}' },
  'facts.allowListAdmitsNone': { en: 'federation_domain_whitelist admits no server', fr: 'federation_domain_whitelist n’admet aucun serveur' },
});

type Get = (path: string) => Fact;

const isMapping = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);

/** federation.allowList: the server names Synapse federates with, or null for every server. */
export function federationAllowList(get: Get): Fact {
  const fact = get('federation_domain_whitelist');
  if (fact.state === 'unknown') return unknownAs('federation.allowList', fact);
  const value = fact.value;
  if (value === null || value === undefined) return derived('federation.allowList', null, fact);
  const names = Array.isArray(value) ? value : isMapping(value) ? Object.keys(value) : typeof value === 'string' ? [...value] : undefined;
  if (!names) return unknownAs('federation.allowList', { ...fact, reason: message('facts.notIterable', { value: show(value) }) });
  // Only strings can equal a server name; anything else in the list admits nobody.
  return derived('federation.allowList', [...new Set(names.filter((name): name is string => typeof name === 'string'))], fact);
}

/** federation.enabled: this server exchanges data with at least one other server. */
export function federationEnabled(get: Get): Fact {
  const allowList = federationAllowList(get);
  if (allowList.state === 'unknown') return { ...allowList, path: 'federation.enabled' };
  return { ...allowList, path: 'federation.enabled', value: allowList.value === null || (allowList.value as string[]).length > 0 };
}

/** How federation_domain_whitelist reads, for messages. */
export function describeAllowList(allowList: Fact): Message {
  if (allowList.value === null) return allowList.state === 'default' ? message('facts.allowListNotSet') : message('facts.allowListNull');
  const names = allowList.value as string[];
  return names.length ? message('facts.allowListAdmits', { names: names.join(', ') }) : message('facts.allowListAdmitsNone');
}
