// RoomFacts: what a room's current state says, with the spec's defaults for absent events,
// and the derived metrics the guide reasons with (member servers, posters, bridges...).
import type { Fact, FactSource } from '../types.js';
import type { ServerFacts } from './server-facts.js';
import { guessNetworks } from './appservices.js';
import { parseDuration } from './duration.js';
import { pythonTruthy } from './values.js';
import { fitsType, isRoomFact, ROOM_FACTS, type RoomFactPath } from './room-fact-table.js';
import { optionUnknown, putPurgeJobs, putStorage, putStoredHistory, reasonMessage, type RoomStorage, type StoredHistoryInput } from './stored-history.js';
import { defineMessages, type Message } from '../messages/message.js';

const message = defineMessages({
  'roomFact.matrixSpec': { en: 'the Matrix spec', fr: 'la spécification Matrix' },
  'roomFact.noMemberList': { en: 'the member list is not available', fr: 'la liste des membres n’est pas disponible' },
  'roomFact.noMembers': { en: 'no member list', fr: 'pas de liste des membres' },
  'roomFact.wrongTypeIn': { en: '{event} gives it a value that is not a {type}', fr: '{event} lui donne une valeur qui n’est pas de type {type}' },
  'roomFact.wrongTypeInput': { en: 'the input gives it a value that is not a {type}', fr: 'l’entrée lui donne une valeur qui n’est pas de type {type}' },
  'roomFact.noCreationTime': { en: 'creation time not in the state', fr: 'l’heure de création ne figure pas dans l’état du salon' },
  'roomFact.noLocalServer': { en: 'the local server name is not known', fr: 'le nom du serveur local est inconnu' },
  'roomFact.directoryUnknown': {
    en: 'directory visibility not known (use --published or --not-published with a state dump)',
    fr: 'présence dans l’annuaire des salons inconnue (avec un export d’état, indiquez --published ou --not-published)',
  },
  'roomFact.noNewestEvent': { en: 'newest event time not known', fr: 'l’heure de l’évènement le plus récent est inconnue' },
  'roomFact.noBridgeEvidence': { en: 'no bridge state and no member list to look for bridge users', fr: 'ni état de pont, ni liste des membres où chercher des utilisateurs de pont' },
  'roomFact.retentionNoConfig': {
    en: 'the server config is not given (--config): retention is applied by the server',
    fr: 'la configuration du serveur n’est pas fournie (--config)\u00a0: c’est le serveur qui applique la durée de conservation',
  },
  'roomFact.bridgeState': { en: '{type} state ({protocol})', fr: 'état {type} ({protocol})' },
  'roomFact.bridgeNamespace': { en: '{count} member(s) in the namespace of appservice {appservice}', fr: '{count} membre(s) dans l’espace de noms de l’appservice {appservice}' },
  'roomFact.bridgeUser': { en: '{user} looks like a {network} bridge user', fr: '{user} ressemble à un utilisateur de pont {network}' },
  'roomFact.source.roomPolicy': { en: "the room's m.room.retention max_lifetime", fr: 'le max_lifetime du m.room.retention du salon' },
  'roomFact.source.serverDefault': { en: "the server's retention.default_policy.max_lifetime", fr: 'le retention.default_policy.max_lifetime du serveur' },
  'roomFact.source.raisedToMin': { en: '{source}, raised to retention.allowed_lifetime_min', fr: '{source}, relevé à retention.allowed_lifetime_min' },
  'roomFact.source.cappedByMax': { en: '{source}, capped by retention.allowed_lifetime_max', fr: '{source}, plafonné par retention.allowed_lifetime_max' },
  'roomFact.source.retentionOff': { en: 'retention.enabled is off on the server, so nothing is purged', fr: 'retention.enabled est désactivé sur le serveur, donc rien n’est purgé' },
  'roomFact.source.retentionOffRoomIgnored': {
    en: "retention.enabled is off on the server, so the room's m.room.retention is ignored",
    fr: 'retention.enabled est désactivé sur le serveur, donc le m.room.retention du salon est ignoré',
  },
  'roomFact.source.noPolicy': {
    en: 'the room has no m.room.retention and the server no retention.default_policy.max_lifetime',
    fr: 'le salon n’a pas de m.room.retention, ni le serveur de retention.default_policy.max_lifetime',
  },
});

/** The codes retention.effectiveSource takes: a base, then `+raised-to-min` / `+capped-by-max` for each clamp. */
const SOURCE_MESSAGES = {
  'room-policy': 'roomFact.source.roomPolicy',
  'server-default': 'roomFact.source.serverDefault',
  'retention-off': 'roomFact.source.retentionOff',
  'retention-off-room-ignored': 'roomFact.source.retentionOffRoomIgnored',
  'no-policy': 'roomFact.source.noPolicy',
} as const;
const CLAMP_MESSAGES = { 'raised-to-min': 'roomFact.source.raisedToMin', 'capped-by-max': 'roomFact.source.cappedByMax' } as const;

/** Where the effective lifetime comes from (a retention.effectiveSource code), in words. */
export function retentionSourceMessage(code: string): Message {
  const [base, ...clamps] = code.split('+');
  const said = message(SOURCE_MESSAGES[base as keyof typeof SOURCE_MESSAGES]);
  return clamps.reduce((source, clamp) => message(CLAMP_MESSAGES[clamp as keyof typeof CLAMP_MESSAGES], { source }), said);
}

export interface StateEvent {
  type: string;
  state_key: string;
  content: Record<string, any>;
  sender?: string;
  origin_server_ts?: number;
  event_id?: string;
}

export interface RoomInput {
  roomId: string;
  /** Where the state came from: a dump file, or the homeserver URL. */
  source: string;
  state: StateEvent[];
  /** Joined members; when absent they are read from the m.room.member events of the state. */
  members?: string[];
  /** Published in the room directory; undefined = unknown. */
  published?: boolean;
  /** This server's name, for the local ratio. */
  localServer?: string;
  /** Timestamp of the newest event, when known. */
  lastEventTs?: number;
  /** The oldest history still stored (mxlint server measures it), or why it is not known. */
  stored?: StoredHistoryInput;
  /** The room's database size and pending purge (mxlint server reads them once per audit). */
  storage?: RoomStorage;
  /** "Now" in ms, for the ages (room.ageDays, activity.idleDays); defaults to the clock when the facts are built. */
  now?: number;
}

export interface RoomFacts extends FactSource {
  target: 'room';
  roomId: string;
  source: string;
  /** Every derived value, by dotted path: what --dump-facts prints. */
  values: Record<string, Fact>;
}

/** Known bridge puppets and bots by user id (mautrix, matrix-appservice-*, ARN's arnmessager). */
const PUPPET_PATTERNS: Array<[string, RegExp]> = [
  ['whatsapp', /^@(?:whatsapp_?|_?wa_)[^:]*:|^@whatsappbot:/],
  ['signal', /^@(?:signal_|_signal_)[^:]*:|^@signalbot:/],
  ['telegram', /^@(?:telegram_|_telegram_|tg_)[^:]*:|^@telegrambot:/],
  ['irc', /^@(?:irc_|_irc_|.*_irc)[^:]*:|^@(?:irc|appservice-irc|heisenbridge):/],
  ['xmpp', /^@(?:_?xmpp_|_bifrost_)[^:]*:/],
  ['discord', /^@_discord_[^:]*:|^@discordbot:/],
  ['slack', /^@(?:slack_|_slack_)[^:]*:|^@slackbot:/],
  ['facebook', /^@(?:facebook_|meta_)[^:]*:|^@(?:facebook|meta)bot:/],
  ['whatsapp', /^@arnmessager:/],
];

/** Any of the above: one test per member instead of one per pattern. */
const ANY_PUPPET = new RegExp(PUPPET_PATTERNS.map(([, pattern]) => `(?:${pattern.source})`).join('|'));

/** Bridge bots (not puppets): they relay, they are not a person of the conversation. */
const BOT_PATTERN = /^@(?:whatsappbot|signalbot|telegrambot|discordbot|slackbot|facebookbot|metabot|instagrambot|arnmessager|heisenbridge|appservice-irc|ircbot|xmppbot|_xmpp_bot|bifrost|mattermostbot):/;

/** Networks whose bridges cannot carry end-to-end encryption: an encrypted room breaks them. */
const PLAINTEXT_NETWORKS = ['irc', 'xmpp'];

const DAY_MS = 86_400_000;

/** Records one fact; `state` defaults to set when the event exists, else the spec's default. */
type Put = (path: RoomFactPath, value: unknown, event: StateEvent | undefined, state?: Fact['state'], reason?: Message) => void;
const MEMBER_REASON = message('roomFact.noMemberList');
/** Who sets an absent event's value (in `name is not set (the Matrix spec's default: …)`). */
const MATRIX_SPEC = message('roomFact.matrixSpec');

/** String(value) for any JSON value: String throws on an object whose toString is not a function
 *  ({"toString": 1} in a hostile event's content). */
const asText = (value: unknown): string => {
  try {
    return String(value);
  } catch {
    return JSON.stringify(value) ?? '';
  }
};

const serverOf = (userId: string): string => userId.slice(userId.indexOf(':') + 1).toLowerCase();

export function buildRoomFacts(input: RoomInput, server?: ServerFacts): RoomFacts {
  // One pass: a large room's state is mostly m.room.member events; the other lookups then scan
  // only the few others (they were a scan of the whole state each, ~20 of them).
  const memberEvents: StateEvent[] = [];
  const otherEvents: StateEvent[] = [];
  for (const event of input.state) (event.type === 'm.room.member' ? memberEvents : otherEvents).push(event);
  const stateOf = (type: string, stateKey = ''): StateEvent | undefined =>
    otherEvents.find((event) => event.type === type && event.state_key === stateKey);
  const values: Record<string, Fact> = {};
  const put: Put = (path, value, event, state, reason) => {
    const fact: Fact = { path, value, state: state ?? (event ? 'set' : 'default') };
    if (event) fact.event = { type: event.type, stateKey: event.state_key };
    if (fact.state === 'default') fact.defaultBy = MATRIX_SPEC;
    if (reason && fact.state === 'unknown') fact.reason = reason;
    // A value of another type than declared (a join_rule that is a number) cannot be judged.
    const type = ROOM_FACTS[path].type;
    if (!fitsType(type, value, fact.state)) Object.assign(fact, { value: null, state: 'unknown', reason: event ? message('roomFact.wrongTypeIn', { event: event.type, type }) : message('roomFact.wrongTypeInput', { type }) });
    values[path] = fact;
  };

  const create = stateOf('m.room.create');
  put('room.id', input.roomId, create);
  put('room.version', asText(create?.content.room_version ?? '1'), create);
  put('room.type', create?.content.type ?? null, create);
  put('room.isSpace', create?.content.type === 'm.space', create);
  put('room.createdAt', create?.origin_server_ts ?? null, create, create?.origin_server_ts ? 'set' : 'unknown', message('roomFact.noCreationTime'));
  put('federate', create ? create.content['m.federate'] !== false : true, create);
  const now = input.now ?? Date.now();
  const createdAt = typeof create?.origin_server_ts === 'number' ? create.origin_server_ts : undefined;
  put('room.ageDays', createdAt ? daysBetween(createdAt, now) : null, create, createdAt ? 'set' : 'unknown', message('roomFact.noCreationTime'));

  const encryption = stateOf('m.room.encryption');
  put('encryption.enabled', Boolean(encryption?.content.algorithm), encryption);
  put('encryption.algorithm', encryption?.content.algorithm ?? null, encryption);

  const joinRules = stateOf('m.room.join_rules');
  put('joinRule', joinRules?.content.join_rule ?? 'invite', joinRules);
  put('joinRule.allow', (Array.isArray(joinRules?.content.allow) ? joinRules.content.allow : []).map((entry: any) => entry?.room_id).filter(Boolean), joinRules);

  const guest = stateOf('m.room.guest_access');
  put('guestAccess', guest?.content.guest_access === 'can_join' ? 'can_join' : 'forbidden', guest);

  const history = stateOf('m.room.history_visibility');
  const visibility = history?.content.history_visibility;
  put('historyVisibility', ['world_readable', 'shared', 'invited', 'joined'].includes(visibility) ? visibility : 'shared', history);

  const acl = stateOf('m.room.server_acl');
  const strings = (list: unknown) => (Array.isArray(list) ? list.filter((item): item is string => typeof item === 'string') : []);
  put('serverAcl.present', Boolean(acl), acl);
  put('serverAcl.allow', acl ? strings(acl.content.allow) : ['*'], acl);
  put('serverAcl.deny', acl ? strings(acl.content.deny) : [], acl);
  put('serverAcl.allowIpLiterals', acl ? acl.content.allow_ip_literals !== false : true, acl, acl && 'allow_ip_literals' in acl.content ? 'set' : 'default');
  // A glob made only of * and ? (with a *) matches every server name.
  put('serverAcl.allowsAny', !acl || strings(acl.content.allow).some((glob) => /^[*?]*\*[*?]*$/.test(glob)), acl);

  const aliases = stateOf('m.room.canonical_alias');
  const alias = aliases?.content.alias ?? null;
  put('alias.canonical', alias, aliases);
  put('alias.present', Boolean(alias) || strings(aliases?.content.alt_aliases).length > 0, aliases);

  const retention = otherEvents.find((event) => event.type === 'm.room.retention');
  put('retention.maxLifetime', Number.isInteger(retention?.content.max_lifetime) ? retention!.content.max_lifetime : null, retention);
  const tombstone = stateOf('m.room.tombstone');
  put('tombstone.present', Boolean(tombstone?.content.replacement_room), tombstone);
  const effective = effectiveMaxLifetime(values['retention.maxLifetime'].value as number | null, server);
  put('retention.effectiveMaxLifetime', effective.value, retention, effective.state, effective.reason);
  put('retention.effectiveSource', effective.source ?? null, retention, effective.state, effective.reason);
  putPurgeJobs(put, values['retention.maxLifetime'].value as number | null, server);
  putStoredHistory(put, input.stored, now);
  putStorage(put, input.storage, now);
  put('room.name', stateOf('m.room.name')?.content.name ?? null, stateOf('m.room.name'));

  // Members: given, or read from the state's membership events.
  const members = input.members ?? (memberEvents.length ? memberEvents.filter((e) => e.content.membership === 'join').map((e) => e.state_key) : undefined);
  const memberState: Fact['state'] = members ? 'set' : 'unknown';
  const memberReason = MEMBER_REASON;
  // Member servers and the local count in one pass.
  const local = input.localServer?.toLowerCase();
  const perServer = new Map<string, number>();
  let localCount = 0;
  for (const id of members ?? []) {
    const name = serverOf(id);
    perServer.set(name, (perServer.get(name) ?? 0) + 1);
    if (name === local) localCount += 1;
  }
  const servers = [...perServer.keys()].sort();
  put('members.count', members?.length ?? null, undefined, memberState, memberReason);
  put('members.servers', servers, undefined, memberState, memberReason);
  put('members.serverCount', servers.length, undefined, memberState, memberReason);
  // Where the room's metadata goes: members per server, most first (the HTML report draws it).
  put('members.perServer', Object.fromEntries([...perServer].sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]))), undefined, memberState, memberReason);
  put('members.hasMatrixOrg', servers.includes('matrix.org'), undefined, memberState, memberReason);
  const bots = members ? bridgeBots(members, server) : [];
  put('members.bots', bots, undefined, memberState, memberReason);
  put('members.humanCount', members ? members.length - bots.length : null, undefined, memberState, memberReason);
  const localKnown = Boolean(members && local);
  put('members.localRatio', localKnown && members!.length ? localCount / members!.length : null, undefined,
    localKnown ? memberState : 'unknown', local ? memberReason : message('roomFact.noLocalServer'));

  putPowerLevels(put, stateOf, members, String(values['room.version'].value));
  putBridges(put, otherEvents, members, server);

  put('directory.published', input.published ?? null, undefined, input.published === undefined ? 'unknown' : 'set', message('roomFact.directoryUnknown'));
  put('activity.lastEventTs', input.lastEventTs ?? null, undefined, input.lastEventTs === undefined ? 'unknown' : 'set', message('roomFact.noNewestEvent'));
  put('activity.idleDays', input.lastEventTs === undefined ? null : daysBetween(input.lastEventTs, now), undefined,
    input.lastEventTs === undefined ? 'unknown' : 'set', message('roomFact.noNewestEvent'));

  // Server settings some room rules need (guests need allow_guest_access on the server).
  if (server) {
    const guests = server.get('allow_guest_access');
    put('server.allowGuestAccess', pythonTruthy(guests.value), undefined, guests.state === 'unknown' ? 'unknown' : 'set', optionUnknown(guests));
  } else {
    put('server.allowGuestAccess', null, undefined, 'unknown', reasonMessage('roomFact.noConfig'));
  }

  // Rules naming another path are refused when loaded: reaching here is a bug in a check function.
  const get = (path: string): Fact => {
    if (!isRoomFact(path)) throw new Error(`no room fact named ${path} (src/facts/room-fact-table.ts declares them)`);
    return values[path];
  };
  return { target: 'room', roomId: input.roomId, source: input.source, values, get, extra: { input, server } };
}

/** Power levels: who may post messages, who may invite (counted over the joined members). */
function putPowerLevels(put: Put, stateOf: (type: string) => StateEvent | undefined, members: string[] | undefined, version: string): void {
  const power = stateOf('m.room.power_levels');
  const levels = power?.content ?? {};
  const number = (value: unknown, fallback: number) => (typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : fallback);
  const create = stateOf('m.room.create');
  const creator = create?.content.creator ?? create?.sender;
  // From room version 12 (MSC4289) the creators outrank every power level and are not listed in it.
  const privilegedCreators = /^\d+$/.test(version) ? Number(version) >= 12 : version === 'org.matrix.hydra.11';
  const creators = new Set([create?.sender, ...(Array.isArray(create?.content.additional_creators) ? create!.content.additional_creators : [])]);
  // A Map of the explicit levels: looking each member up in the event's users object was the
  // slowest step on a room of 100,000 members.
  const explicit = new Map<string, unknown>(levels.users && typeof levels.users === 'object' ? Object.entries(levels.users) : []);
  const defaultLevel = number(levels.users_default, 0);
  const userLevel = (userId: string): number => {
    if (privilegedCreators && creators.has(userId)) return Infinity;
    if (!power) return userId === creator ? 100 : 0;
    return explicit.size ? number(explicit.get(userId), defaultLevel) : defaultLevel;
  };
  const usersDefault = power ? number(levels.users_default, 0) : 0;
  const eventsDefault = number(levels.events_default, 0);
  const messageLevel = number(levels.events?.['m.room.message'], eventsDefault);
  const inviteLevel = number(levels.invite, 0);
  // A key absent from the event takes the spec's default, like an absent event.
  const levelState = (...keys: unknown[]): Fact['state'] => (power && keys.some((key) => key !== undefined) ? 'set' : 'default');
  put('powerLevels.usersDefault', usersDefault, power, levelState(levels.users_default));
  put('powerLevels.eventsDefault', eventsDefault, power, levelState(levels.events_default));
  put('powerLevels.messageLevel', messageLevel, power, levelState(levels.events?.['m.room.message'], levels.events_default));
  put('powerLevels.invite', inviteLevel, power, levelState(levels.invite));
  put('powerLevels.stateDefault', number(levels.state_default, 50), power, levelState(levels.state_default));
  put('posters.everyone', usersDefault >= messageLevel, power);
  put('inviters.everyone', usersDefault >= inviteLevel, power);
  let posters = 0;
  let inviters = 0;
  for (const id of members ?? []) {
    const level = userLevel(id);
    if (level >= messageLevel) posters += 1;
    if (level >= inviteLevel) inviters += 1;
  }
  put('posters.count', members ? posters : null, power, members ? undefined : 'unknown', MEMBER_REASON);
  put('inviters.count', members ? inviters : null, power, members ? undefined : 'unknown', MEMBER_REASON);
  put('posters.ratio', members?.length ? posters / members.length : null, power, members ? undefined : 'unknown', MEMBER_REASON);
}

/** Bridges: bridge info state (MSC2346), appservice namespaces, known puppet and bot names. */
function putBridges(put: Put, state: StateEvent[], members: string[] | undefined, server?: ServerFacts): void {
  const bridgeEvents = state.filter((event) => event.type === 'm.bridge' || event.type === 'uk.half-shot.bridge');
  const networks = new Set<string>();
  const reasons: Message[] = [];
  for (const event of bridgeEvents) {
    const protocol = asText(event.content.protocol?.id ?? event.state_key.split('/')[1] ?? '').toLowerCase();
    const guessed = guessNetworks(protocol, asText(event.content.protocol?.displayname ?? ''), event.state_key);
    (guessed.length ? guessed : [protocol || 'unknown']).forEach((network) => networks.add(network));
    reasons.push(message('roomFact.bridgeState', { type: event.type, protocol: protocol || event.state_key }));
  }
  for (const service of server?.appservices ?? []) {
    const matching = (members ?? []).filter((id) => service.userRegexes.some((regex) => safeRegex(regex)?.test(id)));
    if (matching.length) {
      service.networks.forEach((network) => networks.add(network));
      reasons.push(message('roomFact.bridgeNamespace', { count: matching.length, appservice: service.id ?? service.file }));
    }
  }
  for (const id of members ?? []) {
    if (!ANY_PUPPET.test(id)) continue;
    for (const [network, pattern] of PUPPET_PATTERNS) {
      if (pattern.test(id)) {
        if (!networks.has(network)) reasons.push(message('roomFact.bridgeUser', { user: id, network }));
        networks.add(network);
      }
    }
  }
  put('bridge.present', networks.size > 0, bridgeEvents[0], bridgeEvents[0] || networks.size || members ? 'set' : 'unknown', message('roomFact.noBridgeEvidence'));
  put('bridge.networks', [...networks].sort(), bridgeEvents[0], networks.size || members ? 'set' : 'unknown', message('roomFact.noMembers'));
  put('bridge.reasons', reasons, bridgeEvents[0]);
  put('bridge.breaksEncryption', PLAINTEXT_NETWORKS.some((network) => networks.has(network)), bridgeEvents[0], networks.size || members ? 'set' : 'unknown', message('roomFact.noMembers'));
}

/** Whole days from `from` to `to` (ms timestamps). */
function daysBetween(from: number, to: number): number {
  return Math.floor((to - from) / DAY_MS);
}

/** Members that are bridge bots: known bot names, or an appservice's sender_localpart. */
function bridgeBots(members: string[], server?: ServerFacts): string[] {
  const senders = (server?.appservices ?? []).map((service) => service.senderLocalpart).filter((localpart): localpart is string => Boolean(localpart));
  return members.filter((id) => BOT_PATTERN.test(id) || senders.some((localpart) => id.startsWith(`@${localpart}:`)));
}

/** How long this server keeps the room's messages, as Synapse's purge jobs compute it: the room's
 *  max_lifetime, else the server's default policy, clamped to allowed_lifetime_min/max; null = forever.
 *  A room's m.room.retention is ignored while retention.enabled is off. `source` says where it comes from. */
function effectiveMaxLifetime(roomMaxLifetime: number | null, server?: ServerFacts): { value: number | null; state: Fact['state']; reason?: Message; source?: string } {
  if (!server) return { value: null, state: 'unknown', reason: message('roomFact.retentionNoConfig') };
  const options = ['retention.enabled', 'retention.default_policy.max_lifetime', 'retention.allowed_lifetime_min', 'retention.allowed_lifetime_max'].map((path) => server.get(path));
  const unreadable = options.find((fact) => fact.state === 'unknown');
  if (unreadable) return { value: null, state: 'unknown', reason: optionUnknown(unreadable) };
  const [enabled, defaultMax, allowedMin, allowedMax] = options;
  if (!pythonTruthy(enabled.value)) {
    return { value: null, state: 'set', source: roomMaxLifetime === null ? 'retention-off' : 'retention-off-room-ignored' };
  }
  const duration = (fact: Fact): number | null => {
    const parsed = parseDuration(fact.value);
    return fact.value === null || fact.value === undefined || !parsed.ok ? null : parsed.value;
  };
  let lifetime = roomMaxLifetime ?? duration(defaultMax);
  let source = roomMaxLifetime !== null ? 'room-policy' : 'server-default';
  if (lifetime === null) return { value: null, state: 'set', source: 'no-policy' };
  const min = duration(allowedMin);
  const max = duration(allowedMax);
  if (min !== null && lifetime < min) [lifetime, source] = [min, `${source}+raised-to-min`];
  if (max !== null && lifetime > max) [lifetime, source] = [max, `${source}+capped-by-max`];
  return { value: lifetime, state: 'set', source };
}

function safeRegex(source: string): RegExp | undefined {
  try {
    return new RegExp(`^(?:${source})$`);
  } catch {
    return undefined;
  }
}
