// Dedicated room checks, and the derived room facts the room rules rely on.
import { describe, expect, it } from 'vitest';
import {
  aclAllowsSomeone, effectiveRetentionAtMost, federationRestricted, membersOnOneServer, notBridged, postingLevel,
} from '../../src/engine/checks/room.js';
import type { CheckFunction } from '../../src/engine/checks/types.js';
import { render } from '../../src/messages/message.js';
import { buildRoomFacts, type RoomFacts, type RoomInput, type StateEvent } from '../../src/facts/room-facts.js';
import { buildServerFacts, type ServerFacts } from '../../src/facts/server-facts.js';
import { parseYamlText, type YamlFile } from '../../src/sources/yaml-file.js';

const ALICE = '@alice:example.org';
const DAY = 86_400_000;
const T0 = Date.UTC(2025, 0, 15);

const event = (type: string, content: Record<string, unknown>, stateKey = '', extra: Partial<StateEvent> = {}): StateEvent =>
  ({ type, state_key: stateKey, sender: ALICE, content, origin_server_ts: T0, ...extra });
const create = (content: Record<string, unknown> = {}) => event('m.room.create', { room_version: '10', creator: ALICE, ...content });

function serverOf(text: string): ServerFacts {
  const file = parseYamlText('homeserver.yaml', Buffer.from(text));
  const config = (file.data ?? {}) as Record<string, unknown>;
  const ownerOf = new Map<string, YamlFile>(Object.keys(config).map((key) => [key, file]));
  return buildServerFacts({ files: [file], config, ownerOf }, ['homeserver.yaml']);
}

function roomOf(state: StateEvent[], input: Partial<RoomInput> = {}, server?: ServerFacts): RoomFacts {
  return buildRoomFacts({ roomId: '!room:example.org', source: 'test', state: [create(), ...state], localServer: 'example.org', ...input }, server);
}

function run(check: CheckFunction, facts: RoomFacts, path: string, options: Record<string, unknown> = {}) {
  const outcome = check(facts.get(path), { facts, options });
  return Array.isArray(outcome) ? outcome[0] : outcome;
}

describe('aclAllowsSomeone', () => {
  it('passes without a server ACL', () => {
    expect(run(aclAllowsSomeone, roomOf([]), 'serverAcl.allow')).toMatchObject({ status: 'pass', message: { id: 'room.noAcl' } });
  });
  it('fails an ACL with no allow key: the spec denies every server', () => {
    const outcome = run(aclAllowsSomeone, roomOf([event('m.room.server_acl', { deny: ['matrix.org'] })]), 'serverAcl.allow');
    expect(outcome).toMatchObject({ status: 'fail', event: { type: 'm.room.server_acl', stateKey: '' }, message: { id: 'room.aclEmptyAllow' } });
  });
  it('ignores allow entries that are not strings', () => {
    expect(run(aclAllowsSomeone, roomOf([event('m.room.server_acl', { allow: [42, null] })]), 'serverAcl.allow').status).toBe('fail');
  });
});

describe('federationRestricted', () => {
  const acl = (content: Record<string, unknown>) => roomOf([event('m.room.server_acl', content)]);
  it('passes a room created with m.federate false', () => {
    const facts = buildRoomFacts({ roomId: '!r:example.org', source: 'test', state: [create({ 'm.federate': false })] });
    expect(run(federationRestricted, facts, 'federate')).toMatchObject({ status: 'pass', message: { id: 'room.federateFalse' } });
  });
  it('passes an allow-list of named servers without IP literals', () => {
    const outcome = run(federationRestricted, acl({ allow: ['example.org', '*.chatons.example'], allow_ip_literals: false }), 'federate');
    expect(outcome).toMatchObject({ status: 'pass', message: { id: 'room.aclOnly', data: { servers: 'example.org, *.chatons.example' } } });
    expect(render('en', outcome.message)).toBe('the server ACL allows only example.org, *.chatons.example, and no IP literals');
  });
  it('fails a federated room without an ACL', () => {
    expect(run(federationRestricted, roomOf([]), 'federate')).toMatchObject({ status: 'fail', message: { id: 'room.federatesNoAcl', data: { open: { id: 'room.federates' } } } });
  });
  it('treats "*", "?*" and "**" as allowing every server', () => {
    for (const glob of ['*', '?*', '**']) {
      const outcome = run(federationRestricted, acl({ allow: [glob], deny: ['matrix.org'], allow_ip_literals: false }), 'federate');
      expect(outcome.message, glob).toMatchObject({ id: 'room.federatesAclAny', data: { allow: JSON.stringify([glob]) } });
    }
  });
  it('fails an allow-list that still lets IP literals in (the spec default)', () => {
    const outcome = run(federationRestricted, acl({ allow: ['example.org'] }), 'federate');
    expect(outcome).toMatchObject({ status: 'fail', path: 'serverAcl.allowIpLiterals', message: { id: 'room.aclIpLiterals', data: { servers: 'example.org' } } });
  });
  it('fails an empty allow list: nobody at all', () => {
    expect(run(federationRestricted, acl({ allow: [], allow_ip_literals: false }), 'federate').message).toMatchObject({ id: 'room.aclEmptyAllow' });
  });
});

describe('membersOnOneServer', () => {
  it('is unknown without a member list', () => {
    expect(run(membersOnOneServer, roomOf([]), 'members.servers').status).toBe('unknown');
  });
  it('passes when every member is local', () => {
    expect(run(membersOnOneServer, roomOf([], { members: [ALICE, '@bob:Example.org'] }), 'members.servers').message).toEqual({ id: 'room.oneServer', data: { server: 'example.org' } });
  });
  it('names the servers, and shortens long lists', () => {
    const members = Array.from({ length: 12 }, (_, index) => `@u:s${String(index).padStart(2, '0')}.example`);
    const outcome = run(membersOnOneServer, roomOf([], { members }), 'members.servers');
    expect(outcome.status).toBe('fail');
    expect(outcome.message).toMatchObject({ id: 'room.manyServers', data: { count: 12, servers: { id: 'room.serversAndMore', data: { servers: expect.stringMatching(/^s00.example, .*s07.example$/), more: 4 } } } });
    expect(render('fr', outcome.message)).toMatch(/^les membres sont sur 12 serveurs \(s00.example, .*s07.example et 4 de plus\)/);
  });
});

describe('notBridged', () => {
  it('names what gave the bridge away', () => {
    const outcome = run(notBridged, roomOf([], { members: [ALICE, '@signal_0f4c:example.org'] }), 'bridge.present');
    expect(outcome).toMatchObject({
      status: 'fail',
      message: { id: 'room.bridged', data: { networks: 'signal', reasons: [{ id: 'roomFact.bridgeUser', data: { user: '@signal_0f4c:example.org', network: 'signal' } }] } },
    });
    expect(render('en', outcome.message)).toBe('the room is bridged to signal: @signal_0f4c:example.org looks like a signal bridge user');
  });
  it('lists at most three clues, in the report\'s language', () => {
    const members = [ALICE, '@signal_1:example.org', '@whatsapp_2:example.org', '@telegram_3:example.org', '@_discord_4:example.org'];
    const outcome = run(notBridged, roomOf([], { members }), 'bridge.present');
    expect(render('en', outcome.message)).toMatch(/^the room is bridged to discord, signal, telegram, whatsapp: @signal_1:example.org looks like a signal bridge user; .*; and 1 more$/);
    expect(render('fr', outcome.message)).toMatch(/^le salon est relié par un pont à discord, signal, telegram, whatsapp\u00a0: @signal_1:example.org ressemble à un utilisateur de pont signal\u00a0; .*\u00a0; et 1 de plus$/);
  });
  it('passes a plain room with a member list, and is unknown without one', () => {
    expect(run(notBridged, roomOf([], { members: [ALICE] }), 'bridge.present').status).toBe('pass');
    expect(run(notBridged, roomOf([]), 'bridge.present').status).toBe('unknown');
  });
});

describe('postingLevel', () => {
  const power = (content: Record<string, unknown>) => event('m.room.power_levels', { users: { [ALICE]: 100 }, ...content });
  it('counts who can post when events_default is raised', () => {
    const facts = roomOf([power({ events_default: 50 })], { members: [ALICE, '@b:example.org', '@c:example.org'] });
    const outcome = run(postingLevel, facts, 'posters.everyone', { everyone: false });
    expect(outcome).toMatchObject({
      status: 'pass',
      message: { id: 'room.postersCounted', data: { level: { id: 'room.postingLevel', data: { needed: 50, key: 'events_default', usersDefault: 0 } }, posters: 1, members: 3 } },
    });
    expect(render('en', outcome.message)).toBe('sending messages needs power level 50 (events_default), members get 0 by default (users_default): 1 of 3 members can post');
    expect(run(postingLevel, facts, 'posters.everyone', { everyone: true }).status).toBe('fail');
  });
  it('names events["m.room.message"] when it is what restricts posting', () => {
    const facts = roomOf([power({ events: { 'm.room.message': 50 } })]);
    expect(run(postingLevel, facts, 'posters.everyone', { everyone: true }).message).toEqual({ id: 'room.postingLevel', data: { needed: 50, key: 'events["m.room.message"]', usersDefault: 0 } });
  });
  it('reads numeric strings as Synapse does, and users_default raised as well', () => {
    const facts = roomOf([power({ events_default: '50', users_default: 50 })]);
    expect(run(postingLevel, facts, 'posters.everyone', { everyone: true }).status).toBe('pass');
  });
  it('says everyone posts when the room has no power levels', () => {
    expect(run(postingLevel, roomOf([]), 'posters.everyone', { everyone: false })).toMatchObject({ status: 'fail', message: { id: 'room.noPowerLevels' } });
  });
});

describe('effectiveRetentionAtMost and retention.effectiveMaxLifetime', () => {
  const retention = (ms: number) => event('m.room.retention', { max_lifetime: ms });
  const check = (state: StateEvent[], yaml?: string) =>
    run(effectiveRetentionAtMost, roomOf(state, {}, yaml === undefined ? undefined : serverOf(yaml)), 'retention.effectiveMaxLifetime', { max: '184d' });
  it('is unknown without the server config', () => {
    expect(check([retention(30 * DAY)]).status).toBe('unknown');
  });
  it('ignores the room policy while retention is disabled (the default)', () => {
    expect(check([retention(30 * DAY)], 'server_name: example.org\n')).toMatchObject({
      status: 'fail', message: { id: 'room.lifetimeFrom', data: { seen: { id: 'generic.forever' }, source: { id: 'roomFact.source.retentionOffRoomIgnored' } } },
    });
  });
  it('uses the server default for rooms without a policy, and the room policy first', () => {
    const yaml = 'retention:\n  enabled: true\n  default_policy:\n    max_lifetime: 1y\n';
    expect(check([], yaml).message).toMatchObject({ id: 'room.lifetimeFrom', data: { seen: { id: 'generic.moreThan', data: { max: '184d' } }, source: { id: 'roomFact.source.serverDefault' } } });
    expect(render('en', check([], yaml).message)).toMatch(/1y\), more than 184d \(the server's retention.default_policy.max_lifetime\)/);
    expect(check([retention(30 * DAY)], yaml)).toMatchObject({ status: 'pass', value: 30 * DAY });
  });
  it('clamps to allowed_lifetime_min and allowed_lifetime_max', () => {
    const yaml = 'retention:\n  enabled: true\n  allowed_lifetime_min: 1d\n  allowed_lifetime_max: 90d\n';
    const roomPolicy = { id: 'roomFact.source.roomPolicy', data: {} };
    expect(check([retention(365 * DAY)], yaml)).toMatchObject({ status: 'pass', value: 90 * DAY, message: { data: { source: { id: 'roomFact.source.cappedByMax', data: { source: roomPolicy } } } } });
    expect(check([retention(3_600_000)], yaml)).toMatchObject({ value: DAY, message: { data: { source: { id: 'roomFact.source.raisedToMin', data: { source: roomPolicy } } } } });
    expect(roomOf([retention(3_600_000)], {}, serverOf(yaml)).get('retention.effectiveSource').value).toBe('room-policy+raised-to-min');
  });
  it('is unknown when a retention option is an unrendered placeholder', () => {
    expect(check([], 'retention:\n  enabled: ${RETENTION}\n').status).toBe('unknown');
  });
});

describe('derived room facts', () => {
  it('does not count bridge bots, nor an appservice sender, as people', () => {
    const members = [ALICE, '@whatsapp_33611223344:example.org', '@whatsappbot:example.org', '@relay:example.org'];
    const base = serverOf('server_name: example.org\n');
    const server = { ...base, appservices: [{ file: 'relay.yaml', read: true, senderLocalpart: 'relay', userRegexes: ['@relay_.*:example\\.org'], aliasRegexes: [], networks: ['whatsapp'] }] };
    const facts = roomOf([], { members }, server);
    expect(facts.get('members.bots').value).toEqual(['@whatsappbot:example.org', '@relay:example.org']);
    expect(facts.get('members.humanCount').value).toBe(2);
  });
  it('computes ages from the given "now", and leaves them unknown without timestamps', () => {
    const facts = roomOf([], { now: T0 + 45 * DAY + 3_600_000, lastEventTs: T0 + 40 * DAY });
    expect(facts.get('room.ageDays').value).toBe(45);
    expect(facts.get('activity.idleDays').value).toBe(5);
    const bare = buildRoomFacts({ roomId: '!r:example.org', source: 'test', state: [event('m.room.create', { room_version: '10' }, '', { origin_server_ts: undefined })] });
    expect(bare.get('room.ageDays').state).toBe('unknown');
    expect(bare.get('activity.idleDays').state).toBe('unknown');
  });
  it('marks IRC and XMPP bridges as breaking encryption', () => {
    const irc = roomOf([event('m.bridge', { protocol: { id: 'irc' } }, 'org.matrix.appservice-irc://irc/libera.chat/#x')], { members: [ALICE] });
    expect(irc.get('bridge.breaksEncryption').value).toBe(true);
    const whatsapp = roomOf([], { members: [ALICE, '@whatsapp_336:example.org'] });
    expect(whatsapp.get('bridge.breaksEncryption')).toMatchObject({ value: false, state: 'set' });
    expect(roomOf([]).get('bridge.breaksEncryption').state).toBe('unknown');
  });
  it('counts room v12 creators as able to post and invite, though absent from the power levels', () => {
    const state = [
      { type: 'm.room.create', state_key: '', sender: ALICE, content: { room_version: '12', additional_creators: ['@bob:example.org'] } },
      event('m.room.power_levels', { users: {}, invite: 100, events_default: 50 }),
    ];
    const facts = buildRoomFacts({ roomId: '!r:example.org', source: 'test', state, members: [ALICE, '@bob:example.org', '@carol:example.org'] });
    expect(facts.get('inviters.count').value).toBe(2);
    expect(facts.get('posters.count').value).toBe(2);
  });
  it('gives a key missing from an event the spec default, as a default', () => {
    const facts = roomOf([event('m.room.server_acl', { allow: ['*'] }), event('m.room.power_levels', { users: { [ALICE]: 100 } })]);
    expect(facts.get('serverAcl.allowIpLiterals')).toMatchObject({ value: true, state: 'default' });
    expect(facts.get('powerLevels.invite')).toMatchObject({ value: 0, state: 'default' });
  });
});
