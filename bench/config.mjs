// Whole-process time of `mxlint config` on a large real config, against `node -e 0` (the
// smallest possible Node process) in the same run. Target: ratio ≤ 2.0. Measured with the code
// cache bin/mxlint.cjs keeps after a first run (in a fresh cache folder here), and once more
// without it (MXLINT_CODE_CACHE=0: what a first run, or every run with an unwritable home, costs).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compare, fmt, timeProcess } from './lib.mjs';

const root = new URL('..', import.meta.url).pathname;
const shared = join(root, '../shared/fixtures/real/homeserver');
const candidates = ['19-aidop-personal-2021.yaml', '28-holgi-dokku.yaml', '40-synapse-1.160-generated.yaml'];
const config = candidates.map((name) => join(shared, name)).find((path) => existsSync(path)) ?? join(root, 'fixtures/config/synapse-starts/pass-minimal.yaml');
const runs = Number(process.env.BENCH_RUNS ?? 15);

export function benchConfig() {
  const node = process.execPath;
  const cacheHome = mkdtempSync(join(tmpdir(), 'mxlint-bench-cache-'));
  try {
    const env = (extra) => ({ env: { ...process.env, XDG_CACHE_HOME: cacheHome, ...extra } });
    const mxlintArgs = [join(root, 'bin/mxlint.cjs'), 'config', config];
    const check = timeProcess(node, [...mxlintArgs, '--format', 'json'], env());
    if (![0, 1].includes(check.status)) throw new Error(`mxlint config failed: ${check.stderr}`);
    timeProcess(node, mxlintArgs, env()); // the first run of this kind writes its code cache
    const { a: warm, b: bare } = compare(runs, () => timeProcess(node, mxlintArgs, env()), () => timeProcess(node, ['-e', '0']));
    const { a: cold, b: bare2 } = compare(runs, () => timeProcess(node, mxlintArgs, env({ MXLINT_CODE_CACHE: '0' })), () => timeProcess(node, ['-e', '0']));
    const ratio = warm / bare;
    console.log(`config start-up: mxlint config ${config.split('/').pop()}: ${fmt(warm)}; node -e 0: ${fmt(bare)}; ratio ${ratio.toFixed(2)} (target ≤ 2.0), median of ${runs}`);
    console.log(`  without the code cache (a first run): ${fmt(cold)}; node -e 0: ${fmt(bare2)}; ratio ${(cold / bare2).toFixed(2)}`);
    return { mxlint: warm, bare, ratio, cold, coldRatio: cold / bare2 };
  } finally {
    rmSync(cacheHome, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) benchConfig();
