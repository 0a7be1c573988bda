// Dedicated checks on registration and accounts. Who can sign up is decided once, in facts/signup.ts.
import type { ServerFacts } from '../../facts/server-facts.js';
import { describeWay, masDelegation, registrationSwitch, signupWays } from '../../facts/signup.js';
import { show } from '../../facts/values.js';
import { describeFact, result, type CheckFunction } from './types.js';

const server = (facts: unknown): ServerFacts => facts as ServerFacts;

/** Sign-up is gated: closed, or open only with a registration token. A single sign-on provider that
 *  creates accounts leaves it to that provider, which mxlint cannot see: unknown, never closed. */
export const registrationGated: CheckFunction = (_fact, { facts }) => {
  const { get } = server(facts);
  const ways = signupWays(get);
  if ('unknown' in ways) {
    const delegation = masDelegation(get);
    const mas = 'fact' in delegation && delegation.delegated;
    return result('unknown', ways.unknown, `who can sign up depends on ${ways.unknown.path} (${ways.unknown.reason ?? 'unknown'})${mas ? ': check account.password_registration_enabled, account.registration_token_required and its upstream providers in the MAS config' : ''}`);
  }
  const toggle = registrationSwitch(get) as { fact: typeof ways.fact };
  const seen = toggle.fact.path === 'disable_registration'
    ? `disable_registration is ${show(toggle.fact.value)}, which overrides enable_registration`
    : describeFact(toggle.fact, show(toggle.fact.value));
  const names = ways.value.map((way) => way.value);
  if (names.includes('form')) return result('fail', toggle.fact, `registration is open to anyone (${seen}; registration_requires_token is not on)`);
  const providers = ways.value.filter((way) => !way.value.startsWith('form'));
  if (providers.length) {
    const token = names.includes('form-token') ? '; the registration form itself needs a token' : '';
    return result('unknown', providers[0].fact, `accounts are created on first login through ${providers.map((way) => describeWay(way.value)).join(', ')}: whoever the provider lets log in gets an account, and mxlint cannot see whom it lets in${token}`);
  }
  if (names.includes('form-token')) return result('pass', get('registration_requires_token'), 'registration is open only with a registration token');
  return result('pass', toggle.fact, `self-service registration is closed (${seen}) and no single sign-on provider creates accounts`);
};
