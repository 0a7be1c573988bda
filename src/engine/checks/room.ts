// Dedicated room checks: what the generic functions cannot say about a room's state.
import type { CheckResult } from '../../types.js';
import { formatDuration, parseDuration } from '../../facts/duration.js';
import { retentionSourceMessage } from '../../facts/room-facts.js';
import { durationAtMost } from './generic.js';
import { result, unknownOf, type CheckFunction } from './types.js';
import { defineMessages, type Message, type MessageValue } from '../../messages/message.js';

const message = defineMessages({
  'room.lifetimeFrom': { en: '{seen} ({source})', fr: '{seen} ({source})' },
  'room.noAcl': { en: 'no server ACL', fr: 'pas d’ACL de serveurs' },
  'room.aclEmptyAllow': {
    en: 'the server ACL has an empty allow list: every server, this one included, is denied',
    fr: 'l’ACL de serveurs a une liste allow vide\u00a0: tous les serveurs, celui-ci compris, sont refusés',
  },
  'room.aclAllows': { en: 'the server ACL allows {servers}', fr: 'l’ACL de serveurs autorise {servers}' },
  'room.federateFalse': { en: 'm.federate is false: only users of the creating server can join', fr: 'm.federate vaut false\u00a0: seuls les utilisateurs du serveur qui a créé le salon peuvent le rejoindre' },
  'room.federatesByDefault': { en: 'the room federates (no m.room.create content says otherwise)', fr: 'le salon est fédéré (le contenu de m.room.create ne dit pas le contraire)' },
  'room.federates': { en: 'the room federates (m.federate is not false)', fr: 'le salon est fédéré (m.federate ne vaut pas false)' },
  'room.federatesNoAcl': { en: '{open} and has no server ACL: any server can join', fr: '{open} et n’a pas d’ACL de serveurs\u00a0: n’importe quel serveur peut le rejoindre' },
  'room.federatesAclAny': { en: '{open} and its server ACL allows every server (allow: {allow})', fr: '{open} et son ACL de serveurs autorise tous les serveurs (allow\u00a0: {allow})' },
  'room.aclIpLiterals': {
    en: 'the server ACL allows {servers} but also IP literals (allow_ip_literals is not false), so servers without a name can join',
    fr: 'l’ACL de serveurs autorise {servers}, mais aussi les adresses IP (allow_ip_literals ne vaut pas false)\u00a0: des serveurs sans nom peuvent donc rejoindre le salon',
  },
  'room.aclOnly': { en: 'the server ACL allows only {servers}, and no IP literals', fr: 'l’ACL de serveurs n’autorise que {servers}, et aucune adresse IP' },
  'room.oneServer': { en: 'every member is on {server}', fr: 'tous les membres sont sur {server}' },
  'room.noMember': { en: 'the room has no joined member', fr: 'le salon n’a aucun membre' },
  'room.serversAndMore': { en: '{servers} and {more} more', fr: '{servers} et {more} de plus' },
  'room.manyServers': {
    en: 'members are on {count} servers ({servers}): each keeps its own copy of the messages and metadata, and a deletion on this server may be kept on the others',
    fr: 'les membres sont sur {count} serveurs ({servers})\u00a0: chacun garde sa propre copie des messages et des métadonnées, et ce qui est supprimé sur ce serveur peut rester sur les autres',
  },
  'room.notBridged': { en: 'no bridge state, and no member looks like a bridge user', fr: 'aucun état de pont, et aucun membre ne ressemble à un utilisateur de pont' },
  'room.bridged': { en: 'the room is bridged to {networks}: {reasons}', fr: 'le salon est relié par un pont à {networks}\u00a0: {reasons}' },
  'room.andMore': { en: 'and {count} more', fr: 'et {count} de plus' },
  'room.noPowerLevels': { en: 'no m.room.power_levels event: by the spec every member can post', fr: 'pas d’évènement m.room.power_levels\u00a0: selon la spécification, tout membre peut écrire' },
  'room.postingLevel': {
    en: 'sending messages needs power level {needed} ({key}), members get {usersDefault} by default (users_default)',
    fr: 'envoyer des messages demande le niveau {needed} ({key}), les membres ont {usersDefault} par défaut (users_default)',
  },
  'room.postersCounted': { en: '{level}: {posters} of {members} members can post', fr: '{level}\u00a0: {posters} membres sur {members} peuvent écrire' },
  'room.days': { en: '{count} days', fr: '{count}\u00a0jours' },
  'room.hours': { en: '{count} hours', fr: '{count}\u00a0heures' },
  'room.minutes': { en: '{count} minutes', fr: '{count}\u00a0minutes' },
  'room.seconds': { en: '{count} seconds', fr: '{count}\u00a0secondes' },
  'room.onlyState': { en: 'the server stores no message of this room, only its state', fr: 'le serveur ne conserve aucun message de ce salon, seulement son état' },
  'room.oldest': { en: 'the oldest message stored was received {received} ({age} ago)', fr: 'le plus ancien message conservé a été reçu le {received} (il y a {age})' },
  'room.oldestSentEarlier': {
    en: 'the oldest message stored was received {received} ({age} ago, sent as of {sent})',
    fr: 'le plus ancien message conservé a été reçu le {received} (il y a {age}, daté du {sent})',
  },
  'room.neverPurged': { en: '{oldest}, and nothing purges it: {source}', fr: '{oldest}, et rien ne le purge\u00a0: {source}' },
  'room.purgeLimit': {
    en: 'the lifetime {max} ({source}) plus the longest purge-job interval {interval}',
    fr: 'la durée de conservation {max} ({source}) plus le plus long intervalle entre deux passages d’une tâche de purge, {interval}',
  },
  'room.withinLimit': { en: '{oldest}: within {limit}', fr: '{oldest}\u00a0: dans la limite de {limit}' },
  'room.keptBeforePurgePoint': {
    en: '{oldest}, older than {limit}, but it is the newest event before the purge point, which Synapse keeps',
    fr: '{oldest}, au-delà de {limit}, mais c’est l’évènement le plus récent avant le point de purge, que Synapse garde',
  },
  'room.retentionNotApplied': {
    en: 'retention configured but not applied: {oldest}, older than {limit}',
    fr: 'durée de conservation configurée mais non appliquée\u00a0: {oldest}, au-delà de {limit}',
  },
  'room.retentionNotAppliedUncovered': {
    en: 'retention configured but not applied: {oldest}, older than {limit}; no purge job visits this room (retention.purge_jobs ranges leave its max_lifetime out)',
    fr: 'durée de conservation configurée mais non appliquée\u00a0: {oldest}, au-delà de {limit}\u00a0; aucune tâche de purge ne passe par ce salon (les plages de retention.purge_jobs excluent son max_lifetime)',
  },
  'room.megabytes': { en: '{whole}.{tenth} MB', fr: '{whole},{tenth}\u00a0Mo' },
  'room.kilobytes': { en: '{count} kB', fr: '{count}\u00a0ko' },
  'room.recentEvent': { en: 'the newest event is {days} days old ({date})', fr: 'l’évènement le plus récent a {days}\u00a0jours ({date})' },
  'room.sizeUnknown': { en: 'its size is not known ({reason})', fr: 'sa taille n’est pas connue ({reason})' },
  'room.size': { en: 'it takes about {size} in the database', fr: 'il occupe environ {size} dans la base de données' },
  'room.inactiveStored': {
    en: 'no event for {days} days (the newest {date}), more than {max}, and the server still stores the room: {stored}',
    fr: 'aucun évènement depuis {days}\u00a0jours (le plus récent le {date}), plus de {max}, et le serveur conserve encore le salon\u00a0: {stored}',
  },
  'room.noPurgeOverdue': { en: 'no purge of this room is overdue', fr: 'aucune purge de ce salon n’est en retard' },
  'room.forgotten': {
    en: 'every local member forgot the room; its purge was due {ago} ago (task {status})',
    fr: 'tous les membres locaux ont oublié le salon\u00a0; sa purge était prévue il y a {ago} (tâche {status})',
  },
  'room.forgottenWithin': { en: '{seen}, within {grace}', fr: '{seen}, dans le délai de {grace}' },
  'room.forgottenStored': { en: '{seen}, and the room is still stored', fr: '{seen}, et le salon est toujours conservé' },
});

/** A list of servers for a message: joined by commas (names, not prose). */
const listed = (servers: string[]): string => servers.join(', ');

/** Server ACL present but with an empty or missing allow list: every server is denied (spec). */
export const aclAllowsSomeone: CheckFunction = (fact, { facts }) => {
  if (fact.state === 'unknown') return unknownOf(fact);
  const present = facts.get('serverAcl.present');
  if (!present.value) return result('pass', present, message('room.noAcl'));
  const allow = fact.value as string[];
  return allow.length === 0
    ? result('fail', fact, message('room.aclEmptyAllow'))
    : result('pass', fact, message('room.aclAllows', { servers: listed(allow) }));
};

/** The room keeps third-party servers out: m.federate false, or a server ACL that allows only named
 *  servers (no `*`) and no IP literals. Reads `federate` and the serverAcl.* facts. */
export const federationRestricted: CheckFunction = (fact, { facts }) => {
  if (fact.state === 'unknown') return unknownOf(fact);
  if (fact.value === false) return result('pass', fact, message('room.federateFalse'));
  const present = facts.get('serverAcl.present');
  const allow = facts.get('serverAcl.allow');
  const open = message(fact.state === 'default' ? 'room.federatesByDefault' : 'room.federates');
  if (!present.value) return result('fail', present, message('room.federatesNoAcl', { open }));
  const servers = allow.value as string[];
  if (facts.get('serverAcl.allowsAny').value) return result('fail', allow, message('room.federatesAclAny', { open, allow: JSON.stringify(servers) }));
  if (servers.length === 0) return result('fail', allow, message('room.aclEmptyAllow'));
  const literals = facts.get('serverAcl.allowIpLiterals');
  if (literals.value) return result('fail', literals, message('room.aclIpLiterals', { servers: listed(servers) }));
  return result('pass', allow, message('room.aclOnly', { servers: listed(servers) }));
};

/** Fails (as a note) when the members span several servers: each keeps its own copy of the room. */
export const membersOnOneServer: CheckFunction = (fact) => {
  if (fact.state === 'unknown') return unknownOf(fact);
  const servers = fact.value as string[];
  if (servers.length <= 1) return result('pass', fact, servers.length ? message('room.oneServer', { server: servers[0] }) : message('room.noMember'));
  const shown = servers.length > 8 ? message('room.serversAndMore', { servers: listed(servers.slice(0, 8)), more: servers.length - 8 }) : listed(servers);
  return result('fail', fact, message('room.manyServers', { count: servers.length, servers: shown }));
};

/** No bridge: reads bridge.present and names what gave the bridge away (bridge.reasons). */
export const notBridged: CheckFunction = (fact, { facts }) => {
  if (fact.state === 'unknown') return unknownOf(fact);
  if (!fact.value) return result('pass', fact, message('room.notBridged'));
  const networks = listed(facts.get('bridge.networks').value as string[]);
  const reasons = facts.get('bridge.reasons').value as Message[];
  const shown: MessageValue[] = reasons.length > 3 ? [...reasons.slice(0, 3), message('room.andMore', { count: reasons.length - 3 })] : reasons;
  return result('fail', fact, message('room.bridged', { networks, reasons: shown }));
};

/** Where the effective lifetime comes from (retention.effectiveSource), in words. */
const sourceOf = (facts: Parameters<CheckFunction>[1]['facts']): Message | undefined => {
  const code = facts.get('retention.effectiveSource').value;
  return typeof code === 'string' ? retentionSourceMessage(code) : undefined;
};

/** durationAtMost on retention.effectiveMaxLifetime, saying where the lifetime comes from (retention.effectiveSource). */
export const effectiveRetentionAtMost: CheckFunction = (fact, context) => {
  const outcome = durationAtMost(fact, context) as CheckResult;
  const source = sourceOf(context.facts);
  return fact.state !== 'unknown' && source ? { ...outcome, message: message('room.lifetimeFrom', { seen: outcome.message, source }) } : outcome;
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
  if (!fact.event) return result(ok ? 'pass' : 'fail', fact, message('room.noPowerLevels'));
  const key = needed.value === eventsDefault.value ? 'events_default' : 'events["m.room.message"]';
  const level = message('room.postingLevel', { needed: needed.value as number, key, usersDefault: usersDefault.value as number });
  const counted = posters.state === 'unknown' || members.state === 'unknown'
    ? level
    : message('room.postersCounted', { level, posters: posters.value as number, members: members.value as number });
  return result(ok ? 'pass' : 'fail', fact, counted);
};

/** Roughly how long, for a person: "412 days", "5 hours", "37 seconds". */
const roughly = (ms: number): Message => {
  for (const [unit, size] of [['room.days', 86_400_000], ['room.hours', 3_600_000], ['room.minutes', 60_000]] as const) {
    if (ms >= 2 * size) return message(unit, { count: Math.floor(ms / size) });
  }
  return message('room.seconds', { count: Math.floor(ms / 1000) });
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
  if (fact.value === null) return result('pass', fact, message('room.onlyState'));
  const age = fact.value as number;
  const receivedTs = facts.get('stored.oldestMessageTs').value as number;
  const sentTs = facts.get('stored.oldestMessageSentTs').value as number;
  const received = dateOf(receivedTs);
  const oldest = sentTs < receivedTs - 60_000
    ? message('room.oldestSentEarlier', { received, age: roughly(age), sent: dateOf(sentTs) })
    : message('room.oldest', { received, age: roughly(age) });
  const source = sourceOf(facts) ?? '';
  if (lifetime.value === null) return result('fail', fact, message('room.neverPurged', { oldest, source }));
  const max = lifetime.value as number;
  const interval = facts.get('retention.purgeIntervalMs');
  if (interval.state === 'unknown') return unknownOf(interval);
  const grace = (interval.value as number | null) ?? 0;
  const limit = message('room.purgeLimit', { max: formatDuration(max), source, interval: formatDuration(grace) });
  if (age <= max + grace) return result('pass', fact, message('room.withinLimit', { oldest, limit }));
  const nextAge = facts.get('stored.nextEventAgeMs').value as number | null;
  if (nextAge === null || nextAge <= max) return result('pass', fact, message('room.keptBeforePurgePoint', { oldest, limit }));
  const uncovered = facts.get('retention.purgeJobCovers').value === false;
  return result('fail', fact, message(uncovered ? 'room.retentionNotAppliedUncovered' : 'room.retentionNotApplied', { oldest, limit }));
};

/** "3.2 MB", "512 kB". */
const sizeOf = (bytes: number): Message => {
  if (bytes < 1e6) return message('room.kilobytes', { count: Math.ceil(bytes / 1e3) });
  const [whole, tenth] = (bytes / 1e6).toFixed(1).split('.');
  return message('room.megabytes', { whole, tenth });
};

/** An inactive room (activity.idleDays above options.max) the server still stores, with its size
 *  in the database (stored.sizeBytes) when Synapse's statistics give it. */
export const inactiveRoomStored: CheckFunction = (fact, { facts, options }) => {
  if (fact.state === 'unknown') return unknownOf(fact);
  const date = dateOf(facts.get('activity.lastEventTs').value as number);
  const days = fact.value as number;
  if (days <= options.max) return result('pass', fact, message('room.recentEvent', { days, date }));
  const size = facts.get('stored.sizeBytes');
  const stored = size.state === 'unknown' ? message('room.sizeUnknown', { reason: size.reason ?? '' }) : message('room.size', { size: sizeOf(size.value as number) });
  return result('fail', fact, message('room.inactiveStored', { days, date, max: options.max, stored }));
};

/** A forgotten room whose purge (stored.forgottenPurgeOverdueMs) is overdue by more than options.grace. */
export const forgottenRoomPurged: CheckFunction = (fact, { facts, options }) => {
  if (fact.state === 'unknown') return unknownOf(fact);
  if (fact.value === null) return result('pass', fact, message('room.noPurgeOverdue'));
  const grace = parseDuration(options.grace);
  if (!grace.ok) throw new Error(`rule option grace: ${grace.error}`);
  const overdue = fact.value as number;
  const status = String(facts.get('stored.forgottenPurgeStatus').value);
  const seen = message('room.forgotten', { ago: roughly(overdue), status });
  return overdue <= grace.value
    ? result('pass', fact, message('room.forgottenWithin', { seen, grace: formatDuration(grace.value) }))
    : result('fail', fact, message('room.forgottenStored', { seen }));
};
