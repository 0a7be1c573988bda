// Finds and merges Synapse config files exactly as `synapse -c A -c DIR ...` does:
// a directory contributes its *.yaml files (not recursive, sorted by code point); files are
// merged shallowly, a later top-level key replacing the earlier one whole.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { readYamlFile, type YamlFile } from './yaml-file.js';

/** Where installs keep their config, in the order we look (Debian and YunoHost add conf.d). */
export const DEFAULT_LOCATIONS: string[][] = [
  ['homeserver.yaml'],
  ['/etc/matrix-synapse/homeserver.yaml', '/etc/matrix-synapse/conf.d'],
  ['/data/homeserver.yaml'],
  ['/matrix/synapse/config/homeserver.yaml'],
];

/** The first default location that exists (with its conf.d when there is one), or null. */
export function findDefaultConfig(): string[] | null {
  for (const [main, ...extra] of DEFAULT_LOCATIONS) {
    if (existsSync(main)) return [main, ...extra.filter((path) => existsSync(path))];
  }
  return null;
}

/** Expands directories into their *.yaml files, keeping command-line order. */
export function expandConfigPaths(paths: string[]): string[] {
  const files: string[] = [];
  for (const path of paths) {
    let stat;
    try {
      stat = statSync(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'no such file or directory' : code === 'ELOOP' ? 'symbolic link loop' : `cannot read (${code})`;
      throw new InputError(why, { file: path });
    }
    if (!stat.isDirectory()) {
      files.push(path);
      continue;
    }
    let names: string[];
    try {
      names = readdirSync(path);
    } catch (error) {
      throw new InputError(`cannot list directory (${(error as NodeJS.ErrnoException).code})`, { file: path });
    }
    const yamlFiles = names
      .filter((name) => name.endsWith('.yaml'))
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
      .map((name) => join(path, name))
      .filter((file) => {
        try {
          return statSync(file).isFile();
        } catch {
          return false; // Synapse skips what is not a readable regular file (broken link, loop).
        }
      });
    files.push(...yamlFiles);
  }
  return files;
}

export interface MergedConfig {
  files: YamlFile[];
  /** The merged top-level mapping Synapse would see. */
  config: Record<string, unknown>;
  /** Top-level key → the file that set it last (so positions come from the right file). */
  ownerOf: Map<string, YamlFile>;
}

export function loadConfigFiles(paths: string[]): MergedConfig {
  return mergeFiles(expandConfigPaths(paths).map(readYamlFile));
}

/** Synapse's shallow merge: a later file's top-level key replaces the earlier one whole. */
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

/** Permission bits of a file, or undefined when it cannot be seen. */
export function fileMode(path: string): number | undefined {
  try {
    return statSync(path).mode & 0o7777;
  } catch {
    return undefined;
  }
}
