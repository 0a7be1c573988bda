// Rooms the e2e tests build on the sandbox Synapse through matrix-js-sdk: one per use case, and
// the traps the guide warns about. Each spec says how to create it and who joins it.
import type { ICreateRoomOpts, MatrixClient } from 'matrix-js-sdk';

/** State events of createRoom's initial_state. */
export const state = {
  encryption: { type: 'm.room.encryption', state_key: '', content: { algorithm: 'm.megolm.v1.aes-sha2' } },
  guests: (value: 'can_join' | 'forbidden') => ({ type: 'm.room.guest_access', state_key: '', content: { guest_access: value } }),
  history: (value: 'invited' | 'joined' | 'shared' | 'world_readable') => ({ type: 'm.room.history_visibility', state_key: '', content: { history_visibility: value } }),
  acl: (allow: string[], allowIpLiterals = false) => ({ type: 'm.room.server_acl', state_key: '', content: { allow, deny: [], allow_ip_literals: allowIpLiterals } }),
};


export type Member = 'bob' | 'carol';

export interface RoomSpec {
  /** createRoom options; `invite` is filled from `join`. */
  create: (context: { serverName: string; run: string; spaceId?: string }) => ICreateRoomOpts;
  /** Users who join after the creator (invited first unless the room is public). */
  join?: Member[];
  /** Needs the association space (a restricted join rule). */
  inSpace?: boolean;
  /** Created by bob instead of alice. */
  byBob?: boolean;
}

const restrictedTo = (spaceId: string) => ({
  type: 'm.room.join_rules', state_key: '', content: { join_rule: 'restricted', allow: [{ type: 'm.room_membership', room_id: spaceId }] },
});

const bridge = (protocol: string, displayname: string, stateKey: string) => ({
  type: 'm.bridge', state_key: stateKey,
  content: { bridgebot: `@${protocol}bot:test.local`, protocol: { id: protocol, displayname }, channel: { id: 'mxlint' } },
});

/** One room per use case, built the way the guide describes that use case. */
export const USE_CASE_ROOMS: Record<string, RoomSpec> = {
  // Element's "start a direct chat": trusted_private_chat, encrypted, guests off, not published.
  direct: {
    create: () => ({ preset: 'trusted_private_chat' as any, is_direct: true, initial_state: [state.encryption, state.guests('forbidden')] }),
    join: ['bob'],
  },
  // Invite only, encrypted, guests off, moderators invite, history from invitation, ACL to this server.
  'trusted-group': {
    create: ({ serverName }) => ({
      preset: 'private_chat' as any, power_level_content_override: { invite: 50 },
      initial_state: [state.encryption, state.guests('forbidden'), state.history('invited'), state.acl([serverName])],
    }),
    join: ['bob', 'carol'],
  },
  // Anyone can join (not published), everyone posts, guests welcome, the ACL keeps it on trusted servers.
  'activist-exchange': {
    create: ({ serverName }) => ({ preset: 'public_chat' as any, initial_state: [state.guests('can_join'), state.acl([serverName])] }),
    join: ['bob'],
  },
  // Public, history world-readable, only moderators post and invite.
  'activist-broadcast': {
    create: () => ({ preset: 'public_chat' as any, power_level_content_override: { events_default: 50, invite: 50 }, initial_state: [state.history('world_readable')] }),
    join: ['bob', 'carol'],
  },
  // Space members only (restricted), encrypted, guests off, on the association's server.
  association: {
    create: ({ spaceId }) => ({ preset: 'private_chat' as any, initial_state: [state.encryption, state.guests('forbidden'), state.history('invited'), restrictedTo(spaceId!)] }),
    join: ['bob'],
    inSpace: true,
  },
  // Public and published with an address; anyone may post; guests may read.
  'public-help': {
    create: ({ run }) => ({ preset: 'public_chat' as any, visibility: 'public' as any, room_alias_name: `help-${run}`, initial_state: [state.guests('can_join')] }),
    join: ['bob'],
  },
  // Guests welcome, unencrypted, an address to share.
  pseudonymous: {
    create: ({ run }) => ({ preset: 'public_chat' as any, room_alias_name: `pseudo-${run}`, initial_state: [state.guests('can_join'), state.history('shared')] }),
  },
  // Not federated, invite only, encrypted, guests off, history from joining.
  anonymous: {
    create: () => ({ preset: 'private_chat' as any, creation_content: { 'm.federate': false }, initial_state: [state.encryption, state.guests('forbidden'), state.history('joined')] }),
    join: ['bob'],
  },
  // One room per action: not federated, invite only, only the organiser (admin) invites.
  action: {
    create: () => ({
      preset: 'private_chat' as any, creation_content: { 'm.federate': false }, power_level_content_override: { invite: 100 },
      initial_state: [state.encryption, state.guests('forbidden'), state.history('invited')],
    }),
    join: ['bob'],
  },
  // Public, published, with an address, history readable by anyone.
  'public-community': {
    create: ({ run }) => ({ preset: 'public_chat' as any, visibility: 'public' as any, room_alias_name: `community-${run}`, initial_state: [state.history('world_readable')] }),
    join: ['bob', 'carol'],
  },
};

/** The traps: settings that look private, or are not what they seem. */
export const TRAP_ROOMS: Record<string, RoomSpec> = {
  // private_chat sets guest_access can_join: with allow_guest_access on the server, guests get in.
  'guest-trap': { create: () => ({ preset: 'private_chat' as any, initial_state: [state.encryption] }), join: ['bob'] },
  // An ACL that allows every server, and IP literals: restricts nothing.
  'acl-any': { create: () => ({ preset: 'private_chat' as any, initial_state: [state.encryption, state.guests('forbidden'), state.acl(['*'], true)] }) },
  // Encrypted yet world-readable: the history is promised to everyone and readable by nobody new.
  'world-readable-encrypted': { create: () => ({ preset: 'private_chat' as any, initial_state: [state.encryption, state.guests('forbidden'), state.history('world_readable')] }) },
  // Encrypted and bridged to IRC: the bridge cannot read it.
  'bridged-irc': {
    create: () => ({ preset: 'private_chat' as any, initial_state: [state.encryption, state.guests('forbidden'), bridge('irc', 'IRC', 'org.matrix.appservice-irc://irc/libera/#mxlint')] }),
  },
  // Bridged to WhatsApp (a phone-number network).
  'bridged-whatsapp': {
    create: () => ({ preset: 'private_chat' as any, initial_state: [state.encryption, state.guests('forbidden'), bridge('whatsapp', 'WhatsApp', 'fi.mau.whatsapp://whatsapp/mxlint')] }),
  },
  // Bob's private room alice is not in (403 for her), and bob's world-readable one (state readable).
  'bob-private': { create: () => ({ preset: 'private_chat' as any, initial_state: [state.history('shared')] }), byBob: true },
  'bob-world-readable': { create: () => ({ preset: 'public_chat' as any, initial_state: [state.history('world_readable')] }), byBob: true },
};

export interface BuiltRoom { roomId: string; alias?: string }

/** Create a room from a spec as `creator`, then invite and join its members. */
export async function buildRoom(spec: RoomSpec, clients: { creator: MatrixClient; members: Record<Member, MatrixClient>; userIds: Record<Member, string> },
  context: { serverName: string; run: string; spaceId?: string; name: string }): Promise<BuiltRoom> {
  const options = spec.create(context);
  const join = spec.join ?? [];
  const isPublic = options.preset === ('public_chat' as any);
  const { room_id: roomId } = await clients.creator.createRoom({
    ...options, name: context.name, ...(join.length && !isPublic ? { invite: join.map((member) => clients.userIds[member]) } : {}),
  });
  for (const member of join) await clients.members[member].joinRoom(roomId);
  return { roomId, alias: options.room_alias_name ? `#${options.room_alias_name}:${context.serverName}` : undefined };
}
