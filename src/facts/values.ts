// Small helpers for reading YAML values the way Synapse's Python code does.
import { REDACTED } from '../redact-text.js';
import { defineMessages, type Message } from '../messages/message.js';

const kind = defineMessages({
  'kind.null': { en: 'null', fr: 'une valeur nulle' },
  'kind.boolean': { en: 'a boolean ({value})', fr: 'un booléen ({value})' },
  'kind.number': { en: 'a number', fr: 'un nombre' },
  'kind.emptyString': { en: 'an empty string', fr: 'une chaîne vide' },
  'kind.string': { en: 'a string', fr: 'une chaîne' },
  'kind.list': { en: 'a list', fr: 'une liste' },
  'kind.emptyList': { en: 'an empty list', fr: 'une liste vide' },
  'kind.binary': { en: 'binary data (!!binary)', fr: 'des données binaires (`!!binary`)' },
  'kind.date': { en: 'a date', fr: 'une date' },
  'kind.mapping': { en: 'a mapping', fr: 'un dictionnaire' },
});

/** What a YAML value is, in words (never the value itself, but a boolean's). */
export function kindOf(value: unknown): Message {
  if (value === null || value === undefined) return kind('kind.null');
  if (typeof value === 'boolean') return kind('kind.boolean', { value: String(value) });
  if (typeof value === 'number') return kind('kind.number');
  if (typeof value === 'string') return value === '' ? kind('kind.emptyString') : kind('kind.string');
  if (Array.isArray(value)) return value.length ? kind('kind.list') : kind('kind.emptyList');
  if (ArrayBuffer.isView(value)) return kind('kind.binary');
  if (value instanceof Date) return kind('kind.date');
  return kind('kind.mapping');
}

/** Python truthiness: what `if config.get(key):` sees. A quoted "false" is true. */
export function pythonTruthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object' && !(value instanceof Date)) return Object.keys(value).length > 0;
  return true;
}

/** Synapse's strtobool, for enable_registration and its kin; undefined when Synapse would refuse it. */
export function strtobool(value: unknown): boolean | undefined {
  const text = String(value === null ? 'None' : value === true ? 'True' : value === false ? 'False' : value).toLowerCase();
  if (['y', 'yes', 't', 'true', 'on', '1'].includes(text)) return true;
  if (['n', 'no', 'f', 'false', 'off', '0'].includes(text)) return false;
  return undefined;
}

/** Placeholders left by a template that was not rendered: ${VAR}, {{ var }}, %VAR%, __VAR__, <your value>. */
const PLACEHOLDER = /\$\{[^}]*\}|\{\{[^}]*\}\}|\{%[^%]*%\}|^\$[A-Za-z_][A-Za-z0-9_]*$|^%[A-Za-z_]+%$|^__[A-Z0-9_]+__$|^<[^<>]+>$|XXX[A-Z]*XXX/;

/** The first unrendered placeholder anywhere in the value, or undefined. */
export function findPlaceholder(value: unknown, depth = 0): string | undefined {
  // A redacted secret is no template left unrendered (facts hold "<redacted>" for every secret).
  if (depth > 50 || value === REDACTED) return undefined;
  if (typeof value === 'string') return PLACEHOLDER.exec(value)?.[0];
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = findPlaceholder(item, depth + 1);
      if (found) return found;
    }
  } else if (value && typeof value === 'object' && !(value instanceof Date)) {
    for (const item of Object.values(value)) {
      const found = findPlaceholder(item, depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}

/** Short, single-line rendering of a value for messages. */
export function show(value: unknown): string {
  if (value === undefined) return 'absent';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** Follows dotted path parts (list items by index) down a config: the value reached, and how many
 *  parts were found (fewer than given when a key is absent). */
export function walk(config: unknown, parts: string[]): { value: unknown; found: number } {
  let value = config;
  let found = 0;
  for (const part of parts) {
    if (typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date) && Object.hasOwn(value, part)) value = (value as Record<string, unknown>)[part];
    else if (Array.isArray(value) && /^\d+$/.test(part) && Number(part) < value.length) value = value[Number(part)];
    else break;
    found += 1;
  }
  return { value, found };
}
