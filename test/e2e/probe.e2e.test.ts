// `mxlint probe` against real Synapses: the suite's sandbox (registration closed, guests on) behind
// a loopback front that serves the well-known files and delegates to a fault proxy, and a second
// Synapse started with other options (sign-up open with a token, a captcha and an e-mail, guests off, the
// directory and profiles public... , identity server and unencrypted rooms advertised). Each
// result is checked against the config that Synapse runs with.
import { spawn } from 'node:child_process';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../cli/run.js';
import { closedPort, FaultProxy } from './fault-proxy.js';
import { mxlintAsync, type AsyncRun } from './matrix.js';
import { describeE2E, sandboxOrSkip, synapse } from './sandbox.js';
import { CLOSED } from '../unit/probe-recorded.js';

/** A web server in front of `upstream` that answers /.well-known/matrix/* itself, as a site's
 *  own web server does, and forwards everything else. */
async function wellKnownFront(upstream: string, files: Record<string, unknown>): Promise<{ url: string; close(): Promise<void> }> {
  const target = new URL(upstream);
  const server: Server = createServer((req, res) => {
    const name = /^\/\.well-known\/matrix\/(client|server|support)$/.exec(req.url ?? '')?.[1];
    if (name) {
      const body = files[name];
      res.writeHead(body === undefined ? 404 : 200, { 'Content-Type': body === undefined ? 'text/html' : 'application/json' });
      return res.end(body === undefined ? '<html>Not found</html>' : JSON.stringify(body));
    }
    const forward = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forward.on('error', () => res.writeHead(502).end());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const SCRIPT = join(ROOT, 'scripts/synapse-sandbox.sh');

/** Runs the sandbox script (start or stop) for another Synapse on `port`. */
function sandboxScript(command: 'start' | 'stop', port: number, env: Record<string, string> = {}): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn('bash', [SCRIPT, command], { env: { ...process.env, MXLINT_SYNAPSE_PORT: String(port), MXLINT_SANDBOX_OWNER: String(process.pid), ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
    child.once('close', resolve);
  });
}

/** What a run judged: its JSON report, by rule id (the first use case it was given). */
function findings(run: AsyncRun) {
  expect(run.stderr, run.stderr).not.toMatch(/internal error/);
  const report = JSON.parse(run.stdout);
  return { report, rule: (id: string) => report.findings.find((finding: any) => finding.ruleId === id) };
}

const timings: Array<[string, number]> = [];
afterAll(() => { for (const [what, ms] of timings) process.stderr.write(`probe e2e: ${what}: ${ms} ms\n`); });

describeE2E('mxlint probe: the sandbox behind a front that serves the well-known files', () => {
  let proxy: FaultProxy;
  let front: Awaited<ReturnType<typeof wellKnownFront>>;

  beforeAll(async () => {
    proxy = await FaultProxy.start(sandboxOrSkip().baseUrl);
    // The front delegates the client API and federation to the proxy: another origin on loopback.
    front = await wellKnownFront(proxy.url, {
      client: { 'm.homeserver': { base_url: proxy.url } },
      server: { 'm.server': new URL(proxy.url).host },
      support: { contacts: [{ role: 'm.role.admin', email_address: 'admin@test.local' }] },
    });
  });
  afterAll(async () => { await front?.close(); await proxy?.close(); });

  it('follows the delegation with --allow-private and sees the sandbox as its config sets it', async () => {
    proxy.reset();
    const run = await mxlintAsync(['probe', front.url, '--allow-private', '--federation', '-f', 'json', '-u', 'pseudonymous', '-u', 'anonymous', '-u', 'chatons']);
    timings.push(['sandbox, delegated', run.ms]);
    const { report, rule } = findings(run);
    expect(report.probe).toMatchObject({ origin: front.url, baseUrl: proxy.url, federationUrl: proxy.url, serverName: sandboxOrSkip().serverName });
    // Read-only: GETs, and the one POST /register that answers with the flows.
    expect(proxy.requests.every((request) => request.method === 'GET' || request.path === '/_matrix/client/v3/register')).toBe(true);
    expect(report.probe.requests).toBe(proxy.requests.length + 3);
    // synapse-sandbox.sh: enable_registration false, no public_baseurl, defaults for the directory and profiles.
    expect(rule('registration-gated')).toMatchObject({ status: 'pass', location: { file: `${proxy.url}/_matrix/client/v3/register` } });
    expect(rule('public-rooms-without-auth')).toMatchObject({ status: 'pass' });
    expect(rule('profile-lookup-limited')).toMatchObject({ status: 'fail', path: 'require_auth_for_profile_requests' });
    expect(rule('admin-contact')).toMatchObject({ status: 'pass', value: 'admin@test.local' });
    expect(rule('well-known-no-identity-server')).toMatchObject({ status: 'pass' });
    expect(rule('guest-access-available')).toMatchObject({ status: 'unknown' });
    expect(report.probe.answers.federationVersion.body.server.name).toBe('Synapse');
    // What a stranger cannot see on Synapse 1.160: the media configuration (401), the public rooms
    // over federation to an unsigned request (401, whichever allow_public_rooms_over_federation is).
    expect(report.probe.answers.mediaConfig).toMatchObject({ status: 401, body: { errcode: 'M_MISSING_TOKEN' } });
    expect(report.probe.answers.federationPublicRooms).toMatchObject({ status: 401, body: { errcode: 'M_UNAUTHORIZED' } });
    expect(report.probe.delegation).toBeUndefined();
    // The unit tests' recorded answers are this Synapse's: same status for each endpoint (register/available is asked in the fault case below).
    for (const [route, [status]] of Object.entries(CLOSED).filter(([route]) => !route.includes('.well-known') && !route.includes('/register/available'))) {
      expect(proxy.requests.find((request) => `${request.method} ${request.path}`.startsWith(route))?.outcome, route).toBe(status);
    }
    expect(run.ms).toBeLessThan(2000 * 3); // a loaded shared machine; the bench measures it alone
  });

  it('--try-guest says it created a guest account, and sees guests allowed (allow_guest_access: true)', async () => {
    const run = await mxlintAsync(['probe', front.url, '--allow-private', '--try-guest', '-f', 'json', '-u', 'pseudonymous']);
    const { report, rule } = findings(run);
    expect(run.stderr).toMatch(/a guest account was created on the server \(--try-guest\): @\d+:test\.local/);
    expect(report.probe.guestUserId).toMatch(/^@\d+:test\.local$/);
    expect(run.stdout).not.toMatch(/syt_/);
    expect(rule('guest-access-available')).toMatchObject({ status: 'pass' });
  });

  it('without --allow-private, does not follow a delegation to a loopback address and says so', async () => {
    const run = await mxlintAsync(['probe', front.url, '-f', 'json', '-u', 'chatons']);
    const { report } = findings(run);
    expect(report.probe.baseUrl).toBe(front.url);
    expect(report.warnings.join('\n')).toMatch(/not following the client well-known to http:\/\/127\.0\.0\.1:\d+: 127\.0\.0\.1 is a non-public address .*--allow-private/);
  });

  it('fault cases: an HTML page, a timeout and a redirect elsewhere leave those facts unknown (exit 3); a 5xx once is retried', async () => {
    proxy.reset();
    proxy.add({ match: 'POST /_matrix/client/v3/register', kind: 'html' });
    proxy.add({ match: '/publicRooms', kind: 'delay', ms: 3000 });
    proxy.add({ match: '/profile/', kind: 'redirect', status: 302, location: 'https://elsewhere.example/profile' });
    proxy.add({ match: '/_matrix/client/versions', kind: 'status', status: 502, body: 'html', times: 1 });
    const run = await mxlintAsync(['probe', front.url, '--allow-private', '--timeout', '1000', '--max-retries', '1', '-f', 'json', '-u', 'anonymous']);
    timings.push(['sandbox, with faults', run.ms]);
    const { report, rule } = findings(run);
    expect(run.code).toBe(3);
    const { answers } = report.probe;
    expect(answers.register.fault).toMatchObject({ id: 'probe.notJson' });
    expect(answers.publicRooms.fault).toEqual({ id: 'probe.afterTries', data: { fault: { id: 'probe.noAnswerWithin', data: { ms: 1000 } }, tries: 2 } });
    expect(answers.profile.fault).toMatchObject({ id: 'probe.refused', data: { error: expect.stringMatching(/another origin, https:\/\/elsewhere\.example/) } });
    expect(answers.clientVersions.status).toBe(200);
    expect(report.probe.retries).toBe(2);
    // The flows gave nothing usable: GET /register/available for a random name is the second
    // signal, and this Synapse (enable_registration false) answers it 403, as the recorded answer says.
    expect(answers.registerAvailable).toMatchObject({ status: CLOSED['GET /_matrix/client/v3/register/available'][0], body: { errcode: 'M_FORBIDDEN' } });
    expect(rule('registration-gated')).toMatchObject({ status: 'pass', location: { file: expect.stringContaining('/register/available?username=mxlint-probe-') } });
    expect(rule('public-rooms-without-auth').status).toBe('unknown');
    expect(proxy.count('elsewhere')).toBe(0);
  });

  it('a server that does not answer at all: one line, exit 3', async () => {
    const run = await mxlintAsync(['probe', `http://127.0.0.1:${await closedPort()}`, '--max-retries', '0']);
    expect(run.code).toBe(3);
    expect(run.stderr.trim().split('\n').at(-1)).toMatch(/^mxlint: http:\/\/127\.0\.0\.1:\d+: no endpoint answered \(fetch failed \[ECONNREFUSED\]\)$/);
  });
});

/** A second Synapse: sign-up open with a token, a captcha and an e-mail, guests off, the directory and
 *  profiles public... and the client well-known (Synapse's own, as public_baseurl is set)
 *  advertising an identity server and unencrypted rooms. */
const describeSecond = synapse?.source === 'sandbox' ? describeE2E : describeE2E.skip;
describeSecond('mxlint probe: a second Synapse with sign-up open', () => {
  let port: number;
  let baseUrl: string;
  let dir: string;
  beforeAll(async () => {
    port = await closedPort();
    baseUrl = `http://127.0.0.1:${port}`;
    dir = mkdtempSync(join(tmpdir(), 'mxlint-probe-e2e-'));
    const config = {
      enable_registration: true, registration_requires_token: true, registrations_require_3pid: ['email'],
      email: { smtp_host: '127.0.0.1', smtp_port: 1, notif_from: 'Probe <probe@test.local>', enable_notifs: false },
      enable_registration_captcha: true, recaptcha_public_key: 'probe-public', recaptcha_private_key: 'probe-private',
      allow_guest_access: false, allow_public_rooms_without_auth: true, require_auth_for_profile_requests: true,
      allow_public_rooms_over_federation: true,
      public_baseurl: `${baseUrl}/`, default_identity_server: 'https://id.example.org',
      extra_well_known_client_content: { 'io.element.e2ee': { default: false } },
    };
    // JSON is YAML: the script's MXLINT_SANDBOX_EXTRA_CONFIG file replaces these top-level keys.
    writeFileSync(join(dir, 'extra.yaml'), JSON.stringify(config));
    const code = await sandboxScript('start', port, { MXLINT_SANDBOX_EXTRA_CONFIG: join(dir, 'extra.yaml'), MXLINT_SANDBOX_ENV: join(dir, 'env.json') });
    if (code !== 0) throw new Error(`the second Synapse did not start (exit ${code})`);
  }, 300_000);
  afterAll(async () => {
    if (port) await sandboxScript('stop', port);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('sees sign-up open with a token, a captcha and an e-mail, guests refused, the directory and profiles as configured', async () => {
    const run = await mxlintAsync(['probe', baseUrl, '--try-guest', '--federation', '-f', 'json', '-u', 'anonymous', '-u', 'chatons', '-u', 'pseudonymous']);
    timings.push(['second Synapse', run.ms]);
    const { report, rule } = findings(run);
    expect(run.stderr).not.toMatch(/guest account was created/);
    expect(report.probe.baseUrl).toBe(baseUrl);
    expect(rule('registration-gated')).toMatchObject({ status: 'pass', message: expect.stringMatching(/only with a registration token.*every sign-up flow asks for a registration token/) });
    expect(rule('registration-email-optional')).toMatchObject({ status: 'fail', path: 'registrations_require_3pid', value: ['email'] });
    expect(rule('no-phone-registration')).toMatchObject({ status: 'pass' });
    expect(rule('no-google-recaptcha')).toMatchObject({ status: 'unknown', message: expect.stringMatching(/recaptcha_siteverify_api/) });
    expect(rule('guest-access-available')).toMatchObject({ status: 'fail', path: 'allow_guest_access' });
    expect(rule('public-rooms-without-auth')).toMatchObject({ status: 'fail' });
    expect(rule('profile-lookup-limited').status).toBe('unknown');
    expect(rule('well-known-no-identity-server')).toMatchObject({ status: 'fail', message: expect.stringContaining('https://id.example.org') });
    expect(rule('well-known-encryption-default')).toMatchObject({ status: 'fail', location: { file: `${baseUrl}/.well-known/matrix/client` } });
    expect(rule('no-default-identity-server')).toMatchObject({ status: 'fail', value: 'https://id.example.org' });
    expect(readFileSync(join(dir, 'env.json'), 'utf8')).toContain(baseUrl);
    // allow_public_rooms_over_federation is true here, and an unsigned request still gets 401: unknown, as on the sandbox.
    expect(report.probe.answers.federationPublicRooms).toMatchObject({ status: 401 });
    // The second sign-up signal as this Synapse answers it with registration on (asked by the probe
    // only when POST /register fails): 200 for a free name.
    const available = await fetch(`${baseUrl}/_matrix/client/v3/register/available?username=mxlint-probe-e2e${port}`);
    expect([available.status, await available.json()]).toEqual([200, { available: true }]);
    // The directory is public here: what anyone reads of its (no) published rooms.
    expect(report.probe.answers.publicRooms.status).toBe(200);
  });

  it('--config with the file this Synapse runs finds no difference; with registration closed in a copy, one at its line', async () => {
    const running = join(sandboxOrSkip().root!, `data-${port}`, 'homeserver.yaml');
    const same = await mxlintAsync(['probe', baseUrl, '--config', running, '-f', 'json', '-u', 'chatons']);
    expect(JSON.parse(same.stdout).notes).toBeUndefined();
    const copy = join(dir, 'homeserver.yaml');
    const text = readFileSync(running, 'utf8').replace(/^enable_registration: true$/m, 'enable_registration: false');
    writeFileSync(copy, text);
    const differs = await mxlintAsync(['probe', baseUrl, '--config', copy, '-u', 'chatons']);
    const line = text.split('\n').findIndex((row) => row === 'enable_registration: false') + 1;
    expect(differs.stdout.replace(/\s+/g, ' ')).toContain(`homeserver.yaml:${line}: the config makes enable_registration false, but the running server shows otherwise: POST /register {} offers sign-up`);
    expect(differs.code).toBe(1);
  });
});
