// Pure text redaction that every layer may import (sources, facts, report, cli): URL userinfo,
// libpq `password=` words, and the last line of defence, the secrets this run has seen.

export const REDACTED = '<redacted>';

const SECRET_KEY = /secret|password|passwd|pass$|_pass\b|pepper|token|private_?key|api_?key|access_key|signing_key|^key$|\bdsn$|credentials?$|^jwks?$/i;
const NOT_SECRET = /_path$|_file$|_files$|_lifetime$|requires?_token|token_required|_timeout$|_enabled$|^enable_/i;

/** A key whose value looks secret by its name (the catalogue says more: facts/redact.ts). */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key) && !NOT_SECRET.test(key);
}

/** A parser's complaint at a line of `text`: when that line or the one above holds a
 *  secret-looking key, whatever it quotes from the input (in any case: `!!float` lower-cases) is
 *  cut, as it may be the secret; the parser's own words stay. */
export function redactQuotedOnSecretLine(message: string, text: string, line: number | undefined): string {
  if (line === undefined) return message;
  const lines = text.split('\n');
  const keyed = (candidate: string | undefined) => [...(candidate ?? '').matchAll(/(["']?)([\w.-]+)\1\s*:(?:\s|$)/g)].some((match) => isSecretKey(match[2]));
  if (!keyed(lines[line - 1]) && !keyed(lines[line - 2])) return message;
  const input = lines.slice(Math.max(0, line - 2)).join('\n').toLowerCase();
  return message.replace(/"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'/g, (quoted) => {
    let inner = quoted.slice(1, -1);
    try {
      if (quoted.startsWith('"')) inner = JSON.parse(quoted) as string;
    } catch {
      // not JSON-quoted: compared as written
    }
    return input.includes(inner.toLowerCase()) ? REDACTED : quoted;
  });
}

/** `scheme://user:pass@host` → `scheme://<redacted>@host`. The whole userinfo goes: a sentry DSN
 *  or a token-as-user URL has its secret in the user part. Up to the last `@` before the path, so
 *  an unescaped `@` in a password (`u:p@ss@host`) is covered too. The search starts at each `://`
 *  and is bounded (4 KB of userinfo), so hostile text costs linear time. */
export function redactUrlUserinfo(text: string): string {
  if (!text.includes('@')) return text;
  return text.replace(/:\/\/[^\s/?#"'<>@]{0,4096}(?:@[^\s/?#"'<>@]{0,4096}){0,8}@/g, `://${REDACTED}@`);
}

/** libpq keyword DSNs (`host=db password=x`), which psycopg2 accepts wherever a dbname goes. */
export function redactConninfoPassword(text: string): string {
  return text.replace(/\b(password\s*=\s*)('(?:[^'\\]|\\.)*'?|[^\s'"]+)/gi, `$1${REDACTED}`);
}

/** Every secret-bearing word of free text: URL userinfo and conninfo passwords. */
export function redactSecretText(text: string): string {
  return redactConninfoPassword(redactUrlUserinfo(text));
}

/** Shorter values are redacted where they are read, but not hunted for in free text: "yes" or
 *  "1234" would blank innocent words. */
const MIN_NEEDLE = 6;

const xmlEscaped = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

/** The forms in which a secret value could reach an output: as is, line by line, JSON- and
 *  XML-escaped, URL-encoded and -decoded, base64; bytes also as their codes (`77,75` and the
 *  `{"0":77,…}` JSON of a typed array) and as text. */
export function needlesOf(value: unknown, depth = 0): string[] {
  if (value === null || value === undefined || typeof value === 'boolean' || depth > 50) return [];
  if (value instanceof Uint8Array) {
    const bytes = Buffer.from(value);
    const codes = [...value];
    return [
      bytes.toString('base64'), bytes.toString('base64').replace(/=+$/, ''), bytes.toString('hex'),
      codes.join(','), codes.join(', '), codes.map((code, index) => `"${index}":${code}`).join(','),
      ...needlesOf(bytes.toString('utf8'), depth + 1), ...needlesOf(bytes.toString('latin1'), depth + 1),
    ].filter((needle) => needle.length >= MIN_NEEDLE);
  }
  if (Array.isArray(value)) return value.flatMap((item) => needlesOf(item, depth + 1));
  if (value instanceof Date) return needlesOf(value.toISOString(), depth + 1);
  // A secret mapping's keys are structure (`jwt_header`), not secret: hunting them would blank them everywhere.
  if (typeof value === 'object') return Object.values(value).flatMap((item) => needlesOf(item, depth + 1));
  const text = String(value);
  const forms = new Set([text, text.trim(), ...text.split(/\r\n|[\n\r\u0085\u2028\u2029]/).map((line) => line.trim())]);
  for (const form of [...forms]) {
    forms.add(JSON.stringify(form).slice(1, -1));
    forms.add(xmlEscaped(form));
    forms.add(encodeURIComponent(form));
    try {
      forms.add(decodeURIComponent(form));
    } catch {
      // not URL-encoded
    }
    forms.add(Buffer.from(form, 'utf8').toString('base64').replace(/=+$/, ''));
  }
  return [...forms].filter((needle) => needle.length >= MIN_NEEDLE);
}

/** The secrets read in this run (config values, URL passwords): output sinks scrub them. */
const known = new Set<string>();
let pattern: RegExp | undefined;

export function rememberSecret(value: unknown): void {
  for (const needle of needlesOf(value)) {
    if (known.has(needle)) continue;
    known.add(needle);
    pattern = undefined;
  }
}

/** `text` with every remembered secret, and every URL userinfo, replaced by `<redacted>`. */
export function scrubSecrets(text: string): string {
  const userinfoFree = redactUrlUserinfo(text);
  if (known.size === 0) return userinfoFree;
  // Longest first, so a secret that contains another is replaced whole.
  pattern ??= new RegExp([...known].sort((a, b) => b.length - a.length).map((needle) => needle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  return userinfoFree.replace(pattern, REDACTED);
}

/** Whether `text` holds a remembered secret or a URL userinfo. */
export function holdsSecret(text: string): boolean {
  return scrubSecrets(text) !== text;
}
