// Every fact a server rule can read: what `mxlint server` measured of what the server still keeps
// (media, IP addresses, the content of deleted messages) beside what its config promises. The
// server counterpart of room-fact-table.ts: buildKeptFacts records only these, its `get` refuses
// any other path, and a server rule naming another path is refused at build and at load.
// One measure per prefix, each with the same six facts, so one check reads them all.
import type { RoomFactType } from './room-fact-table.js';

/** What is measured, each with the config option that promises its lifetime. */
export const KEPT_MEASURES = {
  localMedia: { option: 'media_retention.local_media_lifetime', doc: 'local media (uploaded here), by last access' },
  remoteMedia: { option: 'media_retention.remote_media_lifetime', doc: 'remote media cached here, by last access' },
  ips: { option: 'user_ips_max_age', doc: 'the IP addresses of users\' connections, by last seen' },
  redactions: { option: 'redaction_retention_period', doc: 'the original content of deleted (redacted) messages, by the time of the deletion' },
} as const;

export type KeptMeasure = keyof typeof KEPT_MEASURES;

const measureFacts = (measure: KeptMeasure) => ({
  [`kept.${measure}.lifetimeMs`]: { type: 'number | null', doc: `How long the config says ${KEPT_MEASURES[measure].doc} are kept (ms; null: forever), from ${KEPT_MEASURES[measure].option}.` },
  [`kept.${measure}.graceMs`]: { type: 'number', doc: 'How long Synapse may take to delete past the lifetime: the interval of its clean-up job (ms).' },
  [`kept.${measure}.oldestTs`]: { type: 'number | null', doc: `When the oldest of ${KEPT_MEASURES[measure].doc} still stored dates from, in the sample (ms; null: none found).` },
  [`kept.${measure}.oldestAgeMs`]: { type: 'number | null', doc: 'How old that one is (ms; null: none found).' },
  [`kept.${measure}.sampled`]: { type: 'number', doc: 'How many users, rooms or events the measurement read (see the message for which).' },
  [`kept.${measure}.population`]: { type: 'number | null', doc: 'How many users or rooms the server has to read from (null: not known).' },
}) as Record<string, { type: RoomFactType; doc: string }>;

export const SERVER_KEPT_FACTS: Record<string, { type: RoomFactType; doc: string }> = Object.assign({}, ...Object.keys(KEPT_MEASURES).map((measure) => measureFacts(measure as KeptMeasure)));

export const isKeptFact = (path: string): boolean => Object.hasOwn(SERVER_KEPT_FACTS, path);
