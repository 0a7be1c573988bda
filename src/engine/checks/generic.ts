// Generic check functions: each reads one value and compares it with the rule's options.
import { formatDuration, parseDuration } from '../../facts/duration.js';
import { pythonTruthy, show } from '../../facts/values.js';
import type { Fact } from '../../types.js';
import { defineMessages, render } from '../../messages/message.js';
import { describeFact, factMessage, result, unknownOf, type CheckFunction } from './types.js';

const message = defineMessages({
  'generic.expected': { en: '{seen}; expected {expected}', fr: '{seen}\u00a0; attendu\u00a0: {expected}' },
  'generic.expectedOneOf': { en: '{seen}; expected one of {expected}', fr: '{seen}\u00a0; attendu, l’une de ces valeurs\u00a0: {expected}' },
  'generic.quotedFalse': { en: '{seen} (a quoted string, which Synapse reads as true)', fr: '{seen} (une chaîne entre guillemets, que Synapse lit comme vraie)' },
  'generic.notSet': { en: '{path} is not set', fr: '{path} n’est pas renseigné' },
  'generic.setTo': { en: '{path} is set to {value}', fr: '{path} est renseigné\u00a0: {value}' },
  'generic.forever': { en: '{seen}: kept forever, not at most {max}', fr: '{seen}\u00a0: conservé pour toujours, et non {max} au plus' },
  'generic.refused': { en: '{path} is {value}, which Synapse refuses: {error}', fr: '{path} vaut {value}, ce que Synapse refuse\u00a0: {error}' },
  'generic.zeroOff': { en: '{seen}: 0 turns the clean-up off', fr: '{seen}\u00a0: 0 désactive le nettoyage' },
  'generic.duration': { en: '{value} ({duration})', fr: '{value} ({duration})' },
  'generic.moreThan': { en: '{seen}, more than {max}', fr: '{seen}, soit plus de {max}' },
  'generic.lessThanMinutes': { en: '{seen}, less than {min}; "m" means minutes, not months', fr: '{seen}, soit moins de {min}\u00a0; «\u00a0m\u00a0» veut dire minutes, pas mois' },
  'generic.contains': { en: '{seen}; contains {banned}', fr: '{seen}\u00a0; contient {banned}' },
  'generic.notANumber': { en: '{seen}, not a number', fr: '{seen}, qui n’est pas un nombre' },
  'generic.lessThan': { en: '{seen}, less than {min}', fr: '{seen}, soit moins de {min}' },
});

const sameValue = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Wraps a check so that an unknown value gives `unknown`, never a pass or a fail. */
const known = (check: CheckFunction): CheckFunction => (fact, context) =>
  fact.state === 'unknown' ? unknownOf(fact) : check(fact, context);

export const equals: CheckFunction = known((fact, { options }) => {
  const ok = sameValue(fact.value, options.value);
  const seen = describeFact(fact, show(fact.value));
  return result(ok ? 'pass' : 'fail', fact, ok ? seen : message('generic.expected', { seen, expected: show(options.value) }));
});

export const oneOf: CheckFunction = known((fact, { options }) => {
  const ok = (options.values as unknown[]).some((value) => sameValue(value, fact.value));
  const seen = describeFact(fact, show(fact.value));
  return result(ok ? 'pass' : 'fail', fact, ok ? seen : message('generic.expectedOneOf', { seen, expected: (options.values as unknown[]).map(show).join(', ') }));
});

/** A quoted "false" is a non-empty string: Python reads it as true. */
const describeTruth = (fact: Fact) => {
  const seen = describeFact(fact, show(fact.value));
  return typeof fact.value === 'string' && /^(false|no|off|0)$/i.test(fact.value) ? message('generic.quotedFalse', { seen }) : seen;
};

/** Python truthiness, as Synapse's `if config.get(...)`: a quoted "false" counts as true. */
export const truthy: CheckFunction = known((fact) => result(pythonTruthy(fact.value) ? 'pass' : 'fail', fact, describeTruth(fact)));

export const falsy: CheckFunction = known((fact) => result(pythonTruthy(fact.value) ? 'fail' : 'pass', fact, describeTruth(fact)));

const isEmpty = (value: unknown): boolean => value === null || value === undefined || value === '';

/** Absent or null. */
export const absent: CheckFunction = known((fact) => {
  const ok = isEmpty(fact.value);
  return result(ok ? 'pass' : 'fail', fact, ok ? message('generic.notSet', { path: fact.path }) : message('generic.setTo', { path: fact.path, value: show(fact.value) }));
});

export const present: CheckFunction = known((fact) => {
  const ok = !isEmpty(fact.value);
  return result(ok ? 'pass' : 'fail', fact, ok ? factMessage('fact.is', { path: fact.path, value: show(fact.value) }) : message('generic.notSet', { path: fact.path }));
});

const describeDuration = (fact: Fact, ms: number) => describeFact(fact, message('generic.duration', { value: show(fact.value), duration: formatDuration(ms) }));

/** A duration no longer than options.max; null (forever) fails unless options.allowNull. */
export const durationAtMost: CheckFunction = known((fact, { options }) => {
  const max = parseDuration(options.max);
  if (!max.ok) throw new Error(`rule option max: ${render('en', max.error)}`);
  if (fact.value === null || fact.value === undefined) {
    return result(options.allowNull ? 'pass' : 'fail', fact, message('generic.forever', { seen: describeFact(fact, factMessage('fact.none')), max: formatDuration(max.value) }));
  }
  const seen = parseDuration(fact.value);
  if (!seen.ok) return result('fail', fact, message('generic.refused', { path: fact.path, value: show(fact.value), error: seen.error }));
  if (options.zeroMeansForever && seen.value === 0) {
    return result('fail', fact, message('generic.zeroOff', { seen: describeFact(fact, show(fact.value)) }));
  }
  const ok = seen.value <= max.value;
  const described = describeDuration(fact, seen.value);
  return result(ok ? 'pass' : 'fail', fact, ok ? described : message('generic.moreThan', { seen: described, max: formatDuration(max.value) }));
});

/** A duration at least options.min: catches "6m" (six minutes) written for six months. */
export const durationAtLeast: CheckFunction = known((fact, { options }) => {
  const min = parseDuration(options.min);
  if (!min.ok) throw new Error(`rule option min: ${render('en', min.error)}`);
  if (fact.value === null || fact.value === undefined) return result('pass', fact, describeFact(fact, factMessage('fact.none')));
  const seen = parseDuration(fact.value);
  if (!seen.ok) return result('fail', fact, message('generic.refused', { path: fact.path, value: show(fact.value), error: seen.error }));
  const ok = seen.value >= min.value;
  const described = describeDuration(fact, seen.value);
  return result(ok ? 'pass' : 'fail', fact, ok ? described : message('generic.lessThanMinutes', { seen: described, min: formatDuration(min.value) }));
});

const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === null || value === undefined ? [] : [value]);
const lower = (value: unknown): unknown => (typeof value === 'string' ? value.toLowerCase() : value);

/** None of options.values is in the list (items compared case-insensitively; options.field reads a field of each item). */
export const listExcludes: CheckFunction = known((fact, { options }) => {
  const items = asList(fact.value).map((item) => lower(options.field && item && typeof item === 'object' ? (item as any)[options.field] : item));
  const banned = (options.values as unknown[]).map(lower).filter((value) => items.includes(value));
  const seen = describeFact(fact, show(fact.value));
  return result(banned.length ? 'fail' : 'pass', fact, banned.length ? message('generic.contains', { seen, banned: banned.map(show).join(', ') }) : seen);
});

const numeric = (fact: { value: unknown }): number | undefined =>
  typeof fact.value === 'number' ? fact.value : Array.isArray(fact.value) ? fact.value.length : undefined;

export const atMost: CheckFunction = known((fact, { options }) => {
  const seen = numeric(fact);
  const described = describeFact(fact, show(fact.value));
  if (seen === undefined) return result('fail', fact, message('generic.notANumber', { seen: described }));
  const ok = seen <= options.max;
  return result(ok ? 'pass' : 'fail', fact, ok ? described : message('generic.moreThan', { seen: described, max: options.max }));
});

export const atLeast: CheckFunction = known((fact, { options }) => {
  const seen = numeric(fact);
  const described = describeFact(fact, show(fact.value));
  if (seen === undefined) return result('fail', fact, message('generic.notANumber', { seen: described }));
  const ok = seen >= options.min;
  return result(ok ? 'pass' : 'fail', fact, ok ? described : message('generic.lessThan', { seen: described, min: options.min }));
});

/** A string matching options.pattern fails (e.g. a URL pointing at Google). */
export const notMatches: CheckFunction = known((fact, { options }) => {
  const bad = typeof fact.value === 'string' && new RegExp(options.pattern, 'i').test(fact.value);
  return result(bad ? 'fail' : 'pass', fact, describeFact(fact, show(fact.value)));
});
