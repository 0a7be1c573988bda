// Facts built from several options, read by path like an option ("one fact per question").
// Rules name them in `when` conditions and check paths; the rule registry accepts these paths
// besides the option catalogue. An entry whose path is also a catalogued option replaces the raw
// value with the effective one.
import type { Fact } from '../types.js';
import { federationAllowList, federationEnabled } from './federation.js';
import { signupForm, signupOpen, signupVia } from './signup.js';

type Get = (path: string) => Fact;

export interface DerivedFact {
  doc: string;
  /** The values it takes (for documentation and rule checking). */
  values: string;
  derive: (get: Get) => Fact;
}

/** presence.enabled as Synapse uses it: when absent or null, the legacy use_presence decides (server.py). */
function presenceEnabled(get: Get): Fact {
  const enabled = get('presence.enabled');
  if (enabled.state === 'unknown' || (enabled.state === 'set' && enabled.value !== null)) return enabled;
  const legacy = get('use_presence');
  return { ...legacy, path: 'presence.enabled', from: legacy.path };
}

export const DERIVED_FACTS: Record<string, DerivedFact> = {
  'signup.open': { doc: 'someone can create an account without an administrator (through any way in signup.via)', values: 'true | false', derive: signupOpen },
  'signup.via': { doc: 'the ways accounts are created without an administrator; [] when sign-up is closed', values: 'list of form | form-token | oidc:<idp_id> | saml | cas | jwt', derive: signupVia },
  'signup.form': { doc: "Synapse's own registration form (/register)", values: 'closed | open | token', derive: signupForm },
  'federation.enabled': { doc: 'this server exchanges data with at least one other server', values: 'true | false', derive: federationEnabled },
  'federation.allowList': { doc: 'the server names federation_domain_whitelist admits, as Synapse iterates it', values: 'null (every server) | list of names', derive: federationAllowList },
  'presence.enabled': { doc: 'presence as Synapse uses it: use_presence decides when presence.enabled is absent or null', values: 'as presence.enabled', derive: presenceEnabled },
};
