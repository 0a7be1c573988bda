// Dedicated room checks: what the generic functions cannot say about a room's state.
import type { CheckResult } from '../../types.js';
import { formatDuration, parseDuration } from '../../facts/duration.js';
import { durationAtMost } from './generic.js';
import { result, unknownOf, type CheckFunction } from './types.js';
import { defineMessages } from '../../messages/message.js';

const message = defineMessages({
  'room.lifetimeFrom': { en: '{seen} ({source})', fr: '{seen} ({source})' },
});

/** Server ACL present but with an empty or missing allow list: every server is denied (spec). */
export const aclAllowsSomeone: CheckFunction = (fact, { facts }) => {
  if (fact.state === 'unknown') return unknownOf(fact);
  const present = facts.get('serverAcl.present');
  if (!present.value) return result('pass', present, 'no server ACL');
  const allow = fact.value as string[];
  return allow.length === 0
    ? result('fail', fact, 'the server ACL has an empty allow list: every server, this one included, is denied')
    : result('pass', fact, `the server ACL allows ${allow.join(', ')}`);
};

/** The room keeps third-party servers out: m.federate false, or a server ACL that allows only named
 *  servers (no `*`) and no IP literals. Reads `federate` and the serverAcl.* facts. */
export const federationRestricted: CheckFunction = (fact, { facts }) => {
  if (fact.state === 'unknown') return unknownOf(fact);
  if (fact.value === false) return result('pass', fact, 'm.federate is false: only users of the creating server can join');
  const present = facts.get('serverAcl.present');
  const allow = facts.get('serverAcl.allow');
  const open = fact.state === 'default' ? 'the room federates (no m.room.create content says otherwise)' : 'the room federates (m.federate is not false)';
  if (!present.value) return result('fail', present, `${open} and has no server ACL: any server can join`);
  const servers = allow.value as string[];
  if (facts.get('serverAcl.allowsAny').value) return result('fail', allow, `${open} and its server ACL allows every server (allow: ${JSON.stringify(servers)})`);
  if (servers.length === 0) return result('fail', allow, 'the server ACL has an empty allow list: every server, this one included, is denied');
  const literals = facts.get('serverAcl.allowIpLiterals');
  if (literals.value) {
    return result('fail', literals, `the server ACL allows ${servers.join(', ')} but also IP literals (allow_ip_literals is not false), so servers without a name can join`);
  }
  return result('pass', allow, `the server ACL allows only ${servers.join(', ')}, and no IP literals`);
};

/** Fails (as a note) when the members span several servers: each keeps its own copy of the room. */
export const membersOnOneServer: CheckFunction = (fact) => {
  if (fact.state === 'unknown') return unknownOf(fact);
  const servers = fact.value as string[];
  if (servers.length <= 1) return result('pass', fact, servers.length ? `every member is on ${servers[0]}` : 'the room has no joined member');
  const shown = servers.length > 8 ? `${servers.slice(0, 8).join(', ')} and ${servers.length - 8} more` : servers.join(', ');
  return result('fail', fact, `members are on ${servers.length} servers (${shown}): each keeps its own copy of the messages and metadata, and a deletion on this server may be kept on the others`);
};

/** No bridge: reads bridge.present and names what gave the bridge away (bridge.reasons). */
export const notBridged: CheckFunction = (fact, { facts }) => {
  if (fact.state === 'unknown') return unknownOf(fact);
  if (!fact.value) return result('pass', fact, 'no bridge state, and no member looks like a bridge user');
  const networks = (facts.get('bridge.networks').value as string[]).join(', ');
  const reasons = facts.get('bridge.reasons').value as string[];
  const shown = reasons.length > 3 ? `${reasons.slice(0, 3).join('; ')}; and ${reasons.length - 3} more` : reasons.join('; ');
  return result('fail', fact, `the room is bridged to ${networks}: ${shown}`);
};

/** durationAtMost on retention.effectiveMaxLifetime, saying where the lifetime comes from (retention.effectiveSource). */
export const effectiveRetentionAtMost: CheckFunction = (fact, context) => {
  const outcome = durationAtMost(fact, context) as CheckResult;
  const source = context.facts.get('retention.effectiveSource');
  return fact.state !== 'unknown' && source.value ? { ...outcome, message: message('room.lifetimeFrom', { seen: outcome.message, source: String(source.value) }) } : outcome;
};

/** Who may post: options.everyone true (every member can send messages) or false (only some can).
 *  Compares the level m.room.message needs with users_default, and counts the members who can post. */
export const postingLevel: CheckFunction = (fact, { facts, options }) => {
  if (fact.state === 'unknown') return unknownOf(fact);
  const needed = facts.get('powerLevels.messageLevel');
  const eventsDefault = facts.get('powerLevels.eventsDefault');
  const usersDefault = facts.get('powerLevels.usersDefault');
  const posters = facts.get('posters.count');
  const members = facts.get('members.count');
  const everyone = fact.value === true;
  const ok = everyone === (options.everyone !== false);
  if (!fact.event) return result(ok ? 'pass' : 'fail', fact, 'no m.room.power_levels event: by the spec every member can post');
  const key = needed.value === eventsDefault.value ? 'events_default' : 'events["m.room.message"]';
  const counted = posters.state === 'unknown' || members.state === 'unknown' ? '' : `: ${posters.value} of ${members.value} members can post`;
  return result(ok ? 'pass' : 'fail', fact,
    `sending messages needs power level ${needed.value} (${key}), members get ${usersDefault.value} by default (users_default)${counted}`);
};

/** Roughly how long, for a person: "412 days", "5 hours", "37 seconds". */
const roughly = (ms: number): string => {
  for (const [unit, size] of [['day', 86_400_000], ['hour', 3_600_000], ['minute', 60_000]] as const) {
    if (ms >= 2 * size) return `${Math.floor(ms / size)} ${unit}s`;
  }
  return `${Math.floor(ms / 1000)} seconds`;
};
const dateOf = (ts: number): string => new Date(ts).toISOString().replace(/\.\d+Z$/, 'Z');

/** Retention really applied: the oldest message still stored (stored.oldestMessageAgeMs, measured
 *  from its reception, the clock Synapse's purge uses) is not older than the effective lifetime plus
 *  the longest purge-job interval. Synapse's documented exceptions pass: state events are never
 *  purged (they are not messages here), and the newest event before the purge point is kept. */
export const retentionApplied: CheckFunction = (fact, { facts }) => {
  if (fact.state === 'unknown') return unknownOf(fact);
  const lifetime = facts.get('retention.effectiveMaxLifetime');
  if (lifetime.state === 'unknown') return unknownOf(lifetime);
  if (fact.value === null) return result('pass', fact, 'the server stores no message of this room, only its state');
  const age = fact.value as number;
  const receivedTs = facts.get('stored.oldestMessageTs').value as number;
  const sentTs = facts.get('stored.oldestMessageSentTs').value as number;
  const sent = sentTs < receivedTs - 60_000 ? `, sent as of ${dateOf(sentTs)}` : '';
  const oldest = `the oldest message stored was received ${dateOf(receivedTs)} (${roughly(age)} ago${sent})`;
  const source = facts.get('retention.effectiveSource').value;
  if (lifetime.value === null) return result('fail', fact, `${oldest}, and nothing purges it: ${source}`);
  const max = lifetime.value as number;
  const interval = facts.get('retention.purgeIntervalMs');
  if (interval.state === 'unknown') return unknownOf(interval);
  const grace = (interval.value as number | null) ?? 0;
  const limit = `the lifetime ${formatDuration(max)} (${source}) plus the longest purge-job interval ${formatDuration(grace)}`;
  if (age <= max + grace) return result('pass', fact, `${oldest}: within ${limit}`);
  const nextAge = facts.get('stored.nextEventAgeMs').value as number | null;
  if (nextAge === null || nextAge <= max) {
    return result('pass', fact, `${oldest}, older than ${limit}, but it is the newest event before the purge point, which Synapse keeps`);
  }
  const covers = facts.get('retention.purgeJobCovers').value === false ? '; no purge job visits this room (retention.purge_jobs ranges leave its max_lifetime out)' : '';
  return result('fail', fact, `retention configured but not applied: ${oldest}, older than ${limit}${covers}`);
};

/** "3.2 MB", "512 kB". */
const sizeOf = (bytes: number): string => (bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${Math.ceil(bytes / 1e3)} kB`);

/** An inactive room (activity.idleDays above options.max) the server still stores, with its size
 *  in the database (stored.sizeBytes) when Synapse's statistics give it. */
export const inactiveRoomStored: CheckFunction = (fact, { facts, options }) => {
  if (fact.state === 'unknown') return unknownOf(fact);
  const newest = dateOf(facts.get('activity.lastEventTs').value as number);
  if ((fact.value as number) <= options.max) return result('pass', fact, `the newest event is ${fact.value} days old (${newest})`);
  const size = facts.get('stored.sizeBytes');
  const stored = size.state === 'unknown' ? `its size is not known (${size.reason})` : `it takes about ${sizeOf(size.value as number)} in the database`;
  return result('fail', fact, `no event for ${fact.value} days (the newest ${newest}), more than ${options.max}, and the server still stores the room: ${stored}`);
};

/** A forgotten room whose purge (stored.forgottenPurgeOverdueMs) is overdue by more than options.grace. */
export const forgottenRoomPurged: CheckFunction = (fact, { facts, options }) => {
  if (fact.state === 'unknown') return unknownOf(fact);
  if (fact.value === null) return result('pass', fact, 'no purge of this room is overdue');
  const grace = parseDuration(options.grace);
  if (!grace.ok) throw new Error(`rule option grace: ${grace.error}`);
  const overdue = fact.value as number;
  const status = facts.get('stored.forgottenPurgeStatus').value;
  const seen = `every local member forgot the room; its purge was due ${roughly(overdue)} ago (task ${status})`;
  return overdue <= grace.value ? result('pass', fact, `${seen}, within ${formatDuration(grace.value)}`) : result('fail', fact, `${seen}, and the room is still stored`);
};
