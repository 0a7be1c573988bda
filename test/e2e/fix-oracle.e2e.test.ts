// `mxlint config --fix` checked by Synapse itself: every real config (../shared/fixtures/real/homeserver),
// fixed in a temporary copy for chatons and trusted-group, is read by Synapse 1.160's loader (the oracle,
// scripts/synapse-sandbox.sh oracle): it still loads when the original did, PyYAML reads exactly what
// mxlint's loader reads, and every fixed key holds the value the fix wrote.
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { lintConfig } from '../../src/lint-config.js';
import { loadConfigFiles } from '../../src/sources/config-files.js';
import { findPlaceholder, pythonTruthy } from '../../src/facts/values.js';
import { loadRules } from '../../src/engine/rules.js';
import { planConfigFix, writeConfigFix } from '../../src/fix/config-fix.js';
import { getIn } from '../../src/fix/patch.js';
import { askOracle, asPythonJson, oracleUnavailable, pool, rawDifferences } from './oracle.js';
import { describeE2E } from './sandbox.js';

const REAL_DIR = resolve(import.meta.dirname, '../../../shared/fixtures/real/homeserver');
const USE_CASES = ['chatons', 'trusted-group'];
const scratch = mkdtempSync(join(tmpdir(), 'mxlint-fix-oracle-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const rules = loadRules();
const run = pool(4);

interface Case { name: string; paths: string[] }

function realConfigs(): Case[] {
  if (!existsSync(REAL_DIR)) return [];
  return readdirSync(REAL_DIR).filter((entry) => entry.endsWith('.yaml')).sort().map((name) => {
    const confD = join(REAL_DIR, name.replace(/\.yaml$/, '.conf.d'));
    return { name, paths: [join(REAL_DIR, name), ...(existsSync(confD) ? [confD] : [])] };
  });
}

/** The keys Synapse demands (server_name, report_stats, a database), added by a last file when missing. */
function completion(paths: string[], dir: string): string[] {
  const { config } = loadConfigFiles(paths);
  const lines: string[] = [];
  if (!Object.hasOwn(config, 'server_name') || findPlaceholder(config.server_name)) lines.push('server_name: fix-oracle.test');
  if (!Object.hasOwn(config, 'report_stats')) lines.push('report_stats: false');
  // The oracle adds no database any more: Synapse refuses a config without one.
  if (![config.database, config.databases, config.database_path].some(pythonTruthy)) lines.push('database: {name: sqlite3, args: {database: fix-oracle.db}}');
  if (!lines.length) return [];
  const file = join(dir, 'zz-completion.yaml');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return [file];
}

const unavailable = oracleUnavailable();
const cases = unavailable ? [] : realConfigs();

describeE2E('--fix, read back by Synapse', () => {
  it.skipIf(Boolean(unavailable))(`fixes every real config so that Synapse still reads it (${cases.length} configs)`, async () => {
    const problems: string[] = [];
    let checked = 0;
    await Promise.all(cases.map((testCase) => run(async () => {
      const dir = join(scratch, testCase.name);
      const copies = testCase.paths.map((path) => {
        const copy = join(dir, 'config', path.slice(REAL_DIR.length + 1));
        cpSync(path, copy, { recursive: statSync(path).isDirectory() });
        return copy;
      });
      let fix;
      try {
        fix = planConfigFix(copies, { useCases: USE_CASES, rules });
      } catch {
        return; // not YAML mxlint can read (a template): nothing is fixed, nothing to ask Synapse
      }
      const extra = completion(copies, dir);
      const originals = copies.map((copy) => `${copy}.orig`);
      copies.forEach((copy, index) => cpSync(copy, originals[index], { recursive: statSync(copy).isDirectory() }));
      writeConfigFix(fix);
      const after = await askOracle([...copies, ...extra]);
      checked += 1;
      if (!after.loaded) {
        // Refused: only a problem when Synapse loaded the original (asked only then, to save time).
        const before = await askOracle([...originals, ...extra]);
        if (before.loaded) problems.push(`${testCase.name}: Synapse loaded it, refuses the fixed one: ${after.error}`);
      }
      if (!after.raw) return;
      const mine = lintConfig([...copies, ...extra], { useCases: USE_CASES, rules }).facts.config;
      for (const difference of rawDifferences(asPythonJson(mine), after.raw)) problems.push(`${testCase.name}: ${difference}`);
      for (const leaf of fix.files.flatMap((file) => file.leaves)) {
        const read = getIn(after.raw, leaf.path);
        const ok = leaf.remove ? !read.found : read.found && JSON.stringify(read.value) === JSON.stringify(asPythonJson(leaf.value));
        if (!ok) problems.push(`${testCase.name}: ${leaf.path.join('.')} reads ${JSON.stringify(read.value)} in Synapse, the fix wrote ${leaf.remove ? '(removed)' : JSON.stringify(leaf.value)}`);
      }
    })));
    process.stderr.write(`fix-oracle: ${checked} real configs fixed for ${USE_CASES.join(', ')} and read back by Synapse, ${problems.length} problems\n`);
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(0);
  }, 900_000);
});
