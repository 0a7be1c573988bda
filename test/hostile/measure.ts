// Runs the built binary on a hostile input and measures it: wall time and peak resident memory
// (GNU time's %M when /usr/bin/time exists, else the process's own maxRSS through a preloaded
// probe). The test process never blocks, so a FIFO writer or a slow reader can run beside it.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BIN, ROOT } from '../cli/run.js';

const TIME = '/usr/bin/time';
const MARK = 'MXLINT-MEASURE';
const PROBE = join(import.meta.dirname, 'rss-probe.mjs');

export interface Measured {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  /** stderr without the measurement line. */
  stderr: string;
  seconds: number;
  peakRssMb: number;
}

export interface MeasureOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Run as this user and group (root only), for permission tests. */
  uid?: number;
  gid?: number;
  /** Killed after this long (the assertion on time then fails). */
  killAfterMs?: number;
}

export const measurer = existsSync(TIME) ? 'GNU time (%M)' : 'process.resourceUsage().maxRSS';

export function measure(args: string[], options: MeasureOptions = {}): Promise<Measured> {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', LANG: 'C', MXLINT_DEBUG: undefined, MATRIX_ACCESS_TOKEN: undefined, ...options.env };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  const [command, commandArgs] = existsSync(TIME)
    ? [TIME, ['-f', `${MARK} %e %M`, process.execPath, BIN, ...args]]
    : [process.execPath, ['--import', pathToFileURL(PROBE).href, BIN, ...args]];
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, commandArgs, {
      cwd: options.cwd ?? ROOT, env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'], uid: options.uid, gid: options.gid,
    });
    let stdout = '';
    let stderr = '';
    // Kept up to 8 MB (the 1 000 000-event report is under 3 MB); the rest is drained.
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => { if (stdout.length < 8_000_000) stdout += chunk; });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs ?? 120_000);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const wall = (performance.now() - started) / 1000;
      const line = stderr.split('\n').find((text) => text.startsWith(MARK));
      const [, , rssKb] = line?.split(' ') ?? [];
      // GNU time reports the child's status itself ("Command exited with non-zero status 2").
      const rest = stderr.split('\n').filter((text) => !text.startsWith(MARK) && !/^Command (exited with non-zero status|terminated by signal)/.test(text)).join('\n');
      resolve({ code, signal, stdout, stderr: rest, seconds: wall, peakRssMb: rssKb ? Number(rssKb) / 1024 : Number.NaN });
    });
  });
}

export const tempDir = (prefix: string) => mkdtempSync(join(tmpdir(), `mxlint-hostile-${prefix}-`));

/** The one error line of a failed run (exit 2), or an Error describing what came instead. */
export function oneErrorLine(run: Measured): string {
  const lines = run.stderr.trimEnd().split('\n');
  if (run.code !== 2 || lines.length !== 1 || !lines[0].startsWith('mxlint: ') || /\n\s+at /.test(run.stderr)) {
    throw new Error(`expected exit 2 and one "mxlint: " line, got exit ${run.code} (${run.signal ?? 'no signal'})\nstderr: ${run.stderr.slice(0, 1000)}\nstdout: ${run.stdout.slice(0, 300)}`);
  }
  return lines[0];
}

/** Every measurement, for the summary printed at the end (README "Limits and safety"). */
export const measurements: Array<{ name: string; code: number | null; seconds: number; peakRssMb: number }> = [];

export function record(name: string, run: Measured): Measured {
  measurements.push({ name, code: run.code, seconds: run.seconds, peakRssMb: run.peakRssMb });
  return run;
}

export function table(title: string): string {
  const rows = measurements.map((m) => `  ${m.name.padEnd(58)} exit ${String(m.code).padEnd(4)} ${m.seconds.toFixed(2).padStart(7)} s ${m.peakRssMb.toFixed(0).padStart(6)} MB`);
  return `${title} (peak RSS by ${measurer})\n${rows.join('\n')}\n`;
}
