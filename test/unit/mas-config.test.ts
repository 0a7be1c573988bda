import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { environmentNames, figmentValue, loadMasConfig, MAS_SYSTEM_LOCATIONS, masCandidates, masConfigPaths, masEnvironmentFile, mergeMasFiles, readMasFile } from '../../src/sources/mas-config.js';
import { InputError } from '../../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'mxlint-mas-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const REAL = join(import.meta.dirname, '../../../shared/fixtures/real/mas');

describe('MAS config read as MAS reads it (serde_yaml, YAML 1.2)', () => {
  it('reads yes/no/on as text, 0660 as text, 0o660 as octal, only true/false as booleans', () => {
    const mas = readMasFile(file('scalars.yaml', 'account:\n  a: yes\n  b: off\n  c: True\n  d: 0660\n  d2: 0660.5\n  e: 0o660\n  f: 0x1F\n  g: 1_000\n  h: 1e3\n  i: ~\n  j: 2024-01-01\n'));
    expect(mas.data.account).toEqual({ a: 'yes', b: 'off', c: true, d: '0660', d2: 660.5, e: 0o660, f: 31, g: '1_000', h: 1000, i: null, j: '2024-01-01' });
  });

  it('keeps << as a key (serde_yaml 0.9 applies no merge keys)', () => {
    const mas = readMasFile(file('merge-key.yaml', 'base: &b { x: 1 }\naccount:\n  <<: *b\n'));
    expect(mas.data.account).toEqual({ '<<': { x: 1 } });
  });

  it('keeps the position of every key', () => {
    const mas = readMasFile(file('positions.yaml', 'account:\n  password_registration_enabled: true\n'));
    expect(mas.positions.get('account.password_registration_enabled')).toMatchObject({ line: 2, column: 3 });
  });
});

describe('several MAS files, folded as figment admerge folds them', () => {
  const first = readMasFile(file('a.yaml', 'account:\n  password_registration_enabled: true\n  password_registration_email_required: true\nupstream_oauth2:\n  providers:\n    - id: A\n'));
  const second = readMasFile(file('b.yaml', 'account:\n  password_registration_email_required: false\nupstream_oauth2:\n  providers:\n    - id: B\n'));
  const merged = mergeMasFiles([first, second]);

  it('merges mappings deeply, a later scalar winning', () => {
    expect(merged.config.account).toEqual({ password_registration_enabled: true, password_registration_email_required: false });
    expect(merged.positions.get('account.password_registration_enabled')).toMatchObject({ file: first.path, line: 2 });
    expect(merged.positions.get('account.password_registration_email_required')).toMatchObject({ file: second.path, line: 2 });
  });

  it('concatenates lists, each item keeping the place it is written', () => {
    expect(merged.config.upstream_oauth2).toEqual({ providers: [{ id: 'A' }, { id: 'B' }] });
    expect(merged.positions.get('upstream_oauth2.providers.1.id')).toMatchObject({ file: second.path, line: 5 });
    expect(merged.positions.get('upstream_oauth2.providers.0.id')).toMatchObject({ file: first.path, line: 6 });
  });
});

describe('files that are not MAS config', () => {
  const refusal = (path: string) => {
    try {
      readMasFile(path);
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      return (error as Error).message;
    }
    throw new Error(`${path} was read as MAS config`);
  };

  it('names an ESS Helm values file and what to give instead', () => {
    expect(refusal(join(REAL, '03-nycmesh-ess-email-allowlist.yaml'))).toMatch(/^an Element Server Suite Helm values file, not a MAS config: give the config.yaml MAS runs with/);
  });

  it('names a matrix-docker-ansible-deploy vars.yml and what to give instead', () => {
    expect(refusal(join(REAL, '04-laur1dor-mdad-vars.yaml'))).toMatch(/^a matrix-docker-ansible-deploy vars.yml, not a MAS config/);
  });

  it('refuses a Synapse config given as MAS config', () => {
    expect(refusal(file('homeserver.yaml', 'server_name: example.org\nlisteners: []\n'))).toMatch(/not a MAS config: none of its top-level keys is a MAS section \(it looks like a Synapse config\)/);
  });

  it('refuses what YAML cannot read, with its line', () => {
    expect(refusal(join(REAL, '02-rumpusroom-google-discord-token.yaml'))).toMatch(/^invalid YAML/);
  });
});

describe('which MAS files are read', () => {
  it('takes --mas-config flags first, else MAS_CONFIG split on colons', () => {
    expect(masConfigPaths(['x.yaml'], 'a.yaml:b.yaml')).toEqual(['x.yaml']);
    expect(masConfigPaths([], 'a.yaml:b.yaml')).toEqual(['a.yaml', 'b.yaml']);
    expect(masConfigPaths(undefined, undefined)).toEqual([]);
  });
});

describe("MAS_* environment variables, as figment's Env::prefixed(\"MAS_\").split(\"_\") reads them", () => {
  it('values: booleans, integers, floats, quoted strings with escapes, anything else as written', () => {
    expect(['true', 'false', '10', '-3', '1.5', '"a\\tb"', '"bad\\q"', 'True', '[1, 2]', 'hi'].map(figmentValue))
      .toEqual([true, false, 10, -3, 1.5, 'a\tb', '"bad\\q"', 'True', '[1, 2]', 'hi']);
  });

  it('names: the prefix in any case, lower-cased, split at every _, empty parts and MAS_CONFIG dropped, located at env:NAME', () => {
    const env = masEnvironmentFile({ MAS_CAPTCHA_SERVICE: 'hcaptcha', mas_passwords_enabled: 'false', MAS__X: '1', MAS_CONFIG: 'a.yaml', OTHER: 'x', MAS_HTTP_PUBLIC_BASE: 'https://a/' });
    expect(env?.data).toEqual({ captcha: { service: 'hcaptcha' }, passwords: { enabled: false }, http: { public: { base: 'https://a/' } } });
    expect(env?.positions.get('captcha.service')).toEqual({ file: 'env:MAS_CAPTCHA_SERVICE', line: 0, column: 0 });
    expect(masEnvironmentFile({ PATH: '/bin' })).toBeUndefined();
  });

  it('the files are merged over the environment (a file wins), and only when a file is given', () => {
    const path = file('over-env.yaml', 'passwords:\n  enabled: true\n');
    const mas = loadMasConfig([path], { MAS_PASSWORDS_ENABLED: 'false', MAS_CAPTCHA_SERVICE: 'hcaptcha' })!;
    expect(mas.config).toEqual({ passwords: { enabled: true }, captcha: { service: 'hcaptcha' } });
    expect(mas.files).toEqual([path]);
    expect(environmentNames(mas)).toEqual(['MAS_CAPTCHA_SERVICE']);
    expect(loadMasConfig([], { MAS_CAPTCHA_SERVICE: 'hcaptcha' })).toBeUndefined();
  });
});

describe('MAS config looked for in the usual places', () => {
  it('beside the homeserver config first, then the system locations under the given root', () => {
    mkdirSync(join(dir, 'synapse'), { recursive: true });
    const looked = masCandidates({ beside: [file('synapse/homeserver.yaml', 'server_name: example.org\n')], systemRoot: '/root-for-test' });
    expect(looked.slice(0, 3)).toEqual([join(dir, 'synapse/mas.yaml'), join(dir, 'synapse/mas-config.yaml'), join(dir, 'synapse/mas/config.yaml')]);
    expect(looked).toContain(join(dir, 'mas/config.yaml'));
    expect(looked.slice(-4)).toEqual(MAS_SYSTEM_LOCATIONS.map((location) => join('/root-for-test', location)));
  });

  it('errors say their id', () => {
    const error = (() => { try { readMasFile(file('synapse-like.yaml', 'server_name: example.org\n')); } catch (caught) { return caught as InputError; } })();
    expect(error?.detail.id).toBe('error.masNoSectionSynapse');
    expect(() => readMasFile(file('list.yaml', '- a\n'))).toThrow(expect.objectContaining({ detail: { id: 'error.masRootNotMapping', data: {} } }));
  });
});
