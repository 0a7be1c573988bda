// The structural rules on every real config in ../shared/fixtures/real (read in place, never
// copied): how many failing results each rule gives per config is pinned, so a catalogue change
// that makes them noisier (or quieter) shows. Every finding counted here was read and judged right
// (the report of #13 has the table); the ones below are checked one by one.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCheck } from '../../src/engine/evaluate.js';
import { builtInRules } from '../../src/engine/rules.js';
import { InputError } from '../../src/errors.js';
import { buildServerFacts } from '../../src/facts/server-facts.js';
import { loadConfigFiles } from '../../src/sources/config-files.js';
import type { CheckResult } from '../../src/types.js';
import { render } from '../../src/messages/message.js';

const dir = join(import.meta.dirname, '../../../shared/fixtures/real/homeserver');
const configs = existsSync(dir) ? readdirSync(dir).filter((name) => name.endsWith('.yaml')).sort() : [];
const STRUCTURE = ['known-keys', 'no-misplaced-keys', 'no-duplicate-keys', 'no-deprecated-keys', 'no-skipped-files', 'no-empty-sections'];
const rules = builtInRules().filter((rule) => STRUCTURE.includes(rule.id));

/** Each structural rule's failing results on a real config (with its conf.d when there is one). */
function failures(name: string): Record<string, CheckResult[]> {
  const confd = join(dir, name.replace(/\.yaml$/, '.conf.d'));
  const paths = existsSync(confd) ? [join(dir, name), confd] : [join(dir, name)];
  const facts = buildServerFacts(loadConfigFiles(paths), paths);
  return Object.fromEntries(rules.map((rule) => [rule.id, (runCheck(rule.check, facts) ?? []).filter((result) => result.status === 'fail')]));
}

const PINNED: Record<string, Record<string, number>> = {
  '02-vagrant-synapse-test-2015.yaml': { 'no-deprecated-keys': 14, 'no-duplicate-keys': 1 },
  '04-synapse-sample-config-v1.60.yaml': { 'no-empty-sections': 6 },
  '05-yunohost-synapse-ynh-rendered.yaml': { 'no-deprecated-keys': 2 },
  '08-arcticfoxes-confd.yaml': { 'known-keys': 1, 'no-skipped-files': 2 },
  '09-ocf-berkeley-erb-rendered.yaml': { 'no-deprecated-keys': 4 },
  '11-lawandorga-ngo-s3.yaml': { 'known-keys': 1, 'no-deprecated-keys': 8 },
  '13-automattic-matrix-env.yaml': {},
  '14-telecrypt-nofed.yaml': {},
  '15-beacon-p2p-retention.yaml': { 'no-deprecated-keys': 4 },
  '16-workadventure-guest-oidc.yaml': {},
  '17-klar-sh-nixos.yaml': { 'known-keys': 1, 'no-deprecated-keys': 7 },
  '18-samcday-k8s-mautrix.yaml': {},
  '19-aidop-personal-2021.yaml': { 'no-deprecated-keys': 4, 'no-empty-sections': 4 },
  '20-itshughboi-homelab-envvars.yaml': {},
  '21-colemanhaley-bridges.yaml': { 'no-empty-sections': 6 },
  '22-robertdwhite-privacy-template.yaml': { 'no-empty-sections': 5 },
  '23-doty-workers.yaml': { 'no-deprecated-keys': 2 },
  '24-grantm-private-federation.yaml': { 'no-deprecated-keys': 3 },
  '27-onestacked-mas-whitelist.yaml': {},
  '28-holgi-dokku.yaml': { 'no-deprecated-keys': 1, 'no-empty-sections': 4 },
  '29-turt2live-dev-2020.yaml': { 'no-deprecated-keys': 4, 'no-empty-sections': 2 },
  '34-mindroom-dev-ratelimits.yaml': {},
  '35-shatfel-nofed-placeholders.yaml': { 'no-deprecated-keys': 1, 'no-empty-sections': 4 },
  '40-synapse-1.160-generated.yaml': {},
  '41-debian-sid-package-1.160.yaml': { 'no-deprecated-keys': 3 },
};

describe.skipIf(configs.length === 0)('the structural rules on every real config', () => {
  it.each(configs)('%s', (name) => {
    if (name.startsWith('03-')) {
      // Not YAML as stored (a bare line its start script replaces): an input error, no findings.
      expect(() => failures(name)).toThrow(InputError);
      return;
    }
    const counts = Object.fromEntries(Object.entries(failures(name)).filter(([, found]) => found.length).map(([id, found]) => [id, found.length]));
    expect(counts, `pin the counts of a new real config in ${import.meta.filename}`).toEqual(PINNED[name]);
  });

  it('94 findings in all (the README says so)', () => {
    expect(Object.values(PINNED).flatMap(Object.values).reduce((sum, count) => sum + count, 0)).toBe(94);
  });

  const at = (found: CheckResult[], path: string) => found.find((result) => result.path === path);

  it('known-keys: the misspellings found in the wild, with where they are and what Synapse reads', () => {
    expect(at(failures('11-lawandorga-ngo-s3.yaml')['known-keys'], 'user_directory.enable')).toMatchObject({
      location: { line: 1385 }, message: { id: 'keys.subKeyMisspelt', data: { path: 'user_directory.enable', intended: 'user_directory.enabled', key: 'enable' } },
    });
    const underscore = at(failures('08-arcticfoxes-confd.yaml')['known-keys'], 'allow_underscore_prefixed_registration')!;
    expect(underscore.location).toMatchObject({ file: expect.stringMatching(/conf\.d\/registration\.yaml$/), line: 2 });
    expect(underscore.message).toMatchObject({ data: { replacement: 'allow_underscore_prefixed_localpart' } });
    expect(render('en', underscore.message)).toMatch(/did you mean allow_underscore_prefixed_localpart\?$/);
    expect(at(failures('17-klar-sh-nixos.yaml')['known-keys'], 'user_creation_max_duration')?.message).toEqual({ id: 'keys.unknown', data: { key: 'user_creation_max_duration' } });
  });

  it('no-duplicate-keys: both lines of the 2015 config\'s enable_metrics, the last one kept', () => {
    expect(failures('02-vagrant-synapse-test-2015.yaml')['no-duplicate-keys'][0]).toMatchObject({
      path: 'enable_metrics', location: { line: 86 }, message: { id: 'keys.duplicate', data: { path: 'enable_metrics', first: 47, last: 86 } },
    });
  });

  it('no-deprecated-keys: what Debian\'s own 1.160 homeserver.yaml still carries, and removed sub-keys', () => {
    expect(failures('41-debian-sid-package-1.160.yaml')['no-deprecated-keys'].map((result) => result.path)).toEqual(['uploads_path', 'tls_dh_params_path', 'no_tls']);
    expect(at(failures('09-ocf-berkeley-erb-rendered.yaml')['no-deprecated-keys'], 'stats.retention')).toMatchObject({ location: { line: 111 }, message: { id: 'keys.note', data: { seen: { id: 'keys.removed', data: { path: 'stats.retention' } } } } });
    const expire = at(failures('11-lawandorga-ngo-s3.yaml')['no-deprecated-keys'], 'expire_access_token')!;
    expect(expire.message).toEqual({ id: 'keys.use', data: { seen: { id: 'keys.removedIn', data: { path: 'expire_access_token', version: '1.3.0' } }, replacement: 'session_lifetime' } });
    expect(render('en', expire.message)).toBe('expire_access_token was removed in Synapse 1.3.0 and is ignored; use session_lifetime');
    expect(at(failures('24-grantm-private-federation.yaml')['no-deprecated-keys'], 'listeners.1.bind_address')?.message).toMatchObject({ data: { seen: { id: 'keys.use', data: { seen: { id: 'keys.deprecated', data: { path: 'listeners.1.bind_address', version: '1.160' } }, replacement: 'bind_addresses' } } } });
  });

  it('no-skipped-files: the two empty conf.d files of 08-arcticfoxes', () => {
    expect(failures('08-arcticfoxes-confd.yaml')['no-skipped-files'].map((result) => result.location?.file.split('/').pop())).toEqual(['report_stats.yaml', 'server_name.yaml']);
  });

  it('no-empty-sections: the sample config\'s retention: with nothing under it', () => {
    expect(at(failures('04-synapse-sample-config-v1.60.yaml')['no-empty-sections'], 'retention')).toMatchObject({ location: { line: 570 } });
    expect(failures('22-robertdwhite-privacy-template.yaml')['no-empty-sections'].map((result) => result.path)).toEqual(['presence', 'retention', 'room_prejoin_state', 'push', 'user_directory']);
  });
});
