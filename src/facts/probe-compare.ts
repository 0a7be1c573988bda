// `mxlint probe --config`: what the config file says against what the running server shows, for
// each option the probe saw. Each row says what the server would show given the config (as Synapse
// reads it), so both sides are compared on the same terms.
import type { Fact, Message, SourceLocation } from '../types.js';
import type { ServerFacts } from './server-facts.js';
import type { ProbeFacts } from './probe-facts.js';
import { pythonTruthy, strtobool } from './values.js';

type Get = (path: string) => Fact;

/** Sign-up as Synapse decides it: MAS takes it over; disable_registration, when present, overrides enable_registration. */
function signUpOpen(get: Get): { value: unknown; fact: Fact } {
  const mas = get('matrix_authentication_service.enabled');
  if (mas.value === true) return { value: false, fact: mas };
  const legacy = get('disable_registration');
  if (legacy.state !== 'default') return { value: strtobool(legacy.value) === false, fact: legacy };
  const fact = get('enable_registration');
  return { value: strtobool(fact.value) === true, fact };
}

const truthyAt = (path: string) => (get: Get) => ({ value: pythonTruthy(get(path).value), fact: get(path) });
const requiredKinds = (value: unknown) => (Array.isArray(value) ? ['email', 'msisdn'].filter((kind) => value.includes(kind)) : []);
const withoutSlash = (value: unknown) => (typeof value === 'string' ? value.replace(/\/+$/, '') : value ?? null);

interface Comparison {
  path: string;
  /** What the server would show, given the config. */
  fromConfig: (get: Get) => { value: unknown; fact: Fact };
  /** The same, from the seen value (default: as seen). */
  fromSeen?: (value: unknown) => unknown;
  /** Stages are shown only while sign-up is open. */
  whileSignUpOpen?: boolean;
}

/** Each option seen, compared on what the server would show. */
export const COMPARISONS: Comparison[] = [
  { path: 'enable_registration', fromConfig: signUpOpen },
  { path: 'registration_requires_token', fromConfig: truthyAt('registration_requires_token'), whileSignUpOpen: true },
  { path: 'enable_registration_token_3pid_bypass', fromConfig: truthyAt('enable_registration_token_3pid_bypass'), whileSignUpOpen: true },
  { path: 'enable_registration_captcha', fromConfig: truthyAt('enable_registration_captcha'), whileSignUpOpen: true },
  { path: 'user_consent.require_at_registration', fromConfig: truthyAt('user_consent.require_at_registration'), whileSignUpOpen: true },
  {
    path: 'registrations_require_3pid', whileSignUpOpen: true, fromSeen: requiredKinds,
    fromConfig: (get) => ({ value: requiredKinds(get('registrations_require_3pid').value), fact: get('registrations_require_3pid') }),
  },
  {
    // Phone sign-up needs a delegate to send the SMS, and is off with disable_msisdn_registration.
    path: 'disable_msisdn_registration', whileSignUpOpen: true,
    fromConfig: (get) => {
      const disabled = get('disable_msisdn_registration');
      const delegate = get('account_threepid_delegates.msisdn');
      return pythonTruthy(disabled.value) || !pythonTruthy(delegate.value) ? { value: true, fact: pythonTruthy(disabled.value) ? disabled : delegate } : { value: false, fact: delegate };
    },
  },
  { path: 'allow_guest_access', fromConfig: (get) => (get('matrix_authentication_service.enabled').value === true ? { value: false, fact: get('matrix_authentication_service.enabled') } : truthyAt('allow_guest_access')(get)) },
  { path: 'matrix_authentication_service.enabled', fromConfig: (get) => (get('experimental_features.msc3861.enabled').value === true ? { value: true, fact: get('experimental_features.msc3861.enabled') } : truthyAt('matrix_authentication_service.enabled')(get)) },
  { path: 'allow_public_rooms_without_auth', fromConfig: truthyAt('allow_public_rooms_without_auth') },
  { path: 'require_auth_for_profile_requests', fromConfig: truthyAt('require_auth_for_profile_requests') },
  { path: 'allow_public_rooms_over_federation', fromConfig: truthyAt('allow_public_rooms_over_federation') },
  { path: 'default_identity_server', fromSeen: withoutSlash, fromConfig: (get) => ({ value: pythonTruthy(get('default_identity_server').value) ? withoutSlash(get('default_identity_server').value) : null, fact: get('default_identity_server') }) },
  { path: 'public_baseurl', fromSeen: withoutSlash, fromConfig: (get) => ({ value: withoutSlash(get('public_baseurl').value), fact: get('public_baseurl') }) },
  { path: 'extra_well_known_client_content', fromConfig: (get) => ({ value: get('extra_well_known_client_content').value ?? {}, fact: get('extra_well_known_client_content') }) },
];

export interface ConfigDifference {
  path: string;
  /** What the config makes the server show, and where the config says it (absent: Synapse's default). */
  config: unknown;
  location?: SourceLocation;
  /** What the running server shows, and where. */
  seen: unknown;
  /** What was seen, as a message. */
  seenMessage: Message;
  url: string;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Every option seen whose value differs from what the config would make the server show. */
export function configDifferences(probe: ProbeFacts, config: ServerFacts): ConfigDifference[] {
  const open = probe.seen.get('enable_registration')?.value === true && signUpOpen(config.get).value === true;
  const differences: ConfigDifference[] = [];
  for (const comparison of COMPARISONS) {
    const seen = probe.seen.get(comparison.path);
    if (!seen || (comparison.whileSignUpOpen && !open)) continue;
    const expected = comparison.fromConfig(config.get);
    // A config value mxlint cannot read (a template placeholder) is no difference, it is unknown.
    if (expected.fact.state === 'unknown') continue;
    const shown = comparison.fromSeen ? comparison.fromSeen(seen.value) : seen.value;
    if (same(expected.value, shown)) continue;
    differences.push({ path: comparison.path, config: expected.value, location: expected.fact.location, seen: shown, seenMessage: seen.seen, url: seen.url });
  }
  return differences;
}

/** The data of the report's note.configDiffers, in `lang`. */
