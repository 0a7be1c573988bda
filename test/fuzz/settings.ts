// How much the fuzz suite runs. In `npm test` a fixed seed and a bounded count keep it quick and
// repeatable; `npm run fuzz` (MXLINT_FUZZ=1) runs far more, with FUZZ_RUNS and FUZZ_SEED to choose.
// A failure prints fast-check's seed and path: FUZZ_SEED=<seed> reproduces it.

/** The seed of the normal test run (any fixed number; changing it changes which inputs are tried). */
const FIXED_SEED = 6_2025_11;

const long = process.env.MXLINT_FUZZ === '1' || process.env.FUZZ_RUNS !== undefined;
const runsFromEnv = process.env.FUZZ_RUNS === undefined ? undefined : Number(process.env.FUZZ_RUNS);
if (runsFromEnv !== undefined && !(Number.isInteger(runsFromEnv) && runsFromEnv > 0)) throw new Error(`FUZZ_RUNS must be a positive integer, not "${process.env.FUZZ_RUNS}"`);

export const FUZZ = {
  long,
  /** One seed for every property of a run (fast-check derives each property's stream from it). */
  seed: process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : long ? Date.now() % 2 ** 31 : FIXED_SEED,
  /** In-process runs per property: `quick` in the normal run, FUZZ_RUNS (default 4000) in `npm run fuzz`. */
  runs(quick: number): number {
    return runsFromEnv ?? (long ? 4000 : quick);
  },
  /** Runs of the built binary (a process each): far fewer. */
  cliRuns(quick: number): number {
    return long ? Math.max(quick, Math.ceil((runsFromEnv ?? 4000) / 25)) : quick;
  },
  /** A vitest timeout for `runs` inputs of about `msEach` each, with room for a loaded machine. */
  timeout(runs: number, msEach: number): number {
    return Math.max(30_000, runs * msEach * 4);
  },
};

if (long) process.stderr.write(`fuzz: seed ${FUZZ.seed} (FUZZ_SEED=${FUZZ.seed} repeats this run)\n`);
