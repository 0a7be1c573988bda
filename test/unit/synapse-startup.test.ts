// Shape refusals of Synapse 1.160 (each reading checked with its loader: test/e2e/fidelity.e2e.test.ts).
import { describe, expect, it } from 'vitest';
import { databaseFailures, refusedCombinations, retentionFailures, secretTypeFailures, sectionShapeFailures } from '../../src/engine/checks/synapse-startup.js';

const DB = { database: { name: 'sqlite3', args: { database: 'x.db' } } };
const paths = (failures: Array<{ path: string }>) => failures.map((failure) => failure.path);

describe('databaseFailures (synapse/config/database.py)', () => {
  it.each([
    [{}, ['database']],
    [{ database: {} }, ['database']],
    [{ database: null }, ['database']],
    [{ database_path: '' }, ['database']],
    [{ database: 'postgres://u:p@h/db' }, ['database']],
    [{ database: { name: 'mysql' } }, ['database.name']],
    [{ ...DB, databases: { main: { name: 'sqlite3' } } }, ['databases']],
    [{ databases: { main: { name: 'sqlite3' } }, database_path: 'x.db' }, ['database_path']],
    [{ databases: { main: 'x' } }, ['databases.main']],
  ])('%j is refused at %j', (config, expected) => {
    expect(paths(databaseFailures(config))).toEqual(expected);
  });

  it.each([[DB], [{ database_path: 'x.db' }], [{ databases: { main: { name: 'psycopg2' } } }], [{ database: { args: {} } }], [{ databases: {}, database_path: 'x.db' }]])('%j is accepted', (config) => {
    expect(databaseFailures(config)).toEqual([]);
  });

  it('never quotes the value (a database URL may hold a password)', () => {
    const [failure] = databaseFailures({ database: 'postgres://u:hunter2@h/db' });
    expect(failure.message).toEqual({ id: 'startup.databaseNotMapping', data: { path: 'database', kind: { id: 'kind.string', data: {} } } });
    expect(JSON.stringify(failure)).not.toMatch(/hunter2/);
  });
});

describe('sectionShapeFailures', () => {
  it.each([
    ['retention', 'yes', true], ['retention', '', true], ['retention', null, false], ['retention', [], true],
    ['media_retention', '', false], ['media_retention', [], false], ['media_retention', false, false], ['media_retention', 'yes', true], ['media_retention', [1], true],
    ['rc_message', null, true], ['email', false, true], ['presence', true, true],
    ['room_list_publication_rules', [], false], ['room_list_publication_rules', 'yes', true], ['room_list_publication_rules', [1], true],
  ])('%s: %j refused: %s', (section, value, refused) => {
    expect(paths(sectionShapeFailures({ [section]: value }))).toEqual(refused ? [section] : []);
  });
});

describe('secretTypeFailures', () => {
  it.each([[123], [['a']], [new Uint8Array([104, 105])], [true], [{ a: 1 }]])('macaroon_secret_key %j is refused, its value never shown', (value) => {
    const [failure] = secretTypeFailures({ macaroon_secret_key: value });
    expect(failure.path).toBe('macaroon_secret_key');
    expect(failure.message).toMatchObject({ id: 'startup.secretNotString', data: { path: 'macaroon_secret_key' } });
    expect(JSON.stringify(failure)).not.toMatch(/123|104|"a"/);
  });

  it('accepts strings and null, and the secrets Synapse takes as they are', () => {
    expect(secretTypeFailures({ form_secret: 'x', macaroon_secret_key: null, turn_shared_secret: 5 })).toEqual([]);
    expect(paths(secretTypeFailures({ matrix_authentication_service: { secret: 5 } }))).toEqual(['matrix_authentication_service.secret']);
  });
});

describe('retentionFailures (synapse/config/retention.py)', () => {
  it.each([
    [{ default_policy: { min_lifetime: '30d', max_lifetime: '1d' } }, ['retention.default_policy.min_lifetime']],
    [{ allowed_lifetime_min: '1y', allowed_lifetime_max: '1d' }, ['retention.allowed_lifetime_min']],
    [{ purge_jobs: [{ longest_max_lifetime: '3d' }, { interval: '1d', shortest_max_lifetime: '5d', longest_max_lifetime: '1d' }] }, ['retention.purge_jobs.0', 'retention.purge_jobs.1']],
    [{ default_policy: { min_lifetime: '1d', max_lifetime: '30d' }, purge_jobs: [{ interval: '12h' }] }, []],
    [{ default_policy: { min_lifetime: '6M', max_lifetime: '1d' } }, []], // 6M is refused by the duration check
  ])('%j → %j', (retention, expected) => {
    expect(paths(retentionFailures({ retention }))).toEqual(expected);
  });
});

describe('refusedCombinations', () => {
  it('e-mail delegation, restrict_public_rooms_to_local_users with allow_public_rooms_*, an unknown rule action', () => {
    expect(paths(refusedCombinations({
      account_threepid_delegates: { email: 'https://vector.im' },
      restrict_public_rooms_to_local_users: true,
      allow_public_rooms_without_auth: false,
      room_list_publication_rules: [{ action: 'allow' }, { action: 'permit' }],
      alias_creation_rules: [{ user_id: '*' }],
    }))).toEqual(['account_threepid_delegates.email', 'restrict_public_rooms_to_local_users', 'room_list_publication_rules.1', 'alias_creation_rules.0']);
    expect(refusedCombinations({ account_threepid_delegates: { msisdn: 'https://x' }, restrict_public_rooms_to_local_users: true })).toEqual([]);
  });
});
