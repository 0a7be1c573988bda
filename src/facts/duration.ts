// Synapse's parse_duration and parse_size, reproduced exactly (synapse/config/_base.py):
// an integer is taken as is (ms / bytes), a float never (`1500.0` is refused); a string is a
// Python int() plus a one-letter suffix, and int() reads any Unicode decimal digit ("１０d" is 10 days).

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

export type Parsed = { ok: true; value: number } | { ok: false; error: string };

function parseWithUnits(value: unknown, units: Record<string, number>, what: string, isFloat: boolean): Parsed {
  if (typeof value === 'number' && isFloat) return { ok: false, error: `a ${what} must be an integer or a string, not a float (${Number.isInteger(value) ? value.toFixed(1) : value}: YAML reads a number with a point or an exponent as a float)` };
  if (typeof value === 'number' && Number.isInteger(value)) return { ok: true, value };
  if (typeof value !== 'string') {
    return { ok: false, error: `a ${what} must be an integer or a string, not ${describe(value)}` };
  }
  if (value === '') return { ok: false, error: `an empty string is not a ${what}` };
  const chars = [...value]; // Python indexes code points
  const suffix = chars[chars.length - 1];
  let number = value;
  let unit = 1;
  if (suffix in units) {
    number = chars.slice(0, -1).join('');
    unit = units[suffix];
  } else if (!DIGIT.test(suffix)) {
    return { ok: false, error: `bad ${what} suffix "${suffix}" (allowed: ${Object.keys(units).join(', ')}, case-sensitive)` };
  }
  if (!PYTHON_INT.test(number)) return { ok: false, error: `"${value}" is not a whole number with a unit` };
  return { ok: true, value: pythonInt(number) * unit };
}

/** `isFloat`: YAML read the value as a float (1500.0, 1.5e+3), which JavaScript cannot tell from 1500. */
export const parseDuration = (value: unknown, isFloat = false): Parsed => parseWithUnits(value, DURATION_UNITS, 'duration', isFloat);
export const parseSize = (value: unknown, isFloat = false): Parsed => parseWithUnits(value, SIZE_UNITS, 'size', isFloat);

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return `a boolean (${value})`;
  if (typeof value === 'number') return `a fractional number (${value})`;
  return Array.isArray(value) ? 'a list' : `a ${typeof value}`;
}

/** Human form of milliseconds, in the largest whole unit ("180d", "26w", "90m"). */
export function formatDuration(ms: number): string {
  for (const [unit, size] of [['y', DURATION_UNITS.y], ['w', DURATION_UNITS.w], ['d', DURATION_UNITS.d], ['h', DURATION_UNITS.h], ['m', DURATION_UNITS.m], ['s', DURATION_UNITS.s]] as const) {
    if (ms !== 0 && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
