// Whole-process wall time and peak memory (max RSS) of a command: through /usr/bin/time -f %M
// when it exists (GNU time), else by polling /proc/PID/status (VmHWM) while the process runs.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { median } from './lib.mjs';

const GNU_TIME = '/usr/bin/time';
const MARK = 'MXLINT_BENCH_MAXRSS_KB=';

/** { ms, peakMb, status, stdout, stderr } of one run. */
export async function measure(command, args, options = {}) {
  if (existsSync(GNU_TIME)) {
    const start = process.hrtime.bigint();
    const result = spawnSync(GNU_TIME, ['-f', `${MARK}%M`, command, ...args], { encoding: 'utf8', maxBuffer: 1 << 30, ...options });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (result.error) throw result.error;
    const index = result.stderr.lastIndexOf(MARK);
    const kb = index >= 0 ? Number(result.stderr.slice(index + MARK.length).trim()) : NaN;
    // GNU time reports "Command exited with non-zero status N" before its format line.
    const stderr = (index >= 0 ? result.stderr.slice(0, index) : result.stderr).replace(/Command exited with non-zero status \d+\n$/, '');
    return { ms, peakMb: kb / 1024, status: result.status, stdout: result.stdout, stderr };
  }
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let peakKb = 0;
    child.stdout.setEncoding('utf8').on('data', (chunk) => { stdout += chunk; });
    child.stderr.setEncoding('utf8').on('data', (chunk) => { stderr += chunk; });
    const poll = setInterval(() => {
      try {
        const hwm = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (hwm) peakKb = Math.max(peakKb, Number(hwm[1]));
      } catch { /* gone */ }
    }, 10);
    child.once('error', reject);
    child.once('close', (status) => {
      clearInterval(poll);
      resolve({ ms: Number(process.hrtime.bigint() - start) / 1e6, peakMb: peakKb / 1024, status, stdout, stderr });
    });
  });
}

/** Runs a and b alternately `runs` times (noise hits both alike); medians of time and peak memory. */
export async function compareMeasured(runs, a, b) {
  const results = { a: [], b: [] };
  for (let i = 0; i < runs; i += 1) {
    results.a.push(await a());
    results.b.push(await b());
  }
  const summarise = (list) => ({ ms: median(list.map((r) => r.ms)), peakMb: median(list.map((r) => r.peakMb)), maxPeakMb: Math.max(...list.map((r) => r.peakMb)), last: list.at(-1) });
  return { a: summarise(results.a), b: summarise(results.b) };
}

export const mb = (value) => `${value.toFixed(1)} MB`;
