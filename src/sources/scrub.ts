// Scrubs access tokens out of what a server sends: a server may quote the Authorization header
// in an error ("Invalid token: Bearer syt_...") or anywhere else, and whatever it sends can end up
// on stderr or in a report. Config secrets are another matter (src/facts/redact.ts).

export const SCRUBBED = '[redacted]';

/** The tokens this process sends (Homeserver registers its own): scrubbed whatever their shape. */
const knownSecrets = new Set<string>();

export function rememberSecret(secret: string | undefined): void {
  // A very short "secret" would scrub common words; real tokens are far longer.
  if (secret && secret.length >= 8) knownSecrets.add(secret);
}

/** Token-shaped text: Synapse's (syt_ access, syr_ refresh), MAS's (mat_/mar_, mct_/mcr_ for
 *  compatibility sessions), old macaroons (base64 of "001..."), whatever follows "Bearer" or
 *  access_token=. None of these characters is a quote or a backslash, so a match inside a JSON
 *  string leaves the JSON valid when replaced. */
const TOKEN_SHAPES = /\b(?:syt|syr|mat|mar|mct|mcr)_[A-Za-z0-9_-]{8,}|\bMDAx[A-Za-z0-9+/_-]{20,}={0,2}|(?<=\b(?:Bearer|bearer|BEARER)\s+)[A-Za-z0-9._~+/-]{8,}=*|(?<=\baccess_token=)[^&\s"'\\]+/g;

/** Literal markers of the shapes above: a body without any of them needs no regular expression. */
const MARKERS = ['syt_', 'syr_', 'mat_', 'mar_', 'mct_', 'mcr_', 'MDAx', 'earer', 'EARER', 'access_token='];

/** `text` without the known tokens nor anything token-shaped. */
export function scrubSecrets(text: string): string {
  let scrubbed = text;
  for (const secret of knownSecrets) if (scrubbed.includes(secret)) scrubbed = scrubbed.replaceAll(secret, SCRUBBED);
  return scrubbed.replace(TOKEN_SHAPES, SCRUBBED);
}

/** The same for an answer's bytes, which can be hundreds of megabytes: scanned as bytes for the
 *  markers first, decoded and rewritten only when one is there. */
export function scrubAnswer(body: Buffer<ArrayBuffer>): Buffer<ArrayBuffer> {
  if (![...knownSecrets, ...MARKERS].some((marker) => body.includes(marker))) return body;
  return Buffer.from(scrubSecrets(body.toString('utf8')), 'utf8');
}
