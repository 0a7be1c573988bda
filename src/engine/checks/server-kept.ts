// Server checks: what the server really keeps (measured by mxlint server) against what its config promises.
import { formatDuration } from '../../facts/duration.js';
import { KEPT_MEASURES, type KeptMeasure } from '../../facts/server-kept-table.js';
import { defineMessages, type Message } from '../../messages/message.js';
import { result, unknownOf, type CheckFunction } from './types.js';

const message = defineMessages({
  'kept.what.localMedia': { en: 'the least recently accessed local media', fr: 'le média local consulté le moins récemment' },
  'kept.what.remoteMedia': { en: 'the least recently accessed remote media cached here', fr: 'le média distant en cache consulté le moins récemment' },
  'kept.what.ips': { en: 'the oldest IP address of a connection', fr: 'la plus ancienne adresse IP de connexion' },
  'kept.what.redactions': { en: 'the oldest deleted message whose content is still stored', fr: 'le plus ancien message supprimé dont le contenu est encore stocké' },
  'kept.sample.localMedia': { en: 'the media of {sampled} of {population} users read', fr: 'médias de {sampled} comptes lus sur {population}' },
  'kept.sample.remoteMedia': { en: 'the media of {sampled} of {population} rooms read', fr: 'médias de {sampled} salons lus sur {population}' },
  'kept.sample.ips': { en: 'the connections of {sampled} of {population} users read', fr: 'connexions de {sampled} comptes lues sur {population}' },
  'kept.sample.redactions': { en: 'the deletions of {sampled} of {population} rooms read', fr: 'suppressions de {sampled} salons lues sur {population}' },
  'kept.unknownCount': { en: '…', fr: '…' },
  'kept.age.days': { en: '{count} days', fr: '{count}\u00a0jours' },
  'kept.age.hours': { en: '{count} hours', fr: '{count}\u00a0heures' },
  'kept.age.minutes': { en: '{count} minutes', fr: '{count}\u00a0minutes' },
  'kept.age.seconds': { en: '{count} seconds', fr: '{count}\u00a0secondes' },
  'kept.none': { en: '{what}: none found ({sample})', fr: '{what}\u00a0: rien de trouvé ({sample})' },
  'kept.oldest': { en: '{what} dates from {date} ({age} ago; {sample})', fr: '{what} date du {date} (il y a {age}\u00a0; {sample})' },
  'kept.forever': { en: '{oldest}, and nothing deletes it: {option} keeps it forever', fr: '{oldest}, et rien ne l’efface\u00a0: {option} le garde pour toujours' },
  'kept.within': {
    en: "{oldest}: within the lifetime {lifetime} ({option}) plus the clean-up job's {grace}",
    fr: '{oldest}\u00a0: dans la durée de vie de {lifetime} ({option}) plus les {grace} de la tâche de nettoyage',
  },
  'kept.notApplied': {
    en: "configured but not applied: {oldest}, older than the lifetime {lifetime} ({option}) plus the clean-up job's {grace}",
    fr: 'configuré mais pas appliqué\u00a0: {oldest}, plus ancien que la durée de vie de {lifetime} ({option}) plus les {grace} de la tâche de nettoyage',
  },
});

/** Roughly how long, for a person: 412 days, 5 hours, 37 seconds. */
export function ageOf(ms: number): Message {
  for (const [unit, size] of [['days', 86_400_000], ['hours', 3_600_000], ['minutes', 60_000]] as const) {
    if (ms >= 2 * size) return message(`kept.age.${unit}`, { count: Math.floor(ms / size) });
  }
  return message('kept.age.seconds', { count: Math.floor(ms / 1000) });
}

/** A lifetime as a config writes it: 28d rather than 4w. */
const lifetimeOf = (ms: number): string => (ms > 0 && ms % 86_400_000 === 0 ? `${ms / 86_400_000}d` : formatDuration(ms));

const dateOf = (ts: number): string => new Date(ts).toISOString().replace(/\.\d+Z$/, 'Z');

/** Kept within its lifetime: the oldest still stored (kept.<measure>.oldestAgeMs, the rule's path;
 *  its date kept.<measure>.oldestTs) is not older than kept.<measure>.lifetimeMs plus the clean-up job's kept.<measure>.graceMs.
 *  A lifetime of null (forever) fails as soon as anything is stored; nothing found in the sample passes. */
export const keptWithinLifetime: CheckFunction = (fact, { facts }) => {
  const measure = fact.path.split('.')[1] as KeptMeasure;
  const sibling = (name: string) => facts.get(`kept.${measure}.${name}`);
  const lifetime = sibling('lifetimeMs');
  if (lifetime.state === 'unknown') return unknownOf(lifetime);
  if (fact.state === 'unknown') return unknownOf(fact);
  const population = sibling('population').value;
  const sample = message(`kept.sample.${measure}`, { sampled: sibling('sampled').value as number, population: typeof population === 'number' ? population : message('kept.unknownCount') });
  const what = message(`kept.what.${measure}`);
  if (fact.value === null) return result('pass', fact, message('kept.none', { what, sample }));
  const age = fact.value as number;
  const oldest = message('kept.oldest', { what, date: dateOf(sibling('oldestTs').value as number), age: ageOf(age), sample });
  const option = KEPT_MEASURES[measure].option;
  if (lifetime.value === null) return result('fail', lifetime, message('kept.forever', { oldest, option }));
  const grace = sibling('graceMs').value as number;
  const limit = { oldest, lifetime: lifetimeOf(lifetime.value as number), option, grace: formatDuration(grace) };
  return age <= (lifetime.value as number) + grace ? result('pass', fact, message('kept.within', limit)) : result('fail', fact, message('kept.notApplied', limit));
};
