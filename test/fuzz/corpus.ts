// The seeds the fuzzers mutate: the project's fixtures and the real configs and rooms of
// ../shared/fixtures/real, read in place (never copied into the tree; mutated versions are
// written to a temporary directory and removed).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { load } from 'js-yaml';
import { ROOT } from '../cli/run.js';

export const REAL = join(ROOT, '../shared/fixtures/real');

export interface Seed {
  /** Where it comes from (relative to the project, or real/...), for failure reports. */
  name: string;
  bytes: Buffer;
  /** The parsed value when it parses (for the structural mutations), else undefined. */
  parsed?: unknown;
}

/** A config made of several files (a homeserver.yaml and its conf.d), mutated one file at a time. */
export interface ConfigSet {
  name: string;
  /** Relative path inside the set (main.yaml, conf.d/x.yaml) → the seed. */
  files: Array<{ path: string; seed: Seed }>;
  /** The arguments given to mxlint, relative to the set's directory. */
  args: string[];
}

function walk(dir: string, suffixes: string[]): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).sort().flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return walk(path, suffixes);
    return suffixes.some((suffix) => name.endsWith(suffix)) ? [path] : [];
  });
}

const label = (path: string) => (path.startsWith(REAL) ? `real/${relative(REAL, path)}` : relative(ROOT, path));

function seedOf(path: string, parse: (text: string) => unknown): Seed {
  const bytes = readFileSync(path);
  let parsed: unknown;
  try {
    parsed = parse(bytes.toString('utf8'));
  } catch {
    parsed = undefined;
  }
  return { name: label(path), bytes, parsed };
}

const yamlSeed = (path: string) => seedOf(path, (text) => load(text));
const jsonSeed = (path: string) => seedOf(path, (text) => JSON.parse(text));

/** Single-file configs: fixtures/config/**, fixtures/examples, and the real homeserver.yaml files. */
export function configSeeds(): Seed[] {
  const paths = [
    ...walk(join(ROOT, 'fixtures/config'), ['.yaml', '.yml']),
    ...walk(join(ROOT, 'fixtures/examples'), ['.yaml']),
    ...readdirSafe(join(REAL, 'homeserver')).filter((name) => name.endsWith('.yaml')).map((name) => join(REAL, 'homeserver', name)),
  ];
  return paths.map(yamlSeed);
}

/** Configs given as a file plus a conf.d directory (the real Debian and arcticfoxes ones, and the
 *  fixtures' own conf.d directories). */
export function configSets(): ConfigSet[] {
  const sets: ConfigSet[] = [];
  const realDir = join(REAL, 'homeserver');
  for (const name of readdirSafe(realDir).filter((entry) => entry.endsWith('.conf.d'))) {
    const main = join(realDir, name.replace(/\.conf\.d$/, '.yaml'));
    const confd = join(realDir, name);
    if (!existsSync(main)) continue;
    sets.push({
      name: `real/homeserver/${name}`,
      files: [{ path: 'homeserver.yaml', seed: yamlSeed(main) }, ...walk(confd, ['.yaml']).map((file) => ({ path: `conf.d/${basename(file)}`, seed: yamlSeed(file) }))],
      args: ['homeserver.yaml', 'conf.d'],
    });
  }
  for (const dir of walkDirs(join(ROOT, 'fixtures/config')).filter((path) => basename(path).includes('confd'))) {
    const files = walk(dir, ['.yaml']);
    if (files.length) sets.push({ name: label(dir), files: files.map((file) => ({ path: `conf.d/${relative(dir, file).replaceAll('/', '_')}`, seed: yamlSeed(file) })), args: ['conf.d'] });
  }
  return sets;
}

/** Room state dumps: fixtures/room-dumps, fixtures/room/** and the real rooms. */
export function roomSeeds(): Seed[] {
  return [
    ...walk(join(ROOT, 'fixtures/room-dumps'), ['.json']),
    ...walk(join(ROOT, 'fixtures/room'), ['.json']),
    ...walk(join(REAL, 'rooms'), ['.json']),
  ].map(jsonSeed);
}

function readdirSafe(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

function walkDirs(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).sort().flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? [path, ...walkDirs(path)] : [];
  });
}
