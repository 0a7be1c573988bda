// Whole-process time of `mxlint config` on a large real config, against `node -e 0` (the
// smallest possible Node process) in the same run. Target: ratio ≤ 2.0.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { compare, fmt, timeProcess } from './lib.mjs';

const root = new URL('..', import.meta.url).pathname;
const shared = join(root, '../shared/fixtures/real/homeserver');
const candidates = ['19-aidop-personal-2021.yaml', '28-holgi-dokku.yaml', '40-synapse-1.160-generated.yaml'];
const config = candidates.map((name) => join(shared, name)).find((path) => existsSync(path)) ?? join(root, 'fixtures/config/synapse-starts/pass-minimal.yaml');
const runs = Number(process.env.BENCH_RUNS ?? 15);

export function benchConfig() {
  const node = process.execPath;
  const check = timeProcess(node, [join(root, 'bin/mxlint.js'), 'config', config, '--format', 'json']);
  if (![0, 1].includes(check.status)) throw new Error(`mxlint config failed: ${check.stderr}`);
  const { a: mxlint, b: bare } = compare(runs,
    () => timeProcess(node, [join(root, 'bin/mxlint.js'), 'config', config]),
    () => timeProcess(node, ['-e', '0']));
  const ratio = mxlint / bare;
  console.log(`config start-up: mxlint config ${config.split('/').pop()}: ${fmt(mxlint)}; node -e 0: ${fmt(bare)}; ratio ${ratio.toFixed(2)} (target ≤ 2.0), median of ${runs}`);
  return { mxlint, bare, ratio };
}

if (import.meta.url === `file://${process.argv[1]}`) benchConfig();
