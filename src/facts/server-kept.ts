// The facts server rules read: what `mxlint server` measured of what the server still keeps
// (src/server-kept.ts reads it), beside the lifetime its config promises and the interval of the
// Synapse job that deletes it.
import type { Fact, FactSource } from '../types.js';
import type { ServerFacts } from './server-facts.js';
import { parseDuration } from './duration.js';
import { KEPT_MEASURES, isKeptFact, type KeptMeasure } from './server-kept-table.js';
import { defineMessages, type Message } from '../messages/message.js';

const message = defineMessages({
  'kept.notMeasured': { en: 'only measured on a live server (mxlint server, admin API)', fr: 'mesuré seulement sur un serveur en marche (mxlint server, API d’admin)' },
  'kept.needsConfig': { en: 'the server config is not given (--config)', fr: 'la configuration du serveur n’est pas donnée (--config)' },
  'kept.unreadableLifetime': { en: '{option} cannot be read: {error}', fr: '{option} ne peut pas être lu\u00a0: {error}' },
});

/** One measure: the oldest of it still stored among what was read, or why it could not be read. */
export interface KeptSample {
  /** When the oldest still stored dates from (ms); null when none was found. */
  oldestTs: number | null;
  /** How many users, rooms or events were read. */
  sampled: number;
  /** How many there were to read from (users or rooms on the server); null when not known. */
  population: number | null;
}

export type KeptInput = Record<KeptMeasure, KeptSample | { unknown: Message }>;

/** How long Synapse's clean-up job may take past the lifetime (its interval, in Synapse 1.160):
 *  media retention runs hourly (media_repository.py MEDIA_RETENTION_CHECK_PERIOD); user_ips are
 *  written in 5 s batches and pruned every 5 s (client_ips.py); redactions are censored every 5 min
 *  (censor_events.py). */
export const KEPT_GRACE_MS: Record<KeptMeasure, number> = { localMedia: 3_600_000, remoteMedia: 3_600_000, ips: 10_000, redactions: 300_000 };

/** The lifetime the config promises, as Synapse reads it: null keeps forever; user_ips_max_age 0
 *  also stops the pruning (Synapse starts it only `if self.user_ips_max_age`). */
export function configuredLifetime(measure: KeptMeasure, server: ServerFacts | undefined): Fact {
  const path = `kept.${measure}.lifetimeMs`;
  const option = KEPT_MEASURES[measure].option;
  if (!server) return { path, value: null, state: 'unknown', reason: message('kept.needsConfig'), from: option };
  const fact = server.get(option);
  const base = { path, from: option, location: fact.location };
  if (fact.state === 'unknown') return { ...base, value: null, state: 'unknown', reason: fact.reason };
  if (fact.value === null || fact.value === undefined) return { ...base, value: null, state: fact.state };
  const parsed = parseDuration(fact.value);
  if (!parsed.ok) return { ...base, value: null, state: 'unknown', reason: message('kept.unreadableLifetime', { option, error: parsed.error }) };
  return { ...base, value: measure === 'ips' && parsed.value === 0 ? null : parsed.value, state: fact.state };
}

/** The server rules' facts; without a measurement (mxlint config), every measured fact is unknown. */
export function buildKeptFacts(kept: KeptInput | undefined, server: ServerFacts | undefined, now = Date.now()): FactSource {
  const facts = new Map<string, Fact>();
  for (const measure of Object.keys(KEPT_MEASURES) as KeptMeasure[]) {
    const sample = kept?.[measure];
    const measured = sample && !('unknown' in sample) ? sample : undefined;
    const reason = sample && 'unknown' in sample ? sample.unknown : message('kept.notMeasured');
    const put = (name: string, value: unknown) => facts.set(`kept.${measure}.${name}`, measured
      ? { path: `kept.${measure}.${name}`, value, state: 'set' }
      : { path: `kept.${measure}.${name}`, value: null, state: 'unknown', reason });
    facts.set(`kept.${measure}.lifetimeMs`, configuredLifetime(measure, server));
    facts.set(`kept.${measure}.graceMs`, { path: `kept.${measure}.graceMs`, value: KEPT_GRACE_MS[measure], state: 'set' });
    put('oldestTs', measured?.oldestTs ?? null);
    put('oldestAgeMs', typeof measured?.oldestTs === 'number' ? Math.max(0, now - measured.oldestTs) : null);
    put('sampled', measured?.sampled ?? null);
    put('population', measured?.population ?? null);
  }
  return {
    target: 'server',
    get: (path) => {
      const fact = facts.get(path);
      if (!fact || !isKeptFact(path)) throw new Error(`"${path}" is not a server fact (src/facts/server-kept-table.ts)`);
      return fact;
    },
    extra: {},
  };
}
