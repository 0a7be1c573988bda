// Can anyone sign up, and how: Synapse 1.160's own registration form (synapse/config/registration.py)
// plus every single sign-on provider that creates an account on first login (oidc.py, saml2.py,
// cas.py, jwt.py and handlers/sso.py). With Matrix Authentication Service, all of it lives in MAS's
// own config: read from `mas.*` facts when a MAS config was given, unknown when not.
import type { Fact } from '../types.js';
import { derived, unknownAs } from './fact.js';
import { isNoMasConfig, NO_MAS_CONFIG } from './mas.js';
import { defineMessages, render, type Message } from '../messages/message.js';
import { pythonTruthy, show, strtobool } from './values.js';

const message = defineMessages({
  'signup.refusedSwitch': { en: '{value}, which Synapse refuses (it expects true or false): Synapse would not start', fr: '{value}, ce que Synapse refuse (il attend true ou false)\u00a0: Synapse ne démarrerait pas' },
  'signup.masNoConfig': { en: 'true: sign-up is handled by Matrix Authentication Service, and {reason}', fr: 'true\u00a0: l’inscription est gérée par Matrix Authentication Service, et {reason}' },
  'signup.wayForm': { en: 'the registration form, open to anyone', fr: 'le formulaire d’inscription, ouvert à tous' },
  'signup.wayFormToken': { en: 'the registration form, with a registration token', fr: 'le formulaire d’inscription, avec un jeton d’inscription' },
  'signup.wayOidc': { en: 'OIDC provider "{name}"', fr: 'le fournisseur OIDC «\u00a0{name}\u00a0»' },
  'signup.wayUpstream': { en: 'MAS upstream provider "{name}"', fr: 'le fournisseur amont de MAS «\u00a0{name}\u00a0»' },
  'signup.wayUpstreamToken': { en: 'MAS upstream provider "{name}", with a registration token', fr: 'le fournisseur amont de MAS «\u00a0{name}\u00a0», avec un jeton d’inscription' },
  'signup.waySaml': { en: 'SAML', fr: 'l’authentification SAML' },
  'signup.wayCas': { en: 'CAS', fr: 'l’authentification CAS' },
  'signup.wayJwt': { en: 'JWT login', fr: 'la connexion par JWT' },
  'signup.wayOther': { en: '{way}', fr: '{way}' },
});

type Get = (path: string) => Fact;

/** Synapse's registration form (/register): closed, open to anyone, or open with a registration token. */
export type SignupForm = 'closed' | 'open' | 'token';

/** One way an account can be created without an administrator: `form`, `form-token`,
 *  `oidc:<idp_id>`, `saml`, `cas` or `jwt`. */
export type SignupWay = string;

/** Login and registration delegated to MAS: the stable switch (1.136+) or the old
 *  experimental_features.msc3861 (refused at start-up since 1.157); both strict booleans. */
export function masDelegation(get: Get): { fact: Fact; delegated: boolean } | { unknown: Fact } {
  const stable = get('matrix_authentication_service.enabled');
  if (stable.state === 'unknown') return { unknown: stable };
  if (stable.value === true) return { fact: stable, delegated: true };
  const experimental = get('experimental_features.msc3861.enabled');
  if (experimental.state === 'unknown') return { unknown: experimental };
  if (experimental.value === true) return { fact: experimental, delegated: true };
  return { fact: stable, delegated: false };
}

export interface Decided<T> { value: T; fact: Fact }
export type Decision<T> = Decided<T> | { unknown: Fact };

/** Whether the registration form is switched on: enable_registration (strtobool), replaced by the
 *  inverse of the legacy disable_registration when that key is present; fact is the deciding key.
 *  Unknown for a placeholder, or a value strtobool refuses (Synapse would not start). */
export function registrationSwitch(get: Get): Decision<boolean> {
  const legacy = get('disable_registration');
  const fact = legacy.state === 'default' ? get('enable_registration') : legacy;
  if (fact.state === 'unknown') return { unknown: fact };
  const read = strtobool(fact.value);
  if (read === undefined) {
    return { unknown: { ...fact, state: 'unknown', reason: message('signup.refusedSwitch', { value: show(fact.value) }) } };
  }
  return { value: fact === legacy ? !read : read, fact };
}

/** MAS's password registration (MAS 1.22): closed unless password login and password registration
 *  are both on; a token when either token option is on (the older name is still read). */
function masFormDecision(get: Get): Decision<SignupForm> {
  // Either switch off closes it, even when the other is unknown (a probe sees only their product).
  const switches = ['mas.passwords.enabled', 'mas.account.password_registration_enabled'].map(get);
  const off = switches.find((fact) => fact.state !== 'unknown' && fact.value !== true);
  if (off) return { value: 'closed', fact: off };
  const unknownSwitch = switches.find((fact) => fact.state === 'unknown');
  if (unknownSwitch) return { unknown: unknownSwitch };
  for (const path of ['mas.account.password_registration_token_required', 'mas.account.registration_token_required']) {
    const fact = get(path);
    if (fact.state === 'unknown') return { unknown: fact };
    if (fact.value === true) return { value: 'token', fact };
  }
  return { value: 'open', fact: get('mas.account.password_registration_enabled') };
}

/** MAS's upstream OAuth2 providers: each enabled one creates an account on a first login (behind a
 *  registration token when it requires one). Only the keys that decide are read, so a placeholder in
 *  a provider's issuer or secret leaves this known. */
function masUpstreamDecision(get: Get): Decision<Array<Decided<SignupWay>>> {
  const providers = get('mas.upstream_oauth2.providers');
  // Unknown with no value at all (not seen, as from outside); a placeholder inside a provider leaves the list readable.
  if (providers.state === 'unknown' && providers.value === undefined) return { unknown: providers };
  const ways: Array<Decided<SignupWay>> = [];
  const count = Array.isArray(providers.value) ? providers.value.length : 0;
  for (let index = 0; index < count; index += 1) {
    const at = (key: string) => get(`mas.upstream_oauth2.providers.${index}.${key}`);
    const enabled = at('enabled');
    const token = at('registration_token_required');
    if (enabled.state === 'unknown') return { unknown: enabled };
    if (token.state === 'unknown') return { unknown: token };
    if (enabled.value === false) continue;
    const name = ['human_name', 'brand_name', 'issuer', 'id'].map((key) => at(key).value).find((value) => typeof value === 'string' && value !== '');
    ways.push({ value: `${token.value === true ? 'upstream-token' : 'upstream'}:${String(name ?? index)}`, fact: get(`mas.upstream_oauth2.providers.${index}`) });
  }
  return { value: ways, fact: providers };
}

/** Synapse's form, or MAS's when Synapse delegates to it; fact is the option that decides. */
export function formDecision(get: Get): Decision<SignupForm> {
  return byMas(get) ? masFormDecision(get) : synapseFormDecision(get);
}

function synapseFormDecision(get: Get): Decision<SignupForm> {
  const open = registrationSwitch(get);
  if ('unknown' in open || !open.value) return 'unknown' in open ? open : { value: 'closed', fact: open.fact };
  const token = get('registration_requires_token');
  if (token.state === 'unknown') return { unknown: token };
  return pythonTruthy(token.value) ? { value: 'token', fact: token } : { value: 'open', fact: open.fact };
}

/** A value Synapse reads with `section.get(key, fallback)`: the fallback when the key is absent. */
const read = (get: Get, path: string, fallback: unknown): Decision<unknown> => {
  const fact = get(path);
  if (fact.state === 'unknown') return { unknown: fact };
  return { value: fact.state === 'default' ? fallback : fact.value, fact };
};

/** Single sign-on providers that create accounts, in the order Synapse lists them. */
function ssoDecision(get: Get): Decision<Array<Decided<SignupWay>>> {
  const ways: Array<Decided<SignupWay>> = [];
  const candidates: Array<{ section: string; way: (section: string) => Decision<SignupWay | undefined> }> = [];
  const providers = get('oidc_providers');
  // `config.get("oidc_providers") or []`; a non-list is refused by Synapse's schema.
  if (Array.isArray(providers.value)) {
    providers.value.forEach((_provider, index) => candidates.push({ section: `oidc_providers.${index}`, way: oidcWay }));
  }
  const legacyOidc = read(get, 'oidc_config.enabled', false);
  if ('unknown' in legacyOidc) return legacyOidc;
  if (pythonTruthy(get('oidc_config').value) && pythonTruthy(legacyOidc.value)) candidates.push({ section: 'oidc_config', way: oidcWay });
  candidates.push({ section: 'saml2_config', way: samlWay }, { section: 'cas_config', way: casWay }, { section: 'jwt_config', way: jwtWay });
  for (const { section, way } of candidates) {
    if (!pythonTruthy(get(section).value)) continue;
    const decided = way(section);
    if ('unknown' in decided) return decided;
    if (decided.value !== undefined) ways.push({ value: decided.value, fact: decided.fact });
  }
  return { value: ways, fact: ways[0]?.fact ?? providers };

  function oidcWay(section: string): Decision<SignupWay | undefined> {
    const id = read(get, `${section}.idp_id`, 'oidc');
    const registers = read(get, `${section}.enable_registration`, true);
    if ('unknown' in id) return id;
    if ('unknown' in registers) return registers;
    // The schema wants a real boolean: only false turns registration off.
    return { value: registers.value === false ? undefined : `oidc:${String(id.value)}`, fact: registers.fact.state === 'default' ? get(section) : registers.fact };
  }
  function samlWay(section: string): Decision<SignupWay | undefined> {
    const enabled = read(get, `${section}.enabled`, true);
    if ('unknown' in enabled) return enabled;
    const configured = pythonTruthy(get(`${section}.sp_config`).value) || pythonTruthy(get(`${section}.config_path`).value);
    // SAML has no registration switch: every new SAML user gets an account.
    return { value: pythonTruthy(enabled.value) && configured ? 'saml' : undefined, fact: get(section) };
  }
  function casWay(section: string): Decision<SignupWay | undefined> {
    const enabled = read(get, `${section}.enabled`, true);
    const registers = read(get, `${section}.enable_registration`, true);
    if ('unknown' in enabled) return enabled;
    if ('unknown' in registers) return registers;
    return { value: pythonTruthy(enabled.value) && pythonTruthy(registers.value) ? 'cas' : undefined, fact: registers.fact.state === 'default' ? get(section) : registers.fact };
  }
  function jwtWay(section: string): Decision<SignupWay | undefined> {
    const enabled = read(get, `${section}.enabled`, false);
    if ('unknown' in enabled) return enabled;
    // A valid token for an unknown user creates the account (rest/client/login.py, create_non_existent_users).
    return { value: pythonTruthy(enabled.value) ? 'jwt' : undefined, fact: enabled.fact };
  }
}

/** Synapse delegates to MAS (known once masUnknown said nothing). */
const byMas = (get: Get): boolean => { const mas = masDelegation(get); return 'fact' in mas && mas.delegated; };

/** Sign-up cannot be known: whether MAS decides is unknown, or MAS decides and no MAS config was given. */
function masUnknown(get: Get): Fact | undefined {
  const mas = masDelegation(get);
  if ('unknown' in mas) return mas.unknown;
  if (!mas.delegated || !isNoMasConfig(get('mas.passwords.enabled').reason)) return undefined;
  return { ...mas.fact, state: 'unknown', reason: message('signup.masNoConfig', { reason: NO_MAS_CONFIG }) };
}

/** signup.decidedBy: which config decides who signs up, `synapse` or `mas`. */
export function signupDecidedBy(get: Get): Fact {
  const mas = masDelegation(get);
  return 'unknown' in mas ? unknownAs('signup.decidedBy', mas.unknown) : derived('signup.decidedBy', mas.delegated ? 'mas' : 'synapse', mas.fact);
}

/** signup.form: Synapse's registration form. */
export function signupForm(get: Get): Fact {
  const mas = masUnknown(get);
  if (mas) return unknownAs('signup.form', mas);
  const form = formDecision(get);
  return 'unknown' in form ? unknownAs('signup.form', form.unknown) : derived('signup.form', form.value, form.fact);
}

/** Every way an account can be created without an administrator, each with the option that decides it. */
export function signupWays(get: Get): Decision<Array<Decided<SignupWay>>> {
  const mas = masUnknown(get);
  if (mas) return { unknown: mas };
  const form = formDecision(get);
  if ('unknown' in form) return form;
  const sso = byMas(get) ? masUpstreamDecision(get) : ssoDecision(get);
  if ('unknown' in sso) return sso;
  const formWay = form.value === 'closed' ? [] : [{ value: form.value === 'token' ? 'form-token' : 'form', fact: form.fact }];
  return { value: [...formWay, ...sso.value], fact: form.fact };
}

/** signup.via: the ways accounts are created without an administrator ([] = closed). */
export function signupVia(get: Get): Fact {
  const ways = signupWays(get);
  if ('unknown' in ways) return unknownAs('signup.via', ways.unknown);
  return derived('signup.via', ways.value.map((way) => way.value), ways.value[0]?.fact ?? ways.fact);
}

/** signup.open: someone can create an account without an administrator (a token or a provider login may be needed). */
export function signupOpen(get: Get): Fact {
  const via = signupVia(get);
  return via.state === 'unknown' ? { ...via, path: 'signup.open' } : { ...via, path: 'signup.open', value: (via.value as unknown[]).length > 0 };
}

/** A way of signing up, in words. */
export function wayMessage(way: SignupWay): Message {
  if (way === 'form') return message('signup.wayForm');
  if (way === 'form-token') return message('signup.wayFormToken');
  if (way.startsWith('oidc:')) return message('signup.wayOidc', { name: way.slice(5) });
  if (way.startsWith('upstream:')) return message('signup.wayUpstream', { name: way.slice(9) });
  if (way.startsWith('upstream-token:')) return message('signup.wayUpstreamToken', { name: way.slice(15) });
  if (way === 'saml') return message('signup.waySaml');
  if (way === 'cas') return message('signup.wayCas');
  return way === 'jwt' ? message('signup.wayJwt') : message('signup.wayOther', { way });
}
