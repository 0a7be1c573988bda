// The config as Synapse would read it if some files had other texts: lints a fix before it is
// written (dry run, clashes), with the same reader and the same merge as `lintConfig`.
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { expandConfigPaths, type MergedConfig } from '../sources/config-files.js';
import { parseYamlText, readYamlFile, type YamlFile } from '../sources/yaml-file.js';
import { buildServerFacts, type ServerFacts } from '../facts/server-facts.js';
import { evaluate } from '../engine/evaluate.js';
import { verdicts } from '../engine/verdicts.js';
import { VERSION } from '../version.js';
import type { ConfigLintResult } from '../lint-config.js';
import type { Lang, Rule } from '../types.js';

/** The files `paths` expand to, with `extra` (a new file in one of the given directories) in its sorted place. */
export function configFileList(paths: string[], extra?: string): string[] {
  const files: string[] = [];
  for (const path of paths) {
    const expanded = expandConfigPaths([path]);
    let isDirectory = false;
    try {
      isDirectory = statSync(path).isDirectory();
    } catch {
      isDirectory = false;
    }
    if (extra && isDirectory && resolve(path) === resolve(dirname(extra)) && !expanded.some((file) => resolve(file) === resolve(extra))) {
      expanded.push(extra);
      expanded.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    }
    files.push(...expanded);
  }
  return files;
}

/** Synapse's shallow merge (as loadConfigFiles): a later file's top-level key replaces the earlier one whole. */
export function mergeFiles(files: YamlFile[]): MergedConfig {
  const config: Record<string, unknown> = {};
  const ownerOf = new Map<string, YamlFile>();
  for (const file of files) {
    if (!file.data) continue;
    for (const [key, value] of Object.entries(file.data)) {
      config[key] = value;
      ownerOf.set(key, file);
    }
  }
  return { files, config, ownerOf };
}

/**
 * Reads the files, taking the text of those in `texts` (by path as listed) instead of the disk;
 * their permissions stay those on the disk (a new file gets `newFileMode`, as it will be written).
 */
export function loadWithTexts(files: string[], texts: Map<string, string>, newFileMode?: number): MergedConfig {
  return mergeFiles(files.map((file) => {
    if (!texts.has(file)) return readYamlFile(file);
    const mode = existsSync(file) ? statSync(file).mode & 0o7777 : newFileMode;
    return { ...parseYamlText(file, Buffer.from(texts.get(file)!, 'utf8')), ...(mode === undefined ? {} : { mode }) };
  }));
}

/** lintConfig over a merged config already read. */
export function lintMerged(merged: MergedConfig, inputs: string[], rules: Rule[], useCases: string[], lang?: Lang): ConfigLintResult {
  const facts: ServerFacts = buildServerFacts(merged, inputs);
  const findings = evaluate(rules, facts, { useCases, lang });
  return {
    schemaVersion: 1,
    tool: { name: 'mxlint', version: VERSION },
    target: 'config',
    inputs: facts.files.map((file) => file.path),
    useCases,
    findings,
    verdicts: verdicts(findings, useCases),
    warnings: facts.files.filter((file) => file.data === null).map((file) => `${file.path}: skipped, ${file.skipped}`),
    facts,
  };
}
