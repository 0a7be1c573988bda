// Read-only access to a homeserver through matrix-js-sdk's HTTP layer (no sync, no crypto),
// with timeouts, bounded retries on 429/5xx/network faults, and one-line errors.
// Reads use the SDK's HTTP layer alone (matrix-js-sdk/lib/http-api): the whole SDK costs ~35 MB of
// memory and ~100 ms of start-up; it is loaded only when a write needs a MatrixClient.
// Both are imported when first needed (Homeserver.open, matrixClient), so the commands that never
// talk to a server never load the SDK, whatever the bundler does with static imports.
import type { FetchHttpApi } from 'matrix-js-sdk/lib/http-api/fetch.js';
import type { ConnectionError, IHttpOpts } from 'matrix-js-sdk/lib/http-api/index.js';
import type { MatrixClient } from 'matrix-js-sdk';
import { EventEmitter, setMaxListeners } from 'node:events';
import module from 'node:module';
import type { Logger as PinoLogger } from 'pino';
import { EXIT, InputError, printable } from '../errors.js';
import { defineMessages, render, type Message, type MessageValue } from '../messages/message.js';
import type { Lang } from '../types.js';
import { esmImport } from '../esm-import.js';
import { boundedFetch, RefusedAnswer } from './http.js';
import { answerProblem, type Answers } from './answers.js';
import { rememberSecret, scrubSecrets } from './scrub.js';

const message = defineMessages({
  'error.network.wrongShape': { en: '{base}: {what}: an answer of the wrong shape ({problem})', fr: '{base}\u00a0: {what}\u00a0: une réponse de forme inattendue ({problem})' },
  // {status}: the HTTP status, the Matrix errcode and the server's error text (its words, not ours).
  'error.network.matrix': { en: '{base}: {what}: {reason} ({status}){tries}', fr: '{base}\u00a0: {what}\u00a0: {reason} ({status}){tries}' },
  'error.network.tokenRefused': { en: 'the access token was refused', fr: 'le jeton d’accès a été refusé' },
  'error.network.forbidden': { en: 'forbidden', fr: 'accès interdit' },
  'error.network.notFound': { en: 'not found', fr: 'introuvable' },
  'error.network.rateLimited': { en: 'rate limited', fr: 'trop de requêtes (limitation de débit)' },
  'error.network.rateLimitedWait': {
    en: 'rate limited: the server asks to wait {seconds} s, longer than mxlint waits ({max} s)',
    fr: 'trop de requêtes\u00a0: le serveur demande d’attendre {seconds}\u00a0s, plus que mxlint n’attend ({max}\u00a0s)',
  },
  'error.network.rateLimitedDay': {
    en: 'rate limited: the server asks to wait more than a day, longer than mxlint waits ({max} s)',
    fr: 'trop de requêtes\u00a0: le serveur demande d’attendre plus d’un jour, plus que mxlint n’attend ({max}\u00a0s)',
  },
  'error.network.tries': { en: ' after {count} tries', fr: ' après {count}\u00a0essais' },
  'error.network.noMatrixBody': { en: '{base}: {what}: HTTP {status} without a Matrix error body{tries}', fr: '{base}\u00a0: {what}\u00a0: HTTP {status} sans corps d’erreur Matrix{tries}' },
  'error.network.refused': { en: '{base}: {what}: {reason}', fr: '{base}\u00a0: {what}\u00a0: {reason}' },
  'error.network.timeout': { en: '{base}: {what}: no answer within {ms} ms{tries} (--timeout)', fr: '{base}\u00a0: {what}\u00a0: pas de réponse en {ms}\u00a0ms{tries} (--timeout)' },
  'error.network.connection': { en: '{base}: {reason}{tries}', fr: '{base}\u00a0: {reason}{tries}' },
  'error.network.notJson': {
    en: '{base}: {what}: the server did not answer with JSON (a proxy error page?){tries}',
    fr: '{base}\u00a0: {what}\u00a0: le serveur n’a pas répondu en JSON (une page d’erreur d’un proxy\u00a0?){tries}',
  },
  'error.network.connectionRefused': {
    en: 'cannot connect: connection refused (is the server running, is the URL right?)',
    fr: 'connexion impossible\u00a0: connexion refusée (le serveur tourne-t-il, l’URL est-elle juste\u00a0?)',
  },
  'error.network.unresolved': { en: 'cannot resolve the host name', fr: 'impossible de résoudre le nom d’hôte' },
  'error.network.reset': { en: 'the connection was reset', fr: 'la connexion a été réinitialisée' },
  'error.network.tls': { en: 'TLS failure ({code}): the certificate could not be verified', fr: 'échec TLS ({code})\u00a0: le certificat n’a pas pu être vérifié' },
  'error.network.unreachable': { en: 'cannot reach the server', fr: 'impossible de joindre le serveur' },
  'error.network.unreachableCode': { en: 'cannot reach the server ({code})', fr: 'impossible de joindre le serveur ({code})' },
});

const scrubValue = (value: MessageValue): MessageValue => (typeof value === 'string' ? scrubSecrets(value)
  : typeof value === 'number' ? value : Array.isArray(value) ? value.map(scrubValue) : scrubMessage(value as Message));
const scrubMessage = (message: Message): Message => ({ id: message.id, data: Object.fromEntries(Object.entries(message.data).map(([key, value]) => [key, scrubValue(value)])) });

/** What an error says, for a report to carry: by id when it is ours (its texts scrubbed of tokens), else its own words. */
export function errorDetail(error: Error): MessageValue {
  if (error instanceof NetworkError) return error.scrubbedDetail();
  return error instanceof InputError ? error.detail : scrubSecrets(error.message);
}

export class NetworkError extends Error {
  readonly exitCode = EXIT.network;
  /** What went wrong, as an id and data. */
  readonly detail: Message;
  constructor(message: Message, readonly status?: number, readonly errcode?: string) {
    // The message may quote the server (its error text, a Location): never a token.
    super(scrubSecrets(render('en', message)));
    this.detail = message;
    this.name = 'NetworkError';
  }
  /** The id and data with every text scrubbed of tokens: what a report may carry and render later. */
  scrubbedDetail(): Message {
    return scrubMessage(this.detail);
  }

  /** One printable line in `lang`: the message quotes the server's own error text, which can be anything. */
  oneLine(lang: Lang = 'en'): string {
    return printable(scrubSecrets(render(lang, this.detail)));
  }
}

/** The server answered, but with something mxlint will not use (too large, of the wrong shape, a
 *  redirect elsewhere, paging that does not end): exit 3 like any NetworkError, but not a sign
 *  that the server is gone, and not retried. */
export class BadAnswer extends NetworkError {}

/** The server refused one request (a 4xx other than 429): that fact stays unknown. Anything else
 *  (a fault after the retries, a bad answer) means the audit cannot be complete. */
export const isRefusal = (error: unknown): boolean =>
  error instanceof NetworkError && error.status !== undefined && error.status !== 429 && error.status < 500;

export interface HomeserverOptions {
  baseUrl: string;
  accessToken?: string;
  /** Per-request timeout. */
  timeoutMs: number;
  /** Retries after the first try, for 429, 5xx, timeouts and connection faults. */
  maxRetries: number;
  log: PinoLogger;
}

export interface FaultCounts { retries: number; rateLimited: number; serverErrors: number; timeouts: number; connectionErrors: number; badResponses: number }

/** matrix-js-sdk logs through this, into pino at debug level (it is chatty). */
function sdkLogger(log: PinoLogger) {
  const make = (namespace: string): any => ({
    trace: (...msg: unknown[]) => log.trace({ sdk: namespace }, msg.map(String).join(' ')),
    debug: (...msg: unknown[]) => log.debug({ sdk: namespace }, msg.map(String).join(' ')),
    info: (...msg: unknown[]) => log.debug({ sdk: namespace }, msg.map(String).join(' ')),
    // Its warnings and errors too: mxlint reports every failure itself, in one line (a 401 would
    // otherwise add a JSON line "Unable to refresh token" on stderr).
    warn: (...msg: unknown[]) => log.debug({ sdk: namespace }, msg.map(String).join(' ')),
    error: (...msg: unknown[]) => log.debug({ sdk: namespace }, msg.map(String).join(' ')),
    getChild: (child: string) => make(`${namespace}.${child}`),
  });
  return make('matrix-js-sdk');
}

/** Each request in flight listens on the SDK's abort signal: more than 10 (--concurrency > 5)
 *  made Node print a MaxListenersExceededWarning. */
const unlimitListeners = (http: unknown) => {
  const signal = (http as { abortController?: AbortController }).abortController?.signal;
  if (signal) setMaxListeners(0, signal);
};

type HttpApi = typeof import('matrix-js-sdk/lib/http-api/index.js') & { FetchHttpApi: typeof FetchHttpApi };
let sdk: HttpApi | undefined;

export class Homeserver {
  /** matrix-js-sdk's HTTP layer: what every read goes through. */
  readonly http: FetchHttpApi<IHttpOpts & { onlyData: true }>;
  readonly faults: FaultCounts = { retries: 0, rateLimited: 0, serverErrors: 0, timeouts: 0, connectionErrors: 0, badResponses: 0 };
  private readonly sdkOptions: IHttpOpts;
  private fullClient?: MatrixClient;

  /** A Homeserver, once matrix-js-sdk's HTTP layer is loaded. */
  static async open(options: HomeserverOptions): Promise<Homeserver> {
    if (!sdk) {
      // Node's compile cache serves the SDK's many files (mxlint's own bundle has its code cache).
      module.enableCompileCache?.();
      const [api, fetchApi] = await Promise.all([esmImport('matrix-js-sdk/lib/http-api/index.js'), esmImport('matrix-js-sdk/lib/http-api/fetch.js')]);
      sdk = { ...(api as typeof import('matrix-js-sdk/lib/http-api/index.js')), FetchHttpApi: (fetchApi as { FetchHttpApi: typeof FetchHttpApi }).FetchHttpApi };
    }
    return new Homeserver(options, sdk);
  }

  private constructor(readonly options: HomeserverOptions, private readonly sdk: HttpApi) {
    rememberSecret(options.accessToken);
    this.sdkOptions = {
      baseUrl: options.baseUrl,
      prefix: '/_matrix/client/v3',
      accessToken: options.accessToken,
      // No localTimeoutMs: the SDK's timer is never cleared (every run lingered --timeout ms after
      // its last request) and stops at the headers (a stalled body hung forever). boundedFetch
      // bounds the whole exchange, body included, with an unref'd timer.
      logger: sdkLogger(options.log),
      useAuthorizationHeader: true,
      fetchFn: boundedFetch(options.timeoutMs) as typeof fetch,
    };
    this.http = new sdk.FetchHttpApi(new EventEmitter() as any, { ...this.sdkOptions, onlyData: true });
    unlimitListeners(this.http);
  }

  /** A whole MatrixClient on the same connection settings, for writes; the SDK is loaded on first use. */
  async matrixClient(): Promise<MatrixClient> {
    if (!this.fullClient) {
      const { createClient } = await esmImport('matrix-js-sdk') as typeof import('matrix-js-sdk');
      this.fullClient = createClient(this.sdkOptions as any);
      unlimitListeners(this.fullClient.http);
    }
    return this.fullClient;
  }

  /** GET a path under a prefix (client API by default; the admin API with '/_synapse/admin/v1'),
   *  its answer checked against the schema of that endpoint (answers.schema.json). */
  async get<K extends keyof Answers>(shape: K, path: string, query?: Record<string, string>, prefix = '/_matrix/client/v3'): Promise<Answers[K]> {
    const what = `GET ${prefix}${path}`;
    const answer = await this.withRetries(what, () => this.http.authedRequest<unknown>(this.sdk.Method.Get, path, query, undefined, { prefix }));
    const problem = answerProblem(shape, answer);
    if (problem) throw new BadAnswer(message('error.network.wrongShape', { base: this.options.baseUrl, what, problem }));
    return answer as Answers[K];
  }

  async withRetries<T>(what: string, request: () => Promise<T>): Promise<T> {
    const { maxRetries, log } = this.options;
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await request();
      } catch (error) {
        const fault = this.classify(error);
        if (!fault.retry || attempt >= maxRetries) throw this.toNetworkError(what, error, attempt);
        this.faults.retries += 1;
        const backoff = Math.min(500 * 2 ** attempt, 8000) * (0.5 + Math.random() / 2);
        const wait = fault.retryAfterMs ?? backoff;
        if (wait > MAX_RETRY_AFTER_MS) throw this.toNetworkError(what, error, attempt, wait);
        log.info({ what, attempt: attempt + 1, waitMs: Math.round(wait), reason: scrubSecrets(fault.reason) }, 'retrying');
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }

  private classify(error: unknown): { retry: boolean; retryAfterMs?: number; reason: string } {
    if (error instanceof this.sdk.MatrixError || error instanceof this.sdk.HTTPError) {
      const status = error.httpStatus ?? 0;
      if (status === 429) {
        this.faults.rateLimited += 1;
        return { retry: true, retryAfterMs: retryAfter(error), reason: 'rate limited (429)' };
      }
      if (status >= 500) {
        this.faults.serverErrors += 1;
        return { retry: true, reason: `server error ${status}` };
      }
      return { retry: false, reason: `HTTP ${status}` };
    }
    if (error instanceof RefusedAnswer) return { retry: false, reason: error.message };
    if ((error as Error)?.name === 'AbortError' || (error as Error)?.name === 'TimeoutError') {
      this.faults.timeouts += 1;
      return { retry: true, reason: 'timed out' };
    }
    if (error instanceof this.sdk.ConnectionError) {
      this.faults.connectionErrors += 1;
      return { retry: !isPermanentConnectionFault(error), reason: render('en', connectionReason(error)) };
    }
    if (error instanceof SyntaxError) {
      this.faults.badResponses += 1;
      return { retry: true, reason: 'the response was not JSON' };
    }
    return { retry: false, reason: String(error) };
  }

  /** `refusedWaitMs`: the server asked for a longer wait than we accept (MAX_RETRY_AFTER_MS). */
  private toNetworkError(what: string, error: unknown, attempt: number, refusedWaitMs?: number): NetworkError {
    const tries = attempt > 0 ? message('error.network.tries', { count: attempt + 1 }) : '';
    const base = this.options.baseUrl;
    if (error instanceof this.sdk.MatrixError) {
      const status = error.httpStatus ?? 0;
      const code = error.errcode ?? '';
      const max = MAX_RETRY_AFTER_MS / 1000;
      const reason = status === 401 ? message('error.network.tokenRefused')
        : status === 403 ? message('error.network.forbidden')
          : status === 404 ? message('error.network.notFound')
            : status === 429 ? (refusedWaitMs === undefined ? message('error.network.rateLimited')
              : refusedWaitMs > DAY_MS ? message('error.network.rateLimitedDay', { max })
                : message('error.network.rateLimitedWait', { seconds: Math.round(refusedWaitMs / 1000), max }))
              : `HTTP ${status}`;
      const said = `${code ? `${status} ${code}` : status}${error.data?.error ? `: ${error.data.error}` : ''}`;
      return new NetworkError(message('error.network.matrix', { base, what, reason, status: said, tries }), status, code);
    }
    if (error instanceof this.sdk.HTTPError) {
      return new NetworkError(message('error.network.noMatrixBody', { base, what, status: String(error.httpStatus), tries }), error.httpStatus);
    }
    if (error instanceof RefusedAnswer) return new BadAnswer(message('error.network.refused', { base, what, reason: error.detail ?? error.message }));
    if ((error as Error)?.name === 'AbortError' || (error as Error)?.name === 'TimeoutError') {
      return new NetworkError(message('error.network.timeout', { base, what, ms: this.options.timeoutMs, tries }));
    }
    if (error instanceof this.sdk.ConnectionError) return new NetworkError(message('error.network.connection', { base, reason: connectionReason(error), tries }));
    if (error instanceof SyntaxError) return new NetworkError(message('error.network.notJson', { base, what, tries }));
    // Not ours to word: an error this code does not know, as it says itself.
    return new NetworkError(message('error.network.refused', { base, what, reason: (error as Error)?.message ?? String(error) }));
  }
}

const DAY_MS = 86_400_000;
/** Longest wait a 429 may impose before we give up on that request. */
const MAX_RETRY_AFTER_MS = 60_000;

/** The wait a 429 asks for (Retry-After, else retry_after_ms), when it is one: a negative, a
 *  fraction, text or a date in the past is no advice (the back-off applies), where it made Node
 *  print a warning; a wait past MAX_RETRY_AFTER_MS gives the request up. */
function retryAfter(error: { getRetryAfterMs(): number | null }): number | undefined {
  try {
    const ms = error.getRetryAfterMs();
    return typeof ms === 'number' && Number.isFinite(ms) && ms >= 0 ? ms : undefined;
  } catch {
    return undefined;
  }
}

function causeCode(error: ConnectionError): string {
  return /\[([A-Z0-9_]+)\]/.exec(error.message)?.[1] ?? '';
}

function connectionReason(error: ConnectionError): Message {
  const code = causeCode(error);
  if (code === 'ECONNREFUSED') return message('error.network.connectionRefused');
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return message('error.network.unresolved');
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return message('error.network.reset');
  if (/CERT|SSL|TLS|ERR_TLS/i.test(code)) return message('error.network.tls', { code });
  return code ? message('error.network.unreachableCode', { code }) : message('error.network.unreachable');
}

function isPermanentConnectionFault(error: ConnectionError): boolean {
  const code = causeCode(error);
  return code === 'ENOTFOUND' || /CERT|SSL|ERR_TLS/i.test(code);
}
