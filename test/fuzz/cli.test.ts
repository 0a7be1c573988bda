// Fuzz (issue #6) through the built binary (bin/mxlint.cjs, as a user runs it): mutated configs to
// `mxlint config` and mutated dumps to `mxlint room --state`, in every output format. Each run must
// exit 0 or 1 with a well-formed report, or exit 2 with one line naming the file; never 70 (a bug),
// never a stack trace, never a terminal escape sequence in a colourless report. Fewer runs than the
// in-process fuzzers (a process each); two at a time.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN } from '../cli/run.js';
import { configSeeds, roomSeeds, type Seed } from './corpus.js';
import { describeMutant, mutantArb, render, type Mutant } from './mutate.js';
import { FUZZ } from './settings.js';

const FORMATS = ['text', 'json', 'sarif', 'junit', 'github', 'gitlab', 'markdown'] as const;
type Format = (typeof FORMATS)[number];
const work = mkdtempSync(join(tmpdir(), 'mxlint-fuzz-cli-'));
const counts = { runs: 0, exit0: 0, exit1: 0, exit2: 0, byFormat: {} as Record<string, number> };

interface Run { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; ms: number }

function run(args: string[], cwd: string): Promise<Run> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', LANG: 'C' };
    delete env.MXLINT_DEBUG;
    delete env.MATRIX_ACCESS_TOKEN;
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk; });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('error', reject);
    child.once('close', (code, signal) => { clearTimeout(timer); resolve({ code, signal, stdout, stderr, ms: Date.now() - started }); });
  });
}

/** What the report in `format` must look like. */
function checkReport(format: Format, text: string): string | undefined {
  if (format === 'json' || format === 'sarif' || format === 'gitlab') {
    try {
      const parsed = JSON.parse(text);
      if (format === 'sarif' && parsed.version !== '2.1.0') return 'SARIF without version 2.1.0';
    } catch (error) {
      return `${format} output is not JSON: ${(error as Error).message}`;
    }
  }
  if (format === 'junit' && !/^<\?xml[^]*<testsuites[^]*<\/testsuites>\s*$/.test(text)) return 'JUnit output is not a testsuites document';
  // NO_COLOR: no escape sequence may reach the terminal, whatever the input holds.
  if ((format === 'text' || format === 'markdown' || format === 'github') && text.includes('\u001b')) return 'an escape character in a colourless report';
  return undefined;
}

/** Why a run is not a controlled outcome, or undefined. */
function verdict(result: Run, format: Format, file: string, outputFile?: string): string | undefined {
  if (result.signal) return `killed by ${result.signal} after ${result.ms} ms`;
  if (/\n\s+at .+:\d+:\d+\)?\n/.test(result.stderr) || /internal error/.test(result.stderr)) return 'a stack trace or an internal error';
  if (result.code === 2) {
    const lines = result.stderr.trimEnd().split('\n');
    if (lines.length !== 1 || !lines[0].startsWith('mxlint: ')) return 'exit 2 without exactly one "mxlint: " line';
    if (!lines[0].includes(file)) return 'the error line does not name the file';
    if (result.stdout !== '') return 'exit 2 with output on stdout';
    return undefined;
  }
  if (result.code !== 0 && result.code !== 1) return `exit ${result.code}`;
  const report = outputFile ? readFileSync(outputFile, 'utf8') : result.stdout;
  return checkReport(format, report);
}

interface Case { kind: 'config' | 'room'; mutant: Mutant; format: Format; toFile: boolean; extra: number }
const EXTRAS: Record<'config' | 'room', string[][]> = {
  config: [[], ['--verbose'], ['-u', 'direct'], ['-u', 'chatons', '-u', 'public-community'], ['--quiet'], ['--lang', 'fr'], ['--fail-on', 'info']],
  room: [[], ['--verbose'], ['-u', 'direct'], ['-u', 'public-community'], ['--published'], ['--not-published'], ['--lang', 'fr']],
};

async function fuzzCli(kind: 'config' | 'room', seeds: Seed[], runs: number): Promise<void> {
  const arb = fc.record({
    kind: fc.constant(kind),
    mutant: mutantArb(seeds, kind),
    format: fc.constantFrom(...FORMATS),
    toFile: fc.boolean(),
    extra: fc.nat({ max: EXTRAS[kind].length - 1 }),
  });
  const cases: Case[] = fc.sample(arb, { seed: FUZZ.seed + (kind === 'room' ? 1 : 0), numRuns: runs });
  const failures: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < cases.length) {
      const index = next++;
      const testCase = cases[index];
      const dir = join(work, `${kind}-${index}`);
      mkdirSync(dir);
      const file = join(dir, kind === 'config' ? 'homeserver.yaml' : 'state.json');
      writeFileSync(file, render(testCase.mutant, seeds, kind));
      const outputFile = testCase.toFile ? join(dir, `report.${testCase.format}`) : undefined;
      const args = [
        ...(kind === 'config' ? ['config', file] : ['room', '--state', file]),
        '--no-policy', '--format', testCase.format, ...(outputFile ? ['--output', outputFile] : []), ...EXTRAS[kind][testCase.extra],
      ];
      const result = await run(args, dir);
      counts.runs += 1;
      counts.byFormat[testCase.format] = (counts.byFormat[testCase.format] ?? 0) + 1;
      if (result.code === 0) counts.exit0 += 1;
      if (result.code === 1) counts.exit1 += 1;
      if (result.code === 2) counts.exit2 += 1;
      const why = verdict(result, testCase.format, file, result.code === 2 ? undefined : outputFile);
      if (why) {
        failures.push(`${why}\n  mxlint ${args.join(' ')}\n  input: ${describeMutant(testCase.mutant, seeds)}\n  exit ${result.code}; stderr: ${result.stderr.slice(0, 800)}`);
      } else if (result.code === 0 || result.code === 1) {
        // The output directory holds the report and nothing unexpected.
        const written = readdirSync(dir).filter((name) => name !== 'homeserver.yaml' && name !== 'state.json');
        if (written.some((name) => !name.startsWith('report.'))) failures.push(`unexpected files written: ${written.join(', ')}\n  mxlint ${args.join(' ')}`);
      }
      rmSync(dir, { recursive: true, force: true });
    }
  };
  await Promise.all([worker(), worker()]);
  expect(failures, failures.join('\n\n')).toEqual([]);
}

describe('fuzz: the built binary on mutated configs and dumps, every output format', () => {
  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
    process.stdout.write(`fuzz cli: seed ${FUZZ.seed}, ${counts.runs} runs of the binary: exit 0 ×${counts.exit0}, exit 1 ×${counts.exit1}, exit 2 ×${counts.exit2}, nothing else; formats ${JSON.stringify(counts.byFormat)}\n`);
  });

  const configRuns = FUZZ.cliRuns(28);
  it(`mxlint config on ${configRuns} mutated configs`, async () => {
    await fuzzCli('config', configSeeds(), configRuns);
  }, FUZZ.timeout(configRuns, 1500));

  const roomRuns = FUZZ.cliRuns(20);
  it(`mxlint room --state on ${roomRuns} mutated dumps`, async () => {
    await fuzzCli('room', roomSeeds(), roomRuns);
  }, FUZZ.timeout(roomRuns, 1500));
});
