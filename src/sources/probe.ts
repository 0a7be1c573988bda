// A homeserver seen from outside, read-only and without a token: discovery (.well-known), the
// client and federation versions, the sign-up and login flows, what is public without an account
// (room directory, profiles, media configuration), login delegated to Matrix Authentication Service
// (its OpenID discovery) and the server's keys; with `federation`, the public rooms over federation. Every request goes through boundedFetch (deadline,
// bounded answer, same-origin redirects, tokens scrubbed) and is counted; each answer is checked
// against its schema in answers.schema.json. Only GETs, and `POST /register {}`, which answers
// 401 with the flows and creates nothing; a guest account only with tryGuest. What it says is
// messages by id (warnings, faults), rendered by the report in its language.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { boundedFetch, RefusedAnswer } from './http.js';
import { answerProblem, type Answers } from './answers.js';
import { rememberSecret } from './scrub.js';
import { randomBytes } from 'node:crypto';
import { defineMessages, type Message } from '../messages/message.js';
import { InputError } from '../errors.js';
import { NetworkError } from './homeserver.js';

const errorMessage = defineMessages({
  'error.probe.badTarget': {
    en: '"{target}" is neither a server name (example.org) nor a URL (https://matrix.example.org)',
    fr: '«\u00a0{target}\u00a0» n’est ni un nom de serveur (example.org) ni une URL (https://matrix.example.org)',
  },
  'error.probe.credentials': {
    en: '{url} carries a user name or password; mxlint probe sends no credentials',
    fr: '{url} contient un nom d’utilisateur ou un mot de passe\u00a0; mxlint probe n’envoie aucun identifiant',
  },
  'error.probe.protocol': { en: 'a probe is made over http(s), not {protocol}', fr: 'une sonde passe par http(s), pas par {protocol}' },
  'error.probe.plainHttp': {
    en: '{origin} is plain http: use https, or --allow-insecure-http if you accept answers anyone on the way can change',
    fr: '{origin} est en http simple\u00a0: utilisez https, ou --allow-insecure-http si vous acceptez des réponses que n’importe qui sur le trajet peut modifier',
  },
  // {fault}: what went wrong with the first endpoint (the server's or the system's words).
  'error.probe.noAnswer': { en: '{origin}: no endpoint answered ({fault})', fr: '{origin}\u00a0: aucun point d’accès n’a répondu ({fault})' },
});

/** Each endpoint probed, the schema its answer is checked against, and the statuses that are an answer (not a fault). */
export const ENDPOINTS = {
  wellKnownClient: { schema: 'wellKnownClient', ok: [200, 404] },
  wellKnownServer: { schema: 'wellKnownServer', ok: [200, 404] },
  wellKnownSupport: { schema: 'wellKnownSupport', ok: [200, 404] },
  clientVersions: { schema: 'clientVersions', ok: [200] },
  register: { schema: 'registerFlows', ok: [401, 403, 404] },
  login: { schema: 'loginFlows', ok: [200, 404] },
  authMetadata: { schema: 'authMetadata', ok: [200, 404] },
  publicRooms: { schema: 'publicRooms', ok: [200, 401, 403] },
  profile: { schema: 'profile', ok: [200, 401, 403, 404] },
  federationVersion: { schema: 'federationVersion', ok: [200, 404] },
  serverKeys: { schema: 'serverKeys', ok: [200, 404] },
  guest: { schema: 'guestRegistration', ok: [200, 403] },
  // 200 for a free name; 400 for a name taken or refused; 403 with registration off; 404 under MAS.
  registerAvailable: { schema: 'registerAvailable', ok: [200, 400, 403, 404] },
  // Synapse 1.120+ serves it only with a token (401).
  mediaConfig: { schema: 'mediaConfig', ok: [200, 401, 403, 404] },
  authIssuer: { schema: 'authIssuer', ok: [200, 404] },
  openidConfiguration: { schema: 'openidConfiguration', ok: [200, 404] },
  federationPublicRooms: { schema: 'publicRooms', ok: [200, 401, 403, 404] },
} as const satisfies Record<string, { schema: keyof Answers; ok: number[] }>;

export type Endpoint = keyof typeof ENDPOINTS;

/** What one endpoint gave: a status and its JSON (of the endpoint's schema when 2xx), or why there is no answer. */
export interface ProbeAnswer {
  method: 'GET' | 'POST';
  url: string;
  status?: number;
  body?: any;
  /** No usable answer: a timeout, a connection fault, HTML, a body of the wrong shape, a redirect elsewhere. */
  fault?: Message;
}

export interface ProbeOptions {
  timeoutMs: number;
  maxRetries: number;
  /** Follow a delegation (m.homeserver.base_url) to a loopback or private address. */
  allowPrivate: boolean;
  /** Plain http to another machine. */
  allowInsecureHttp: boolean;
  /** Register a guest account (it creates one). */
  tryGuest: boolean;
  /** Also ask the public rooms over federation. */
  federation?: boolean;
}

/** Login delegated to an OAuth 2.0 / OpenID issuer (Matrix Authentication Service), and what told it. */
export interface AuthDelegation {
  issuer: string;
  /** auth_metadata, the client well-known (stable m.authentication or MSC2965's), or the unstable auth_issuer. */
  via: 'auth_metadata' | 'well-known' | 'auth_issuer';
  /** Where accounts are managed (MSC4191 account_management_uri, or the well-known's account). */
  accountUrl?: string;
}

export interface ProbeResult {
  /** Where discovery was asked (the name's https origin, or the URL given). */
  origin: string;
  /** The client API's base URL (after well-known delegation). */
  baseUrl: string;
  /** The federation API's base URL (m.server, or the name on port 8448). */
  federationUrl: string;
  /** From the server's keys, or the name given; unknown when neither answered. */
  serverName?: string;
  answers: Partial<Record<Endpoint, ProbeAnswer>>;
  /** Requests sent, retries included. */
  requests: number;
  retries: number;
  /** Set when tryGuest created a guest account. */
  guestUserId?: string;
  /** Set when login is delegated (MAS). */
  delegation?: AuthDelegation;
  warnings: Message[];
}

const message = defineMessages({
  'probe.noAnswerWithin': { en: 'no answer within {ms} ms (--timeout)', fr: 'pas de réponse en {ms} ms (--timeout)' },
  'probe.httpStatus': { en: 'HTTP {status}', fr: 'HTTP {status}' },
  'probe.notJson': { en: 'HTTP {status}, not JSON (a web page or a proxy\'s error page?)', fr: 'HTTP {status}, pas du JSON (une page web, ou la page d’erreur d’un proxy ?)' },
  'probe.wrongShape': { en: 'HTTP {status}, an answer of the wrong shape ({problem})', fr: 'HTTP {status}, une réponse qui n’a pas la forme attendue ({problem})' },
  'probe.refused': { en: '{error}', fr: '{error}' },
  'probe.afterTries': { en: '{fault} after {tries} tries', fr: '{fault} après {tries} essais' },
  'probe.schemeChange': { en: 'it changes the scheme ({from} to {to})', fr: 'elle change de protocole ({from} vers {to})' },
  'probe.noResolve': { en: 'its host {host} does not resolve ({code})', fr: 'son hôte {host} ne se résout pas ({code})' },
  'probe.nonPublic': { en: '{host} is a non-public address ({address}); give --allow-private to follow it', fr: '{host} est une adresse non publique ({address}) ; donnez --allow-private pour la suivre' },
  'probe.baseUrlNotUrl': { en: 'the client well-known\'s m.homeserver.base_url {value} is not a URL: probing {origin} itself', fr: 'le m.homeserver.base_url du well-known client, {value}, n’est pas une URL : sondage de {origin} lui-même' },
  'probe.notFollowingClient': { en: 'not following the client well-known to {to}: {problem}; probing {origin} itself', fr: 'le well-known client mène à {to}, qui n’est pas suivi : {problem} ; sondage de {origin} lui-même' },
  'probe.notFollowingServer': { en: 'not following the server well-known to {to}: {problem}; asking {instead}', fr: 'le well-known serveur mène à {to}, qui n’est pas suivi : {problem} ; interrogation de {instead}' },
  'probe.notFollowingIssuer': { en: 'not asking the login issuer {to} for its OpenID discovery: {problem}', fr: 'l’émetteur de connexion {to} n’est pas interrogé sur sa découverte OpenID : {problem}' },
  'probe.issuerNotUrl': { en: 'the login issuer {value} is not a URL', fr: 'l’émetteur de connexion {value} n’est pas une URL' },
  'probe.noServerName': { en: 'the server name is unknown (its keys gave no answer): no profile lookup, whose user would have to be of this server', fr: 'le nom du serveur est inconnu (ses clés n’ont pas répondu) : pas de recherche de profil, dont l’utilisateur devrait être de ce serveur' },
});
export { message as probeSourceMessage };

const loopbackHost = (host: string) => host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);

/** An address no one outside this machine or network reaches: loopback, private, link-local, CGNAT, unspecified, ULA. */
export function isNonPublicAddress(address: string): boolean {
  // An IPv4-mapped IPv6 address is the IPv4 one; the URL parser writes it in hex (::ffff:7f00:1).
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (mapped) {
    const [high, low] = [parseInt(mapped[1], 16), parseInt(mapped[2], 16)];
    return isNonPublicAddress(`${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`);
  }
  const v4 = /^(?:::ffff:)?(\d+)\.(\d+)\.\d+\.\d+$/i.exec(address);
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    return a === 0 || a === 10 || a === 127 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127);
  }
  const v6 = address.toLowerCase();
  return v6 === '::' || v6 === '::1' || /^f[cd]/.test(v6) || /^fe[89ab]/.test(v6);
}

/** The origin discovery starts from: a server name (example.org, example.org:8448) means https. */
export function discoveryOrigin(target: string, allowInsecureHttp: boolean): URL {
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(target) ? target : `https://${target}`);
  } catch {
    throw new InputError(errorMessage('error.probe.badTarget', { target }));
  }
  if (url.username || url.password) throw new InputError(errorMessage('error.probe.credentials', { url: `${url.protocol}//…@${url.host}` }));
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new InputError(errorMessage('error.probe.protocol', { protocol: url.protocol }));
  if (url.protocol === 'http:' && !loopbackHost(url.hostname) && !allowInsecureHttp) {
    throw new InputError(errorMessage('error.probe.plainHttp', { origin: url.origin }));
  }
  return new URL(url.origin);
}

/** Whether a delegation may be followed: same scheme, and a public address unless allowPrivate. */
async function delegationProblem(from: URL, to: URL, allowPrivate: boolean): Promise<Message | undefined> {
  if (to.protocol !== from.protocol) return message('probe.schemeChange', { from: from.protocol, to: to.protocol });
  if (allowPrivate) return undefined;
  const host = to.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : (await lookup(host, { all: true })).map((entry) => entry.address);
  } catch (error) {
    return message('probe.noResolve', { host, code: (error as NodeJS.ErrnoException).code ?? 'error' });
  }
  const inside = addresses.find(isNonPublicAddress);
  return inside ? message('probe.nonPublic', { host, address: inside }) : undefined;
}

const PERMANENT = /ENOTFOUND|CERT|SSL|ERR_TLS/;

/** One request, retried after a 429, a 5xx, a timeout or a connection fault. */
class Prober {
  requests = 0;
  retries = 0;
  private readonly fetchBounded: ReturnType<typeof boundedFetch>;
  constructor(private readonly options: ProbeOptions) {
    this.fetchBounded = boundedFetch(options.timeoutMs);
  }

  async ask(endpoint: Endpoint, method: 'GET' | 'POST', url: string, body?: unknown): Promise<ProbeAnswer> {
    const answer: ProbeAnswer = { method, url };
    for (let attempt = 0; ; attempt += 1) {
      let retry: boolean;
      let fault: Message;
      this.requests += 1;
      try {
        const response = await this.fetchBounded(url, {
          method,
          headers: { Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const text = await response.text();
        answer.status = response.status;
        retry = response.status === 429 || response.status >= 500;
        if (!retry) return this.judge(endpoint, answer, text);
        fault = message('probe.httpStatus', { status: response.status });
      } catch (error) {
        const text = (error as Error)?.message ?? String(error);
        if (error instanceof RefusedAnswer) return { ...answer, fault: message('probe.refused', { error: text }) };
        retry = !PERMANENT.test(text);
        fault = (error as Error)?.name === 'AbortError' ? message('probe.noAnswerWithin', { ms: this.options.timeoutMs }) : message('probe.refused', { error: text });
      }
      if (!retry || attempt >= this.options.maxRetries) return { ...answer, fault: attempt ? message('probe.afterTries', { fault, tries: attempt + 1 }) : fault };
      this.retries += 1;
      await new Promise((resolve) => setTimeout(resolve, Math.min(250 * 2 ** attempt, 4000)));
    }
  }

  /** The answer of an expected status and of the endpoint's shape, or a fault naming what is wrong. */
  private judge(endpoint: Endpoint, answer: ProbeAnswer, text: string): ProbeAnswer {
    const { schema, ok } = ENDPOINTS[endpoint];
    const status = answer.status!;
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    const statusFault = body === undefined ? message('probe.notJson', { status }) : message('probe.httpStatus', { status });
    if (!(ok as readonly number[]).includes(status)) return { ...answer, fault: statusFault };
    // A 404 from a static web server is HTML or empty: "not served" all the same.
    if (status === 404) return { ...answer, body: undefined };
    if (body === undefined) return { ...answer, fault: statusFault };
    const problem = answerProblem(status < 300 ? schema : endpoint === 'register' && status === 401 ? 'registerFlows' : 'matrixError', body);
    if (problem) return { ...answer, fault: message('probe.wrongShape', { status, problem }) };
    return { ...answer, body };
  }
}

const withPort = (hostPort: string, scheme: string): string => {
  const bracketed = hostPort.startsWith('[') ? hostPort.slice(hostPort.indexOf(']') + 1) : hostPort;
  return `${scheme}//${hostPort}${bracketed.includes(':') ? '' : ':8448'}`;
};

/** Probes `target` (a server name or a URL). */
export async function probeServer(target: string, options: ProbeOptions): Promise<ProbeResult> {
  const origin = discoveryOrigin(target, options.allowInsecureHttp);
  const prober = new Prober(options);
  const answers: ProbeResult['answers'] = {};
  const warnings: Message[] = [];
  const at = (base: string, path: string) => `${base}${path}`;
  const ask = async (endpoint: Endpoint, method: 'GET' | 'POST', url: string, body?: unknown) => {
    answers[endpoint] = await prober.ask(endpoint, method, url, body);
    return answers[endpoint]!;
  };

  const [client, server] = await Promise.all([
    ask('wellKnownClient', 'GET', at(origin.origin, '/.well-known/matrix/client')),
    ask('wellKnownServer', 'GET', at(origin.origin, '/.well-known/matrix/server')),
    ask('wellKnownSupport', 'GET', at(origin.origin, '/.well-known/matrix/support')),
  ]);

  let baseUrl = origin.origin;
  const delegated = client.body?.['m.homeserver']?.base_url;
  if (typeof delegated === 'string') {
    let to: URL | undefined;
    try {
      to = new URL(delegated);
    } catch {
      warnings.push(message('probe.baseUrlNotUrl', { value: JSON.stringify(delegated), origin: origin.origin }));
    }
    const problem = to && await delegationProblem(origin, to, options.allowPrivate);
    if (to && problem) warnings.push(message('probe.notFollowingClient', { to: to.origin, problem, origin: origin.origin }));
    else if (to) baseUrl = `${to.origin}${to.pathname.replace(/\/+$/, '')}`;
  }
  // Federation is https on m.server (port 8448 by default); a plain-http target on this machine
  // (tests) keeps its scheme. SRV records are not looked up.
  const mServer = server.body?.['m.server'];
  let federationUrl = typeof mServer === 'string' ? withPort(mServer, origin.protocol) : withPort(origin.host, origin.protocol);
  if (typeof mServer === 'string') {
    const problem = await delegationProblem(origin, new URL(federationUrl), options.allowPrivate);
    if (problem) {
      warnings.push(message('probe.notFollowingServer', { to: mServer, problem, instead: withPort(origin.host, origin.protocol) }));
      federationUrl = withPort(origin.host, origin.protocol);
    }
  }

  const client3 = `${baseUrl}/_matrix/client/v3`;
  // A name nobody registered: the answer says whether sign-up is on, not whether the name is taken.
  const freeName = `mxlint-probe-${randomBytes(6).toString('hex')}`;
  const [, register, login, authMetadata, , , keys] = await Promise.all([
    ask('clientVersions', 'GET', at(baseUrl, '/_matrix/client/versions')),
    ask('register', 'POST', at(client3, '/register'), {}),
    ask('login', 'GET', at(client3, '/login')),
    ask('authMetadata', 'GET', at(baseUrl, '/_matrix/client/v1/auth_metadata')),
    ask('publicRooms', 'GET', at(client3, `/publicRooms?limit=${PUBLIC_ROOMS_READ}`)),
    ask('federationVersion', 'GET', at(federationUrl, '/_matrix/federation/v1/version')),
    ask('serverKeys', 'GET', at(federationUrl, '/_matrix/key/v2/server')),
    ask('mediaConfig', 'GET', at(baseUrl, '/_matrix/client/v1/media/config')),
    ...(options.federation ? [ask('federationPublicRooms', 'GET', at(federationUrl, '/_matrix/federation/v1/publicRooms?limit=1'))] : []),
  ]);
  // A profile of this server's own users: any name does (the check for a token comes first). A
  // user of another server would make the server ask that one, so without the server's name (its
  // keys, or the name given) there is no lookup.
  const named = /^[a-z][a-z0-9+.-]*:\/\//i.test(target) ? undefined : origin.host;
  const serverName: string | undefined = typeof keys.body?.server_name === 'string' ? keys.body.server_name : named;
  const profile = serverName ? ask('profile', 'GET', at(client3, `/profile/${encodeURIComponent(`@mxlint-probe:${serverName}`)}`)) : undefined;
  if (!serverName) warnings.push(message('probe.noServerName'));
  // The second sign-up signal, asked only when the flows gave no usable answer (a proxy refusing
  // POST, a rate limit): Synapse rate-limits it to one request per 2 s per address, delaying the next.
  const available = register.fault ? ask('registerAvailable', 'GET', at(client3, `/register/available?username=${freeName}`)) : undefined;
  const delegation = await findDelegation(client.body, authMetadata, login, (url) => ask('authIssuer', 'GET', url), baseUrl);
  if (delegation) {
    let issuer: URL | undefined;
    try {
      issuer = new URL(delegation.issuer);
    } catch {
      warnings.push(message('probe.issuerNotUrl', { value: JSON.stringify(delegation.issuer) }));
    }
    const problem = issuer && await delegationProblem(origin, issuer, options.allowPrivate);
    if (issuer && problem) warnings.push(message('probe.notFollowingIssuer', { to: issuer.origin, problem }));
    else if (issuer) {
      const discovery = await ask('openidConfiguration', 'GET', `${issuer.href.replace(/\/+$/, '')}/.well-known/openid-configuration`);
      delegation.accountUrl ??= typeof discovery.body?.account_management_uri === 'string' ? discovery.body.account_management_uri : undefined;
    }
  }
  await Promise.all([profile, available]);
  let guestUserId: string | undefined;
  if (options.tryGuest) {
    const guest = await ask('guest', 'POST', at(client3, '/register?kind=guest'), {});
    if (guest.status === 200) {
      rememberSecret(guest.body.access_token);
      guestUserId = guest.body.user_id;
      delete guest.body.access_token;
      delete guest.body.refresh_token;
    }
  }
  const faulted = Object.values(answers).filter((answer) => answer.fault);
  if (faulted.length === Object.keys(answers).length) {
    throw new NetworkError(errorMessage('error.probe.noAnswer', { origin: origin.origin, fault: faulted[0]!.fault! }));
  }
  return { origin: origin.origin, baseUrl, federationUrl, serverName, answers, requests: prober.requests, retries: prober.retries, guestUserId, delegation, warnings };
}

/** Published rooms read from the room directory (for their world_readable and guest_can_join). */
export const PUBLIC_ROOMS_READ = 20;

/** Login delegated to an issuer, as the server tells it: auth_metadata (Synapse 1.136+), the client
 *  well-known's m.authentication (or MSC2965's org.matrix.msc2965.authentication, which Synapse
 *  writes), and, when only the login flows hint at it (MSC3824's oauth_aware_preferred), the
 *  unstable auth_issuer endpoint of older servers. */
async function findDelegation(wellKnown: any, authMetadata: ProbeAnswer, login: ProbeAnswer, askIssuer: (url: string) => Promise<ProbeAnswer>, baseUrl: string): Promise<AuthDelegation | undefined> {
  if (authMetadata.status === 200) return { issuer: authMetadata.body.issuer, via: 'auth_metadata', accountUrl: authMetadata.body.account_management_uri };
  const announced = wellKnown?.['m.authentication'] ?? wellKnown?.['org.matrix.msc2965.authentication'];
  if (typeof announced?.issuer === 'string') return { issuer: announced.issuer, via: 'well-known', accountUrl: typeof announced.account === 'string' ? announced.account : undefined };
  const hinted = (login.body?.flows ?? []).some((flow: { oauth_aware_preferred?: unknown; 'org.matrix.msc3824.delegated_oidc_compatibility'?: unknown }) => flow.oauth_aware_preferred === true || flow['org.matrix.msc3824.delegated_oidc_compatibility'] === true);
  if (!hinted) return undefined;
  const answer = await askIssuer(`${baseUrl}/_matrix/client/unstable/org.matrix.msc2965/auth_issuer`);
  return answer.status === 200 ? { issuer: answer.body.issuer, via: 'auth_issuer' } : undefined;
}
