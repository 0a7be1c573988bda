// Issue #4: `mxlint room --state` on a very large room: a state dump with 100,000 members on 2,000
// servers (generated in a temporary folder), whole process, against a process that only reads and
// JSON.parses the same file, in the same run. Targets: time ≤ 3× the bare parse (whole processes;
// also shown with node's start-up, `node -e 0`, subtracted from both), peak memory ≤ 3× the file size.
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmt } from './lib.mjs';
import { compareMeasured, mb, measure } from './measure.mjs';

const root = new URL('..', import.meta.url).pathname;
const MEMBERS = Number(process.env.BENCH_ROOM_MEMBERS ?? 100_000);
const SERVERS = Number(process.env.BENCH_ROOM_SERVERS ?? 2_000);
const runs = Number(process.env.BENCH_ROOM_RUNS ?? process.env.BENCH_RUNS ?? 5);

/** A room of an association: invite only, encrypted, guests off; MEMBERS joined (and 5% who left). */
export function roomDump(members = MEMBERS, servers = SERVERS) {
  const roomId = '!bench100k:server0.example';
  const t0 = Date.UTC(2025, 0, 1);
  let n = 0;
  const event = (type, stateKey, sender, content) => ({ type, state_key: stateKey, sender, content, origin_server_ts: t0 + n, event_id: `$bench${(n++).toString(36)}`, room_id: roomId });
  const creator = '@u0:server0.example';
  const userId = (i) => `@u${i}:server${i % servers}.example`;
  const moderators = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [userId(i * 7 + 1), 50]));
  const state = [
    event('m.room.create', '', creator, { room_version: '10', creator }),
    event('m.room.power_levels', '', creator, { users: { [creator]: 100, ...moderators }, users_default: 0, events: { 'm.room.name': 50, 'm.room.power_levels': 100 }, events_default: 0, state_default: 50, ban: 50, kick: 50, redact: 50, invite: 50 }),
    event('m.room.join_rules', '', creator, { join_rule: 'invite' }),
    event('m.room.history_visibility', '', creator, { history_visibility: 'invited' }),
    event('m.room.guest_access', '', creator, { guest_access: 'forbidden' }),
    event('m.room.encryption', '', creator, { algorithm: 'm.megolm.v1.aes-sha2' }),
    event('m.room.name', '', creator, { name: 'Association, everyone' }),
  ];
  const left = Math.floor(members / 20);
  for (let i = 0; i < members + left; i += 1) {
    const id = userId(i);
    state.push(event('m.room.member', id, id, { membership: i < members ? 'join' : 'leave', displayname: `Member ${i}`, avatar_url: `mxc://server${i % servers}.example/avatar${i}` }));
  }
  return { room_id: roomId, published: false, state };
}

export async function benchRoom() {
  const dir = mkdtempSync(join(tmpdir(), 'mxlint-bench-room-'));
  try {
    const file = join(dir, `room-${MEMBERS}.json`);
    writeFileSync(file, JSON.stringify(roomDump()));
    const fileMb = statSync(file).size / 1024 / 1024;
    const node = process.execPath;
    const mxlintArgs = [join(root, 'bin/mxlint.cjs'), 'room', '--state', file, '-u', 'association', '--format', 'json'];
    const check = await measure(node, mxlintArgs);
    if (![0, 1].includes(check.status)) throw new Error(`mxlint room failed (exit ${check.status}): ${check.stderr}`);
    const report = JSON.parse(check.stdout);
    const { a: mxlint, b: bare } = await compareMeasured(runs,
      () => measure(node, mxlintArgs),
      () => measure(node, ['-e', 'JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"))', file]));
    const { a: startup } = await compareMeasured(runs, () => measure(node, ['-e', '0']), async () => ({ ms: 0, peakMb: 0 }));
    const ratio = mxlint.ms / bare.ms;
    const net = (mxlint.ms - startup.ms) / (bare.ms - startup.ms);
    const memoryRatio = mxlint.maxPeakMb / fileMb;
    console.log(`room --state: ${MEMBERS} members on ${SERVERS} servers, ${mb(fileMb)} dump (${report.verdicts.map((v) => `${v.useCase}: ${v.verdict}`).join(', ')}), median of ${runs}`);
    console.log(`  mxlint room --state -u association --format json: ${fmt(mxlint.ms)}, peak ${mb(mxlint.maxPeakMb)}`);
    console.log(`  node JSON.parse of the file:                     ${fmt(bare.ms)}, peak ${mb(bare.maxPeakMb)}`);
    console.log(`  time ratio ${ratio.toFixed(2)} whole processes (target ≤ 3.0); ${net.toFixed(2)} without node's start-up (${fmt(startup.ms)}, node -e 0)`);
    console.log(`  peak memory ${memoryRatio.toFixed(2)}× the file size (target ≤ 3.0)`);
    return { mxlint, bare, startup, ratio, net, fileMb, memoryRatio };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchRoom();
