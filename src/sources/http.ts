// The one fetch every request to a homeserver goes through (matrix-js-sdk is given it as its
// fetchFn): a deadline on the whole exchange, an answer bounded in size once decompressed,
// redirects followed only within the homeserver's own origin, and the access token scrubbed out of
// whatever the server sends back.
import { defineMessages, render, type Message } from '../messages/message.js';
import { scrubAnswer } from './scrub.js';

const message = defineMessages({
  'error.http.tooLarge': {
    en: 'answer too large: more than {max} bytes ({mib} MiB) once decompressed, the bound of README "Limits and safety"',
    fr: 'réponse trop grande\u00a0: plus de {max}\u00a0octets ({mib}\u00a0Mio) une fois décompressée, la limite de la section «\u00a0Limits and safety\u00a0» du README',
  },
  'error.http.tooLargeInFlight': {
    en: 'answer too large: the answers read at once hold more than {mib} MiB together (README "Limits and safety"); try a lower --concurrency',
    fr: 'réponse trop grande\u00a0: les réponses lues en même temps dépassent ensemble {mib}\u00a0Mio (README, «\u00a0Limits and safety\u00a0»)\u00a0; essayez un --concurrency plus bas',
  },
  'error.http.hop': { en: 'redirected ({status}) from {path}', fr: 'redirigé ({status}) depuis {path}' },
  'error.http.noLocation': { en: '{hop} without a Location header', fr: '{hop} sans en-tête Location' },
  'error.http.notAUrl': { en: '{hop} to "{location}", which is not a URL', fr: '{hop} vers «\u00a0{location}\u00a0», qui n’est pas une URL' },
  'error.http.protocol': {
    en: "{hop} to a {protocol} URL: mxlint follows redirects only within the homeserver's origin, over http(s)",
    fr: '{hop} vers une URL {protocol}\u00a0: mxlint ne suit les redirections qu’au sein de l’origine du serveur, en http(s)',
  },
  'error.http.otherOrigin': {
    en: '{hop} to another origin, {origin}: not followed (the access token is sent only to the --homeserver you name); if that is your homeserver, give --homeserver {origin}',
    fr: '{hop} vers une autre origine, {origin}\u00a0: redirection non suivie (le jeton d’accès n’est envoyé qu’au --homeserver que vous nommez)\u00a0; si c’est votre serveur, donnez --homeserver {origin}',
  },
  'error.http.method': { en: '{hop}: a {method} is not sent again elsewhere', fr: '{hop}\u00a0: un {method} n’est pas renvoyé ailleurs' },
  'error.http.loop': { en: 'redirect loop: {paths}', fr: 'boucle de redirections\u00a0: {paths}' },
  'error.http.tooManyRedirects': { en: '{hop}: more than {max} redirects', fr: '{hop}\u00a0: plus de {max}\u00a0redirections' },
});

/** Largest answer read, after decompression (README "Limits and safety"). A room's whole state is
 *  the largest answer mxlint asks for: ~450 bytes a member event, so this holds a room of some
 *  500 000 member events; a larger one can be linted from a dump (`--state`). */
const MAX_ANSWER_BYTES = 256 * 1024 * 1024;

/** Largest total of the answers being read at once (`mxlint server` reads --concurrency rooms at a
 *  time): the same bound, shared; without it, eight answers at the bound would hold 2 GiB. */
const MAX_ANSWER_BYTES_IN_FLIGHT = MAX_ANSWER_BYTES;
let bytesInFlight = 0;

/** Redirects followed for one request (all within the homeserver's origin). */
const MAX_REDIRECTS = 5;

/** An answer mxlint will not use: too large, or a redirect it does not follow. Retrying would get
 *  the same. Named AbortError so that matrix-js-sdk passes it through as is (it wraps any other
 *  error of its fetchFn into a ConnectionError that keeps only the message). */
export class RefusedAnswer extends Error {
  constructor(readonly detail: Message) {
    super(render('en', detail));
    this.name = 'AbortError';
  }
}

/** A request that took longer than the timeout (headers and body); an AbortError for the same reason. */
class RequestTimeout extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
    this.name = 'AbortError';
  }
}

/** fetch with the limits above. A failure to connect keeps its system error code in the message
 *  (matrix-js-sdk keeps only the message of a fetch failure). */
export function boundedFetch(timeoutMs: number) {
  return async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, deadline]) : deadline;
    const visited = [new URL(input instanceof Request ? input.url : String(input))];
    try {
      for (;;) {
        const response = await fetch(visited.at(-1)!, { ...init, signal, redirect: 'manual' });
        if (REDIRECTS.has(response.status)) {
          await response.body?.cancel();
          visited.push(redirectTarget(response, visited, init?.method ?? 'GET'));
          continue;
        }
        const read = scrubAnswer(await readAnswer(response));
        const body = response.status >= 400 ? readableError(read) : read;
        const empty = [101, 103, 204, 205, 304].includes(response.status);
        return new Response(empty ? null : body, { status: response.status, statusText: response.statusText, headers: response.headers });
      }
    } catch (error) {
      if (deadline.aborted) throw new RequestTimeout(timeoutMs);
      if ((error as Error)?.name === 'AbortError' || (error as Error)?.name === 'TimeoutError') throw error;
      let cause: any = error;
      let code = '';
      for (let depth = 0; cause && depth < 6 && !code; depth += 1) {
        code = cause.code ? String(cause.code) : '';
        cause = cause.cause;
      }
      throw new TypeError(`fetch failed [${code || 'unknown'}]`);
    }
  };
}

/** The body, decompressed, up to the bounds above: a small gzip answer that inflates to
 *  gigabytes, or a body that never ends, stops at the bound instead of filling memory. */
async function readAnswer(response: Response): Promise<Buffer<ArrayBuffer>> {
  if (!response.body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return Buffer.concat(chunks, total);
      total += value.byteLength;
      bytesInFlight += value.byteLength;
      if (total > MAX_ANSWER_BYTES || bytesInFlight > MAX_ANSWER_BYTES_IN_FLIGHT) {
        chunks.length = 0;
        await reader.cancel().catch(() => undefined);
        throw new RefusedAnswer(total > MAX_ANSWER_BYTES
          ? message('error.http.tooLarge', { max: MAX_ANSWER_BYTES, mib: MAX_ANSWER_BYTES >> 20 })
          : message('error.http.tooLargeInFlight', { mib: MAX_ANSWER_BYTES_IN_FLIGHT >> 20 }));
      }
      chunks.push(value);
    }
  } finally {
    bytesInFlight -= total;
  }
}

/** An error answer whose errcode or error is not text, made readable: matrix-js-sdk formats them
 *  into its error's message, and an object there ({"toString": 1}) threw "Cannot convert object to
 *  primitive value" instead of the server's status. */
function readableError(body: Buffer<ArrayBuffer>): Buffer<ArrayBuffer> {
  let data: unknown;
  try {
    data = JSON.parse(body.toString('utf8'));
  } catch {
    return body;
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) return Buffer.from('{}');
  const { errcode, error } = data as Record<string, unknown>;
  if ((errcode === undefined || typeof errcode === 'string') && (error === undefined || typeof error === 'string')) return body;
  return Buffer.from(JSON.stringify({
    ...data,
    errcode: typeof errcode === 'string' ? errcode : 'M_UNKNOWN',
    error: typeof error === 'string' ? error : `(the server's error text is not text but ${Array.isArray(error) ? 'a list' : typeof error})`,
  }));
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Where a redirect leads, if mxlint follows it: within the homeserver's origin (scheme, host and
 *  port), for a read, without a loop, at most MAX_REDIRECTS times. Anywhere else the access token
 *  would go to a server the user did not name (or, without it, that server's answer would be
 *  taken for the homeserver's): the user names it with --homeserver if it is theirs. */
function redirectTarget(response: Response, visited: URL[], method: string): URL {
  const from = visited.at(-1)!;
  const status = response.status;
  const location = response.headers.get('location');
  const hop = message('error.http.hop', { status, path: from.pathname });
  if (!location) throw new RefusedAnswer(message('error.http.noLocation', { hop }));
  let target: URL;
  try {
    target = new URL(location, from);
  } catch {
    throw new RefusedAnswer(message('error.http.notAUrl', { hop, location }));
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw new RefusedAnswer(message('error.http.protocol', { hop, protocol: target.protocol }));
  }
  if (target.origin !== visited[0].origin) {
    throw new RefusedAnswer(message('error.http.otherOrigin', { hop, origin: target.origin }));
  }
  if (method !== 'GET' && method !== 'HEAD') throw new RefusedAnswer(message('error.http.method', { hop, method }));
  if (visited.some((url) => url.href === target.href)) {
    throw new RefusedAnswer(message('error.http.loop', { paths: [...visited, target].map((url) => url.pathname + url.search).join(' → ') }));
  }
  if (visited.length > MAX_REDIRECTS) throw new RefusedAnswer(message('error.http.tooManyRedirects', { hop, max: MAX_REDIRECTS }));
  return target;
}
