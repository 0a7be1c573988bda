// Reads Matrix Authentication Service config files the way MAS does (figment over serde_yaml):
// YAML 1.2 scalars, several files folded with figment's `admerge` (mappings merged deeply, a later
// scalar wins, lists concatenated), the position of every key kept for file:line:col findings.
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import jsyaml, { FAILSAFE_SCHEMA, Type } from 'js-yaml';
import { InputError } from '../errors.js';
import { defineMessages, type Message } from '../messages/message.js';
import type { SourceLocation } from '../types.js';
import { parseWithPositions } from './pyyaml.js';
import { fileKind, readBounded } from './read-bounded.js';
import { LIMITS } from './yaml-file.js';
import masCatalogue from '../generated/mas-catalogue.json' with { type: 'json' };

const types = (jsyaml as unknown as { types: Record<string, Type> }).types;

const scalarType = (tag: string, test: RegExp, construct: (text: string) => unknown) =>
  new Type(tag, { kind: 'scalar', resolve: (text: string | null) => text !== null && test.test(text), construct });

/** serde_yaml 0.9's reading of plain scalars: `yes`/`no`/`on`/`off` are text, `0660` is text (a
 *  leading zero makes no number in YAML 1.2), octal is `0o660`, no `_` in numbers, no timestamps,
 *  no `<<` merge keys (a key like any other). */
export const MAS_YAML_SCHEMA = FAILSAFE_SCHEMA.extend({
  implicit: [
    types.null,
    scalarType('tag:yaml.org,2002:bool', /^(?:true|True|TRUE|false|False|FALSE)$/, (text) => text.toLowerCase() === 'true'),
    scalarType('tag:yaml.org,2002:int', /^[-+]?(?:0|[1-9][0-9]*|0x[0-9a-fA-F]+|0o[0-7]+|0b[01]+)$/, (text) => {
      const sign = text.startsWith('-') ? -1 : 1;
      const digits = text.replace(/^[-+]/, '');
      const radix = { x: 16, o: 8, b: 2 }[digits[1] as 'x' | 'o' | 'b'];
      return sign * (radix ? Number.parseInt(digits.slice(2), radix) : Number.parseInt(digits, 10));
    }),
    // Digits with a leading zero are neither an integer nor a float for serde_yaml (digits_but_not_number).
    scalarType('tag:yaml.org,2002:float', /^(?![-+]?0[0-9]+$)(?:[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/, (text) => {
      const sign = text.startsWith('-') ? -1 : 1;
      if (/inf$/i.test(text)) return sign * Infinity;
      return /nan$/i.test(text) ? Number.NaN : Number.parseFloat(text);
    }),
  ],
});

/** The top-level sections of MAS 1.22's config.yaml (a file with none of them is no MAS config). */
const MAS_SECTIONS: string[] = masCatalogue.topLevel;

const message = defineMessages({
  'error.masHelmValues': {
    en: 'an Element Server Suite Helm values file, not a MAS config: give the config.yaml MAS runs with (`mas-cli config dump` in the MAS pod prints it)',
    fr: 'un fichier de valeurs Helm d’Element Server Suite, pas une configuration MAS\u00a0: donnez le config.yaml avec lequel MAS tourne (`mas-cli config dump` dans le pod MAS l’affiche)',
  },
  'error.masAnsibleVars': {
    en: 'a matrix-docker-ansible-deploy vars.yml, not a MAS config: give the config.yaml the playbook renders on the server (under /matrix/matrix-authentication-service/)',
    fr: 'un vars.yml de matrix-docker-ansible-deploy, pas une configuration MAS\u00a0: donnez le config.yaml que le playbook produit sur le serveur (sous /matrix/matrix-authentication-service/)',
  },
  'error.masNoSection': {
    en: "not a MAS config: none of its top-level keys is a MAS section; give MAS's config.yaml",
    fr: 'pas une configuration MAS\u00a0: aucune de ses clés de premier niveau n’est une section de MAS\u00a0; donnez le config.yaml de MAS',
  },
  'error.masNoSectionSynapse': {
    en: "not a MAS config: none of its top-level keys is a MAS section (it looks like a Synapse config); give MAS's config.yaml",
    fr: 'pas une configuration MAS\u00a0: aucune de ses clés de premier niveau n’est une section de MAS (on dirait une configuration Synapse)\u00a0; donnez le config.yaml de MAS',
  },
  'error.masCannotRead': { en: 'cannot read: {code}', fr: 'illisible\u00a0: {code}' },
  'error.masNotUtf8': { en: 'not UTF-8 text; MAS cannot read it', fr: 'pas du texte UTF-8\u00a0; MAS ne peut pas le lire' },
  'error.masRootNotMapping': { en: 'its root is not a mapping; MAS refuses it', fr: 'sa racine n’est pas un dictionnaire\u00a0; MAS le refuse' },
});

export interface MasFile {
  path: string;
  data: Record<string, unknown>;
  positions: Map<string, SourceLocation>;
}

const isMapping = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Files that hold MAS settings in another tool's shape: what they are, and what to give instead. */
function otherShape(data: Record<string, unknown>): Message | undefined {
  const keys = Object.keys(data);
  if (keys.includes('matrixAuthenticationService')) return message('error.masHelmValues');
  if (keys.some((key) => key.startsWith('matrix_authentication_service_') || key.startsWith('matrix_synapse_'))) return message('error.masAnsibleVars');
  if (!keys.some((key) => MAS_SECTIONS.includes(key))) return message(keys.includes('server_name') ? 'error.masNoSectionSynapse' : 'error.masNoSection');
  return undefined;
}

/** A MAS config file's text read as MAS reads it (the fixer reads its edits back this way). */
export function parseMasText(path: string, text: string): MasFile {
  // Duplicate keys: figment collects a mapping into a BTreeMap, where the last one wins.
  const { data, positions } = parseWithPositions(text, path, MAS_YAML_SCHEMA, true);
  if (!isMapping(data)) throw new InputError(message('error.masRootNotMapping'), { file: path });
  const shape = otherShape(data);
  if (shape) throw new InputError(shape, { file: path });
  return { path, data, positions };
}

export function readMasFile(path: string): MasFile {
  let bytes: Buffer;
  try {
    ({ bytes } = readBounded(path, LIMITS.maxFileBytes, fileKind('error.file.mas')));
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(message('error.masCannotRead', { code: (error as NodeJS.ErrnoException).code ?? String(error) }), { file: path });
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new InputError(message('error.masNotUtf8'), { file: path });
  }
  return parseMasText(path, text);
}

/** The files MAS is given: `--config` paths, else MAS_CONFIG (colon-separated), else none. */
export function masConfigPaths(flags: string[] | undefined, environment: string | undefined): string[] {
  if (flags?.length) return flags;
  return (environment ?? '').split(':').filter((path) => path !== '');
}

export interface MergedMas {
  files: string[];
  config: Record<string, unknown>;
  /** Dotted path in the merged config (list items by merged index) → where it is written. */
  positions: Map<string, SourceLocation>;
}

/** Positions of `from` and everything under it, moved to `to`. */
function movePositions(source: Map<string, SourceLocation>, from: string, to: string, target: Map<string, SourceLocation>): void {
  for (const key of [...target.keys()]) if (key === to || key.startsWith(`${to}.`)) target.delete(key);
  for (const [key, location] of source) {
    if (key === from || key.startsWith(`${from}.`)) target.set(to + key.slice(from.length), location);
  }
}

/** figment's admerge of `next` (read at `from` in its file) over `base` (at `to` in the merge). */
function admerge(base: unknown, next: unknown, from: string, to: string, source: Map<string, SourceLocation>, target: Map<string, SourceLocation>): unknown {
  const join = (prefix: string, key: string | number) => (prefix ? `${prefix}.${key}` : String(key));
  if (isMapping(base) && isMapping(next)) {
    const merged: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(next)) {
      if (Object.hasOwn(base, key)) {
        merged[key] = admerge(base[key], value, join(from, key), join(to, key), source, target);
      } else {
        merged[key] = value;
        movePositions(source, join(from, key), join(to, key), target);
      }
    }
    return merged;
  }
  if (Array.isArray(base) && Array.isArray(next)) {
    next.forEach((_item, index) => movePositions(source, join(from, index), join(to, base.length + index), target));
    return [...base, ...next];
  }
  movePositions(source, from, to, target);
  return next;
}

export function mergeMasFiles(files: MasFile[]): MergedMas {
  const positions = new Map<string, SourceLocation>();
  let config: Record<string, unknown> = {};
  for (const file of files) config = admerge(config, file.data, '', '', file.positions, positions) as Record<string, unknown>;
  return { files: files.map((file) => file.path), config, positions };
}

/** The MAS config from its files, over the `MAS_*` environment variables when given (none when
 *  no file is: MAS itself would read ./config.yaml). */
export function loadMasConfig(paths: string[], environment?: Record<string, string | undefined>, texts?: Map<string, string>): MergedMas | undefined {
  if (!paths.length) return undefined;
  const fromEnvironment = environment ? masEnvironmentFile(environment) : undefined;
  // `texts`: files as the fixer will write them.
  const read = (path: string) => (texts?.has(path) ? parseMasText(path, texts.get(path)!) : readMasFile(path));
  const merged = mergeMasFiles([...(fromEnvironment ? [fromEnvironment] : []), ...paths.map(read)]);
  return { ...merged, files: paths };
}

/** Where a value read from the environment is said to be: `env:MAS_…` (no line in any file). */
export const ENV_LOCATION_PREFIX = 'env:';
export const isEnvironmentLocation = (location: SourceLocation | undefined): boolean => Boolean(location?.file.startsWith(ENV_LOCATION_PREFIX));

/** A value as figment's Env provider parses it (a TOML-like `Value`): true/false, an unsigned or a
 *  negative integer, a float (a number with a `.`), a `"…"` string with its escapes; anything else
 *  (arrays `[…]` and dicts `{…}` included, which mxlint does not parse) is the text as written. */
export function figmentValue(text: string): unknown {
  if (text === 'true' || text === 'false') return text === 'true';
  if (/^(?:\d+|-\d+)$/.test(text)) return Number.parseInt(text, 10);
  if (/^[-+]?(?:\d+\.\d*|\.\d+)(?:[eE][-+]?\d+)?$/.test(text)) return Number.parseFloat(text);
  const quoted = /^"((?:[^"\\]|\\.)*)"$/.exec(text);
  if (quoted) {
    const escapes: Record<string, string> = { b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', '"': '"', '\\': '\\' };
    let valid = true;
    const unescaped = quoted[1].replace(/\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)/g, (whole, code: string) => {
      if (code.length > 1) return String.fromCodePoint(Number.parseInt(code.slice(1), 16));
      if (escapes[code] === undefined) valid = false;
      return escapes[code] ?? whole;
    });
    // Strings with an invalid escape are read exactly as written.
    return valid ? unescaped : text;
  }
  return text;
}

/**
 * The `MAS_*` environment variables as MAS reads them before its files: figment's
 * `Env::prefixed("MAS_").split("_")`, the prefix matched without regard to case, the rest
 * lower-cased and split at every `_` (so MAS_HTTP_PUBLIC_BASE is http.public.base: an option whose
 * name has an underscore cannot be set this way), names with an empty part (MAS__X) dropped.
 * MAS_CONFIG names the files (MAS reads it too, as a top-level key `config` no section has).
 */
export function masEnvironmentFile(environment: Record<string, string | undefined>): MasFile | undefined {
  const data: Record<string, unknown> = {};
  const positions = new Map<string, SourceLocation>();
  const names = Object.keys(environment).filter((name) => name.slice(0, 4).toUpperCase() === 'MAS_' && environment[name] !== undefined).sort();
  for (const name of names) {
    const key = name.slice(4).trim().toLowerCase().replaceAll('_', '.');
    const parts = key.split('.');
    if (key === 'config' || parts.some((part) => part === '')) continue;
    let holder = data;
    parts.forEach((part, index) => {
      if (index === parts.length - 1) {
        // Only values are located: a section a file also writes is the file's.
        positions.set(key, { file: `${ENV_LOCATION_PREFIX}${name}`, line: 0, column: 0 });
        holder[part] = figmentValue(environment[name]!);
        return;
      }
      if (!isMapping(holder[part])) holder[part] = {};
      holder = holder[part] as Record<string, unknown>;
    });
  }
  return Object.keys(data).length ? { path: 'environment', data, positions } : undefined;
}

/** The environment variables a MAS config came from (their names; values may be secrets). */
export const environmentNames = (mas: MergedMas): string[] =>
  [...new Set([...mas.positions.values()].filter(isEnvironmentLocation).map((location) => location.file.slice(ENV_LOCATION_PREFIX.length)))].sort();

/** Where MAS's config usually is, beside a homeserver config (its folder `.`, or the folder above
 *  it `..`, as docker-compose layouts put synapse/ and mas/ side by side). */
const BESIDE = ['mas.yaml', 'mas-config.yaml', 'mas/config.yaml', 'mas/config/config.yaml', '../mas/config.yaml', '../mas/config/config.yaml',
  '../mas/mas-config.yaml', '../matrix-authentication-service/config.yaml'];

/** System locations: distribution packages, matrix-docker-ansible-deploy, a /data volume (Docker). */
export const MAS_SYSTEM_LOCATIONS = ['/etc/matrix-authentication-service/config.yaml', '/matrix/matrix-authentication-service/config/config.yaml', '/data/config.yaml', '/data/mas/config.yaml'];

export interface MasSearch {
  /** The homeserver config files given (MAS's is looked for beside the first one). */
  beside: string[];
  /** Prefix of the system locations (tests give a folder of their own; default `/`). */
  systemRoot?: string;
}

/** Top-level sections only MAS has (Synapse has `email`, `templates`, `database` too). */
const MAS_ONLY = ['clients', 'http', 'secrets', 'passwords', 'matrix', 'policy', 'upstream_oauth2', 'branding', 'captcha', 'account', 'experimental'];

/** A file found (not given) is taken only if it is plainly a MAS config. */
function looksLikeMas(path: string): boolean {
  try {
    const file = readMasFile(path);
    return !Object.hasOwn(file.data, 'server_name') && Object.keys(file.data).some((key) => MAS_ONLY.includes(key));
  } catch (error) {
    if (error instanceof InputError) return false;
    throw error;
  }
}

/** The places looked at, in order. */
export function masCandidates(search: MasSearch): string[] {
  const first = search.beside.find((path) => existsSync(path));
  const folder = first && statSync(first).isDirectory() ? first : first && dirname(first);
  const beside = folder ? BESIDE.map((name) => resolve(folder, name)) : [];
  const system = MAS_SYSTEM_LOCATIONS.map((path) => join(search.systemRoot ?? '/', path));
  return [...new Set([...beside, ...system])];
}

/** A MAS config looked for in the usual places: the one found, and every place looked at. */
export interface MasLookup { found?: string; looked: string[] }

/** The first usual place holding a MAS config, and every place looked at. */
export function findMasConfig(search: MasSearch): MasLookup {
  const looked = masCandidates(search);
  return { found: looked.find((path) => existsSync(path) && statSync(path).isFile() && looksLikeMas(path)), looked };
}
