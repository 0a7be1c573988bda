// Generic check functions: each reads one value and compares it with the rule's options.
import { formatDuration, parseDuration } from '../../facts/duration.js';
import { pythonTruthy, show } from '../../facts/values.js';
import { describeFact, result, unknownOf, type CheckFunction } from './types.js';

const sameValue = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Wraps a check so that an unknown value gives `unknown`, never a pass or a fail. */
const known = (check: CheckFunction): CheckFunction => (fact, context) =>
  fact.state === 'unknown' ? unknownOf(fact) : check(fact, context);

export const equals: CheckFunction = known((fact, { options }) => {
  const ok = sameValue(fact.value, options.value);
  return result(ok ? 'pass' : 'fail', fact, `${describeFact(fact, show(fact.value))}${ok ? '' : `; expected ${show(options.value)}`}`);
});

export const oneOf: CheckFunction = known((fact, { options }) => {
  const ok = (options.values as unknown[]).some((value) => sameValue(value, fact.value));
  return result(ok ? 'pass' : 'fail', fact, `${describeFact(fact, show(fact.value))}${ok ? '' : `; expected one of ${(options.values as unknown[]).map(show).join(', ')}`}`);
});

/** Python truthiness, as Synapse's `if config.get(...)`: a quoted "false" counts as true. */
export const truthy: CheckFunction = known((fact) => {
  const ok = pythonTruthy(fact.value);
  const quoted = typeof fact.value === 'string' && /^(false|no|off|0)$/i.test(fact.value) ? ' (a quoted string, which Synapse reads as true)' : '';
  return result(ok ? 'pass' : 'fail', fact, `${describeFact(fact, show(fact.value))}${quoted}`);
});

export const falsy: CheckFunction = known((fact) => {
  const ok = !pythonTruthy(fact.value);
  const quoted = typeof fact.value === 'string' && /^(false|no|off|0)$/i.test(fact.value) ? ' (a quoted string, which Synapse reads as true)' : '';
  return result(ok ? 'pass' : 'fail', fact, `${describeFact(fact, show(fact.value))}${quoted}`);
});

/** Absent or null. */
export const absent: CheckFunction = known((fact) => {
  const ok = fact.value === null || fact.value === undefined || fact.value === '';
  return result(ok ? 'pass' : 'fail', fact, ok ? `${fact.path} is not set` : `${fact.path} is set to ${show(fact.value)}`);
});

export const present: CheckFunction = known((fact) => {
  const ok = !(fact.value === null || fact.value === undefined || fact.value === '');
  return result(ok ? 'pass' : 'fail', fact, ok ? `${fact.path} is ${show(fact.value)}` : `${fact.path} is not set`);
});

/** A duration no longer than options.max; null (forever) fails unless options.allowNull. */
export const durationAtMost: CheckFunction = known((fact, { options }) => {
  const max = parseDuration(options.max);
  if (!max.ok) throw new Error(`rule option max: ${max.error}`);
  if (fact.value === null || fact.value === undefined) {
    return result(options.allowNull ? 'pass' : 'fail', fact, `${describeFact(fact, 'none')}: kept forever, not at most ${formatDuration(max.value)}`);
  }
  const seen = parseDuration(fact.value);
  if (!seen.ok) return result('fail', fact, `${fact.path} is ${show(fact.value)}, which Synapse refuses: ${seen.error}`);
  if (options.zeroMeansForever && seen.value === 0) {
    return result('fail', fact, `${describeFact(fact, show(fact.value))}: 0 turns the clean-up off`);
  }
  const ok = seen.value <= max.value;
  return result(ok ? 'pass' : 'fail', fact, `${describeFact(fact, `${show(fact.value)} (${formatDuration(seen.value)})`)}${ok ? '' : `, more than ${formatDuration(max.value)}`}`);
});

/** A duration at least options.min: catches "6m" (six minutes) written for six months. */
export const durationAtLeast: CheckFunction = known((fact, { options }) => {
  const min = parseDuration(options.min);
  if (!min.ok) throw new Error(`rule option min: ${min.error}`);
  if (fact.value === null || fact.value === undefined) return result('pass', fact, `${describeFact(fact, 'none')}`);
  const seen = parseDuration(fact.value);
  if (!seen.ok) return result('fail', fact, `${fact.path} is ${show(fact.value)}, which Synapse refuses: ${seen.error}`);
  const ok = seen.value >= min.value;
  return result(ok ? 'pass' : 'fail', fact, `${describeFact(fact, `${show(fact.value)} (${formatDuration(seen.value)})`)}${ok ? '' : `, less than ${formatDuration(min.value)}; "m" means minutes, not months`}`);
});

const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === null || value === undefined ? [] : [value]);
const lower = (value: unknown): unknown => (typeof value === 'string' ? value.toLowerCase() : value);

/** None of options.values is in the list (items compared case-insensitively; options.field reads a field of each item). */
export const listExcludes: CheckFunction = known((fact, { options }) => {
  const items = asList(fact.value).map((item) => lower(options.field && item && typeof item === 'object' ? (item as any)[options.field] : item));
  const banned = (options.values as unknown[]).map(lower).filter((value) => items.includes(value));
  return result(banned.length ? 'fail' : 'pass', fact, `${describeFact(fact, show(fact.value))}${banned.length ? `; contains ${banned.map(show).join(', ')}` : ''}`);
});

const numeric = (fact: { value: unknown }): number | undefined =>
  typeof fact.value === 'number' ? fact.value : Array.isArray(fact.value) ? fact.value.length : undefined;

export const atMost: CheckFunction = known((fact, { options }) => {
  const seen = numeric(fact);
  if (seen === undefined) return result('fail', fact, `${describeFact(fact, show(fact.value))}, not a number`);
  const ok = seen <= options.max;
  return result(ok ? 'pass' : 'fail', fact, `${describeFact(fact, show(fact.value))}${ok ? '' : `, more than ${options.max}`}`);
});

export const atLeast: CheckFunction = known((fact, { options }) => {
  const seen = numeric(fact);
  if (seen === undefined) return result('fail', fact, `${describeFact(fact, show(fact.value))}, not a number`);
  const ok = seen >= options.min;
  return result(ok ? 'pass' : 'fail', fact, `${describeFact(fact, show(fact.value))}${ok ? '' : `, less than ${options.min}`}`);
});

/** A string matching options.pattern fails (e.g. a URL pointing at Google). */
export const notMatches: CheckFunction = known((fact, { options }) => {
  const bad = typeof fact.value === 'string' && new RegExp(options.pattern, 'i').test(fact.value);
  return result(bad ? 'fail' : 'pass', fact, describeFact(fact, show(fact.value)));
});
