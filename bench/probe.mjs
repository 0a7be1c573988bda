// Issue 17: `mxlint probe` of the local Synapse, whole process, against a bare client
// (bench/bare-probe-client.mjs) making the same requests in the same rounds with plain fetch,
// measured in the same run. Targets: ≤ 2 s, ratio ≤ 1.2. The server as for bench/server.mjs.
import { join } from 'node:path';
import { fmt } from './lib.mjs';
import { compareMeasured, measure } from './measure.mjs';
import { homeserver } from './server.mjs';

const root = new URL('..', import.meta.url).pathname;
const runs = Number(process.env.BENCH_PROBE_RUNS ?? 9);

export async function benchProbe() {
  const hs = await homeserver();
  if (hs.skipped) {
    console.log(`probe: skipped: ${hs.skipped}`);
    return { skipped: hs.skipped };
  }
  try {
    const node = process.execPath;
    const env = { ...process.env, NO_COLOR: '1' };
    const mxlintArgs = [join(root, 'bin/mxlint.cjs'), 'probe', hs.baseUrl, '-f', 'json'];
    const bareArgs = [join(root, 'bench/bare-probe-client.mjs'), hs.baseUrl];
    const check = await measure(node, mxlintArgs, { env });
    if (![0, 1].includes(check.status)) throw new Error(`mxlint probe failed (exit ${check.status}): ${check.stderr}`);
    const { requests } = JSON.parse(check.stdout).probe;
    const { a: mxlint, b: bare } = await compareMeasured(runs, () => measure(node, mxlintArgs, { env }), () => measure(node, bareArgs, { env }));
    if (bare.last.status !== 0) throw new Error(`the bare client failed: ${bare.last.stderr}`);
    const ratio = mxlint.ms / bare.ms;
    console.log(`probe: ${hs.baseUrl}, ${requests} requests, median of ${runs}`);
    console.log(`  mxlint probe:      ${fmt(mxlint.ms)} (target ≤ 2000 ms)`);
    console.log(`  bare fetch client: ${fmt(bare.ms)} (${bare.last.stdout.trim()})`);
    console.log(`  ratio ${ratio.toFixed(2)} (target ≤ 1.2)`);
    return { mxlint, bare, ratio };
  } finally {
    hs.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchProbe();
