// Dedicated checks on a server that delegates sign-up to Matrix Authentication Service: the two
// configs must agree, and Synapse's own sign-up options decide nothing there.
import type { ServerFacts } from '../../facts/server-facts.js';
import { MAS_PREFIX, NO_MAS_CONFIG, masCatalogue } from '../../facts/mas.js';
import { findPlaceholder, show, walk } from '../../facts/values.js';
import { closest } from './did-you-mean.js';
import type { CheckResult } from '../../types.js';
import { describeFact, result, type CheckFunction } from './types.js';

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

/** MAS's matrix.homeserver is Synapse's server_name, and the shared secret is the same on both sides
 *  when both are written inline (compared, never shown). */
export const masLinkAgrees: CheckFunction = (_fact, { facts }) => {
  const { get, mas, config } = server(facts);
  if (!mas) return result('unknown', get('signup.decidedBy'), `${NO_MAS_CONFIG}: the two configs cannot be compared`);
  const results: CheckResult[] = [];
  const homeserver = get('mas.matrix.homeserver');
  const serverName = get('server_name');
  if (homeserver.state === 'unknown' || serverName.state === 'unknown') {
    results.push(result('unknown', homeserver.state === 'unknown' ? homeserver : serverName, `cannot compare mas.matrix.homeserver with server_name (${(homeserver.reason ?? serverName.reason)!})`));
  } else if (homeserver.value !== serverName.value) {
    results.push(result('fail', homeserver, `${describeFact(homeserver, show(homeserver.value))}, but Synapse's server_name is ${show(serverName.value)}: MAS would make user IDs for another server`));
  }
  const synapseSecret = inline(config.matrix_authentication_service, 'secret');
  const masSecret = inline(mas.config.matrix, 'secret');
  if (synapseSecret !== undefined && masSecret !== undefined && synapseSecret !== masSecret) {
    results.push(result('fail', get('mas.matrix.secret'), "mas.matrix.secret differs from Synapse's matrix_authentication_service.secret (neither shown): MAS and Synapse will refuse each other's requests"));
  }
  if (results.length) return results;
  const secret = synapseSecret !== undefined && masSecret !== undefined ? ', and the shared secret is the same on both sides' : '';
  return result('pass', homeserver, `mas.matrix.homeserver is server_name (${show(serverName.value)})${secret}`);
};

/** None of Synapse's own sign-up options is set while MAS decides sign-up (they would do nothing). */
export const synapseSignupOptionsUnused: CheckFunction = (_fact, { facts }) => {
  const { get } = server(facts);
  const set = SYNAPSE_SIGNUP_OPTIONS.map((path) => get(path)).filter((fact) => fact.state === 'set');
  if (set.length === 0) return result('pass', get('signup.decidedBy'), "none of Synapse's own sign-up options is set");
  return set.map((fact) => result('fail', fact, `${fact.path} is set, but Matrix Authentication Service decides sign-up: Synapse ignores it (set it in MAS's config, or delete it)`));
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
  const { get, mas } = server(facts);
  if (!mas) return result('unknown', get('signup.decidedBy'), `${NO_MAS_CONFIG}: its keys cannot be checked`);
  const ignored: CheckResult[] = [];
  const check = (prefix: string, mapping: unknown, known: string[]) => {
    if (typeof mapping !== 'object' || mapping === null || Array.isArray(mapping)) return;
    for (const key of Object.keys(mapping).filter((name) => !known.includes(name))) {
      const path = prefix ? `${prefix}.${key}` : key;
      const near = closest(key, known);
      ignored.push({ status: 'fail', message: `${path} is not a key MAS ${masCatalogue.mas} reads: MAS ignores it${near ? ` (did you mean ${prefix ? `${prefix}.` : ''}${near}?)` : ''}`, path: MAS_PREFIX + path, location: mas.positions.get(path) });
    }
  };
  check('', mas.config, masCatalogue.topLevel);
  for (const [section, known] of Object.entries(masCatalogue.sections)) {
    for (const path of sectionPaths(mas.config, section)) check(path, walk(mas.config, path.split('.')).value, known);
  }
  return ignored.length ? ignored : result('pass', undefined, `every key of the MAS config is one MAS ${masCatalogue.mas} reads`);
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

/** No enabled MAS upstream provider is a large third party (it learns who logs in, and when). */
export const masUpstreamThirdParties: CheckFunction = (_fact, { facts }) => {
  const { get, mas } = server(facts);
  if (!mas) return result('unknown', get('signup.decidedBy'), `${NO_MAS_CONFIG}: its upstream providers cannot be checked`);
  const providers = get('mas.upstream_oauth2.providers');
  const count = Array.isArray(providers.value) ? providers.value.length : 0;
  const results: CheckResult[] = [];
  for (let index = 0; index < count; index += 1) {
    const at = (key: string) => get(`mas.upstream_oauth2.providers.${index}.${key}`);
    if (at('enabled').value === false) continue;
    const issuer = at('issuer');
    const brand = String(at('brand_name').value ?? '').toLowerCase();
    const party = THIRD_PARTIES.find((candidate) => candidate.brand === brand || candidate.hosts.test(hostOf(issuer.value) ?? '')
      || (candidate.brand === 'apple' && at('sign_in_with_apple').state === 'set'));
    const name = String(at('human_name').value ?? issuer.value ?? index);
    if (party) results.push(result('fail', get(`mas.upstream_oauth2.providers.${index}`), `upstream provider "${name}" is ${party.name}: ${party.name} learns who logs in to this server, and when`));
    else if (issuer.state === 'unknown' && !brand) results.push(result('unknown', issuer, `cannot tell who upstream provider ${index} is: mas.upstream_oauth2.providers.${index}.issuer is unknown (${issuer.reason!})`));
  }
  if (results.length) return results;
  return result('pass', providers, count ? 'no upstream provider is a large third party' : 'MAS has no upstream provider');
};
