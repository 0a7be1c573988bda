// Secrets never leave mxlint: any string under a secret-looking key is replaced before output.
const SECRET_KEY = /secret|password|passwd|pass$|_pass\b|pepper|token|private_?key|api_?key|access_key|signing_key|^key$|\bdsn$|credentials?$/i;
const NOT_SECRET = /_path$|_file$|_files$|_lifetime$|requires?_token|token_required|_timeout$|_enabled$|^enable_/i;

export const REDACTED = '<redacted>';

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key) && !NOT_SECRET.test(key);
}

/** Deep copy of `value` with secret-looking entries redacted; `path` is the dotted key it sits under. */
export function redactValue(path: string, value: unknown, depth = 0): unknown {
  const last = path.split('.').pop() ?? '';
  if ((typeof value === 'string' || typeof value === 'number') && isSecretKey(last)) return REDACTED;
  if (depth > 50 || value === null || typeof value !== 'object' || value instanceof Date) return value;
  if (Array.isArray(value)) return value.map((item, index) => redactValue(`${path}.${index}`, item, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactValue(key, item, depth + 1)]));
}

/** A YAML line quoted in a report (SARIF snippets) with the values of secret-looking keys
 *  redacted, in block (`password: x`) and flow (`{user: a, password: x}`) style alike. */
export function redactYamlLine(line: string): string {
  return line.replace(/(["']?)([\w.-]+)\1(\s*:[ \t]+)("(?:[^"\\]|\\.)*"?|'(?:[^']|'')*'?|[^,{}[\]#\s][^,{}[\]#]*)/g,
    (whole, _quote: string, key: string, colon: string, value: string) => {
      if (!isSecretKey(key) || /^[|>][-+0-9]*\s*$/.test(value)) return whole;
      const trailing = /\s*$/.exec(value)![0];
      return `${whole.slice(0, whole.length - colon.length - value.length)}${colon}${REDACTED}${trailing}`;
    });
}
