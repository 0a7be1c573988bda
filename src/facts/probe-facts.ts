// What a probe saw, as the config facts the rules read (one fact, several sources): each fact the
// running server shows from outside is read from one endpoint's answer (or a second one when the
// first gave nothing usable) and points at its URL; everything else is unknown, needing the config
// or an admin token. What was seen is a message by id, rendered by the report.
import type { Fact, FactSource, Message } from '../types.js';
import type { Endpoint, ProbeAnswer, ProbeResult } from '../sources/probe.js';
import { defineMessages } from '../messages/message.js';
import { DERIVED_FACTS } from './derived.js';

const message = defineMessages({
  'probe.notSeen': {
    en: 'cannot be seen from outside: needs the config (`mxlint config`) or an admin token (`mxlint server`)',
    fr: 'ne se voit pas de l’extérieur\u00a0: il faut la configuration (`mxlint config`) ou un jeton d’administration (`mxlint server`)',
  },
  'probe.guestNotTried': { en: 'guest sign-up is tried only with --try-guest (it creates a guest account)', fr: 'l’inscription d’invités n’est essayée qu’avec --try-guest (elle crée un compte invité)' },
  'probe.noUsableAnswer': { en: '{method} {url} gave no usable answer: {fault}', fr: '{method} {url} n’a pas donné de réponse exploitable\u00a0: {fault}' },
  'probe.closedNoStages': { en: 'registration is closed, so the server shows no sign-up stages', fr: 'l’inscription est fermée, donc le serveur ne montre aucune étape d’inscription' },
  'probe.offersSignUp': { en: 'POST /register {body} offers sign-up (flows: {flows})', fr: 'POST /register {body} propose l’inscription (parcours\u00a0: {flows})' },
  'probe.registerRefused': { en: 'POST /register {body} answers {status}{errcode}: no self-service sign-up', fr: 'POST /register {body} répond {status}{errcode}\u00a0: pas d’inscription en libre-service' },
  'probe.availableOpen': { en: 'GET /register/available answers 200 for a name nobody has: sign-up is on', fr: 'GET /register/available répond 200 pour un nom que personne n’a\u00a0: l’inscription est ouverte' },
  'probe.availableRefused': { en: 'GET /register/available answers 403{errcode}: registration is off', fr: 'GET /register/available répond 403{errcode}\u00a0: l’inscription est désactivée' },
  'probe.availableUnclear': { en: 'GET /register/available answers {status}{errcode}, which does not say whether sign-up is on', fr: 'GET /register/available répond {status}{errcode}, ce qui ne dit pas si l’inscription est ouverte' },
  'probe.everyFlowToken': { en: 'every sign-up flow asks for a registration token', fr: 'chaque parcours d’inscription demande un jeton d’inscription' },
  'probe.aFlowNoToken': { en: 'a sign-up flow asks for no registration token', fr: 'un parcours d’inscription ne demande aucun jeton d’inscription' },
  'probe.bypass': { en: 'a sign-up flow with a registration token asks for no e-mail nor phone', fr: 'un parcours d’inscription avec jeton ne demande ni adresse e-mail ni téléphone' },
  'probe.noBypass': { en: 'no sign-up flow lets a registration token replace an e-mail or phone', fr: 'aucun parcours d’inscription ne laisse un jeton remplacer l’adresse e-mail ou le téléphone' },
  'probe.everyFlowAsks': { en: 'every sign-up flow asks for {kinds}', fr: 'chaque parcours d’inscription demande\u00a0: {kinds}' },
  'probe.aFlowNo3pid': { en: 'a sign-up flow asks for no e-mail nor phone', fr: 'un parcours d’inscription ne demande ni adresse e-mail ni téléphone' },
  'probe.phoneFlow': { en: 'a sign-up flow takes a phone number', fr: 'un parcours d’inscription prend un numéro de téléphone' },
  'probe.noPhoneFlow': { en: 'no sign-up flow takes a phone number', fr: 'aucun parcours d’inscription ne prend de numéro de téléphone' },
  'probe.noPhoneNoSms': { en: 'no sign-up flow takes a phone number, so no SMS is sent', fr: 'aucun parcours d’inscription ne prend de numéro de téléphone, donc aucun SMS n’est envoyé' },
  'probe.captcha': { en: 'sign-up asks for a reCAPTCHA', fr: 'l’inscription demande un reCAPTCHA' },
  'probe.noCaptcha': { en: 'sign-up asks for no captcha', fr: 'l’inscription ne demande aucun captcha' },
  'probe.terms': { en: 'sign-up shows terms to accept', fr: 'l’inscription présente des conditions à accepter' },
  'probe.noTerms': { en: 'sign-up shows no terms to accept', fr: 'l’inscription ne présente aucune condition à accepter' },
  'probe.guestCreated': { en: 'POST /register?kind=guest created the guest account {user}', fr: 'POST /register?kind=guest a créé le compte invité {user}' },
  'probe.guestRefused': { en: 'POST /register?kind=guest answers {status}: no guest accounts', fr: 'POST /register?kind=guest répond {status}\u00a0: pas de comptes invités' },
  'probe.delegated': { en: 'login is delegated to {issuer} ({via})', fr: 'la connexion est déléguée à {issuer} ({via})' },
  'probe.notDelegated': { en: 'GET /_matrix/client/v1/auth_metadata answers 404: login is not delegated to Matrix Authentication Service', fr: 'GET /_matrix/client/v1/auth_metadata répond 404\u00a0: la connexion n’est pas déléguée à Matrix Authentication Service' },
  'probe.masCreate': { en: '{issuer} advertises prompt=create: its password registration is on', fr: '{issuer} annonce prompt=create\u00a0: son inscription par mot de passe est ouverte' },
  'probe.masNoCreate': {
    en: '{issuer} does not advertise prompt=create: its password registration is off (account.password_registration_enabled, or password login itself)',
    fr: '{issuer} n’annonce pas prompt=create\u00a0: son inscription par mot de passe est fermée (account.password_registration_enabled, ou la connexion par mot de passe elle-même)',
  },
  'probe.masPasswordsUnseen': { en: 'with password registration off, whether password login is on cannot be seen from outside', fr: 'l’inscription par mot de passe étant fermée, on ne voit pas de l’extérieur si la connexion par mot de passe est active' },
  'probe.masTokenUnseen': { en: 'whether MAS asks a registration token is not in its OpenID discovery: needs its config (--mas-config)', fr: 'la découverte OpenID de MAS ne dit pas s’il demande un jeton d’inscription\u00a0: il faut sa configuration (--mas-config)' },
  'probe.masUpstreamUnseen': { en: 'MAS shows its upstream providers only on its login page, not in its OpenID discovery: needs its config (--mas-config)', fr: 'MAS ne montre ses fournisseurs amont que sur sa page de connexion, pas dans sa découverte OpenID\u00a0: il faut sa configuration (--mas-config)' },
  'probe.noDiscovery': { en: 'the login issuer\'s OpenID discovery was not read', fr: 'la découverte OpenID de l’émetteur de connexion n’a pas été lue' },
  'probe.identityAdvertised': { en: 'the client well-known advertises the identity server {url}', fr: 'le well-known client annonce le serveur d’identité {url}' },
  'probe.noClientWellKnown': { en: 'no client well-known is served', fr: 'aucun well-known client n’est servi' },
  'probe.noIdentityAdvertised': { en: 'the client well-known advertises no identity server', fr: 'le well-known client n’annonce aucun serveur d’identité' },
  'probe.wellKnownHolds': { en: 'the client well-known holds {keys}', fr: 'le well-known client contient {keys}' },
  'probe.wellKnownNothingExtra': { en: 'the client well-known holds nothing beyond discovery', fr: 'le well-known client ne contient rien d’autre que la découverte' },
  'probe.wellKnownServed': { en: 'a client well-known is served', fr: 'un well-known client est servi' },
  'probe.directoryListed': { en: 'GET /publicRooms without a token lists the room directory ({count} room(s))', fr: 'GET /publicRooms sans jeton liste l’annuaire des salons ({count}\u00a0salon(s))' },
  'probe.directoryRefused': { en: 'GET /publicRooms without a token answers {status}', fr: 'GET /publicRooms sans jeton répond {status}' },
  'probe.worldReadable': { en: '{count} of the {read} published room(s) read let anyone read their history without an account', fr: '{count} des {read}\u00a0salon(s) publiés lus laissent n’importe qui lire leur historique sans compte' },
  'probe.directoryNeedsToken': { en: 'the room directory asks for a token (GET /publicRooms answers {status}), so no published room was read', fr: 'l’annuaire des salons demande un jeton (GET /publicRooms répond {status}), donc aucun salon publié n’a été lu' },
  'probe.profile401': { en: 'a profile lookup without a token answers 401', fr: 'une recherche de profil sans jeton répond 401' },
  'probe.profile403': { en: 'a profile lookup without a token answers 403, which does not say why', fr: 'une recherche de profil sans jeton répond 403, ce qui n’en dit pas la raison' },
  'probe.profileOpen': { en: 'a profile lookup without a token answers {status} (no token asked)', fr: 'une recherche de profil sans jeton répond {status} (aucun jeton demandé)' },
  'probe.supportNames': { en: '/.well-known/matrix/support names {contact}', fr: '/.well-known/matrix/support nomme {contact}' },
  'probe.supportNotServed': { en: '/.well-known/matrix/support is not served, and admin_contact {notSeen}', fr: '/.well-known/matrix/support n’est pas servi, et admin_contact {notSeen}' },
  'probe.supportNoContact': { en: '/.well-known/matrix/support names no contact, and admin_contact {notSeen}', fr: '/.well-known/matrix/support ne nomme aucun contact, et admin_contact {notSeen}' },
  'probe.loginOffers': { en: 'the login page offers {flows}', fr: 'la page de connexion propose {flows}' },
  'probe.loginNoFlow': { en: 'the login page offers no flow', fr: 'la page de connexion ne propose aucun parcours' },
  'probe.ssoUnseen': {
    en: 'the login page offers {flows}{providers}: whether it creates accounts on first login cannot be seen from outside',
    fr: 'la page de connexion propose {flows}{providers}\u00a0: on ne voit pas de l’extérieur si un compte est créé à la première connexion',
  },
  'probe.mediaConfig': { en: 'GET /media/config without a token gives an upload limit of {size} bytes', fr: 'GET /media/config sans jeton donne une taille d’envoi maximale de {size}\u00a0octets' },
  'probe.mediaNoLimit': { en: 'GET /media/config without a token gives no upload limit', fr: 'GET /media/config sans jeton ne donne aucune taille d’envoi maximale' },
  'probe.mediaNeedsToken': { en: 'the media configuration asks for a token (GET /_matrix/client/v1/media/config answers {status}), as Synapse does since 1.120: needs an account or the config', fr: 'la configuration des médias demande un jeton (GET /_matrix/client/v1/media/config répond {status}), comme Synapse depuis la 1.120\u00a0: il faut un compte ou la configuration' },
  'probe.userDirectoryNeedsAccount': { en: 'the user directory answers only with an account\'s token (the spec requires one): needs an account or the config', fr: 'l’annuaire des utilisateurs ne répond qu’avec le jeton d’un compte (la spécification l’exige)\u00a0: il faut un compte ou la configuration' },
  'probe.federationRoomsListed': { en: 'GET /_matrix/federation/v1/publicRooms lists the room directory to a request no server signed', fr: 'GET /_matrix/federation/v1/publicRooms liste l’annuaire des salons à une requête qu’aucun serveur n’a signée' },
  'probe.federationRoomsDenied': { en: 'GET /_matrix/federation/v1/publicRooms answers 403: the directory is not shared over federation', fr: 'GET /_matrix/federation/v1/publicRooms répond 403\u00a0: l’annuaire n’est pas partagé par la fédération' },
  'probe.federationUnsigned': {
    en: 'GET /_matrix/federation/v1/publicRooms answers {status} to a request no server signed, whichever allow_public_rooms_over_federation is (Synapse checks the signature first): needs the config',
    fr: 'GET /_matrix/federation/v1/publicRooms répond {status} à une requête qu’aucun serveur n’a signée, quelle que soit la valeur de allow_public_rooms_over_federation (Synapse vérifie d’abord la signature)\u00a0: il faut la configuration',
  },
  'probe.federationNotAsked': { en: 'the public rooms over federation are asked only with --federation', fr: 'les salons publics par la fédération ne sont demandés qu’avec --federation' },
  'probe.errcode': { en: ' {errcode}', fr: ' {errcode}' },
  'probe.providers': { en: ' ({ids})', fr: ' ({ids})' },
});

export const NOT_SEEN: Message = message('probe.notSeen');
export { message as probeFactMessage };

/** What a reader makes of an answer: the value and what was seen, or why it cannot tell. */
type Reading = { value: unknown; seen: Message } | { unknown: Message };

interface Mapping {
  /** The config option this answers (or a fact of the probe's own, `probe.*`). */
  path: string;
  endpoint: Endpoint;
  /** Read instead when the endpoint gave no usable answer. */
  fallback?: Endpoint;
  read: (answer: ProbeAnswer, result: ProbeResult) => Reading;
  /** Why it is unknown when the endpoint was not asked. */
  notAsked?: Message;
}

/** The stages of each sign-up flow, when POST /register {} offered any. */
function signUpFlows(answer: ProbeAnswer): string[][] | undefined {
  return answer.status === 401 ? (answer.body.flows as Array<{ stages: string[] }>).map((flow) => flow.stages) : undefined;
}

const STAGE = { token: 'm.login.registration_token', email: 'm.login.email.identity', msisdn: 'm.login.msisdn', captcha: 'm.login.recaptcha', terms: 'm.login.terms' };
/** A flow that asks only for a token (beside terms and captcha): the 3PID bypass. */
const isBypass = (stages: string[]) => stages.includes(STAGE.token) && stages.every((stage) => [STAGE.token, STAGE.terms, STAGE.captcha].includes(stage));

/** A reader of the sign-up flows: closed registration shows no stages. */
const fromFlows = (derive: (flows: string[][]) => { value: unknown; seen: Message }) => (answer: ProbeAnswer): Reading => {
  const flows = signUpFlows(answer);
  return flows ? derive(flows) : { unknown: message('probe.closedNoStages') };
};
const flowsText = (flows: string[][]) => flows.map((stages) => stages.join(' + ')).join(' | ');
const errcodeOf = (answer: ProbeAnswer) => (answer.body?.errcode ? message('probe.errcode', { errcode: answer.body.errcode }) : '');
/** Seen or not seen: one message or the other. */
const either = (value: boolean, yes: Message, no: Message) => ({ value, seen: value ? yes : no });

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
  if (!offered.length) return { value: null, seen: flows.length ? message('probe.loginOffers', { flows: flows.map((flow) => flow.type).join(', ') }) : message('probe.loginNoFlow') };
  const providers = offered.flatMap((flow) => flow.identity_providers ?? []).map((provider) => provider.id);
  return { unknown: message('probe.ssoUnseen', { flows: offered.map((flow) => flow.type).join(', '), providers: providers.length ? message('probe.providers', { ids: providers.join(', ') }) : '' }) };
};
const SSO = /^m\.login\.sso$|cas/;
const JWT = /jwt/;

/** MAS's OpenID discovery (or Synapse's auth_metadata, which copies it): its issuer and whether it offers prompt=create. */
const masDiscovery = (answer: ProbeAnswer): { issuer: string; create: boolean } | undefined =>
  (answer.status === 200 && Array.isArray(answer.body.prompt_values_supported) ? { issuer: answer.body.issuer, create: answer.body.prompt_values_supported.includes('create') } : undefined);
/** A MAS option its discovery does not show. */
const masUnseen = (why: Message) => (): Reading => ({ unknown: why });

/** The value standing for the SMS delegate a phone sign-up needs: its address is not shown. */
const PHONE_SERVICE = '(a phone verification service; its address is not shown)';

/** The mapping, one row per config option a stranger can see. */
export const PROBE_MAPPINGS: Mapping[] = [
  ...['oidc_providers', 'oidc_config', 'oidc_config.enabled', 'saml2_config', 'cas_config'].map((path) => ({ path, endpoint: 'login' as const, read: noProvider(SSO) })),
  { path: 'jwt_config', endpoint: 'login', read: noProvider(JWT) },
  {
    // The flows first; GET /register/available (Synapse: 403 when registration is off) when they gave nothing usable.
    path: 'enable_registration', endpoint: 'register', fallback: 'registerAvailable', read: (answer) => {
      if (answer.url.includes('/register/available')) {
        if (answer.status === 200) return { value: true, seen: message('probe.availableOpen') };
        if (answer.status === 403) return { value: false, seen: message('probe.availableRefused', { errcode: errcodeOf(answer) }) };
        return { unknown: message('probe.availableUnclear', { status: answer.status!, errcode: errcodeOf(answer) }) };
      }
      const flows = signUpFlows(answer);
      if (flows) return { value: true, seen: message('probe.offersSignUp', { body: '{}', flows: flowsText(flows) }) };
      return { value: false, seen: message('probe.registerRefused', { body: '{}', status: answer.status!, errcode: errcodeOf(answer) }) };
    },
  },
  {
    path: 'registration_requires_token', endpoint: 'register', read: fromFlows((flows) =>
      either(flows.every((stages) => stages.includes(STAGE.token)), message('probe.everyFlowToken'), message('probe.aFlowNoToken'))),
  },
  {
    path: 'enable_registration_token_3pid_bypass', endpoint: 'register', read: fromFlows((flows) =>
      either(flows.some(isBypass), message('probe.bypass'), message('probe.noBypass'))),
  },
  {
    path: 'registrations_require_3pid', endpoint: 'register', read: fromFlows((flows) => {
      const usual = flows.filter((stages) => !isBypass(stages));
      const required = (['email', 'msisdn'] as const).filter((kind) => usual.length > 0 && usual.every((stages) => stages.includes(STAGE[kind])));
      return { value: required, seen: required.length ? message('probe.everyFlowAsks', { kinds: required.join(', ') }) : message('probe.aFlowNo3pid') };
    }),
  },
  {
    path: 'disable_msisdn_registration', endpoint: 'register', read: fromFlows((flows) => {
      const phone = flows.some((stages) => stages.includes(STAGE.msisdn));
      return { value: !phone, seen: phone ? message('probe.phoneFlow') : message('probe.noPhoneFlow') };
    }),
  },
  {
    path: 'account_threepid_delegates.msisdn', endpoint: 'register', read: fromFlows((flows) => {
      const phone = flows.some((stages) => stages.includes(STAGE.msisdn));
      return { value: phone ? PHONE_SERVICE : null, seen: phone ? message('probe.phoneFlow') : message('probe.noPhoneNoSms') };
    }),
  },
  { path: 'enable_registration_captcha', endpoint: 'register', read: fromFlows((flows) => either(flows.some((stages) => stages.includes(STAGE.captcha)), message('probe.captcha'), message('probe.noCaptcha'))) },
  { path: 'user_consent.require_at_registration', endpoint: 'register', read: fromFlows((flows) => either(flows.some((stages) => stages.includes(STAGE.terms)), message('probe.terms'), message('probe.noTerms'))) },
  {
    path: 'allow_guest_access', endpoint: 'guest', notAsked: message('probe.guestNotTried'), read: (answer) => (answer.status === 200
      ? { value: true, seen: message('probe.guestCreated', { user: answer.body.user_id }) }
      : { value: false, seen: message('probe.guestRefused', { status: answer.status! }) }),
  },
  {
    // auth_metadata answers 404 without MAS; the well-known or the unstable auth_issuer may tell it otherwise.
    path: 'matrix_authentication_service.enabled', endpoint: 'authMetadata', read: (answer, result) => (result.delegation
      ? { value: true, seen: message('probe.delegated', { issuer: result.delegation.issuer, via: result.delegation.via }) }
      : { value: false, seen: message('probe.notDelegated') }),
  },
  // Login delegated to MAS: its OpenID discovery says whether its password registration is on
  // (prompt=create: passwords.enabled and account.password_registration_enabled, crates/cli/src/util.rs).
  ...[
    { path: 'mas.account.password_registration_enabled', read: (found: { issuer: string; create: boolean }): Reading => either(found.create, message('probe.masCreate', { issuer: found.issuer }), message('probe.masNoCreate', { issuer: found.issuer })) },
    { path: 'mas.passwords.enabled', read: (found: { issuer: string; create: boolean }): Reading => (found.create ? { value: true, seen: message('probe.masCreate', { issuer: found.issuer }) } : { unknown: message('probe.masPasswordsUnseen') }) },
  ].map(({ path, read }): Mapping => ({
    path, endpoint: 'openidConfiguration', fallback: 'authMetadata', notAsked: NOT_SEEN, read: (answer) => {
      const found = masDiscovery(answer);
      return found ? read(found) : { unknown: message('probe.noDiscovery') };
    },
  })),
  ...['mas.account.password_registration_token_required', 'mas.account.registration_token_required'].map((path): Mapping => ({ path, endpoint: 'openidConfiguration', notAsked: NOT_SEEN, read: masUnseen(message('probe.masTokenUnseen')) })),
  { path: 'mas.upstream_oauth2.providers', endpoint: 'openidConfiguration', notAsked: NOT_SEEN, read: masUnseen(message('probe.masUpstreamUnseen')) },
  {
    path: 'default_identity_server', endpoint: 'wellKnownClient', read: (answer) => {
      const identity = answer.body?.['m.identity_server']?.base_url;
      return typeof identity === 'string'
        ? { value: identity, seen: message('probe.identityAdvertised', { url: identity }) }
        : { value: null, seen: answer.status === 404 ? message('probe.noClientWellKnown') : message('probe.noIdentityAdvertised') };
    },
  },
  {
    path: 'extra_well_known_client_content', endpoint: 'wellKnownClient', read: (answer) => {
      const extra = answer.status === 200 ? extraContent(answer.body) : {};
      const keys = Object.keys(extra);
      return { value: extra, seen: answer.status === 404 ? message('probe.noClientWellKnown') : keys.length ? message('probe.wellKnownHolds', { keys: keys.join(', ') }) : message('probe.wellKnownNothingExtra') };
    },
  },
  {
    path: 'public_baseurl', endpoint: 'wellKnownClient', read: (answer) => (answer.status === 200
      ? { value: answer.body['m.homeserver']?.base_url ?? answer.url.replace(/\/\.well-known\/.*$/, ''), seen: message('probe.wellKnownServed') }
      : { value: null, seen: message('probe.noClientWellKnown') }),
  },
  {
    path: 'allow_public_rooms_without_auth', endpoint: 'publicRooms', read: (answer) => (answer.status === 200
      ? { value: true, seen: message('probe.directoryListed', { count: answer.body.total_room_count_estimate ?? answer.body.chunk.length }) }
      : { value: false, seen: message('probe.directoryRefused', { status: answer.status! }) }),
  },
  {
    // Room previews: the published rooms whose history anyone can read (world_readable), of those read.
    path: 'probe.publicRooms.worldReadable', endpoint: 'publicRooms', read: (answer) => {
      if (answer.status !== 200) return { unknown: message('probe.directoryNeedsToken', { status: answer.status! }) };
      const rooms = answer.body.chunk as Array<{ room_id: string; world_readable?: boolean }>;
      const readable = rooms.filter((room) => room.world_readable === true).map((room) => room.room_id);
      return { value: readable, seen: message('probe.worldReadable', { count: readable.length, read: rooms.length }) };
    },
  },
  {
    path: 'require_auth_for_profile_requests', endpoint: 'profile', read: (answer) => {
      if (answer.status === 401) return { value: true, seen: message('probe.profile401') };
      if (answer.status === 403) return { unknown: message('probe.profile403') };
      return { value: false, seen: message('probe.profileOpen', { status: answer.status! }) };
    },
  },
  {
    path: 'max_upload_size', endpoint: 'mediaConfig', read: (answer) => {
      if (answer.status !== 200) return { unknown: message('probe.mediaNeedsToken', { status: answer.status! }) };
      const size = answer.body['m.upload.size'];
      return typeof size === 'number' ? { value: size, seen: message('probe.mediaConfig', { size }) } : { unknown: message('probe.mediaNoLimit') };
    },
  },
  {
    // Synapse authenticates a federation request before PublicRoomList looks at the option
    // (federation/transport/server/_base.py, then __init__.py): an unsigned request gets 401 either way.
    path: 'allow_public_rooms_over_federation', endpoint: 'federationPublicRooms', notAsked: message('probe.federationNotAsked'), read: (answer) => {
      if (answer.status === 200) return { value: true, seen: message('probe.federationRoomsListed') };
      if (answer.status === 403) return { value: false, seen: message('probe.federationRoomsDenied') };
      return { unknown: message('probe.federationUnsigned', { status: answer.status! }) };
    },
  },
  {
    path: 'admin_contact', endpoint: 'wellKnownSupport', read: (answer) => {
      const contact = answer.body?.contacts?.map((entry: { email_address?: string; matrix_id?: string }) => entry.email_address ?? entry.matrix_id).find(Boolean) ?? answer.body?.support_page;
      if (typeof contact === 'string') return { value: contact, seen: message('probe.supportNames', { contact }) };
      return { unknown: message(answer.status === 404 ? 'probe.supportNotServed' : 'probe.supportNoContact', { notSeen: NOT_SEEN }) };
    },
  },
];

/** Options no request can show, with the reason when it is more than "not seen from outside". */
const UNSEEN_BECAUSE: Record<string, Message> = {
  'user_directory.enabled': message('probe.userDirectoryNeedsAccount'),
  'user_directory.search_all_users': message('probe.userDirectoryNeedsAccount'),
  'user_directory.prefer_local_users': message('probe.userDirectoryNeedsAccount'),
};

/** Options whose effect the probe sees through another one: absent, so that the one seen decides
 *  (disable_registration would override enable_registration; the experimental MAS switch the stable one). */
const DECIDED_ELSEWHERE: Record<string, string> = {
  disable_registration: 'enable_registration',
  'experimental_features.msc3861.enabled': 'matrix_authentication_service.enabled',
};

export interface ProbeFacts extends FactSource {
  target: 'config';
  /** What was seen for each option read from an answer (for messages and the config comparison). */
  seen: Map<string, { value: unknown; seen: Message; url: string }>;
}

/** The answer a mapping reads: its endpoint's, or the fallback's when that one gave nothing usable. */
function answerFor(mapping: Mapping, result: ProbeResult): ProbeAnswer | undefined {
  const answer = result.answers[mapping.endpoint];
  const fallback = mapping.fallback && result.answers[mapping.fallback];
  return (!answer || answer.fault) && fallback && !fallback.fault ? fallback : answer;
}

/** The probe's answers as config facts. */
export function buildProbeFacts(result: ProbeResult): ProbeFacts {
  const facts = new Map<string, Fact>();
  const seen: ProbeFacts['seen'] = new Map();
  for (const mapping of PROBE_MAPPINGS) {
    const answer = answerFor(mapping, result);
    const location = answer ? { file: answer.url, line: 1, column: 1 } : undefined;
    if (!answer) {
      facts.set(mapping.path, { path: mapping.path, value: undefined, state: 'unknown', reason: mapping.notAsked ?? NOT_SEEN });
      continue;
    }
    if (answer.fault) {
      facts.set(mapping.path, { path: mapping.path, value: undefined, state: 'unknown', location, reason: message('probe.noUsableAnswer', { method: answer.method, url: answer.url, fault: answer.fault }) });
      continue;
    }
    const reading = mapping.read(answer, result);
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
    return { path, value: undefined, state: 'unknown', reason: UNSEEN_BECAUSE[path] ?? NOT_SEEN };
  };
  // The facts built from several options (who can sign up...) are built from these, as from a config.
  const get = (path: string): Fact => (Object.hasOwn(DERIVED_FACTS, path) ? DERIVED_FACTS[path].derive(optionFact) : optionFact(path));
  return { target: 'config', get, seen, extra: { probe: result } };
}
