// `mxlint config --fix` on every real config of ../shared/fixtures/real/homeserver, each in a
// temporary copy: the fixed files still read (mxlint's loader, as Synapse), no comment line is lost,
// every line that changed is accounted for by a fixed key, and a second run changes nothing.
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { diffLines } from 'diff';
import { loadRules } from '../../src/engine/rules.js';
import { lintConfig } from '../../src/lint-config.js';
import { planConfigFix, writeConfigFix } from '../../src/fix/config-fix.js';

const REAL_DIR = resolve(import.meta.dirname, '../../../shared/fixtures/real/homeserver');
const scratch = mkdtempSync(join(tmpdir(), 'mxlint-fix-real-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const rules = loadRules();

/** Each real config as Synapse is given it: the file, and its conf.d when it has one. */
function realConfigs(): Array<{ name: string; paths: string[] }> {
  if (!existsSync(REAL_DIR)) return [];
  return readdirSync(REAL_DIR).filter((entry) => entry.endsWith('.yaml')).sort().map((name) => {
    const confD = join(REAL_DIR, name.replace(/\.yaml$/, '.conf.d'));
    return { name, paths: [join(REAL_DIR, name), ...(existsSync(confD) ? [confD] : [])] };
  });
}

/** A private copy of the config (never the shared files themselves). */
function copyOf(paths: string[], label: string): string[] {
  const dir = join(scratch, label);
  return paths.map((path) => {
    const copy = join(dir, path.slice(REAL_DIR.length + 1));
    cpSync(path, copy, { recursive: statSync(path).isDirectory() });
    return copy;
  });
}

const filesUnder = (paths: string[]): string[] => paths.flatMap((path) => (statSync(path).isDirectory() ? readdirSync(path).map((name) => join(path, name)) : [path]));
const commentLines = (text: string): string[] => text.split('\n').filter((line) => line.trim().startsWith('#')).map((line) => line.trim());

/**
 * Lines of the diff that no fixed key explains: a removed line must come back as is (a file that
 * ended without a newline) or commented out, or be the line of a fixed key; an added line must be
 * one of those, or name a fixed key.
 */
export function unaccountedLines(before: string, after: string, paths: string[][]): string[] {
  const parts = diffLines(before, after);
  const removed = parts.filter((part) => part.removed).flatMap((part) => part.value.split('\n').filter(Boolean));
  const added = parts.filter((part) => part.added).flatMap((part) => part.value.split('\n').filter(Boolean));
  const keys = paths.flat();
  const namesKey = (line: string) => keys.some((key) => line.replace(/^[\s#]*/, '').startsWith(`${key}:`));
  const commented = (line: string) => line.replace(/^(\s*)/, '$1# ');
  const problems: string[] = [];
  for (const line of removed) {
    const back = added.findIndex((candidate) => candidate === line || candidate === commented(line));
    if (back !== -1) added.splice(back, 1);
    else if (line.trim().startsWith('#') || !namesKey(line)) problems.push(`- ${line}`);
  }
  for (const line of added) if (!namesKey(line)) problems.push(`+ ${line}`);
  return problems;
}

const USE_CASE_SETS = [['chatons'], ['chatons', 'anonymous'], ['trusted-group'], ['public-community']];
const cases = realConfigs().flatMap((config) => USE_CASE_SETS.map((useCases) => ({ ...config, useCases })));

describe.runIf(cases.length > 0)('--fix on the real configs', () => {
  it.each(cases)('$name for $useCases', ({ name, paths, useCases }) => {
    const copies = copyOf(paths, `${name}-${useCases.join('+')}`);
    let readable = true;
    try {
      lintConfig(copies, { useCases, rules });
    } catch {
      readable = false;
    }
    if (!readable) {
      // What mxlint cannot read (a template, not YAML), it does not fix either.
      expect(() => planConfigFix(copies, { useCases, rules })).toThrow();
      return;
    }
    const files = filesUnder(copies);
    const before = new Map(files.map((file) => [file, readFileSync(file, 'utf8')]));
    const fix = planConfigFix(copies, { useCases, rules });
    writeConfigFix(fix);

    for (const file of files) {
      const after = readFileSync(file, 'utf8');
      // No comment line is lost (commenting a key out adds some).
      const kept = commentLines(after);
      for (const comment of commentLines(before.get(file)!)) {
        const at = kept.indexOf(comment);
        expect(at, `${file}: comment lost: ${comment}`).not.toBe(-1);
        kept.splice(at, 1);
      }
      // Every changed line belongs to a fixed key: a line of it, or a line commented out.
      const changed = fix.files.find((candidate) => candidate.path === file);
      expect(unaccountedLines(before.get(file)!, after, changed ? changed.leaves.map((leaf) => leaf.path) : []), file).toEqual([]);
    }
    // Still read as Synapse would, and judged as predicted.
    const relinted = lintConfig(copies, { useCases, rules });
    expect(relinted.verdicts).toEqual(fix.after.verdicts);
    for (const item of fix.files.flatMap((file) => file.leaves)) {
      for (const ruleId of item.ruleIds) {
        if (fix.stillFailing.some((todo) => todo.ruleId === ruleId)) continue;
        expect(relinted.findings.filter((finding) => finding.ruleId === ruleId && finding.status !== 'pass'), ruleId).toEqual([]);
      }
    }
    // Idempotent.
    const again = planConfigFix(copies, { useCases, rules });
    expect(again.files.map((file) => file.path)).toEqual([]);
  });
});
