// Secrets never leave mxlint. A value is secret when the catalogue says so (`secret: true`, or a
// pattern of `secretPaths`, `*` standing for any key or list index), or when its key looks like
// one (modules and unknown sections have secrets the catalogue cannot list); everything under a
// secret is secret, whatever its type. Elsewhere, URL userinfo and libpq passwords are cut out.
import type { YamlFile } from '../sources/yaml-file.js';
import { REDACTED, isSecretKey, redactSecretText, redactUrlUserinfo, rememberSecret, holdsSecret } from '../redact-text.js';
import { catalogue } from './catalogue.js';

export { REDACTED, isSecretKey };

const catalogued = [
  ...Object.entries(catalogue.options).filter(([, entry]) => entry.secret).map(([path]) => path),
  ...Object.keys(catalogue.secretPaths),
].map((pattern) => pattern.split('.'));

const matches = (pattern: string[], parts: string[]) => pattern.length <= parts.length && pattern.every((part, index) => part === '*' || part === parts[index]);
const isMapping = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date) && !(value instanceof Uint8Array);

/** Whether the value at a dotted path (list items by index) is a secret, or lies under one. A key
 *  that only looks secret (not catalogued) is taken as a section when it holds a mapping or a
 *  list of them (`password_config`, `password_providers`), and a flag when it holds a boolean. */
export function isSecret(path: string, value: unknown): boolean {
  const parts = path.split('.');
  if (catalogued.some((pattern) => matches(pattern, parts))) return true;
  const key = parts[parts.length - 1];
  if (/^\d+$/.test(key) || !isSecretKey(key)) return false;
  return typeof value !== 'boolean' && !isMapping(value) && !(Array.isArray(value) && value.some(isMapping));
}

/** Values that tell nothing of a secret, kept so checks can still tell an empty or switched-off
 *  secret (`secret: ""`, `0`, `false`) from a set one, as Synapse's truthiness tests do. */
const holdsNothing = (value: unknown) => value === null || value === undefined || value === '' || value === 0 || typeof value === 'boolean'
  || (Array.isArray(value) && value.length === 0) || (isMapping(value) && Object.keys(value).length === 0);

/** Deep copy of `value` (at dotted `path`) with every secret replaced by `<redacted>`, whatever its
 *  type (a list, a mapping, `!!binary` bytes, a number), and URL passwords cut out of the rest. */
export function redactValue(path: string, value: unknown, depth = 0): unknown {
  if (holdsNothing(value)) return value;
  if (isSecret(path, value)) return REDACTED;
  if (typeof value === 'string') return redactSecretText(value);
  if (depth > 50 || typeof value !== 'object' || value instanceof Date || value instanceof Uint8Array) return value;
  const child = (key: string) => (path ? `${path}.${key}` : key);
  if (Array.isArray(value)) return value.map((item, index) => redactValue(child(String(index)), item, depth + 1));
  return Object.fromEntries(Object.entries(value as object).map(([key, item]) => [key, redactValue(child(key), item, depth + 1)]));
}

/** Records every secret of a config (and each URL's userinfo) for the output sinks to scrub. */
export function rememberSecrets(path: string, value: unknown, depth = 0): void {
  if (value === null || value === undefined || depth > 50) return;
  if (path && isSecret(path, value)) {
    rememberSecret(value);
    return;
  }
  if (typeof value === 'string') {
    for (const match of value.matchAll(/:\/\/([^\s/?#"'<>]{0,4096})@/g)) {
      rememberSecret(match[1]);
      rememberSecret(match[1].slice(match[1].indexOf(':') + 1));
    }
    for (const match of value.matchAll(/\bpassword\s*=\s*('(?:[^'\\]|\\.)*'?|[^\s'"]+)/gi)) rememberSecret(match[1].replace(/^'|'$/g, ''));
    return;
  }
  if (typeof value !== 'object' || value instanceof Date || value instanceof Uint8Array) return;
  const child = (key: string) => (path ? `${path}.${key}` : key);
  if (Array.isArray(value)) value.forEach((item, index) => rememberSecrets(child(String(index)), item, depth + 1));
  else for (const [key, item] of Object.entries(value)) rememberSecrets(child(key), item, depth + 1);
}

/** The lines of a file that show a secret: every line a secret's value spans (its key's line,
 *  trailing comment included), and any line holding a remembered secret or a URL userinfo. */
export function secretLines(file: YamlFile, text: string): Set<number> {
  const lines = new Set<number>();
  for (const [path, start] of file.positions) {
    if (!isSecret(path, valueAt(file.data, path))) continue;
    const end = file.valueEnds.get(path) ?? start.line;
    for (let line = start.line; line <= end; line++) lines.add(line);
  }
  text.split('\n').forEach((line, index) => { if (holdsSecret(line) || redactYamlLine(line) !== line) lines.add(index + 1); });
  return lines;
}

function valueAt(data: unknown, path: string): unknown {
  let value = data;
  for (const part of path.split('.')) value = isMapping(value) || Array.isArray(value) ? (value as Record<string, unknown>)[part] : undefined;
  return value;
}

/** A YAML line quoted in a report with the values of secret-looking keys redacted, in block
 *  (`password: x`) and flow (`{user: a, password: x}`) style alike; on a block key's line the
 *  rest of the line goes too, flow collection or trailing comment (which may quote an old value). */
export function redactYamlLine(line: string): string {
  const keyed = line.replace(/(["']?)([\w.-]+)\1(\s*:[ \t]+)("(?:[^"\\]|\\.)*"?|'(?:[^']|'')*'?|[^,{}[\]#\s][^,{}[\]#]*)/g,
    (whole, _quote: string, key: string, colon: string, value: string) => {
      if (!isSecretKey(key) || /^[|>][-+0-9]*\s*$/.test(value)) return whole;
      const trailing = /\s*$/.exec(value)![0];
      return `${whole.slice(0, whole.length - colon.length - value.length)}${colon}${REDACTED}${trailing}`;
    });
  const block = /^(\s*(?:-\s+)?(["']?)([\w.-]+)\2\s*:)(?:\s+(.*))?$/.exec(line);
  const redacted = block && isSecretKey(block[3]) && block[4] ? `${block[1]} ${REDACTED}` : keyed;
  return redactUrlUserinfo(redacted);
}
