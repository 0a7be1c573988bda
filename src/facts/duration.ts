// Synapse's parse_duration and parse_size, reproduced exactly (synapse/config/_base.py):
// an integer is taken as is (ms / bytes); a string is a Python int() plus a one-letter suffix.

const DURATION_UNITS: Record<string, number> = {
  s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, y: 31_536_000_000,
};
const SIZE_UNITS: Record<string, number> = { K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

/** What Python's int() accepts: spaces around, a sign, digits with single underscores between. */
const PYTHON_INT = /^\s*[+-]?\d(?:_?\d)*\s*$/;

export type Parsed = { ok: true; value: number } | { ok: false; error: string };

function parseWithUnits(value: unknown, units: Record<string, number>, what: string): Parsed {
  if (typeof value === 'number' && Number.isInteger(value)) return { ok: true, value };
  if (typeof value !== 'string') {
    return { ok: false, error: `a ${what} must be an integer or a string, not ${describe(value)}` };
  }
  if (value === '') return { ok: false, error: `an empty string is not a ${what}` };
  const suffix = value[value.length - 1];
  let number = value;
  let unit = 1;
  if (suffix in units) {
    number = value.slice(0, -1);
    unit = units[suffix];
  } else if (!/\d/.test(suffix)) {
    return { ok: false, error: `bad ${what} suffix "${suffix}" (allowed: ${Object.keys(units).join(', ')}, case-sensitive)` };
  }
  if (!PYTHON_INT.test(number)) return { ok: false, error: `"${value}" is not a whole number with a unit` };
  return { ok: true, value: Number.parseInt(number.replaceAll('_', '').trim(), 10) * unit };
}

export const parseDuration = (value: unknown): Parsed => parseWithUnits(value, DURATION_UNITS, 'duration');
export const parseSize = (value: unknown): Parsed => parseWithUnits(value, SIZE_UNITS, 'size');

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
