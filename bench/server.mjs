// Issue #5: `mxlint server --summary` on a Synapse with 1,000 rooms, whole process, against a bare
// client (bench/bare-server-client.mjs) that fetches the same endpoints at the same concurrency with
// plain fetch and nothing else, measured in the same run. Targets: ratio ≤ 1.3, peak memory < 200 MB.
//
// BENCH_SERVER_BASELINE=path/to/bin/mxlint.cjs (an earlier build, main's for example) is measured
// against this one in the same run too (ratio printed, issue #16's target ≤ 1.5), and both are run
// once through a counting proxy: the requests each sends per room, and once per server, are printed.
// Both are given the server's config (-c, its server_name) so that the audit of what the server
// keeps beyond rooms (media, IPs, deleted messages: only with --config) is measured too.
//
// The server: MXLINT_SYNAPSE_URL + MXLINT_SYNAPSE_ADMIN_TOKEN when set; else, as root, a sandbox
// started with scripts/synapse-sandbox.sh (MXLINT_SYNAPSE_PORT, MXLINT_SANDBOX_ENV) and stopped at
// the end; else the bench is skipped, saying why. The rooms are seeded through the client API,
// or reused when the server already has them (rooms named with ROOM_PREFIX).
import { spawn, spawnSync } from 'node:child_process';
import { request as httpRequest, createServer as createHttpServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmt } from './lib.mjs';
import { compareMeasured, mb, measure } from './measure.mjs';

const root = new URL('..', import.meta.url).pathname;
const SCRIPT = join(root, 'scripts/synapse-sandbox.sh');
const ROOM_PREFIX = 'mxlint-bench-room';
const ROOMS = Number(process.env.BENCH_SERVER_ROOMS ?? 1_000);
const CONCURRENCY = 8; // mxlint server's --concurrency default
const runs = Number(process.env.BENCH_SERVER_RUNS ?? 5);

/** The homeserver to measure: { baseUrl, adminToken, stop() } or { skipped: reason }. */
export async function homeserver() {
  const baseUrl = process.env.MXLINT_SYNAPSE_URL?.replace(/\/+$/, '');
  const adminToken = process.env.MXLINT_SYNAPSE_ADMIN_TOKEN;
  if (baseUrl && adminToken) return { baseUrl, adminToken, stop() {} };
  if (process.platform !== 'linux') return { skipped: `the Synapse sandbox needs Linux (this is ${process.platform}); or set MXLINT_SYNAPSE_URL and MXLINT_SYNAPSE_ADMIN_TOKEN` };
  if (process.getuid?.() !== 0) return { skipped: 'the Synapse sandbox needs root (chroot); run as root, or set MXLINT_SYNAPSE_URL and MXLINT_SYNAPSE_ADMIN_TOKEN' };
  const envDir = mkdtempSync(join(tmpdir(), 'mxlint-bench-sandbox-'));
  const envFile = process.env.MXLINT_SANDBOX_ENV ?? join(envDir, 'sandbox.json');
  const port = process.env.MXLINT_SYNAPSE_PORT ?? String(await freePort());
  const env = { ...process.env, MXLINT_SYNAPSE_PORT: port, MXLINT_SANDBOX_ENV: envFile, MXLINT_SANDBOX_OWNER: String(process.pid) };
  const script = (...args) => spawnSync('bash', [SCRIPT, ...args], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  if (script('build').status !== 0) return { skipped: 'scripts/synapse-sandbox.sh build failed (see above)' };
  const started = script('start');
  if (started.status !== 0) return { skipped: `scripts/synapse-sandbox.sh start failed (exit ${started.status}, see above)` };
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    script('stop');
    rmSync(envDir, { recursive: true, force: true });
  };
  process.once('exit', stop);
  for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => { stop(); process.exit(130); });
  const info = JSON.parse(readFileSync(envFile, 'utf8'));
  return { baseUrl: info.baseUrl, adminToken: info.adminToken, stop };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Rooms of mixed settings, like a real server's: private and encrypted, public, published, broadcast... */
const KINDS = [
  { preset: 'private_chat', initial_state: [{ type: 'm.room.encryption', state_key: '', content: { algorithm: 'm.megolm.v1.aes-sha2' } }, { type: 'm.room.guest_access', state_key: '', content: { guest_access: 'forbidden' } }] },
  { preset: 'public_chat', visibility: 'public' },
  { preset: 'public_chat', power_level_content_override: { events_default: 50 }, initial_state: [{ type: 'm.room.history_visibility', state_key: '', content: { history_visibility: 'world_readable' } }] },
  { preset: 'private_chat', creation_content: { 'm.federate': false } },
  { preset: 'public_chat', initial_state: [{ type: 'm.room.server_acl', state_key: '', content: { allow: ['*'], deny: ['evil.example'], allow_ip_literals: false } }] },
];

/** Requests `args` sends to the server, by method and path pattern (ids replaced), through a proxy
 *  that counts them; the command's --homeserver is the proxy's URL. */
async function countRequests(node, args, baseUrl, env) {
  const target = new URL(baseUrl);
  const counts = new Map();
  const proxy = createHttpServer((req, res) => {
    const path = req.url.replace(/\?.*/, '').replace(/(%21|!)[^/]+/g, '{roomId}').replace(/users\/[^/]+/, 'users/{userId}').replace(/whois\/[^/]+/, 'whois/{userId}')
      .replace(/fetch_event\/[^/]+/, 'fetch_event/{eventId}').replace(/\/v1\/media\/[^/]+\/[^/]+$/, '/v1/media/{server}/{mediaId}');
    const key = `${req.method} ${path}${/[?&]dir=f/.test(req.url) ? ' (dir=f)' : ''}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    const upstream = httpRequest({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode, answer.headers);
      answer.pipe(res);
    });
    req.pipe(upstream);
  });
  await new Promise((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${proxy.address().port}`;
  const code = await new Promise((resolve, reject) => {
    const child = spawn(node, args.map((arg) => (arg === baseUrl ? url : arg)), { env, stdio: 'ignore' });
    child.once('error', reject);
    child.once('close', resolve);
  });
  proxy.close();
  if (![0, 1].includes(code)) throw new Error(`${args[0]} through the counting proxy failed (exit ${code})`);
  return counts;
}

/** "12 requests once per server (GET /_synapse/admin/v2/users: 1, ...)": all but the per-room ones. */
const perServer = (counts) => {
  const once = [...counts].filter(([key]) => !key.includes('{roomId}'));
  return `${once.reduce((sum, [, count]) => sum + count, 0)} requests once per server (${once.map(([key, count]) => `${key}: ${count}`).join(', ')})`;
};

/** "3.00 requests per room (GET /_synapse/admin/v1/rooms/{roomId}/state: 1000, ...)" */
const perRoom = (counts, rooms) => {
  const perRoomKeys = [...counts].filter(([key]) => key.includes('{roomId}'));
  const total = perRoomKeys.reduce((sum, [, count]) => sum + count, 0);
  return `${(total / rooms).toFixed(2)} requests per room (${perRoomKeys.map(([key, count]) => `${key}: ${count}`).join(', ')})`;
};

async function seed(baseUrl, token) {
  const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
  const count = await fetch(`${baseUrl}/_synapse/admin/v1/rooms?limit=1&search_term=${ROOM_PREFIX}`, { headers }).then((response) => response.json());
  const have = count.total_rooms ?? 0;
  if (have >= ROOMS) return { have, created: 0 };
  const started = Date.now();
  let next = have;
  const worker = async () => {
    while (next < ROOMS) {
      const index = next++;
      const response = await fetch(`${baseUrl}/_matrix/client/v3/createRoom`, {
        method: 'POST', headers, body: JSON.stringify({ ...KINDS[index % KINDS.length], name: `${ROOM_PREFIX} ${String(index).padStart(5, '0')}` }),
      });
      if (!response.ok) throw new Error(`createRoom: HTTP ${response.status} ${await response.text()}`);
      await response.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: 12 }, worker));
  return { have, created: ROOMS - have, seconds: (Date.now() - started) / 1000 };
}

export async function benchServer() {
  const hs = await homeserver();
  if (hs.skipped) {
    console.log(`server: skipped: ${hs.skipped}`);
    return { skipped: hs.skipped };
  }
  try {
    const seeded = await seed(hs.baseUrl, hs.adminToken);
    const node = process.execPath;
    const env = { ...process.env, MATRIX_ACCESS_TOKEN: hs.adminToken, NO_COLOR: '1' };
    const { user_id: adminId } = await fetch(`${hs.baseUrl}/_matrix/client/v3/account/whoami`, { headers: { Authorization: `Bearer ${hs.adminToken}` } }).then((response) => response.json());
    const configDir = mkdtempSync(join(tmpdir(), 'mxlint-bench-config-'));
    const config = join(configDir, 'homeserver.yaml');
    writeFileSync(config, `server_name: ${adminId.slice(adminId.indexOf(':') + 1)}\nreport_stats: false\n`);
    const mxlintArgs = [join(root, 'bin/mxlint.cjs'), 'server', '--homeserver', hs.baseUrl, '--summary', '--concurrency', String(CONCURRENCY), '-c', config];
    const bareArgs = [join(root, 'bench/bare-server-client.mjs'), hs.baseUrl, String(CONCURRENCY)];
    const check = await measure(node, [...mxlintArgs, '--format', 'json'], { env });
    if (![0, 1].includes(check.status)) throw new Error(`mxlint server failed (exit ${check.status}): ${check.stderr}`);
    const { audit } = JSON.parse(check.stdout);
    const audited = `${audit.audited} of ${audit.total}`;
    const { a: mxlint, b: bare } = await compareMeasured(runs, () => measure(node, mxlintArgs, { env }), () => measure(node, bareArgs, { env }));
    if (bare.last.status !== 0) throw new Error(`the bare client failed: ${bare.last.stderr}`);
    const ratio = mxlint.ms / bare.ms;
    console.log(`server: ${hs.baseUrl}, ${audited} rooms audited (${seeded.created ? `${seeded.created} seeded in ${seeded.seconds.toFixed(0)} s` : `${seeded.have} reused`}), concurrency ${CONCURRENCY}, median of ${runs}`);
    console.log(`  mxlint server --summary: ${fmt(mxlint.ms)}, peak ${mb(mxlint.maxPeakMb)} (target < 200 MB)`);
    console.log(`  bare fetch client:       ${fmt(bare.ms)} (${bare.last.stdout.trim()}), peak ${mb(bare.maxPeakMb)}`);
    console.log(`  ratio ${ratio.toFixed(2)} (target ≤ 1.3)`);
    const baselineBin = process.env.BENCH_SERVER_BASELINE;
    if (!baselineBin) return { mxlint, bare, ratio };
    const baselineArgs = [baselineBin, ...mxlintArgs.slice(1)];
    const { a: now, b: before } = await compareMeasured(runs, () => measure(node, mxlintArgs, { env }), () => measure(node, baselineArgs, { env }));
    const baselineRatio = now.ms / before.ms;
    console.log(`  against ${baselineBin}: ${fmt(now.ms)} vs ${fmt(before.ms)}, ratio ${baselineRatio.toFixed(2)} (target ≤ 1.5); peak ${mb(now.maxPeakMb)} vs ${mb(before.maxPeakMb)} (target ≤ 250 MB)`);
    const [counted, baselineCounted] = [await countRequests(node, mxlintArgs, hs.baseUrl, env), await countRequests(node, baselineArgs, hs.baseUrl, env)];
    console.log(`  this build: ${perRoom(counted, audit.audited)}; ${perServer(counted)}`);
    console.log(`  baseline:   ${perRoom(baselineCounted, audit.audited)}; ${perServer(baselineCounted)}`);
    return { mxlint, bare, ratio, baseline: before, baselineRatio };
  } finally {
    hs.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchServer();
