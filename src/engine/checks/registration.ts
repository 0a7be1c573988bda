// Dedicated checks on registration and accounts.
import type { ServerFacts } from '../../facts/server-facts.js';
import { pythonTruthy, show, strtobool } from '../../facts/values.js';
import type { Fact } from '../../types.js';
import { describeFact, result, unknownOf, type CheckFunction } from './types.js';

const server = (facts: unknown): ServerFacts => facts as ServerFacts;

/** Whether login and registration are delegated to Matrix Authentication Service: the stable switch
 *  (Synapse 1.136+) or experimental_features.msc3861 (before 1.136; a start-up error since 1.157).
 *  Both are strict booleans in Synapse. Returns the deciding fact, or an unknown one. */
function masDelegation(get: (path: string) => Fact): { fact: Fact; delegated: boolean } | { unknown: Fact } {
  const stable = get('matrix_authentication_service.enabled');
  if (stable.state === 'unknown') return { unknown: stable };
  if (stable.value === true) return { fact: stable, delegated: true };
  const experimental = get('experimental_features.msc3861.enabled');
  if (experimental.state === 'unknown') return { unknown: experimental };
  if (experimental.value === true) return { fact: experimental, delegated: true };
  return { fact: stable, delegated: false };
}

/** Whether self-service registration is open, as Synapse decides: enable_registration read with
 *  strtobool, replaced by the inverse of the legacy disable_registration whenever that key is present.
 *  open is undefined when strtobool refuses the value (Synapse would not start). */
function registrationSwitch(get: (path: string) => Fact): { fact: Fact; open: boolean | undefined } {
  const legacy = get('disable_registration');
  if (legacy.state !== 'default') {
    const disabled = strtobool(legacy.value);
    return { fact: legacy, open: disabled === undefined ? undefined : !disabled };
  }
  const fact = get('enable_registration');
  return { fact, open: strtobool(fact.value) };
}

/** Sign-up is gated: registration closed, or open only with a registration token; MAS keeps it in its own config. */
export const registrationGated: CheckFunction = (_fact, { facts }) => {
  const { get } = server(facts);
  const mas = masDelegation(get);
  if ('unknown' in mas) return unknownOf(mas.unknown);
  if (mas.delegated) return result('unknown', mas.fact, 'registration is handled by Matrix Authentication Service: check account.password_registration_enabled and account.registration_token_required in its config');
  const { fact: switchFact, open } = registrationSwitch(get);
  if (switchFact.state === 'unknown') return unknownOf(switchFact);
  if (open === undefined) return result('unknown', switchFact, `${switchFact.path} is ${show(switchFact.value)}, which Synapse refuses (it expects true or false): Synapse would not start`);
  const seen = switchFact.path === 'disable_registration'
    ? `disable_registration is ${show(switchFact.value)}, which overrides enable_registration`
    : describeFact(switchFact, show(switchFact.value));
  if (!open) return result('pass', switchFact, `self-service registration is closed (${seen})`);
  const token = get('registration_requires_token');
  if (token.state === 'unknown') return unknownOf(token);
  if (pythonTruthy(token.value)) return result('pass', token, 'registration is open only with a registration token');
  return result('fail', switchFact, `registration is open to anyone (${seen}; registration_requires_token is not on)`);
};

/** Login and registration stay in Synapse. With Matrix Authentication Service they live in MAS's own
 *  config, which mxlint cannot see: unknown, naming what to check there (options.masCheck).
 *  Pair it in an allOf with the Synapse-side checks under a `when` that both MAS switches are not true
 *  (matrix_authentication_service.enabled and experimental_features.msc3861.enabled). */
export const handledBySynapse: CheckFunction = (_fact, { facts, options }) => {
  const mas = masDelegation(server(facts).get);
  if ('unknown' in mas) return unknownOf(mas.unknown);
  if (mas.delegated) {
    return result('unknown', mas.fact, `login and registration are delegated to Matrix Authentication Service (${mas.fact.path} is true): check ${options.masCheck ?? 'its registration settings'} in the MAS config`);
  }
  return result('pass', mas.fact, 'login and registration are handled by Synapse (no Matrix Authentication Service)');
};
