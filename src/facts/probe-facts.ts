// What a probe saw, as the config facts the rules read (one fact, several sources): each fact the
// running server shows from outside is read from one endpoint's answer and points at its URL;
// everything else is unknown, needing the config or an admin token.
import type { Fact, FactSource } from '../types.js';
import type { Endpoint, ProbeAnswer, ProbeResult } from '../sources/probe.js';
import { DERIVED_FACTS } from './derived.js';

export const NOT_SEEN = 'cannot be seen from outside: needs the config (`mxlint config`) or an admin token (`mxlint server`)';

/** What a reader makes of an answer: the value and what was seen, or why it cannot tell. */
type Reading = { value: unknown; seen: string } | { unknown: string };

interface Mapping {
  /** The config option this answers. */
  path: string;
  endpoint: Endpoint;
  read: (answer: ProbeAnswer) => Reading;
}

/** The stages of each sign-up flow, when POST /register {} offered any. */
function signUpFlows(answer: ProbeAnswer): string[][] | undefined {
  return answer.status === 401 ? (answer.body.flows as Array<{ stages: string[] }>).map((flow) => flow.stages) : undefined;
}

const STAGE = { token: 'm.login.registration_token', email: 'm.login.email.identity', msisdn: 'm.login.msisdn', captcha: 'm.login.recaptcha', terms: 'm.login.terms' };
/** A flow that asks only for a token (beside terms and captcha): the 3PID bypass. */
const isBypass = (stages: string[]) => stages.includes(STAGE.token) && stages.every((stage) => [STAGE.token, STAGE.terms, STAGE.captcha].includes(stage));

/** A reader of the sign-up flows: closed registration shows no stages. */
const fromFlows = (derive: (flows: string[][]) => { value: unknown; seen: string }) => (answer: ProbeAnswer): Reading => {
  const flows = signUpFlows(answer);
  return flows ? derive(flows) : { unknown: 'registration is closed, so the server shows no sign-up stages' };
};
const flowsText = (flows: string[][]) => flows.map((stages) => stages.join(' + ')).join(' | ');

/** The well-known client file's content beside discovery itself (what Synapse's extra_well_known_client_content adds). */
function extraContent(body: Record<string, unknown>): Record<string, unknown> {
  const { 'm.homeserver': _homeserver, 'm.identity_server': _identity, ...extra } = body;
  return extra;
}

/** The login page's single sign-on and JWT flows: a provider may create accounts on first login,
 *  which cannot be seen from outside; without such a flow there is no provider. */
const noProvider = (kind: RegExp) => (answer: ProbeAnswer): Reading => {
  const flows = (answer.body?.flows ?? []) as Array<{ type: string; identity_providers?: Array<{ id: string }> }>;
  const offered = flows.filter((flow) => kind.test(flow.type));
  if (!offered.length) return { value: null, seen: `the login page offers ${flows.map((flow) => flow.type).join(', ') || 'no flow'}` };
  const providers = offered.flatMap((flow) => flow.identity_providers ?? []).map((provider) => provider.id);
  return { unknown: `the login page offers ${offered.map((flow) => flow.type).join(', ')}${providers.length ? ` (${providers.join(', ')})` : ''}: whether it creates accounts on first login cannot be seen from outside` };
};
const SSO = /^m\.login\.sso$|cas/;
const JWT = /jwt/;

/** The mapping, one row per config option a stranger can see. */
export const PROBE_MAPPINGS: Mapping[] = [
  ...['oidc_providers', 'oidc_config', 'oidc_config.enabled', 'saml2_config', 'cas_config'].map((path) => ({ path, endpoint: 'login' as const, read: noProvider(SSO) })),
  { path: 'jwt_config', endpoint: 'login', read: noProvider(JWT) },
  {
    path: 'enable_registration', endpoint: 'register', read: (answer) => {
      const flows = signUpFlows(answer);
      if (flows) return { value: true, seen: `POST /register {} offers sign-up (flows: ${flowsText(flows)})` };
      return { value: false, seen: `POST /register {} answers ${answer.status}${answer.body?.errcode ? ` ${answer.body.errcode}` : ''}: no self-service sign-up` };
    },
  },
  {
    path: 'registration_requires_token', endpoint: 'register', read: fromFlows((flows) => {
      const every = flows.every((stages) => stages.includes(STAGE.token));
      return { value: every, seen: every ? 'every sign-up flow asks for a registration token' : 'a sign-up flow asks for no registration token' };
    }),
  },
  {
    path: 'enable_registration_token_3pid_bypass', endpoint: 'register', read: fromFlows((flows) => {
      const bypass = flows.some(isBypass);
      return { value: bypass, seen: bypass ? 'a sign-up flow with a registration token asks for no e-mail nor phone' : 'no sign-up flow lets a registration token replace an e-mail or phone' };
    }),
  },
  {
    path: 'registrations_require_3pid', endpoint: 'register', read: fromFlows((flows) => {
      const usual = flows.filter((stages) => !isBypass(stages));
      const required = (['email', 'msisdn'] as const).filter((kind) => usual.length > 0 && usual.every((stages) => stages.includes(STAGE[kind])));
      return { value: required, seen: required.length ? `every sign-up flow asks for ${required.join(' and ')}` : 'a sign-up flow asks for no e-mail nor phone' };
    }),
  },
  {
    path: 'disable_msisdn_registration', endpoint: 'register', read: fromFlows((flows) => {
      const phone = flows.some((stages) => stages.includes(STAGE.msisdn));
      return { value: !phone, seen: phone ? 'a sign-up flow takes a phone number' : 'no sign-up flow takes a phone number' };
    }),
  },
  {
    path: 'account_threepid_delegates.msisdn', endpoint: 'register', read: fromFlows((flows) => {
      const phone = flows.some((stages) => stages.includes(STAGE.msisdn));
      return { value: phone ? '(a phone verification service; its address is not shown)' : null, seen: phone ? 'a sign-up flow takes a phone number' : 'no sign-up flow takes a phone number, so no SMS is sent' };
    }),
  },
  {
    path: 'enable_registration_captcha', endpoint: 'register', read: fromFlows((flows) => {
      const captcha = flows.some((stages) => stages.includes(STAGE.captcha));
      return { value: captcha, seen: captcha ? 'sign-up asks for a reCAPTCHA' : 'sign-up asks for no captcha' };
    }),
  },
  {
    path: 'user_consent.require_at_registration', endpoint: 'register', read: fromFlows((flows) => {
      const terms = flows.some((stages) => stages.includes(STAGE.terms));
      return { value: terms, seen: terms ? 'sign-up shows terms to accept' : 'sign-up shows no terms to accept' };
    }),
  },
  {
    path: 'allow_guest_access', endpoint: 'guest', read: (answer) => answer.status === 200
      ? { value: true, seen: `POST /register?kind=guest created the guest account ${answer.body.user_id}` }
      : { value: false, seen: `POST /register?kind=guest answers ${answer.status}: no guest accounts` },
  },
  {
    path: 'matrix_authentication_service.enabled', endpoint: 'authMetadata', read: (answer) => answer.status === 200
      ? { value: true, seen: `login is delegated to ${answer.body.issuer} (GET /_matrix/client/v1/auth_metadata)` }
      : { value: false, seen: 'GET /_matrix/client/v1/auth_metadata answers 404: login is not delegated to Matrix Authentication Service' },
  },
  {
    path: 'default_identity_server', endpoint: 'wellKnownClient', read: (answer) => {
      const identity = answer.body?.['m.identity_server']?.base_url;
      return typeof identity === 'string'
        ? { value: identity, seen: `the client well-known advertises the identity server ${identity}` }
        : { value: null, seen: answer.status === 404 ? 'no client well-known is served' : 'the client well-known advertises no identity server' };
    },
  },
  {
    path: 'extra_well_known_client_content', endpoint: 'wellKnownClient', read: (answer) => {
      const extra = answer.status === 200 ? extraContent(answer.body) : {};
      return { value: extra, seen: answer.status === 404 ? 'no client well-known is served' : `the client well-known holds ${Object.keys(extra).join(', ') || 'nothing beyond discovery'}` };
    },
  },
  {
    path: 'public_baseurl', endpoint: 'wellKnownClient', read: (answer) => answer.status === 200
      ? { value: answer.body['m.homeserver']?.base_url ?? answer.url.replace(/\/\.well-known\/.*$/, ''), seen: 'a client well-known is served' }
      : { value: null, seen: 'no client well-known is served' },
  },
  {
    path: 'allow_public_rooms_without_auth', endpoint: 'publicRooms', read: (answer) => answer.status === 200
      ? { value: true, seen: `GET /publicRooms without a token lists the room directory (${answer.body.total_room_count_estimate ?? answer.body.chunk.length} room(s))` }
      : { value: false, seen: `GET /publicRooms without a token answers ${answer.status}` },
  },
  {
    path: 'require_auth_for_profile_requests', endpoint: 'profile', read: (answer) => {
      if (answer.status === 401) return { value: true, seen: 'a profile lookup without a token answers 401' };
      if (answer.status === 403) return { unknown: 'a profile lookup without a token answers 403, which does not say why' };
      return { value: false, seen: `a profile lookup without a token answers ${answer.status} (no token asked)` };
    },
  },
  {
    path: 'admin_contact', endpoint: 'wellKnownSupport', read: (answer) => {
      const contact = answer.body?.contacts?.map((entry: { email_address?: string; matrix_id?: string }) => entry.email_address ?? entry.matrix_id).find(Boolean) ?? answer.body?.support_page;
      return typeof contact === 'string'
        ? { value: contact, seen: `/.well-known/matrix/support names ${contact}` }
        : { unknown: `/.well-known/matrix/support ${answer.status === 404 ? 'is not served' : 'names no contact'}, and admin_contact ${NOT_SEEN}` };
    },
  },
];

/** Options whose effect the probe sees through another one: absent, so that the one seen decides
 *  (disable_registration would override enable_registration; the experimental MAS switch the stable one). */
const DECIDED_ELSEWHERE: Record<string, string> = {
  disable_registration: 'enable_registration',
  'experimental_features.msc3861.enabled': 'matrix_authentication_service.enabled',
};

export interface ProbeFacts extends FactSource {
  target: 'config';
  /** What was seen for each option read from an answer (for messages and the config comparison). */
  seen: Map<string, { value: unknown; seen: string; url: string }>;
}

/** The probe's answers as config facts. */
export function buildProbeFacts(result: ProbeResult): ProbeFacts {
  const facts = new Map<string, Fact>();
  const seen: ProbeFacts['seen'] = new Map();
  for (const mapping of PROBE_MAPPINGS) {
    const answer = result.answers[mapping.endpoint];
    const location = answer ? { file: answer.url, line: 1, column: 1 } : undefined;
    if (!answer) {
      facts.set(mapping.path, { path: mapping.path, value: undefined, state: 'unknown', reason: mapping.endpoint === 'guest' ? 'guest sign-up is tried only with --try-guest (it creates a guest account)' : NOT_SEEN });
      continue;
    }
    if (answer.fault) {
      facts.set(mapping.path, { path: mapping.path, value: undefined, state: 'unknown', location, reason: `${answer.method} ${answer.url} gave no usable answer: ${answer.fault}` });
      continue;
    }
    const reading = mapping.read(answer);
    if ('unknown' in reading) {
      facts.set(mapping.path, { path: mapping.path, value: undefined, state: 'unknown', location, reason: reading.unknown });
      continue;
    }
    facts.set(mapping.path, { path: mapping.path, value: reading.value, state: 'set', location });
    seen.set(mapping.path, { ...reading, url: answer.url });
  }
  const optionFact = (path: string): Fact => {
    const known = facts.get(path);
    if (known) return known;
    const decider = DECIDED_ELSEWHERE[path];
    if (decider && facts.get(decider)?.state === 'set') return { path, value: undefined, state: 'default', defaultBy: `the running server (seen through ${decider})` };
    return { path, value: undefined, state: 'unknown', reason: NOT_SEEN };
  };
  // The facts built from several options (who can sign up...) are built from these, as from a config.
  const get = (path: string): Fact => (Object.hasOwn(DERIVED_FACTS, path) ? DERIVED_FACTS[path].derive(optionFact) : optionFact(path));
  return { target: 'config', get, seen, extra: { probe: result } };
}
