// Issue #6, secrets: every command (config, room, server, diff, explain, rules, room --plan...) in
// every output format, on stdout and in --output files, at --log-level debug, against the real
// Synapse with the sandbox's tokens and a config full of known secret values (and an appservice
// registration with as_token/hs_token). None of those values — nor the distinctive part of any —
// may appear in stdout, stderr or any file written. Failure messages name the secret and the
// output, never the value. Also: a token on the command line is refused with a message pointing
// to MATRIX_ACCESS_TOKEN and --token-file; plain http to a host that is not this machine is
// refused unless --allow-insecure-http.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultProxy } from './fault-proxy.js';
import { clientFor, ensureUser, mxlintAsync, pool, type AsyncRun } from './matrix.js';
import { buildRoom, USE_CASE_ROOMS } from './room-specs.js';
import { describeE2E, synapse, type SandboxUser } from './sandbox.js';

const RUN = `sec${Date.now().toString(36)}`;
const FORMATS = ['text', 'json', 'sarif', 'junit', 'github', 'gitlab', 'markdown', 'html'] as const;

/** A secret value: a label (for messages) and 24 random hex digits (what is searched for too). */
const secret = (label: string) => `${label}-${randomBytes(12).toString('hex')}`;
const SECRETS: Record<string, string> = Object.fromEntries([
  'registration_shared_secret', 'macaroon_secret_key', 'form_secret', 'worker_replication_secret', 'email.smtp_pass', 'database.args.password',
  'turn_shared_secret', 'turn_password', 'redis.password', 'recaptcha_private_key', 'jwt_config.secret', 'oidc.client_secret', 'sentry.dsn',
  'signing_key', 'as_token', 'hs_token', 'new.registration_shared_secret', 'new.redis.password', 'new.form_secret',
  // Issue 18: shapes other than a plain string, URL passwords, a trailing comment.
  'turn_shared_secret.list', 'turn_password.comment',
  'public_baseurl password', 'default_identity_server password', 'database URL password',
].map((label) => [label, secret(label.replaceAll(/[. ]/g, '_'))]));
/** A secret given as a number (worker_replication_secret: 123...). */
SECRETS['worker_replication_secret'] = String(100_000_000_000 + randomBytes(4).readUInt32BE());

function configText(which: 'old' | 'new', registration: string): string {
  const s = (label: string) => SECRETS[which === 'new' && SECRETS[`new.${label}`] ? `new.${label}` : label];
  return `# A config full of secrets (issue #6): mxlint must print none of them.
server_name: test.local
report_stats: false
public_baseurl: https://admin:${s('public_baseurl password')}@matrix.test.local/
registration_shared_secret: "${s('registration_shared_secret')}"
macaroon_secret_key: {inner: ${s('macaroon_secret_key')}}
form_secret: !!binary ${Buffer.from(s('form_secret')).toString('base64')}
worker_replication_secret: ${s('worker_replication_secret')}
default_identity_server: https://u:${s('default_identity_server password')}@id.test.local
signing_key: "ed25519 a_AbCd ${s('signing_key')}"
enable_registration: ${which === 'new' ? 'true' : 'false'}
enable_registration_captcha: true
recaptcha_public_key: public-site-key
recaptcha_private_key: ${s('recaptcha_private_key')}
email:
  smtp_host: mail.test.local
  smtp_user: mxlint
  smtp_pass: "${s('email.smtp_pass')}"
  notif_from: "Matrix <noreply@test.local>"
database:
  name: psycopg2
  args: {user: synapse, password: "${s('database.args.password')}", host: localhost, database: "postgresql://synapse:${s('database URL password')}@localhost/synapse"}
turn_uris: ["turn:turn.test.local?transport=udp"]
turn_shared_secret: [${s('turn_shared_secret')}, ${s('turn_shared_secret.list')}]
turn_password: ${s('turn_password')} # the old one: ${s('turn_password.comment')}
redis:
  enabled: true
  password: ${s('redis.password')}
jwt_config: {enabled: true, secret: "${s('jwt_config.secret')}", algorithm: HS256}
oidc_providers:
  - idp_id: keycloak
    issuer: https://id.test.local/realms/test
    client_id: synapse
    client_secret: ${s('oidc.client_secret')}
sentry:
  dsn: "https://${s('sentry.dsn')}@sentry.test.local/1"
app_service_config_files: [${registration}]
`;
}

const REGISTRATION = `id: telegram
url: http://localhost:29317
as_token: ${SECRETS.as_token}
hs_token: "${SECRETS.hs_token}"
sender_localpart: telegrambot
rate_limited: false
namespaces:
  users: [{exclusive: true, regex: '@telegram_.*:test\\.local'}]
  aliases: [{exclusive: true, regex: '#telegram_.*:test\\.local'}]
`;

interface Output { name: string; text: string }

describeE2E('secrets: nothing mxlint prints or writes holds a secret or a token (issue #6)', () => {
  let dir: string;
  let out: string;
  let baseUrl: string;
  let admin: SandboxUser;
  let alice: SandboxUser;
  let roomId: string;
  let tokens: Record<string, string>;
  const outputs: Output[] = [];
  const commandsRun: string[] = [];

  /** Every needle: each secret, each token, and the distinctive (random) part of each. */
  const needles = (): Array<[string, string]> => {
    const all: Array<[string, string]> = [];
    for (const [label, value] of Object.entries(SECRETS)) {
      const bytes = Buffer.from(value);
      all.push([label, value], [`${label} (random part)`, value.slice(-24)], [`${label} (base64)`, bytes.toString('base64').replace(/=+$/, '')],
        [`${label} (byte codes)`, [...bytes].join(',')], [`${label} (URL-encoded)`, encodeURIComponent(value)]);
    }
    for (const [label, value] of Object.entries(tokens)) all.push([label, value], [`${label} (last 16 characters)`, value.slice(-16)]);
    return all;
  };
  const leaksIn = (items: Output[]) => items.flatMap((output) => needles().filter(([, value]) => output.text.includes(value)).map(([label]) => `${label} in ${output.name}`));

  const run = async (name: string, args: string[], token?: string, env: Record<string, string> = {}): Promise<AsyncRun> => {
    const result = await mxlintAsync(['--log-level', 'debug', ...args], { token, env });
    commandsRun.push(name);
    outputs.push({ name: `${name}: stdout`, text: result.stdout }, { name: `${name}: stderr`, text: result.stderr });
    return result;
  };

  beforeAll(async () => {
    const sandbox = synapse!;
    baseUrl = sandbox.baseUrl;
    admin = sandbox.users.admin ?? { userId: '', token: sandbox.adminToken };
    alice = sandbox.users.alice ?? await ensureUser(`alice-${RUN}`);
    const bob = sandbox.users.bob ?? await ensureUser(`bob-${RUN}`);
    tokens = { 'admin access token': sandbox.adminToken, 'alice access token': alice.token, 'bob access token': bob.token };
    dir = mkdtempSync(join(tmpdir(), 'mxlint-secrets-'));
    out = join(dir, 'out');
    mkdirSync(out);
    writeFileSync(join(dir, 'registration.yaml'), REGISTRATION);
    writeFileSync(join(dir, 'homeserver.yaml'), configText('old', join(dir, 'registration.yaml')));
    writeFileSync(join(dir, 'homeserver-new.yaml'), configText('new', join(dir, 'registration.yaml')));
    writeFileSync(join(dir, 'token'), `${alice.token}\n`, { mode: 0o600 });
    const built = await buildRoom(USE_CASE_ROOMS['trusted-group'], { creator: clientFor(alice), members: { bob: clientFor(bob), carol: clientFor(bob) }, userIds: { bob: bob.userId, carol: bob.userId } },
      { serverName: sandbox.serverName, run: RUN, name: `secrets ${RUN} room` });
    roomId = built.roomId;
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('every command, every format, at --log-level debug: no secret and no token in stdout, stderr or a written file', async () => {
    const config = join(dir, 'homeserver.yaml');
    const newConfig = join(dir, 'homeserver-new.yaml');
    const toFiles = (prefix: string) => FORMATS.filter((format) => format !== 'text').flatMap((format) => ['-f', format, '-o', join(out, `${prefix}.${format}`)]);
    const jobs: Array<[string, string[], string?, Record<string, string>?]> = [];
    const withFormats = (name: string, args: string[], token?: string) => {
      // Each format on stdout, then all of them at once into files (text on stdout).
      for (const format of FORMATS) jobs.push([`${name} -f ${format}`, [...args, '-f', format], token]);
      jobs.push([`${name} -o files`, [...args, '-f', 'text', ...toFiles(name.replaceAll(/\W+/g, '-'))], token]);
    };
    withFormats('config', ['config', config, '--no-policy', '--verbose']);
    withFormats('config -u chatons', ['config', config, newConfig, '--no-policy', '-u', 'chatons', '-u', 'team-chat']);
    withFormats('room', ['room', roomId, '--homeserver', baseUrl, '-c', config, '--no-policy', '--verbose'], alice.token);
    withFormats('server', ['server', '--homeserver', baseUrl, '-c', config, '--rooms', RUN, '--no-policy'], admin.token);
    jobs.push(
      ['config --dump-facts', ['config', config, '--dump-facts', '--no-policy']],
      ['config --write-baseline', ['config', config, '--no-policy', '--write-baseline', join(out, 'baseline.json')]],
      ['config --quiet --lang fr', ['config', config, '--no-policy', '--quiet', '--lang', 'fr', '-f', 'markdown']],
      ['room --dump-facts', ['room', roomId, '--homeserver', baseUrl, '-c', config, '--dump-facts', '--no-policy'], alice.token],
      ['room --token-file', ['room', roomId, '--homeserver', baseUrl, '--token-file', join(dir, 'token'), '--no-policy', '-f', 'json']],
      ['room --plan', ['room', roomId, '--homeserver', baseUrl, '-c', config, '--plan', '-u', 'trusted-group', '--no-policy'], alice.token],
      ['room --plan -f json', ['room', roomId, '--homeserver', baseUrl, '-c', config, '--plan', '-u', 'public-community', '--no-policy', '-f', 'json'], alice.token],
      ['server --summary', ['server', '--homeserver', baseUrl, '-c', config, '--rooms', RUN, '--summary', '--no-policy'], admin.token],
      ['diff text', ['diff', config, newConfig, '--no-policy']],
      ['diff json', ['diff', '--old', config, '--new', newConfig, '--no-policy', '-f', 'json']],
      ['diff markdown', ['diff', config, newConfig, '--no-policy', '-f', 'markdown']],
      ['explain', ['explain', 'secrets-in-files', '--no-policy']],
      ['explain fr', ['explain', 'registration-gated', '--lang', 'fr', '--no-policy']],
      ['rules', ['rules']],
      ['use-cases', ['use-cases', '-f', 'json']],
      ['schema json', ['schema', 'json']],
      // Failures print too: a refused token, an unknown room.
      ['room with a bad token', ['room', roomId, '--homeserver', baseUrl, '--no-policy'], `${alice.token}x`],
      ['room unknown', ['room', '!nowhere:test.local', '--homeserver', baseUrl, '--no-policy'], alice.token],
      ['server as a non-admin', ['server', '--homeserver', baseUrl, '--no-policy'], alice.token],
    );
    const results = await pool(jobs, 4, ([name, args, token, env]) => run(name, args, token, env));
    // Each run ended as a run should (a report, or a clean failure for the last three).
    results.forEach((result, index) => {
      const [name] = jobs[index];
      const failing = /bad token|unknown|non-admin/.test(name);
      expect(failing ? [3] : [0, 1], `${name}: exit ${result.code}`).toContain(result.code);
      expect(result.stderr, name).not.toMatch(/internal error|\n\s+at /);
    });
    // The debug log did run (so it was searched): matrix-js-sdk's requests are logged.
    expect(outputs.some((output) => output.name.startsWith('room -f') && output.name.endsWith('stderr') && /"level":20/.test(output.text))).toBe(true);

    const files = readdirSync(out, { recursive: true }).map(String).filter((name) => statSync(join(out, name)).isFile());
    expect(files.length).toBeGreaterThanOrEqual(4 * 6 + 1);
    const written = files.map((name) => ({ name: `file ${name}`, text: readFileSync(join(out, name), 'utf8') }));
    const searched = [...outputs, ...written];
    // The search finds what is there: every secret is in the config files mxlint was given.
    const given = [config, newConfig, join(dir, 'registration.yaml')].map((file) => ({ name: file, text: readFileSync(file, 'utf8') }));
    const present = new Set(leaksIn(given).map((leak) => leak.slice(0, leak.indexOf(' in ')).replace(/ \(.*\)$/, '')));
    expect(Object.keys(SECRETS).filter((label) => !present.has(label))).toEqual([]);
    const leaks = leaksIn(searched);
    process.stdout.write(`secrets: ${commandsRun.length} runs, ${searched.length} outputs (${written.length} files), ${needles().length} needles (${Object.keys(SECRETS).length} secrets, ${Object.keys(tokens).length} tokens, each whole and in part): ${leaks.length} found\n`);
    expect(leaks).toEqual([]);
    // The secrets were really read: the reports name the options that hold them (values redacted).
    const reports = searched.map((output) => output.text).join('\n');
    expect(reports).toMatch(/registration_shared_secret/);
    expect(reports).toMatch(/<redacted>/);
  }, 600_000);

  it('a token on the command line is refused, pointing to MATRIX_ACCESS_TOKEN and --token-file (and not echoed)', async () => {
    const cases = [
      ['room', roomId, '--homeserver', baseUrl, '--token', alice.token],
      ['room', roomId, '--homeserver', baseUrl, `--token=${alice.token}`],
      ['room', roomId, '--homeserver', baseUrl, '--access-token', alice.token],
      ['server', '--homeserver', baseUrl, '--token', admin.token],
      ['server', '--homeserver', baseUrl, '--access-token', admin.token],
    ];
    const runs = await Promise.all(cases.map((args, index) => run(`token on argv ${index}`, args)));
    for (const result of runs) {
      expect(result.code).toBe(2);
      expect(result.stderr.trim()).toBe('mxlint: access tokens are not taken on the command line (other users can read it); set MATRIX_ACCESS_TOKEN or use --token-file FILE');
      expect(result.stdout).toBe('');
    }
    expect(leaksIn(outputs.filter((output) => output.name.startsWith('token on argv')))).toEqual([]);
  });

  it('plain http to another machine is refused; --allow-insecure-http lets it through (shown on a loopback address written another way)', async () => {
    const proxy = await FaultProxy.start(baseUrl);
    try {
      const port = new URL(proxy.url).port;
      // Names that are not this machine (none is contacted: the URL is refused first), including
      // one that only begins like a loopback address.
      const refused = await Promise.all([
        run('http remote', ['room', roomId, '--homeserver', 'http://matrix.example.org'], alice.token),
        run('http 127.0.0.1.example.org', ['room', roomId, '--homeserver', `http://127.0.0.1.example.org:${port}`], alice.token),
        run('http server remote', ['server', '--homeserver', 'http://10.1.2.3:8008'], admin.token),
        // ::ffff:127.0.0.1 is this machine, but not written as a loopback name: refused without the flag.
        run('http mapped loopback', ['room', roomId, '--homeserver', `http://[::ffff:127.0.0.1]:${port}`], alice.token),
      ]);
      for (const result of refused) {
        expect(result.code).toBe(2);
        expect(result.stderr.trim()).toMatch(/^mxlint: --homeserver http:\/\/\S+ is plain http: the access token would travel in clear; use https, or --allow-insecure-http if you accept that$/);
      }
      expect(proxy.requests).toHaveLength(0);
      const allowed = await run('http mapped loopback, allowed', ['room', roomId, '--homeserver', `http://[::ffff:127.0.0.1]:${port}`, '--allow-insecure-http', '--no-policy', '-f', 'json'], alice.token);
      expect([0, 1], allowed.stderr.replaceAll(alice.token, '<token>')).toContain(allowed.code);
      expect(JSON.parse(allowed.stdout).roomId).toBe(roomId);
      expect(proxy.requests.length).toBeGreaterThan(0);
      // Loopback names need no flag.
      const loopback = await run('http 127.0.0.1', ['room', roomId, '--homeserver', proxy.url, '--no-policy', '-f', 'json'], alice.token);
      expect([0, 1]).toContain(loopback.code);
      expect(leaksIn(outputs.filter((output) => output.name.startsWith('http ')))).toEqual([]);
    } finally {
      await proxy.close();
    }
  });
});
