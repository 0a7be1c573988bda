// How network commands get their URL and token: the token from MATRIX_ACCESS_TOKEN or a file,
// never from argv (argv is visible to every user of the machine).
import { InputError } from '../errors.js';
import { readBounded, fileKind } from '../sources/read-bounded.js';
import { redactUrlUserinfo, rememberSecret } from '../redact-text.js';
import { defineMessages } from '../messages/message.js';

const message = defineMessages({
  'error.token.cannotRead': { en: 'cannot read the token file ({code})', fr: 'lecture du fichier de jeton impossible ({code})' },
  'error.token.notOne': { en: 'the token file must hold one access token', fr: 'le fichier de jeton doit contenir un seul jeton d’accès' },
  'error.homeserver.notUrl': { en: '--homeserver "{url}" is not a URL (e.g. https://matrix.example.org)', fr: '--homeserver «\u00a0{url}\u00a0» n’est pas une URL (par exemple https://matrix.example.org)' },
  'error.homeserver.credentials': {
    en: '--homeserver {url} carries a user name or password; remove it (mxlint sends only the access token, from MATRIX_ACCESS_TOKEN or --token-file)',
    fr: '--homeserver {url} contient un nom d’utilisateur ou un mot de passe\u00a0; retirez-le (mxlint n’envoie que le jeton d’accès, pris dans MATRIX_ACCESS_TOKEN ou --token-file)',
  },
  'error.homeserver.protocol': { en: '--homeserver must be an http(s) URL, not {protocol}', fr: '--homeserver doit être une URL http(s), pas {protocol}' },
  'error.homeserver.plainHttp': {
    en: '--homeserver {origin} is plain http: the access token would travel in clear; use https, or --allow-insecure-http if you accept that',
    fr: '--homeserver {origin} est en http simple\u00a0: le jeton d’accès circulerait en clair\u00a0; utilisez https, ou --allow-insecure-http si vous l’acceptez',
  },
  'error.option.wholeNumber': { en: '{option} must be a whole number from {min} to {max}, not "{value}"', fr: '{option} doit être un nombre entier de {min} à {max}, pas «\u00a0{value}\u00a0»' },
  'error.token.onArgv': {
    en: 'access tokens are not taken on the command line (other users can read it); set MATRIX_ACCESS_TOKEN or use --token-file FILE',
    fr: 'les jetons d’accès ne sont pas acceptés sur la ligne de commande (les autres utilisateurs peuvent la lire)\u00a0; définissez MATRIX_ACCESS_TOKEN ou utilisez --token-file FICHIER',
  },
});

/** A token is a few hundred bytes; a file far larger is not a token file. */
const MAX_TOKEN_FILE_BYTES = 64 * 1024;

export function readToken(tokenFile?: string): string | undefined {
  if (tokenFile) {
    let text: string;
    try {
      text = readBounded(tokenFile, MAX_TOKEN_FILE_BYTES, fileKind('error.file.token')).bytes.toString('utf8');
    } catch (error) {
      if (error instanceof InputError) throw error;
      throw new InputError(message('error.token.cannotRead', { code: String((error as NodeJS.ErrnoException).code) }), { file: tokenFile });
    }
    const token = text.trim();
    if (!token || /\s/.test(token)) throw new InputError(message('error.token.notOne'), { file: tokenFile });
    return token;
  }
  const token = process.env.MATRIX_ACCESS_TOKEN?.trim();
  return token || undefined;
}

/** A token sent over plain HTTP to another machine travels in clear: refuse unless asked. */
export function checkHomeserverUrl(raw: string, allowInsecureHttp: boolean): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    // Not a URL, so anything up to an `@` may be a password with spaces in it.
    throw new InputError(message('error.homeserver.notUrl', { url: raw.replace(/^(.*?:\/\/)?.*@/s, '$1<redacted>@') }));
  }
  // A password in the URL would be echoed by every message that names the homeserver, and sent
  // nowhere useful: the access token is the only credential mxlint sends.
  if (url.username || url.password) {
    rememberSecret(url.password);
    rememberSecret(url.username);
    throw new InputError(message('error.homeserver.credentials', { url: redactUrlUserinfo(url.href) }));
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new InputError(message('error.homeserver.protocol', { protocol: url.protocol }));
  // The URL parser writes IPv4 addresses as four decimal numbers (127.1 and 0x7f000001 become
  // 127.0.0.1), so a name that merely begins with "127." (127.0.0.1.evil.example) is not taken for one.
  const loopback = ['localhost', '[::1]'].includes(url.hostname) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(url.hostname);
  if (url.protocol === 'http:' && !loopback && !allowInsecureHttp) {
    throw new InputError(message('error.homeserver.plainHttp', { origin: url.origin }));
  }
  return url.toString().replace(/\/$/, '');
}

/** A whole number within [min, max], or one line naming the option (exit 2). */
export function wholeNumber(value: string, name: string, min: number, max: number): number {
  const number = /^\d{1,16}$/.test(value) ? Number(value) : Number.NaN;
  if (!(number >= min && number <= max)) throw new InputError(message('error.option.wholeNumber', { option: name, min, max, value }));
  return number;
}

/** Longest --timeout: an hour per request is already more than any answer needs (and Node's timers
 *  hold at most 2^31 - 1 ms: past that, every request failed at once). */
export const MAX_TIMEOUT_MS = 3_600_000;
/** Most --max-retries: with the back-off (at most 8 s a retry), ten retries already wait minutes. */
export const MAX_RETRIES = 10;

/** --timeout and --max-retries, checked (README "Limits and safety"). */
export function requestLimits(options: { timeout: string; maxRetries: string }): { timeoutMs: number; maxRetries: number } {
  return { timeoutMs: wholeNumber(options.timeout, '--timeout', 1, MAX_TIMEOUT_MS), maxRetries: wholeNumber(options.maxRetries, '--max-retries', 0, MAX_RETRIES) };
}

export const TOKEN_ON_ARGV = message('error.token.onArgv');
