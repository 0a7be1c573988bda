import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { masConfigPaths, mergeMasFiles, readMasFile } from '../../src/sources/mas-config.js';
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
