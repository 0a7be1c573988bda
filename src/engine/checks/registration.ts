// Dedicated checks on registration and accounts.
import type { ServerFacts } from '../../facts/server-facts.js';
import { pythonTruthy, show, strtobool } from '../../facts/values.js';
import { result, unknownOf, type CheckFunction } from './types.js';

const server = (facts: unknown): ServerFacts => facts as ServerFacts;

/** Sign-up is gated: registration closed, or open only with a registration token; MAS keeps it in its own config. */
export const registrationGated: CheckFunction = (_fact, { facts }) => {
  const { get } = server(facts);
  const mas = get('matrix_authentication_service.enabled');
  if (pythonTruthy(mas.value)) return result('unknown', mas, 'registration is handled by Matrix Authentication Service: check account.password_registration_enabled and account.registration_token_required in its config');
  const open = get('enable_registration');
  if (open.state === 'unknown') return unknownOf(open);
  const legacy = get('disable_registration');
  const isOpen = legacy.state === 'set' ? strtobool(legacy.value) === false : strtobool(open.value) === true;
  if (!isOpen) return result('pass', open, 'self-service registration is closed (accounts are created for members)');
  const token = get('registration_requires_token');
  if (token.state === 'unknown') return unknownOf(token);
  if (pythonTruthy(token.value)) return result('pass', token, 'registration is open only with a registration token');
  return result('fail', open, `registration is open to anyone (enable_registration is ${show(open.value)}, no registration token required)`);
};
