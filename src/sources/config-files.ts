// Finds and merges Synapse config files exactly as `synapse -c A -c DIR ...` does:
// a directory contributes its *.yaml regular files (not recursive, sorted by code point); files are
// merged shallowly, a later top-level key replacing the earlier one whole.
import { existsSync, lstatSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { defineMessages, type Message } from '../messages/message.js';
import { readYamlFile, skippedFile, type YamlFile } from './yaml-file.js';
import type { MergedMas } from './mas-config.js';

const skipped = defineMessages({
  'skipped.yml': { en: 'named *.yml: Synapse reads only the *.yaml files of a directory', fr: 'nommé *.yml\u00a0: Synapse ne lit que les fichiers *.yaml d’un dossier' },
  'skipped.brokenLink': { en: 'a broken symbolic link (its target does not exist); Synapse skips it', fr: 'un lien symbolique cassé (sa cible n’existe pas)\u00a0; Synapse l’ignore' },
  'skipped.linkLoop': { en: 'a symbolic link loop; Synapse skips it', fr: 'une boucle de liens symboliques\u00a0; Synapse l’ignore' },
  'skipped.cannotStat': { en: 'cannot be looked at ({code}); Synapse skips it', fr: 'impossible à examiner ({code})\u00a0; Synapse l’ignore' },
  'skipped.notRegular': { en: '{what}, not a regular file; Synapse skips it', fr: '{what}, pas un fichier ordinaire\u00a0; Synapse l’ignore' },
  'skipped.kind.directory': { en: 'a directory', fr: 'un dossier' },
  'skipped.kind.fifo': { en: 'a named pipe (FIFO)', fr: 'un tube nommé (FIFO)' },
  'skipped.kind.socket': { en: 'a socket', fr: 'une socket' },
  'skipped.kind.device': { en: 'a device', fr: 'un périphérique' },
  'skipped.kind.other': { en: 'not a regular file', fr: 'un fichier spécial' },
  'skipped.kind.link': { en: 'a symbolic link to {what}', fr: 'un lien symbolique vers {what}' },
});

const message = defineMessages({
  'error.config.noneFound': {
    en: 'no config given and none found at {locations}; pass the path of homeserver.yaml',
    fr: 'aucune configuration donnée ni trouvée à {locations}\u00a0; donnez le chemin de homeserver.yaml',
  },
  'error.config.noPath': { en: 'no such file or directory', fr: 'ni fichier ni dossier à ce chemin' },
  'error.config.linkLoop': { en: 'symbolic link loop', fr: 'boucle de liens symboliques' },
  'error.config.cannotRead': { en: 'cannot read ({code})', fr: 'lecture impossible ({code})' },
  'error.config.cannotList': { en: 'cannot list directory ({code})', fr: 'impossible de lister le dossier ({code})' },
  'error.config.noFileInPaths': {
    en: 'no config file: these paths hold no *.yaml file Synapse would read, and Synapse refuses to start without one ("Must supply a config file")',
    fr: 'aucun fichier de configuration\u00a0: ces chemins ne contiennent aucun fichier *.yaml que Synapse lirait, et Synapse refuse de démarrer sans («\u00a0Must supply a config file\u00a0»)',
  },
  'error.config.noFileInDirectory': {
    en: 'no config file: this directory holds no *.yaml file Synapse would read, and Synapse refuses to start without one ("Must supply a config file")',
    fr: 'aucun fichier de configuration\u00a0: ce dossier ne contient aucun fichier *.yaml que Synapse lirait, et Synapse refuse de démarrer sans («\u00a0Must supply a config file\u00a0»)',
  },
});

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

/** A path Synapse is given or finds in a directory; `skipped` says why it reads nothing from it. */
export interface ConfigEntry {
  path: string;
  skipped?: Message;
}

/** Python's sorted() on str: by code point (JavaScript's < compares UTF-16 code units, which puts
 *  U+FF5E before U+1F600, where Python puts it after). */
export function byCodePoint(a: string, b: string): number {
  const left = [...a];
  const right = [...b];
  for (let index = 0; index < Math.min(left.length, right.length); index += 1) {
    const difference = left[index].codePointAt(0)! - right[index].codePointAt(0)!;
    if (difference !== 0) return difference;
  }
  return left.length - right.length;
}

/** Why Synapse (os.path.isfile) passes over a directory entry, or undefined for a regular file. */
function notARegularFile(file: string): Message | undefined {
  let stat;
  try {
    stat = statSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return skipped('skipped.brokenLink');
    if (code === 'ELOOP') return skipped('skipped.linkLoop');
    return skipped('skipped.cannotStat', { code: String(code) });
  }
  if (stat.isFile()) return undefined;
  const kind = stat.isDirectory() ? skipped('skipped.kind.directory') : stat.isFIFO() ? skipped('skipped.kind.fifo') : stat.isSocket() ? skipped('skipped.kind.socket')
    : stat.isCharacterDevice() || stat.isBlockDevice() ? skipped('skipped.kind.device') : skipped('skipped.kind.other');
  return skipped('skipped.notRegular', { what: lstatSync(file).isSymbolicLink() ? skipped('skipped.kind.link', { what: kind }) : kind });
}

/** What Synapse's find_config_files makes of -c paths, in order: a file as given; a directory's
 *  *.yaml entries sorted by code point, those that are no regular file (a FIFO, a directory, a link
 *  to a device, a broken link) skipped, as Synapse skips them (with a printed notice). A *.yml file
 *  is listed as skipped too: Synapse ignores it, and it is the likeliest of mistakes. */
export function configEntries(paths: string[]): ConfigEntry[] {
  const entries: ConfigEntry[] = [];
  for (const path of paths) {
    let stat;
    try {
      stat = statSync(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? message('error.config.noPath') : code === 'ELOOP' ? message('error.config.linkLoop') : message('error.config.cannotRead', { code: String(code) });
      throw new InputError(why, { file: path });
    }
    if (!stat.isDirectory()) {
      entries.push({ path });
      continue;
    }
    let names: string[];
    try {
      names = readdirSync(path);
    } catch (error) {
      throw new InputError(message('error.config.cannotList', { code: String((error as NodeJS.ErrnoException).code) }), { file: path });
    }
    for (const name of names.filter((entry) => entry.endsWith('.yaml') || entry.endsWith('.yml')).sort(byCodePoint)) {
      const file = join(path, name);
      const why = name.endsWith('.yml') ? skipped('skipped.yml') : notARegularFile(file);
      entries.push(why ? { path: file, skipped: why } : { path: file });
    }
  }
  return entries;
}

/** Expands directories into the *.yaml files Synapse reads, keeping command-line order. */
export function expandConfigPaths(paths: string[]): string[] {
  return configEntries(paths).filter((entry) => !entry.skipped).map((entry) => entry.path);
}

export interface MergedConfig {
  files: YamlFile[];
  /** The merged top-level mapping Synapse would see. */
  config: Record<string, unknown>;
  /** Top-level key → the file that set it last (so positions come from the right file). */
  ownerOf: Map<string, YamlFile>;
  /** Matrix Authentication Service's config, when given. */
  mas?: MergedMas;
}

export function loadConfigFiles(paths: string[]): MergedConfig {
  const entries = configEntries(paths);
  if (!entries.some((entry) => !entry.skipped)) {
    throw new InputError(message(paths.length > 1 ? 'error.config.noFileInPaths' : 'error.config.noFileInDirectory'), { file: paths[0] });
  }
  return mergeFiles(entries.map((entry) => (entry.skipped ? skippedFile(entry.path, entry.skipped) : readYamlFile(entry.path))));
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

/** The error when no path is given and findDefaultConfig finds nothing. */
export const noConfigFound = () => message('error.config.noneFound', { locations: DEFAULT_LOCATIONS.map((group) => group[0]).join(', ') });
