// Fuzz (issue #6): mutated configs — the fixtures and the real homeserver.yaml files, alone or
// with their conf.d — go through the loader and the whole config pipeline in process
// (loadConfigFiles → buildServerFacts → rules → verdicts). Every input must end in a report or in
// one controlled InputError. Seed and count: settings.ts.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { lintConfig } from '../../src/lint-config.js';
import { loadRules } from '../../src/engine/rules.js';
import { parseYamlText } from '../../src/sources/yaml-file.js';
import { configSeeds, configSets } from './corpus.js';
import { applyByteOps, describeMutant, mutantArb, render } from './mutate.js';
import { checkReport, controlled, newTally, summary } from './oracle.js';
import { FUZZ } from './settings.js';

const seeds = configSeeds();
const sets = configSets();
const rules = loadRules();
const work = mkdtempSync(join(tmpdir(), 'mxlint-fuzz-config-'));
const tallies = { single: newTally(), sets: newTally(), bytes: newTally() };

describe('fuzz: configs through the loader and the linter (in process)', () => {
  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
    process.stdout.write(summary('config files', tallies.single, FUZZ.seed) + summary('config + conf.d', tallies.sets, FUZZ.seed) + summary('raw YAML bytes', tallies.bytes, FUZZ.seed));
  });

  it('has seeds: the fixtures and the real configs', () => {
    expect(seeds.length).toBeGreaterThan(250);
    expect(seeds.filter((seed) => seed.name.startsWith('real/')).length).toBeGreaterThanOrEqual(25);
    expect(sets.length).toBeGreaterThanOrEqual(2);
  });

  const singleRuns = FUZZ.runs(1000);
  it(`${singleRuns} mutated single files: a report or one InputError`, () => {
    const path = join(work, 'homeserver.yaml');
    fc.assert(fc.property(mutantArb(seeds, 'config'), (mutant) => {
      const describeIt = () => describeMutant(mutant, seeds);
      writeFileSync(path, render(mutant, seeds, 'config'));
      controlled(() => checkReport(lintConfig([path], { rules }), describeIt, tallies.single), [path], tallies.single, describeIt);
    }), { seed: FUZZ.seed, numRuns: singleRuns });
  }, FUZZ.timeout(singleRuns, 40));

  const setRuns = FUZZ.runs(200);
  it(`${setRuns} conf.d sets with one file mutated: a report or one InputError`, () => {
    const arb = fc.record({ set: fc.nat({ max: sets.length - 1 }), file: fc.nat(), mutant: mutantArb(seeds, 'config') });
    let round = 0;
    fc.assert(fc.property(arb, ({ set: setIndex, file, mutant }) => {
      const set = sets[setIndex];
      const dir = join(work, `set-${round++}`);
      const target = file % set.files.length;
      const setSeeds = set.files.map((entry) => entry.seed);
      const local = { ...mutant, seed: target };
      const describeIt = () => `${set.name}, file ${set.files[target].path}: ${describeMutant(local, setSeeds)}`;
      set.files.forEach((entry, index) => {
        const path = join(dir, entry.path);
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, index === target ? render(local, setSeeds, 'config') : entry.seed.bytes);
      });
      const args = set.args.map((arg) => join(dir, arg));
      try {
        controlled(() => checkReport(lintConfig(args, { rules }), describeIt, tallies.sets), args, tallies.sets, describeIt);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }), { seed: FUZZ.seed, numRuns: setRuns });
  }, FUZZ.timeout(setRuns, 60));

  const byteRuns = FUZZ.runs(1500);
  it(`${byteRuns} byte-level mutants through the YAML reader alone`, () => {
    const arb = fc.record({ seed: fc.nat({ max: seeds.length - 1 }), bytes: mutantArb(seeds, 'config').map((mutant) => mutant.bytes) });
    fc.assert(fc.property(arb, ({ seed, bytes }) => {
      const describeIt = () => describeMutant({ seed, tree: [], shape: 'yaml', bytes }, seeds);
      const mutated = applyByteOps(seeds[seed].bytes, bytes, seeds);
      controlled(() => { parseYamlText('fuzz.yaml', mutated); }, ['fuzz.yaml'], tallies.bytes, describeIt);
    }), { seed: FUZZ.seed, numRuns: byteRuns });
  }, FUZZ.timeout(byteRuns, 10));
});
