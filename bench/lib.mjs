// Shared helpers for benchmarks: whole-process timings, medians, ratios against a baseline
// measured in the same run (never absolute thresholds).
import { spawnSync } from 'node:child_process';

export function timeProcess(command, args, options = {}) {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 1 << 30, ...options });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.error) throw result.error;
  return { ms, status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
};

/** Alternates the two commands so machine noise hits both alike; returns medians. */
export function compare(runs, a, b) {
  const times = { a: [], b: [] };
  for (let i = 0; i < runs; i += 1) {
    times.a.push(a().ms);
    times.b.push(b().ms);
  }
  return { a: median(times.a), b: median(times.b) };
}

export const fmt = (ms) => `${ms.toFixed(1)} ms`;
