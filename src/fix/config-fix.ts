// `mxlint config --fix`: which keys to change, in which file, and the new text of each file.
// Nothing is written here (see writeConfigFix); the result says what the config will look like
// and how it will be judged, read back with mxlint's own loader from the new texts.
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InputError } from '../errors.js';
import { readBounded, fileKind } from '../sources/read-bounded.js';
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
import { loadMasConfig, parseMasText, readMasFile, type MasSearch, type MergedMas } from '../sources/mas-config.js';
import { configFileList, lintMerged, loadWithTexts, mergeFiles } from './config-texts.js';
import { previewWrites, writeFilesAtomically, type PendingWrite, type WriteOptions, type Written } from './atomic-write.js';
import { defineMessages, type Message } from '../messages/message.js';

const errorMessage = defineMessages({
  'error.fix.noUseCase': {
    en: 'say which use cases to fix for with -u (repeatable): use cases want opposite things (a public help room wants guest access, a trusted group forbids it), so mxlint does not fix for all of them at once',
    fr: 'dites pour quels cas d’usage corriger avec -u (répétable)\u00a0: les cas d’usage veulent des choses opposées (un salon d’aide public veut l’accès invité, un groupe de confiance l’interdit), donc mxlint ne corrige pas pour tous à la fois',
  },
  'error.fix.changedWhileRead': {
    en: 'changed while mxlint read it (someone else is editing it?): run the fix again; nothing was written',
    fr: 'modifié pendant que mxlint le lisait (quelqu’un d’autre le modifie\u00a0?)\u00a0: relancez la correction\u00a0; rien n’a été écrit',
  },
  'error.fix.notRegular': {
    en: 'is not a regular file (a pipe, a FIFO or a device): cannot fix it; fix a copy',
    fr: 'n’est pas un fichier ordinaire (un tube, un FIFO ou un périphérique)\u00a0: impossible de le corriger\u00a0; corrigez-en une copie',
  },
  'error.fix.gitCrypt': { en: 'encrypted with git-crypt: cannot fix it', fr: 'chiffré avec git-crypt\u00a0: impossible de le corriger' },
  'error.fix.notUtf8': { en: 'not UTF-8 text: cannot fix it', fr: 'pas du texte UTF-8\u00a0: impossible de le corriger' },
  'error.fix.oddLineBreak': {
    en: 'holds a {character} character, which Synapse reads as a line break: cannot fix it without risking the wrong line; replace it and run again',
    fr: 'contient un caractère {character}, que Synapse lit comme un saut de ligne\u00a0: impossible de le corriger sans risquer de viser la mauvaise ligne\u00a0; remplacez-le et relancez',
  },
  'error.fix.mixedLineBreaks': {
    en: 'mixes CR-only line breaks with LF ones: cannot fix it without risking the wrong line; use one kind of line break and run again',
    fr: 'mélange des sauts de ligne CR seuls et LF\u00a0: impossible de le corriger sans risquer de viser la mauvaise ligne\u00a0; n’utilisez qu’une sorte de saut de ligne et relancez',
  },
  'error.fix.noTarget': { en: 'no config file to add keys to: give --fix-target FILE', fr: 'aucun fichier de configuration où ajouter les clés\u00a0: donnez --fix-target FICHIER' },
  'error.fix.cannotAddKeys': { en: 'cannot add keys to it ({why})', fr: 'impossible d’y ajouter des clés ({why})' },
  'error.fix.targetNotEditable': { en: '--fix-target cannot be edited ({why})', fr: '--fix-target ne peut pas être modifié ({why})' },
  'error.fix.targetUnknown': {
    en: '--fix-target must be one of the files read ({read}), or a new .yaml file in a directory given (Synapse would not read it otherwise)',
    fr: '--fix-target doit être l’un des fichiers lus ({read}), ou un nouveau fichier .yaml dans un dossier donné (sinon Synapse ne le lirait pas)',
  },
});

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
  /** Matrix Authentication Service's config files (a rule whose fix.set names `mas.*` edits them). */
  masConfig?: string[];
  masSearch?: MasSearch;
  environment?: Record<string, string | undefined>;
}

/** The key under which MAS's config rides in the document the fixer edits (`mas.account.…`). */
const MAS_KEY = 'mas';

/** A document's Synapse config and MAS config, apart. */
function splitDocument(document: Record<string, unknown>, mas: MergedMas | undefined): { config: Record<string, unknown>; mas?: MergedMas } {
  if (!mas) return { config: document };
  const { [MAS_KEY]: masConfig, ...config } = document;
  return { config, mas: { ...mas, config: masConfig as Record<string, unknown> } };
}

/**
 * A rule's fix.set may name keys of both configs (`registration_requires_token` and
 * `mas.account.password_registration_token_required`): the keys of the config its findings point
 * into are kept, as only they can make it pass (Synapse ignores its own sign-up keys under MAS).
 */
function fixesWhereFound(rules: Rule[], findings: Finding[], mas: boolean): Rule[] {
  return rules.map((rule) => {
    const set = rule.fix?.set;
    if (!set) return rule;
    const keys = Object.keys(set);
    const masKeys = keys.filter((key) => key.startsWith(`${MAS_KEY}.`));
    if (masKeys.length === 0) return rule;
    const failing = findings.filter((finding) => finding.ruleId === rule.id && finding.status !== 'pass');
    const inMas = mas && failing.length > 0 && failing.every((finding) => finding.path?.startsWith(`${MAS_KEY}.`));
    const kept = Object.fromEntries(Object.entries(set).filter(([key]) => key.startsWith(`${MAS_KEY}.`) === inMas));
    const fix = { ...rule.fix!, set: Object.keys(kept).length ? kept : undefined };
    if (!fix.set) delete fix.set;
    return { ...rule, fix };
  });
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
  const { useCases } = options;
  const before = lintConfig(paths, { useCases, rules: options.rules, lang: options.lang, masConfig: options.masConfig, masSearch: options.masSearch, environment: options.environment });
  const mas = before.facts.mas;
  // A Synapse config with a top-level `mas` key (which Synapse ignores) leaves MAS's files alone.
  const masEditable = mas && !Object.hasOwn(before.facts.config, MAS_KEY) ? mas : undefined;
  const rules = fixesWhereFound(options.rules, before.findings, Boolean(masEditable));
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
  const findingsOf = (document: Record<string, unknown>): Finding[] =>
    settle(evaluate(rules, buildServerFacts({ files, ownerOf, ...splitDocument(document, masEditable) }, paths), { useCases, lang: options.lang }));
  const minLevel = options.minLevel ?? 'warning';
  const base = masEditable ? { ...before.facts.config, [MAS_KEY]: masEditable.config } : before.facts.config;
  const planned = fixToFixedPoint(base, true, findingsOf, { rules, useCases, minLevel, lang: options.lang });
  const { clashes } = planned;
  // With no MAS config to edit, a `mas.*` leaf cannot be written.
  const leaves = planned.leaves.filter((leaf) => masEditable || leaf.path[0] !== MAS_KEY);
  const masFiles = new Map((masEditable?.files ?? []).map((path) => [path, readMasFile(path)]));

  const target = fixTarget(paths, files, options.target);
  const byFile = new Map<string, PlannedLeaf[]>();
  for (const leaf of leaves) {
    const owner = [...files].reverse().find((file) => file.data && Object.hasOwn(file.data, leaf.path[0]));
    const file = leaf.path[0] === MAS_KEY && masEditable ? masFileFor(masFiles, leaf.path.slice(1)) : owner?.path ?? target.path;
    byFile.set(file, [...(byFile.get(file) ?? []), leaf]);
  }

  const fixes: FileFix[] = [];
  const failed: ConfigFix['failed'] = [];
  for (const [path, fileLeaves] of byFile) {
    const created = path === target.path && target.created;
    const original = created ? '' : readText(path);
    const bom = original.startsWith('\uFEFF') ? '\uFEFF' : '';
    const crOnly = lineBreaks(path, original);
    let text = original.slice(bom.length);
    // CR-only line breaks are edited as LF and turned back: the file has no LF, so nothing else changes.
    if (crOnly) text = text.replaceAll('\r', '\n');
    const applied: ChangedLeaf[] = [];
    const masFile = masFiles.get(path);
    const data = masFile?.data ?? files.find((file) => file.path === path)?.data ?? {};
    for (const planned of fileLeaves) {
      // A MAS leaf is written at its path inside the MAS file.
      const leaf = masFile ? { ...planned, path: planned.path.slice(1) } : planned;
      try {
        text = applyLeaf(text, leaf);
        applied.push({ ...leaf, previous: getIn(data, leaf.path) });
      } catch (error) {
        if (!(error instanceof EditError)) throw error;
        failed.push({ leaf, file: path, reason: error.message });
      }
    }
    const after = bom + (crOnly ? text.replaceAll('\n', '\r') : text);
    if (after === original) continue;
    try {
      verifyEdit(path, data, after, applied, masFile ? readMasText : readSynapseText);
    } catch (error) {
      // The file is read twice (linted, then edited): a change in between makes the edit look wrong.
      if (!sameValue((masFile ? readMasText : readSynapseText)(path, original) ?? {}, data)) {
        throw new InputError(errorMessage('error.fix.changedWhileRead'), { file: path });
      }
      throw error;
    }
    fixes.push({ path, created, before: original, after, leaves: applied });
  }

  const texts = new Map(fixes.map((fix) => [fix.path, fix.after]));
  const fileList = configFileList(paths, target.created && texts.has(target.path) ? target.path : undefined);
  fixes.sort((a, b) => fileList.indexOf(a.path) - fileList.indexOf(b.path));
  const afterMas = masEditable ? loadMasConfig(masEditable.files, options.environment, texts) : mas;
  const after = lintMerged({ ...loadWithTexts(fileList, texts, files[0]?.mode), mas: afterMas }, paths, rules, useCases, options.lang);
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

/**
 * Writes the changed files atomically (all or none), each only if it still holds the text the fix
 * was computed from. New files take the main file's permissions and owner.
 */
export function writeConfigFix(fix: ConfigFix, options: WriteOptions = {}): Written[] {
  return writeFilesAtomically(pendingWrites(fix), options);
}

/** For --fix-dry-run: what --fix would refuse, or write in place. */
export function previewConfigFix(fix: ConfigFix, options: WriteOptions = {}): Message[] {
  return previewWrites(pendingWrites(fix), options);
}

function pendingWrites(fix: ConfigFix): PendingWrite[] {
  const main = fix.before.facts.files[0]?.path;
  return fix.files.map((file) => ({
    path: file.path, text: file.after, like: file.created ? main : undefined, expected: file.created ? null : file.before,
  }));
}

export const NO_USE_CASE = errorMessage('error.fix.noUseCase');

function readText(path: string): string {
  // A pipe (`<(ssh host cat …)`) was emptied by the lint, and nothing can be written back to it.
  if (!statSync(path).isFile()) throw new InputError(errorMessage('error.fix.notRegular'), { file: path });
  const bytes = readBounded(path, LIMITS.maxFileBytes, fileKind('error.file.yaml')).bytes;
  if (bytes.subarray(0, 10).toString('latin1') === '\0GITCRYPT\0') throw new InputError(errorMessage('error.fix.gitCrypt'), { file: path });
  try {
    // ignoreBOM: the byte-order mark stays in the text (and so in the file written back).
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new InputError(errorMessage('error.fix.notUtf8'), { file: path });
  }
}

/**
 * Whether the file breaks lines with CR alone (old Mac style). Line breaks the YAML editor would
 * place elsewhere than Synapse's reader are refused: a lone CR among LFs, and NEL, U+2028, U+2029
 * (PyYAML ends lines there, the editor does not), as an edit could land on the wrong line.
 */
function lineBreaks(path: string, text: string): boolean {
  const other = /[\u0085\u2028\u2029]/.exec(text);
  if (other) {
    const line = text.slice(0, other.index).split(/\r\n|\r|\n/).length;
    throw new InputError(errorMessage('error.fix.oddLineBreak', { character: other[0] === '\u0085' ? 'NEL (U+0085)' : `U+${other[0].charCodeAt(0).toString(16).toUpperCase()}` }), { file: path, line });
  }
  const loneCr = /\r(?!\n)/.test(text);
  if (loneCr && text.includes('\n')) throw new InputError(errorMessage('error.fix.mixedLineBreaks'), { file: path });
  return loneCr;
}

/** Where keys that no file sets go: --fix-target, else the first file read. */
function fixTarget(paths: string[], files: YamlFile[], requested?: string): { path: string; created: boolean } {
  if (!requested) {
    const first = files[0];
    if (!first) throw new InputError(errorMessage('error.fix.noTarget'));
    if (first.unreadableBySynapse) throw new InputError(errorMessage('error.fix.cannotAddKeys', { why: String(first.skipped) }), { file: first.path });
    return { path: first.path, created: false };
  }
  const listed = files.find((file) => resolve(file.path) === resolve(requested));
  if (listed) {
    if (listed.unreadableBySynapse) throw new InputError(errorMessage('error.fix.targetNotEditable', { why: String(listed.skipped) }), { file: requested });
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
  throw new InputError(errorMessage('error.fix.targetUnknown', { read }), { file: requested });
}

/**
 * The edited text, read back as Synapse would, must hold exactly the old data with the leaves
 * applied; otherwise nothing is written (a bug in the editor must never reach a config).
 */
function verifyEdit(path: string, before: Record<string, unknown>, text: string, leaves: Leaf[], reader: (path: string, text: string) => Record<string, unknown> | null): void {
  let read: Record<string, unknown> | null;
  try {
    read = reader(path, text);
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

const readSynapseText = (path: string, text: string): Record<string, unknown> | null => parseYamlText(path, Buffer.from(text, 'utf8')).data;
const readMasText = (path: string, text: string): Record<string, unknown> | null => parseMasText(path, text).data;

/** The MAS file a key goes into: the last one that writes the longest part of its path (admerge:
 *  the later file wins), else the first file. */
function masFileFor(masFiles: Map<string, { data: Record<string, unknown> }>, path: string[]): string {
  let best: string | undefined;
  let depth = 0;
  for (const [file, { data }] of masFiles) {
    let found = 0;
    while (found < path.length && getIn(data, path.slice(0, found + 1)).found) found += 1;
    if (found > 0 && found >= depth) [best, depth] = [file, found];
  }
  return best ?? [...masFiles.keys()][0];
}
