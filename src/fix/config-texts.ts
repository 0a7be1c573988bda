// The config as Synapse would read it if some files had other texts: lints a fix before it is
// written (dry run, clashes), with the same reader and the same merge as `lintConfig`.
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { byCodePoint, expandConfigPaths, mergeFiles, type MergedConfig } from '../sources/config-files.js';
export { mergeFiles } from '../sources/config-files.js';
export { lintMerged } from '../lint-config.js';
import { parseYamlText, readYamlFile, type YamlFile } from '../sources/yaml-file.js';

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
      expanded.sort(byCodePoint);
    }
    files.push(...expanded);
  }
  return files;
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

