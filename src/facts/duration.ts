// Synapse's parse_duration and parse_size, reproduced exactly (synapse/config/_base.py):
// an integer is taken as is (ms / bytes), a float never (`1500.0` is refused); a string is a
// Python int() plus a one-letter suffix, and int() reads any Unicode decimal digit ("１０d" is 10 days).
import { defineMessages, type Message } from '../messages/message.js';
import { kindOf } from './values.js';

const message = defineMessages({
  'duration.what.duration': { en: 'duration', fr: 'durée' },
  'duration.what.size': { en: 'size', fr: 'taille' },
  'duration.float': {
    en: 'a {what} must be an integer or a string, not a float ({value}: YAML reads a number with a point or an exponent as a float)',
    fr: 'une {what} doit être un entier ou une chaîne, pas un flottant ({value}\u00a0: YAML lit comme un flottant tout nombre écrit avec un point ou un exposant)',
  },
  'duration.notIntegerOrString': { en: 'a {what} must be an integer or a string, not {kind}', fr: 'une {what} doit être un entier ou une chaîne, et non {kind}' },
  'duration.fraction': { en: 'a fractional number ({value})', fr: 'un nombre non entier ({value})' },
  'duration.emptyString': { en: 'an empty string is not a {what}', fr: 'une chaîne vide n’est pas une {what}' },
  'duration.badSuffix': { en: 'bad {what} suffix "{suffix}" (allowed: {allowed}, case-sensitive)', fr: 'suffixe de {what} invalide «\u00a0{suffix}\u00a0» (permis\u00a0: {allowed}, en respectant la casse)' },
  'duration.notWholeNumber': { en: '"{value}" is not a whole number with a unit', fr: '«\u00a0{value}\u00a0» n’est pas un nombre entier suivi d’une unité' },
});

const DURATION_UNITS: Record<string, number> = {
  s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, y: 31_536_000_000,
};
const SIZE_UNITS: Record<string, number> = { K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

/** What Python's int() accepts: spaces around, a sign, decimal digits of any script with single underscores between. */
const PYTHON_INT = /^\s*[+-]?\p{Nd}(?:_?\p{Nd})*\s*$/u;
const DIGIT = /^\p{Nd}$/u;

/** The value of a Unicode decimal digit: its place in its run of ten (every script's run starts at 0). */
function digitValue(char: string): number {
  const code = char.codePointAt(0)!;
  let before = 0;
  while (before < 60 && DIGIT.test(String.fromCodePoint(code - before - 1))) before += 1;
  return before % 10;
}

/** Python's int() of text PYTHON_INT accepts (exact for the sizes configs hold). */
function pythonInt(text: string): number {
  const trimmed = text.trim();
  const sign = trimmed.startsWith('-') ? -1 : 1;
  const digits = [...trimmed.replace(/^[+-]/, '').replaceAll('_', '')].map(digitValue);
  return sign * Number(digits.join(''));
}

/** `error` says why Synapse refuses the value (a message, rendered in the report's language). */
export type Parsed = { ok: true; value: number } | { ok: false; error: Message };

function parseWithUnits(value: unknown, units: Record<string, number>, kind: 'duration' | 'size', isFloat: boolean): Parsed {
  const what = message(kind === 'duration' ? 'duration.what.duration' : 'duration.what.size');
  if (typeof value === 'number' && isFloat) return { ok: false, error: message('duration.float', { what, value: Number.isInteger(value) ? value.toFixed(1) : value }) };
  if (typeof value === 'number' && Number.isInteger(value)) return { ok: true, value };
  if (typeof value !== 'string') {
    return { ok: false, error: message('duration.notIntegerOrString', { what, kind: typeof value === 'number' ? message('duration.fraction', { value }) : kindOf(value) }) };
  }
  if (value === '') return { ok: false, error: message('duration.emptyString', { what }) };
  const chars = [...value]; // Python indexes code points
  const suffix = chars[chars.length - 1];
  let number = value;
  let unit = 1;
  if (suffix in units) {
    number = chars.slice(0, -1).join('');
    unit = units[suffix];
  } else if (!DIGIT.test(suffix)) {
    return { ok: false, error: message('duration.badSuffix', { what, suffix, allowed: Object.keys(units).join(', ') }) };
  }
  if (!PYTHON_INT.test(number)) return { ok: false, error: message('duration.notWholeNumber', { value }) };
  return { ok: true, value: pythonInt(number) * unit };
}

/** `isFloat`: YAML read the value as a float (1500.0, 1.5e+3), which JavaScript cannot tell from 1500. */
export const parseDuration = (value: unknown, isFloat = false): Parsed => parseWithUnits(value, DURATION_UNITS, 'duration', isFloat);
export const parseSize = (value: unknown, isFloat = false): Parsed => parseWithUnits(value, SIZE_UNITS, 'size', isFloat);

/** Human form of milliseconds, in the largest whole unit ("180d", "26w", "90m"). */
export function formatDuration(ms: number): string {
  for (const [unit, size] of [['y', DURATION_UNITS.y], ['w', DURATION_UNITS.w], ['d', DURATION_UNITS.d], ['h', DURATION_UNITS.h], ['m', DURATION_UNITS.m], ['s', DURATION_UNITS.s]] as const) {
    if (ms !== 0 && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
