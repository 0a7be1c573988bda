// Reads Matrix Authentication Service config files the way MAS does (figment over serde_yaml):
// YAML 1.2 scalars, several files folded with figment's `admerge` (mappings merged deeply, a later
// scalar wins, lists concatenated), the position of every key kept for file:line:col findings.
import jsyaml, { FAILSAFE_SCHEMA, Type } from 'js-yaml';
import { InputError } from '../errors.js';
import type { SourceLocation } from '../types.js';
import { parseWithPositions } from './pyyaml.js';
import { readBounded } from './read-bounded.js';
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

export interface MasFile {
  path: string;
  data: Record<string, unknown>;
  positions: Map<string, SourceLocation>;
}

const isMapping = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Files that hold MAS settings in another tool's shape: what they are, and what to give instead. */
function otherShape(data: Record<string, unknown>): string | undefined {
  const keys = Object.keys(data);
  if (keys.includes('matrixAuthenticationService')) {
    return 'an Element Server Suite Helm values file, not a MAS config: give the config.yaml MAS runs with (`mas-cli config dump` in the MAS pod prints it)';
  }
  if (keys.some((key) => key.startsWith('matrix_authentication_service_') || key.startsWith('matrix_synapse_'))) {
    return 'a matrix-docker-ansible-deploy vars.yml, not a MAS config: give the config.yaml the playbook renders on the server (under /matrix/matrix-authentication-service/)';
  }
  if (!keys.some((key) => MAS_SECTIONS.includes(key))) {
    const synapse = keys.includes('server_name') ? ' (it looks like a Synapse config)' : '';
    return `not a MAS config: none of its top-level keys is a MAS section${synapse}; give MAS's config.yaml`;
  }
  return undefined;
}

export function readMasFile(path: string): MasFile {
  let bytes: Buffer;
  try {
    ({ bytes } = readBounded(path, LIMITS.maxFileBytes, 'a MAS config file'));
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { file: path });
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new InputError('not UTF-8 text; MAS cannot read it', { file: path });
  }
  // Duplicate keys: figment collects a mapping into a BTreeMap, where the last one wins.
  const { data, positions } = parseWithPositions(text, path, MAS_YAML_SCHEMA, true);
  if (!isMapping(data)) throw new InputError('its root is not a mapping; MAS refuses it', { file: path });
  const shape = otherShape(data);
  if (shape) throw new InputError(shape, { file: path });
  return { path, data, positions };
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

export function loadMasConfig(paths: string[]): MergedMas | undefined {
  return paths.length ? mergeMasFiles(paths.map(readMasFile)) : undefined;
}
