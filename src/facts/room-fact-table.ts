// Every fact a room rule can read, with its type and what it says: the room's counterpart of the
// option catalogue. buildRoomFacts records only these (its `put` is typed by them), its `get`
// refuses any other path, a value of another type is recorded as unknown, and a rule naming another
// path is refused at build and at load.

export type RoomFactType = 'boolean' | 'number' | 'string' | 'string[]' | 'counts' | 'messages' | 'boolean | null' | 'number | null' | 'string | null';

export interface RoomFactEntry {
  type: RoomFactType;
  /** The state event type it is read from (`directory`: the room directory), which a room rule's
   *  fix.set can change; absent when no event decides it (activity, the server's config). */
  from?: string;
  doc: string;
}

export const ROOM_FACTS = {
  'room.id': { type: 'string', from: 'm.room.create', doc: 'The room id.' },
  'room.version': { type: 'string', from: 'm.room.create', doc: 'The room version (m.room.create room_version; 1 when absent).' },
  'room.type': { type: 'string | null', from: 'm.room.create', doc: 'The room type of m.room.create (m.space for a space).' },
  'room.isSpace': { type: 'boolean', from: 'm.room.create', doc: 'The room is a space.' },
  'room.name': { type: 'string | null', from: 'm.room.name', doc: 'The room name (m.room.name).' },
  'room.createdAt': { type: 'number | null', from: 'm.room.create', doc: 'When the room was created (ms, m.room.create origin_server_ts).' },
  'room.ageDays': { type: 'number | null', from: 'm.room.create', doc: 'Whole days since the room was created.' },
  federate: { type: 'boolean', from: 'm.room.create', doc: 'Users of other servers may join (m.federate is not false).' },
  'encryption.enabled': { type: 'boolean', from: 'm.room.encryption', doc: 'The room is end-to-end encrypted (m.room.encryption has an algorithm).' },
  'encryption.algorithm': { type: 'string | null', from: 'm.room.encryption', doc: 'The encryption algorithm.' },
  joinRule: { type: 'string', from: 'm.room.join_rules', doc: 'Who may join: the join rule (invite when absent).' },
  'joinRule.allow': { type: 'string[]', from: 'm.room.join_rules', doc: 'The rooms whose members may join a restricted room.' },
  guestAccess: { type: 'string', from: 'm.room.guest_access', doc: 'can_join or forbidden (m.room.guest_access).' },
  historyVisibility: { type: 'string', from: 'm.room.history_visibility', doc: 'Who may read the history: world_readable, shared, invited or joined (shared when absent).' },
  'serverAcl.present': { type: 'boolean', from: 'm.room.server_acl', doc: 'The room has a server ACL.' },
  'serverAcl.allow': { type: 'string[]', from: 'm.room.server_acl', doc: 'The ACL\'s allowed server globs ([*] without an ACL).' },
  'serverAcl.deny': { type: 'string[]', from: 'm.room.server_acl', doc: 'The ACL\'s denied server globs.' },
  'serverAcl.allowIpLiterals': { type: 'boolean', from: 'm.room.server_acl', doc: 'Servers named by an IP address may take part (allow_ip_literals is not false).' },
  'serverAcl.allowsAny': { type: 'boolean', from: 'm.room.server_acl', doc: 'The ACL (or its absence) allows every server name.' },
  'alias.canonical': { type: 'string | null', from: 'm.room.canonical_alias', doc: 'The room\'s main address.' },
  'alias.present': { type: 'boolean', from: 'm.room.canonical_alias', doc: 'The room has a main or an alternative address.' },
  'retention.maxLifetime': { type: 'number | null', from: 'm.room.retention', doc: 'The room\'s own m.room.retention max_lifetime (ms).' },
  'retention.effectiveMaxLifetime': { type: 'number | null', from: 'm.room.retention', doc: 'How long the server keeps the messages (ms; null: forever), from the room\'s policy and the server\'s retention config.' },
  'retention.effectiveSource': { type: 'string | null', from: 'm.room.retention', doc: 'Where retention.effectiveMaxLifetime comes from: room-policy or server-default (with +raised-to-min, +capped-by-max when clamped), retention-off, retention-off-room-ignored, or no-policy.' },
  'retention.purgeIntervalMs': { type: 'number | null', doc: 'The longest interval between two runs of a retention purge job (ms; null while retention is off).' },
  'retention.purgeJobCovers': { type: 'boolean | null', doc: 'A purge job visits the room: its own max_lifetime (else the default policy\'s) falls in a job\'s range.' },
  'stored.oldestMessageTs': { type: 'number | null', doc: 'When the server received the oldest non-state event it still stores (ms; null: none; measured by mxlint server).' },
  'stored.oldestMessageSentTs': { type: 'number | null', doc: 'The origin_server_ts of that event (older than its reception when a bridge imported history).' },
  'stored.oldestMessageAgeMs': { type: 'number | null', doc: 'How long the server has stored that event (ms).' },
  'stored.nextEventAgeMs': { type: 'number | null', doc: 'How long the server has stored the event right after it (ms; null: none, it is the newest).' },
  'stored.sizeBytes': { type: 'number | null', doc: 'The room\'s estimated size in the database (bytes; Synapse\'s statistics list its 10 largest rooms, on PostgreSQL).' },
  'stored.forgottenPurgeOverdueMs': { type: 'number | null', doc: 'How long ago the purge Synapse scheduled when every local member forgot the room was due (ms; null: none pending, or not due yet).' },
  'stored.forgottenPurgeStatus': { type: 'string | null', doc: 'The status of that purge task (scheduled, active, failed; null: none pending).' },
  'tombstone.present': { type: 'boolean', from: 'm.room.tombstone', doc: 'The room was replaced by another (m.room.tombstone).' },
  'members.count': { type: 'number | null', from: 'm.room.member', doc: 'How many members have joined.' },
  'members.servers': { type: 'string[]', from: 'm.room.member', doc: 'The servers of the joined members.' },
  'members.serverCount': { type: 'number', from: 'm.room.member', doc: 'How many servers the joined members are on.' },
  'members.perServer': { type: 'counts', from: 'm.room.member', doc: 'Joined members per server, most first (where the room\'s metadata goes).' },
  'members.hasMatrixOrg': { type: 'boolean', from: 'm.room.member', doc: 'A joined member is on matrix.org.' },
  'members.bots': { type: 'string[]', from: 'm.room.member', doc: 'Joined members that are bridge bots.' },
  'members.humanCount': { type: 'number | null', from: 'm.room.member', doc: 'Joined members that are not bridge bots.' },
  'members.localRatio': { type: 'number | null', from: 'm.room.member', doc: 'The share of joined members on this server (0 to 1).' },
  'powerLevels.usersDefault': { type: 'number', from: 'm.room.power_levels', doc: 'The power level members get by default.' },
  'powerLevels.eventsDefault': { type: 'number', from: 'm.room.power_levels', doc: 'The power level events need by default.' },
  'powerLevels.messageLevel': { type: 'number', from: 'm.room.power_levels', doc: 'The power level sending m.room.message needs.' },
  'powerLevels.invite': { type: 'number', from: 'm.room.power_levels', doc: 'The power level inviting needs.' },
  'powerLevels.stateDefault': { type: 'number', from: 'm.room.power_levels', doc: 'The power level changing the room\'s state needs by default.' },
  'posters.everyone': { type: 'boolean', from: 'm.room.power_levels', doc: 'Every member can send messages by default.' },
  'posters.count': { type: 'number | null', from: 'm.room.power_levels', doc: 'Joined members who can send messages.' },
  'posters.ratio': { type: 'number | null', from: 'm.room.power_levels', doc: 'The share of joined members who can send messages.' },
  'inviters.everyone': { type: 'boolean', from: 'm.room.power_levels', doc: 'Every member can invite by default.' },
  'inviters.count': { type: 'number | null', from: 'm.room.power_levels', doc: 'Joined members who can invite.' },
  'bridge.present': { type: 'boolean', from: 'm.bridge', doc: 'The room is bridged (bridge state, an appservice namespace, or bridge user names).' },
  'bridge.networks': { type: 'string[]', from: 'm.bridge', doc: 'The networks it is bridged to.' },
  'bridge.reasons': { type: 'messages', from: 'm.bridge', doc: 'What gave each bridge away (messages: an id and data each).' },
  'bridge.breaksEncryption': { type: 'boolean', from: 'm.bridge', doc: 'A bridge to a network that cannot carry encryption (IRC, XMPP).' },
  'directory.published': { type: 'boolean | null', from: 'directory', doc: 'The room is listed in the server\'s public room directory.' },
  'activity.lastEventTs': { type: 'number | null', doc: 'When the newest event was sent (ms).' },
  'activity.idleDays': { type: 'number | null', doc: 'Whole days since the newest event.' },
  'server.allowGuestAccess': { type: 'boolean | null', doc: 'The server lets guests in (allow_guest_access; needs --config).' },
} as const satisfies Record<string, RoomFactEntry>;

export type RoomFactPath = keyof typeof ROOM_FACTS;

export const isRoomFact = (path: string): path is RoomFactPath => Object.hasOwn(ROOM_FACTS, path);

/** What a room rule's fix.set may name: the event types (and the directory) room facts are read from. */
export const ROOM_FACT_SOURCES: ReadonlySet<string> = new Set(Object.values(ROOM_FACTS as Record<string, RoomFactEntry>).flatMap((entry) => (entry.from ? [entry.from] : [])));

/** Whether a value is of the declared type; an unknown fact may also be null. */
export function fitsType(type: RoomFactType, value: unknown, state: 'set' | 'default' | 'unknown'): boolean {
  if (value === null) return type.endsWith('| null') || state === 'unknown';
  const base = type.replace(' | null', '');
  if (base === 'messages') return Array.isArray(value) && value.every((item) => typeof item?.id === 'string' && typeof item.data === 'object');
  if (base === 'counts') return typeof value === 'object' && !Array.isArray(value) && Object.values(value as object).every((count) => typeof count === 'number');
  return base === 'string[]' ? Array.isArray(value) && value.every((item) => typeof item === 'string') : typeof value === base;
}
