// Secrets of every shape (issue 18): one secret of each shape, each with its own random marker, in
// a config; every output mxlint has is then searched for each marker in every form it could be
// printed in (as is, base64, its byte codes, URL-encoded and -decoded, lower case). The printed
// --fix-dry-run diff must still apply with patch -p1; --patch-file writes the whole patch.
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { mxlint, type Run } from './run.js';

const marker = (label: string) => `mk${label}${randomBytes(8).toString('hex')}`;
/** label → the marker planted, in the shapes below. */
const M = Object.fromEntries(['plain', 'list', 'map', 'binary', 'comment', 'commented', 'block', 'folded', 'oidc', 'baseurl', 'idserver', 'sentry',
  'dbpass', 'dburl', 'dbconninfo', 'flow', 'shadowed', 'pepper', 'alias'].map((label) => [label, marker(label)]));
const NUMBER = String(100_000_000_000 + Number.parseInt(randomBytes(4).toString('hex'), 16));
/** A URL password with characters URL encoding changes (`@` and `!`), written encoded. */
const URL_PASSWORD = `${M.baseurl}@!x`;

const CONFIG = `server_name: example.org
report_stats: false
public_baseurl: https://admin:${encodeURIComponent(URL_PASSWORD)}@matrix.example.org/
default_identity_server: https://u:${M.idserver}@id.example.org
registration_shared_secret: ${M.shadowed}
macaroon_secret_key: {inner: ${M.map}}
form_secret: !!binary ${Buffer.from(M.binary).toString('base64')}
worker_replication_secret: ${NUMBER}
turn_shared_secret: [${M.list}, second-${M.list}]
turn_password: ${M.comment} # the old one was ${M.commented}
email:
  smtp_host: mail.example.org
  smtp_pass: |
    ${M.block}
  notif_from: "Matrix <noreply@example.org>"
recaptcha_private_key: >-
  ${M.folded}
enable_registration: true
enable_registration_captcha: true
recaptcha_public_key: public-site-key
password_config:
  pepper: '${M.pepper}'
oidc_providers:
  - idp_id: keycloak
    issuer: https://id.example.org/
    client_id: synapse
    client_secret: "${M.oidc}"
sentry:
  dsn: "https://${M.sentry}@sentry.example.org/1"
database:
  name: psycopg2
  args:
    user: synapse
    password: ${M.dbpass}
    database: "postgresql://synapse:${M.dburl}@db.example.org/synapse"
    options: "host=db password=${M.dbconninfo} sslmode=require"
redis: {enabled: true, password: "${M.flow}"}
presence:
  enabled: true
jwt_config: {enabled: true, secret: &jwt "${M.alias}", algorithm: HS256}
# An alias copies a secret under a key that is no secret: only the scrub of what was read catches it.
admin_contact: *jwt
push:
  include_content: true
`;
/** conf.d overrides a secret: the one shadowed in homeserver.yaml must not show either. */
const CONF_D = `registration_shared_secret: "${M.plain}"\n`;

/** Every form a marker could be printed in. */
function needles(): Array<[string, string]> {
  const all: Array<[string, string]> = [];
  const forms = (label: string, value: string) => {
    const bytes = Buffer.from(value);
    all.push([label, value], [`${label} lower case`, value.toLowerCase()], [`${label} base64`, bytes.toString('base64').replace(/=+$/, '')],
      [`${label} byte codes`, [...bytes].join(',')], [`${label} byte codes, spaced`, [...bytes].join(', ')],
      [`${label} URL-encoded`, encodeURIComponent(value)], [`${label} URL-decoded`, decodeURIComponent(value)]);
  };
  for (const [label, value] of Object.entries(M)) forms(label, value);
  forms('number', NUMBER);
  forms('URL password', URL_PASSWORD);
  return all;
}

interface Output { name: string; text: string }
const leaksIn = (outputs: Output[]) => outputs.flatMap((output) => needles().filter(([, value]) => output.text.includes(value)).map(([label]) => `${label} in ${output.name}`));

describe('secrets of every shape: nothing mxlint prints or writes shows one (issue 18)', () => {
  let dir: string;
  const outputs: Output[] = [];
  const run = (name: string, args: string[], cwd = dir): Run => {
    const result = mxlint(['--log-level', 'debug', ...args], { cwd });
    outputs.push({ name: `${name}: stdout`, text: result.stdout }, { name: `${name}: stderr`, text: result.stderr });
    expect(result.stderr, name).not.toMatch(/internal error|\n\s+at /);
    return result;
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'mxlint-secrets-'));
    writeFileSync(join(dir, 'homeserver.yaml'), CONFIG);
    mkdirSync(join(dir, 'conf.d'));
    writeFileSync(join(dir, 'conf.d', '10-secret.yaml'), CONF_D);
    writeFileSync(join(dir, 'new.yaml'), CONFIG.replace('enable_registration: true', 'enable_registration: false'));
    mkdirSync(join(dir, 'out'));
  });

  it('the search finds what is there: every marker is in the config, in one of its forms', () => {
    const given = [{ name: 'config', text: CONFIG + CONF_D }];
    const found = new Set(leaksIn(given).map((leak) => leak.replace(/ (lower case|base64|byte codes.*|URL-.*)? ?in config$/, '')));
    expect([...Object.keys(M), 'number', 'URL password'].filter((label) => !found.has(label))).toEqual([]);
  });

  it('every format, on stdout and in files, --dump-facts, baselines, explain, diff, --fix-dry-run, --fix, at debug level', () => {
    const config = ['homeserver.yaml', 'conf.d'];
    const formats = ['text', 'json', 'sarif', 'junit', 'markdown', 'github', 'gitlab', 'html'];
    // Each config run reads the config (exit 1: findings), so the search is over real reports.
    for (const format of formats) expect(run(`config -f ${format}`, ['config', ...config, '--no-policy', '-v', '-f', format, '-u', 'chatons']).code).toBe(1);
    run('config -o files', ['config', ...config, '--no-policy', '-f', 'text', ...formats.slice(1).flatMap((format) => ['-f', format, '-o', `out/report.${format}`])]);
    expect(run('--dump-facts', ['config', ...config, '--no-policy', '--dump-facts']).stdout).toMatch(/^turn_shared_secret = "<redacted>"/m);
    run('--dump-facts -f json', ['config', ...config, '--no-policy', '--dump-facts', '-f', 'json']);
    run('--write-baseline', ['config', ...config, '--no-policy', '--write-baseline', 'out/baseline.json']);
    run('--baseline', ['config', ...config, '--no-policy', '--baseline', 'out/baseline.json', '-f', 'json']);
    run('explain', ['explain', 'secrets-in-files', '--no-policy']);
    for (const format of ['text', 'json', 'markdown']) run(`diff -f ${format}`, ['diff', 'homeserver.yaml', 'new.yaml', '--no-policy', '-f', format]);
    run('--fix-dry-run', ['config', ...config, '--no-policy', '-u', 'chatons', '--fix-level', 'info', '--fix-dry-run']);
    run('--fix-dry-run -f json', ['config', ...config, '--no-policy', '-u', 'chatons', '--fix-level', 'info', '--fix-dry-run', '-f', 'json']);
    const fixDir = mkdtempSync(join(tmpdir(), 'mxlint-secrets-fix-'));
    cpSync(dir, fixDir, { recursive: true });
    run('--fix', ['config', ...config, '--no-policy', '-u', 'chatons', '--fix-level', 'info', '--fix'], fixDir);
    run('--fix -f json', ['config', 'homeserver.yaml', '--no-policy', '-u', 'public-community', '--fix', '-f', 'json'], fixDir);

    const written = readdirSync(join(dir, 'out')).map((name) => ({ name: `file ${name}`, text: readFileSync(join(dir, 'out', name), 'utf8') }));
    expect(written.length).toBe(formats.length); // six reports and the baseline
    const searched = [...outputs, ...written];
    const leaks = leaksIn(searched);
    process.stdout.write(`secrets: ${Object.keys(M).length + 2} shapes, ${outputs.length / 2} runs, ${searched.length} outputs, ${needles().length} needles: ${leaks.length} found\n`);
    expect(leaks).toEqual([]);
    // Redaction did happen, and the findings still name the options.
    const everything = searched.map((output) => output.text).join('\n');
    expect(everything).toMatch(/<redacted>/);
    expect(everything).toMatch(/recaptcha_private_key/);
  });

  it('the printed diff applies with patch -p1; --patch-file (mode 0600) gives exactly what --fix writes', () => {
    const fixed = mkdtempSync(join(tmpdir(), 'mxlint-secrets-fixed-'));
    cpSync(dir, fixed, { recursive: true });
    const args = ['config', 'homeserver.yaml', 'conf.d', '--no-policy', '-u', 'chatons', '--fix-level', 'info'];
    run('--fix (reference)', [...args, '--fix'], fixed);
    const printed = run('--fix-dry-run --patch-file', [...args, '--fix-dry-run', '--patch-file', join(dir, 'out-whole.diff')]);
    expect(printed.stdout).toMatch(/2 changes touch lines that show a secret: they are not in the diff above; --patch-file FILE writes the whole patch/);
    expect(statSync(join(dir, 'out-whole.diff')).mode & 0o777).toBe(0o600);
    const json = JSON.parse(run('--fix-dry-run -f json (omits)', [...args, '--fix-dry-run', '-f', 'json']).stdout);
    expect(json.diffOmits).toBe(2);
    expect(json.diff).toBe(printed.stdout.slice(0, json.diff.length));
    const patched = (patch: string) => {
      const copy = mkdtempSync(join(tmpdir(), 'mxlint-secrets-patched-'));
      cpSync(dir, copy, { recursive: true });
      const result = spawnSync('patch', ['-p1', '--batch', '--no-backup-if-mismatch'], { cwd: copy, input: patch, encoding: 'utf8' });
      expect(result.status, result.stdout + result.stderr).toBe(0);
      expect(result.stdout).not.toMatch(/offset|fuzz/i);
      return readFileSync(join(copy, 'homeserver.yaml'), 'utf8');
    };
    const reference = readFileSync(join(fixed, 'homeserver.yaml'), 'utf8');
    expect(patched(readFileSync(join(dir, 'out-whole.diff'), 'utf8'))).toBe(reference);
    // The printed one: every change but the two whose lines show a secret (the sections commented out).
    const partly = patched(printed.stdout);
    const differing = reference.split('\n').filter((line) => !partly.split('\n').includes(line));
    expect(differing.map((line) => line.replace(/:.*/, ''))).toEqual(['# default_identity_server', '# sentry', '  # dsn']);
    expect(leaksIn([{ name: 'printed diff', text: printed.stdout }])).toEqual([]);
  });

  it('with no change near a secret, the printed diff alone gives exactly what --fix writes', () => {
    const plain = mkdtempSync(join(tmpdir(), 'mxlint-secrets-near-'));
    // A secret right next to each fixed key: the context must step around it.
    writeFileSync(join(plain, 'homeserver.yaml'), `server_name: example.org\nreport_stats: false\nform_secret: ${M.plain} # was ${M.commented}\npresence:\n  enabled: true\nmacaroon_secret_key: |\n  ${M.block}\npush:\n  include_content: true\nturn_password: ${M.comment}\n`);
    const fixed = mkdtempSync(join(tmpdir(), 'mxlint-secrets-near-fixed-'));
    cpSync(plain, fixed, { recursive: true });
    const args = ['config', 'homeserver.yaml', '--no-policy', '-u', 'chatons', '--fix-level', 'info'];
    run('--fix (near)', [...args, '--fix'], fixed);
    const printed = run('--fix-dry-run (near)', [...args, '--fix-dry-run'], plain);
    expect(printed.stdout).not.toMatch(/not in the diff above/);
    expect(printed.stdout).toMatch(/^@@ -5,1 \+5,1 @@\n-  enabled: true\n\+  enabled: false\n@@ /m);
    const result = spawnSync('patch', ['-p1', '--batch', '--no-backup-if-mismatch'], { cwd: plain, input: printed.stdout, encoding: 'utf8' });
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(readFileSync(join(plain, 'homeserver.yaml'), 'utf8')).toBe(readFileSync(join(fixed, 'homeserver.yaml'), 'utf8'));
    expect(leaksIn([{ name: 'printed diff (near)', text: printed.stdout }])).toEqual([]);
  });

  it('--patch-file goes with --fix-dry-run, and never over a config file', () => {
    expect(run('--patch-file alone', ['config', 'homeserver.yaml', '--no-policy', '-u', 'chatons', '--fix', '--patch-file', 'x.diff']).stderr).toMatch(/--patch-file goes with --fix-dry-run/);
    const over = run('--patch-file over the config', ['config', 'homeserver.yaml', '--no-policy', '-u', 'chatons', '--fix-dry-run', '--patch-file', 'homeserver.yaml']);
    expect(over.code).toBe(2);
    expect(readFileSync(join(dir, 'homeserver.yaml'), 'utf8')).toBe(CONFIG);
  });

  it('errors quote no secret: a bad value on a secret line, a --homeserver with a password', () => {
    const bad = (name: string, text: string) => {
      writeFileSync(join(dir, `${name}.yaml`), text);
      const result = run(`error ${name}`, ['config', `${name}.yaml`, '--no-policy']);
      expect(result.code, name).toBe(2);
      expect(result.stderr, name).toMatch(/invalid YAML/);
    };
    bad('int', `server_name: a\nform_secret: !!int ${M.plain}\n`);
    bad('float', `server_name: a\nmacaroon_secret_key: !!float ${M.plain.toUpperCase()}\n`);
    bad('bool', `server_name: a\nredis: {password: !!bool ${M.flow}}\n`);
    bad('next line', `server_name: a\nredis:\n  password: !!int\n    ${M.dbpass}\n`);
    const homeserver = run('--homeserver with a password', ['room', '!room:example.org', '--homeserver', `https://alice:${encodeURIComponent(URL_PASSWORD)}@matrix.example.org`]);
    expect(homeserver.code).toBe(2);
    expect(homeserver.stderr).toMatch(/--homeserver https:\/\/<redacted>@matrix\.example\.org\/ carries a user name or password/);
    const notUrl = run('--homeserver not a URL', ['server', '--homeserver', `https://alice:${M.baseurl} x@matrix example.org`]);
    expect(notUrl.code).toBe(2);
    expect(leaksIn(outputs.filter((output) => /^(error|--homeserver)/.test(output.name)))).toEqual([]);
  });
});
