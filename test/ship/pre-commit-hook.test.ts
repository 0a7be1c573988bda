// The hook's own script (bin/mxlint-pre-commit.cjs), given the files pre-commit would pass: each
// server is linted whole, a MAS config with the Synapse config beside it. No pre-commit needed
// (test/ship/pre-commit.test.ts runs the hook through pre-commit itself).
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from '../cli/run.js';
import { NODE24, sh, userEnv } from './shell.js';

const work = mkdtempSync(join(tmpdir(), 'mxlint-hook-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const fixture = join(ROOT, 'fixtures/config/no-google-recaptcha/fail-mas-recaptcha');
const hook = (files: string) => sh(`"${NODE24}" "${join(ROOT, 'bin/mxlint-pre-commit.cjs')}" -u chatons --no-policy ${files}`, work, userEnv());

describe('the pre-commit hook script', () => {
  it("matches MAS configs (mas.yaml, mas-*.yaml, mas/config.yaml), not other names", () => {
    const [entry] = parse(readFileSync(join(ROOT, '.pre-commit-hooks.yaml'), 'utf8'));
    const files = new RegExp(entry.files);
    expect(['mas.yaml', 'srv/mas-prod.yml', 'srv/mas/config.yaml', 'matrix-authentication-service/config.yaml'].filter((path) => !files.test(path))).toEqual([]);
    expect(['master.yaml', 'srv/mas/other.yaml', 'config.yaml'].filter((path) => files.test(path))).toEqual([]);
  });

  it('lints a changed MAS config with the homeserver.yaml beside it, as --mas-config', () => {
    mkdirSync(join(work, 'srv/mas'), { recursive: true });
    copyFileSync(join(fixture, 'homeserver.yaml'), join(work, 'srv/homeserver.yaml'));
    copyFileSync(join(fixture, 'mas/config.yaml'), join(work, 'srv/mas/config.yaml'));
    const run = hook('srv/mas/config.yaml');
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toContain('homeserver configuration srv/homeserver.yaml');
    // The finding points into the MAS file: it was read.
    expect(run.stdout).toMatch(/srv\/mas\/config\.yaml\n {2}! no-google-recaptcha {2}warning: chatons\n {4}4:3 mas\.captcha\.service is "recaptcha_v2"/);
  });

  it('refuses a MAS config with no Synapse config beside it, in one line (exit 2)', () => {
    mkdirSync(join(work, 'alone'), { recursive: true });
    copyFileSync(join(fixture, 'mas/config.yaml'), join(work, 'alone/mas.yaml'));
    const run = hook('alone/mas.yaml');
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual(['mxlint-pre-commit: alone: no homeserver*.yaml in this folder; a MAS config is linted with the Synapse config beside it']);
  });
});
