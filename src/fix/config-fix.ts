// `mxlint config --fix`: which keys to change, in which file, and the new text of each file.
// Nothing is written here (see writeConfigFix); the result says what the config will look like
// and how it will be judged, read back with mxlint's own loader from the new texts.
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InputError } from '../errors.js';
import { readBounded } from '../sources/read-bounded.js';
import { LIMITS } from '../sources/yaml-file.js';
import { lintConfig, type ConfigLintResult } from '../lint-config.js';
import { buildServerFacts } from '../facts/server-facts.js';
import { evaluate } from '../engine/evaluate.js';
import { expandConfigPaths } from '../sources/config-files.js';
import { parseYamlText, type YamlFile } from '../sources/yaml-file.js';
import type { Finding, Lang, Report, Rule } from '../types.js';
import { verdicts } from '../engine/verdicts.js';
import { applyLeaves, getIn, isMapping, sameValue, showPath, type Leaf } from './patch.js';
import { fixToFixedPoint, selectFixes, type Clash, type FixLevel, type PlannedLeaf, type Selection, type ToDo } from './select.js';
import { applyLeaf, EditError } from './yaml-edit.js';
import { configFileList, lintMerged, loadWithTexts, mergeFiles } from './config-texts.js';
import { writeFilesAtomically } from './atomic-write.js';

export interface ConfigFixOptions {
  /** The use cases to fix for; at least one (use cases want opposite things). */
  useCases: string[];
  rules: Rule[];
  /** Where keys absent from every file go: one of the files read, or a new .yaml file in a given directory. */
  target?: string;
  /** The lowest level fixed (default warning: notes are left alone). */
  minLevel?: FixLevel;
  lang?: Lang;
  /** Takes suppressed findings (policy, inline, baseline) out of a report in place: they are not fixed. */
  settle?: (report: Report) => void;
}

export interface ChangedLeaf extends PlannedLeaf {
  /** The value before (found false: the key was absent). */
  previous: { found: boolean; value: unknown };
}

export interface FileFix {
  /** As listed in the config files (relative when given relative). */
  path: string;
  created: boolean;
  before: string;
  after: string;
  leaves: ChangedLeaf[];
}

export interface ConfigFix {
  inputs: string[];
  useCases: string[];
  before: ConfigLintResult;
  /** What is left after the fix: decisions, manual work, checks that could not be made. */
  selection: Selection;
  clashes: Clash[];
  /** The files that change. */
  files: FileFix[];
  /** Leaves that could not be written without guessing, with why. */
  failed: Array<{ leaf: PlannedLeaf; file: string; reason: string }>;
  /** The config as it will be judged once the files are written. */
  after: ConfigLintResult;
  /** Rules with a mechanical fix that still fail afterwards (their hint says what else to do). */
  stillFailing: ToDo[];
}

export function planConfigFix(paths: string[], options: ConfigFixOptions): ConfigFix {
  if (options.useCases.length === 0) throw new InputError(NO_USE_CASE);
  const { useCases, rules } = options;
  const before = lintConfig(paths, { useCases, rules, lang: options.lang });
  const settle = (findings: Finding[]): Finding[] => {
    if (!options.settle) return findings;
    const report = { ...before, findings, verdicts: [] };
    options.settle(report);
    return report.findings;
  };
  before.findings = settle(before.findings);
  before.verdicts = verdicts(before.findings, useCases);
  const files = before.facts.files;
  const { ownerOf } = mergeFiles(files);
  const findingsOf = (config: Record<string, unknown>): Finding[] =>
    settle(evaluate(rules, buildServerFacts({ files, config, ownerOf }, paths), { useCases, lang: options.lang }));
  const minLevel = options.minLevel ?? 'warning';
  const { leaves, clashes } = fixToFixedPoint(before.facts.config, true, findingsOf, { rules, useCases, minLevel, lang: options.lang });

  const target = fixTarget(paths, files, options.target);
  const byFile = new Map<string, PlannedLeaf[]>();
  for (const leaf of leaves) {
    const owner = [...files].reverse().find((file) => file.data && Object.hasOwn(file.data, leaf.path[0]));
    const file = owner?.path ?? target.path;
    byFile.set(file, [...(byFile.get(file) ?? []), leaf]);
  }

  const fixes: FileFix[] = [];
  const failed: ConfigFix['failed'] = [];
  for (const [path, fileLeaves] of byFile) {
    const created = path === target.path && target.created;
    const original = created ? '' : readText(path);
    const bom = original.startsWith('\uFEFF') ? '\uFEFF' : '';
    let text = original.slice(bom.length);
    const applied: ChangedLeaf[] = [];
    const data = files.find((file) => file.path === path)?.data ?? {};
    for (const leaf of fileLeaves) {
      try {
        text = applyLeaf(text, leaf);
        applied.push({ ...leaf, previous: getIn(data, leaf.path) });
      } catch (error) {
        if (!(error instanceof EditError)) throw error;
        failed.push({ leaf, file: path, reason: error.message });
      }
    }
    const after = bom + text;
    if (after === original) continue;
    verifyEdit(path, data, after, applied);
    fixes.push({ path, created, before: original, after, leaves: applied });
  }

  const texts = new Map(fixes.map((fix) => [fix.path, fix.after]));
  const fileList = configFileList(paths, target.created && texts.has(target.path) ? target.path : undefined);
  fixes.sort((a, b) => fileList.indexOf(a.path) - fileList.indexOf(b.path));
  const after = lintMerged(loadWithTexts(fileList, texts, files[0]?.mode), paths, rules, useCases, options.lang);
  after.findings = settle(after.findings);
  after.verdicts = verdicts(after.findings, useCases);
  // What is left: decisions, manual work, and the mechanical fixes that did not make their rule pass
  // (still failing, or now unknown: a registration token does not gate sign-up through an SSO provider).
  const selection = selectFixes(after.findings, rules, useCases, minLevel, options.lang);
  const fixedIds = new Set(fixes.flatMap((fix) => fix.leaves.flatMap((leaf) => leaf.ruleIds)));
  const stillFailing = [...selection.mechanical.map((item): ToDo => ({
    ruleId: item.rule.id, useCases: item.useCases, level: item.level, title: item.rule.title[options.lang ?? 'en'], message: item.message,
    what: item.rule.fix?.hint[options.lang ?? 'en'] ?? '', hint: item.rule.fix?.hint[options.lang ?? 'en'],
  })), ...selection.unknown.filter((todo) => fixedIds.has(todo.ruleId))];
  return { inputs: paths, useCases, before, selection, clashes, files: fixes, failed, after, stillFailing };
}

/** Writes the changed files atomically (all or none). New files take the main file's permissions and owner. */
export function writeConfigFix(fix: ConfigFix): void {
  const main = fix.before.facts.files[0]?.path;
  writeFilesAtomically(fix.files.map((file) => ({ path: file.path, text: file.after, like: file.created ? main : undefined })));
}

export const NO_USE_CASE = 'say which use cases to fix for with -u (repeatable): use cases want opposite things '
  + '(a public help room wants guest access, a trusted group forbids it), so mxlint does not fix for all of them at once';

function readText(path: string): string {
  const bytes = readBounded(path, LIMITS.maxFileBytes, 'a YAML file').bytes;
  if (bytes.subarray(0, 10).toString('latin1') === '\0GITCRYPT\0') throw new InputError('encrypted with git-crypt: cannot fix it', { file: path });
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new InputError('not UTF-8 text: cannot fix it', { file: path });
  }
}

/** Where keys that no file sets go: --fix-target, else the first file read. */
function fixTarget(paths: string[], files: YamlFile[], requested?: string): { path: string; created: boolean } {
  if (!requested) {
    const first = files[0];
    if (!first) throw new InputError('no config file to add keys to: give --fix-target FILE');
    if (first.unreadableBySynapse) throw new InputError(`cannot add keys to it (${first.skipped})`, { file: first.path });
    return { path: first.path, created: false };
  }
  const listed = files.find((file) => resolve(file.path) === resolve(requested));
  if (listed) {
    if (listed.unreadableBySynapse) throw new InputError(`--fix-target cannot be edited (${listed.skipped})`, { file: requested });
    return { path: listed.path, created: false };
  }
  const directories = paths.filter((path) => {
    try {
      return statSync(path).isDirectory();
    } catch {
      return false;
    }
  });
  const inDirectory = directories.find((directory) => resolve(directory) === resolve(dirname(requested)));
  if (!existsSync(requested) && requested.endsWith('.yaml') && inDirectory) return { path: requested, created: true };
  const read = expandConfigPaths(paths).join(', ');
  throw new InputError(`--fix-target must be one of the files read (${read}), or a new .yaml file in a directory given (Synapse would not read it otherwise)`, { file: requested });
}

/**
 * The edited text, read back as Synapse would, must hold exactly the old data with the leaves
 * applied; otherwise nothing is written (a bug in the editor must never reach a config).
 */
function verifyEdit(path: string, before: Record<string, unknown>, text: string, leaves: Leaf[]): void {
  let read: Record<string, unknown> | null;
  try {
    read = parseYamlText(path, Buffer.from(text, 'utf8')).data;
  } catch (error) {
    throw new Error(`the fixed text of ${path} does not read back (${(error as Error).message}); nothing was written`);
  }
  const expected = applyLeaves(before, leaves);
  // Commenting out the last key of a mapping leaves the mapping empty, which YAML reads as null.
  for (const leaf of leaves.filter((candidate) => candidate.remove && candidate.path.length > 1)) {
    const parent = leaf.path.slice(0, -1);
    const wanted = getIn(expected, parent);
    if (isMapping(wanted.value) && Object.keys(wanted.value).length === 0 && getIn(read, parent).value === null) {
      const holder = getIn(expected, parent.slice(0, -1)).value as Record<string, unknown>;
      holder[parent[parent.length - 1]] = null;
    }
  }
  if (!sameValue(read ?? {}, expected)) {
    const changed = leaves.map((leaf) => showPath(leaf.path)).join(', ');
    throw new Error(`the fixed text of ${path} does not read back as intended (${changed}); nothing was written`);
  }
}
