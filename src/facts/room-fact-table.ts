// Every fact a room rule can read, with its type and what it says: the room's counterpart of the
// option catalogue. buildRoomFacts records only these (its `put` is typed by them), its `get`
// refuses any other path, a value of another type is recorded as unknown, and a rule naming another
// path is refused at build and at load.

export type RoomFactType = 'boolean' | 'number' | 'string' | 'string[]' | 'boolean | null' | 'number | null' | 'string | null';

export interface RoomFactEntry {
  type: RoomFactType;
  doc: string;
}

export const ROOM_FACTS = {
  'room.id': { type: 'string', doc: 'The room id.' },
  'room.version': { type: 'string', doc: 'The room version (m.room.create room_version; 1 when absent).' },
  'room.type': { type: 'string | null', doc: 'The room type of m.room.create (m.space for a space).' },
  'room.isSpace': { type: 'boolean', doc: 'The room is a space.' },
  'room.name': { type: 'string | null', doc: 'The room name (m.room.name).' },
  'room.createdAt': { type: 'number | null', doc: 'When the room was created (ms, m.room.create origin_server_ts).' },
  'room.ageDays': { type: 'number | null', doc: 'Whole days since the room was created.' },
  federate: { type: 'boolean', doc: 'Users of other servers may join (m.federate is not false).' },
  'encryption.enabled': { type: 'boolean', doc: 'The room is end-to-end encrypted (m.room.encryption has an algorithm).' },
  'encryption.algorithm': { type: 'string | null', doc: 'The encryption algorithm.' },
  joinRule: { type: 'string', doc: 'Who may join: the join rule (invite when absent).' },
  'joinRule.allow': { type: 'string[]', doc: 'The rooms whose members may join a restricted room.' },
  guestAccess: { type: 'string', doc: 'can_join or forbidden (m.room.guest_access).' },
  historyVisibility: { type: 'string', doc: 'Who may read the history: world_readable, shared, invited or joined (shared when absent).' },
  'serverAcl.present': { type: 'boolean', doc: 'The room has a server ACL.' },
  'serverAcl.allow': { type: 'string[]', doc: 'The ACL\'s allowed server globs ([*] without an ACL).' },
  'serverAcl.deny': { type: 'string[]', doc: 'The ACL\'s denied server globs.' },
  'serverAcl.allowIpLiterals': { type: 'boolean', doc: 'Servers named by an IP address may take part (allow_ip_literals is not false).' },
  'serverAcl.allowsAny': { type: 'boolean', doc: 'The ACL (or its absence) allows every server name.' },
  'alias.canonical': { type: 'string | null', doc: 'The room\'s main address.' },
  'alias.present': { type: 'boolean', doc: 'The room has a main or an alternative address.' },
  'retention.maxLifetime': { type: 'number | null', doc: 'The room\'s own m.room.retention max_lifetime (ms).' },
  'retention.effectiveMaxLifetime': { type: 'number | null', doc: 'How long the server keeps the messages (ms; null: forever), from the room\'s policy and the server\'s retention config.' },
  'retention.effectiveSource': { type: 'string | null', doc: 'Where retention.effectiveMaxLifetime comes from, in words.' },
  'tombstone.present': { type: 'boolean', doc: 'The room was replaced by another (m.room.tombstone).' },
  'members.count': { type: 'number | null', doc: 'How many members have joined.' },
  'members.servers': { type: 'string[]', doc: 'The servers of the joined members.' },
  'members.serverCount': { type: 'number', doc: 'How many servers the joined members are on.' },
  'members.hasMatrixOrg': { type: 'boolean', doc: 'A joined member is on matrix.org.' },
  'members.bots': { type: 'string[]', doc: 'Joined members that are bridge bots.' },
  'members.humanCount': { type: 'number | null', doc: 'Joined members that are not bridge bots.' },
  'members.localRatio': { type: 'number | null', doc: 'The share of joined members on this server (0 to 1).' },
  'powerLevels.usersDefault': { type: 'number', doc: 'The power level members get by default.' },
  'powerLevels.eventsDefault': { type: 'number', doc: 'The power level events need by default.' },
  'powerLevels.messageLevel': { type: 'number', doc: 'The power level sending m.room.message needs.' },
  'powerLevels.invite': { type: 'number', doc: 'The power level inviting needs.' },
  'powerLevels.stateDefault': { type: 'number', doc: 'The power level changing the room\'s state needs by default.' },
  'posters.everyone': { type: 'boolean', doc: 'Every member can send messages by default.' },
  'posters.count': { type: 'number | null', doc: 'Joined members who can send messages.' },
  'posters.ratio': { type: 'number | null', doc: 'The share of joined members who can send messages.' },
  'inviters.everyone': { type: 'boolean', doc: 'Every member can invite by default.' },
  'inviters.count': { type: 'number | null', doc: 'Joined members who can invite.' },
  'bridge.present': { type: 'boolean', doc: 'The room is bridged (bridge state, an appservice namespace, or bridge user names).' },
  'bridge.networks': { type: 'string[]', doc: 'The networks it is bridged to.' },
  'bridge.reasons': { type: 'string[]', doc: 'What gave each bridge away.' },
  'bridge.breaksEncryption': { type: 'boolean', doc: 'A bridge to a network that cannot carry encryption (IRC, XMPP).' },
  'directory.published': { type: 'boolean | null', doc: 'The room is listed in the server\'s public room directory.' },
  'activity.lastEventTs': { type: 'number | null', doc: 'When the newest event was sent (ms).' },
  'activity.idleDays': { type: 'number | null', doc: 'Whole days since the newest event.' },
  'server.allowGuestAccess': { type: 'boolean | null', doc: 'The server lets guests in (allow_guest_access; needs --config).' },
} as const satisfies Record<string, RoomFactEntry>;

export type RoomFactPath = keyof typeof ROOM_FACTS;

export const isRoomFact = (path: string): path is RoomFactPath => Object.hasOwn(ROOM_FACTS, path);

/** Whether a value is of the declared type; an unknown fact may also be null. */
export function fitsType(type: RoomFactType, value: unknown, state: 'set' | 'default' | 'unknown'): boolean {
  if (value === null) return type.endsWith('| null') || state === 'unknown';
  const base = type.replace(' | null', '');
  return base === 'string[]' ? Array.isArray(value) && value.every((item) => typeof item === 'string') : typeof value === base;
}
