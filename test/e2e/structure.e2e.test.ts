// The sections catalogue checked against Synapse 1.160's own loader (scripts/synapse-oracle.py):
// the sections it lists really ignore a sub-key they do not know (Synapse starts, nothing said),
// the ones it leaves out for refusing one really refuse it, and a misplaced or empty section is
// really read as nothing. mxlint reports each of those keys.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCheck } from '../../src/engine/evaluate.js';
import { builtInRules } from '../../src/engine/rules.js';
import { sections } from '../../src/facts/catalogue.js';
import { buildServerFacts } from '../../src/facts/server-facts.js';
import { loadConfigFiles } from '../../src/sources/config-files.js';
import { askOracle, oracleUnavailable } from './oracle.js';

const unavailable = oracleUnavailable();
const scratch = unavailable ? '' : mkdtempSync(join(tmpdir(), 'mxlint-structure-'));
const UNKNOWN = 'mxlint_unknown_sub_key';

function write(name: string, config: Record<string, unknown>): string {
  const file = join(scratch, name);
  writeFileSync(file, JSON.stringify({ server_name: 'structure.test', report_stats: false, database: { name: 'sqlite3', args: { database: ':memory:' } }, ...config }));
  return file;
}

const failing = (ruleId: string, file: string) => {
  const rule = builtInRules().find((candidate) => candidate.id === ruleId)!;
  return (runCheck(rule.check, buildServerFacts(loadConfigFiles([file]), [file])) ?? []).filter((result) => result.status === 'fail');
};

/** Every catalogued section that is one mapping (not list items), with an unknown sub-key in it. */
function everySectionWithAnUnknownKey(): Record<string, unknown> {
  const config: Record<string, any> = {};
  for (const pattern of Object.keys(sections).filter((candidate) => !candidate.includes('*'))) {
    const parts = pattern.split('.');
    let section = config;
    for (const part of parts) section = (section[part] ??= {});
    section[UNKNOWN] = 1;
  }
  // The least some sections need to load once they are not empty.
  Object.assign(config.email, { notif_from: 'mxlint@structure.test' });
  Object.assign(config.user_consent, { version: '1.0', template_dir: scratch });
  Object.assign(config.server_notices, { system_mxid_localpart: 'notices' });
  Object.assign(config.caches.cache_autotuning, { max_cache_memory_usage: '1G', target_cache_memory_usage: '512M', min_cache_ttl: '5m' });
  return config;
}

describe.skipIf(unavailable)('the sections catalogue against Synapse 1.160', () => {
  it('every catalogued section ignores a sub-key it does not know, and known-keys reports each', async () => {
    const file = write('unknown-sub-keys.yaml', everySectionWithAnUnknownKey());
    const oracle = await askOracle([file]);
    expect(oracle.error, oracle.where ?? '').toBeUndefined();
    expect(oracle.loaded).toBe(true);
    // What the oracle cannot load here (a module to import, a missing dependency) is not tested.
    const tested = Object.keys(sections).filter((pattern) => !pattern.includes('*') && !oracle.dropped.some((dropped) => pattern === dropped || pattern.startsWith(`${dropped}.`)));
    expect(tested.length).toBeGreaterThan(50);
    const reported = failing('known-keys', file).map((result) => result.path);
    for (const pattern of tested) expect(reported, pattern).toContain(`${pattern}.${UNKNOWN}`);
  });

  it('list items and named entries ignore an unknown sub-key too', async () => {
    const file = write('unknown-item-keys.yaml', {
      listeners: [{ port: 8008, type: 'http', resources: [{ names: ['client'] }], [UNKNOWN]: 1 }],
      retention: { enabled: true, purge_jobs: [{ interval: '1d', [UNKNOWN]: 1 }] },
      room_list_publication_rules: [{ action: 'allow', [UNKNOWN]: 1 }],
      alias_creation_rules: [{ action: 'allow', [UNKNOWN]: 1 }],
      instance_map: { main: { host: 'localhost', port: 8034, [UNKNOWN]: 1 } },
    });
    expect((await askOracle([file])).loaded).toBe(true);
    expect(failing('known-keys', file).map((result) => result.path)).toEqual([
      `listeners.0.${UNKNOWN}`, `retention.purge_jobs.0.${UNKNOWN}`, `room_list_publication_rules.0.${UNKNOWN}`, `alias_creation_rules.0.${UNKNOWN}`, `instance_map.main.${UNKNOWN}`,
    ]);
  });

  // metrics_flags is read only with metrics on.
  it.each(['limit_remote_rooms', 'metrics_flags', 'rc_federation'])('%s refuses an unknown sub-key: not catalogued, so not reported as ignored', async (section) => {
    const file = write(`refuses-${section}.yaml`, { [section]: { [UNKNOWN]: 1 }, enable_metrics: section === 'metrics_flags' });
    expect((await askOracle([file])).loaded).toBe(false);
    expect(sections[section]).toBeUndefined();
    expect(failing('known-keys', file)).toEqual([]);
  });

  it('media_retention indented under database is read by nobody', async () => {
    const file = write('misplaced.yaml', { database: { name: 'sqlite3', args: { database: ':memory:' }, media_retention: { local_media_lifetime: '90d' } } });
    const oracle = await askOracle([file]);
    expect(oracle.loaded).toBe(true);
    expect(oracle.effective?.['media_retention.local_media_lifetime']).toBeNull();
    expect(failing('no-misplaced-keys', file).map((result) => result.path)).toEqual(['database.media_retention']);
  });

  it('every section catalogued as read-as-absent when None loads written with no value', async () => {
    const nullable = Object.entries(sections).filter(([pattern, entry]) => entry.nullIsAbsent && !pattern.includes('*')).map(([pattern]) => pattern);
    // database: None is read as absent too, and an absent database refuses start-up: checked on its own.
    const topLevel = nullable.filter((pattern) => !pattern.includes('.') && pattern !== 'database');
    // A nested one needs its parent written as a mapping, so it goes in a file of its own.
    const nested = nullable.filter((pattern) => pattern.includes('.')).map((pattern) => ({ [pattern.split('.')[0]]: { [pattern.split('.')[1]]: null } }));
    for (const config of [Object.fromEntries(topLevel.map((pattern) => [pattern, null])), ...nested]) {
      const oracle = await askOracle([write('null-sections.yaml', config)]);
      expect(oracle.error, JSON.stringify(config)).toBeUndefined();
    }
    expect(topLevel.length).toBeGreaterThan(25);
    if (nullable.includes('database')) {
      const oracle = await askOracle([write('null-database.yaml', { database: null })]);
      expect(oracle.error).toMatch(/No database config provided/);
    }
  });

  it('retention: and retention.default_policy: with no value are read as absent', async () => {
    for (const retention of [null, { enabled: true, default_policy: null }]) {
      const file = write('empty.yaml', { retention });
      const oracle = await askOracle([file]);
      expect(oracle.loaded).toBe(true);
      expect(oracle.effective?.['retention.default_policy.max_lifetime']).toBeNull();
      expect(failing('no-empty-sections', file).map((result) => result.path)).toEqual([retention ? 'retention.default_policy' : 'retention']);
    }
  });
});
