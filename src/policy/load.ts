// The policy file (.mxlint.yaml): found upward from the working directory or given with
// --policy, validated with the validator compiled at build time (src/policy/policy.schema.json).
// Every problem names the file, the line and the field, and exits 2.
import { dirname, resolve } from 'node:path';
import { findPolicyFile } from './find.js';
import { CORE_SCHEMA } from 'js-yaml';
import { parseWithPositions } from '../sources/pyyaml.js';
import validatePolicy from '../generated/validate-policy.js';
import { InputError } from '../errors.js';
import { readBounded, fileKind } from '../sources/read-bounded.js';
import { LIMITS } from '../sources/yaml-file.js';
import type { Level, SourceLocation } from '../types.js';

export interface IgnoreEntry {
  rule: string;
  reason: string;
  until?: string;
  useCases?: string[];
  rooms?: string[];
  /** Where the entry is written. */
  location: SourceLocation;
}

export interface Policy {
  file: string;
  useCases?: string[];
  rules: Record<string, { level?: Level; levels?: Record<string, Level>; options?: Record<string, unknown> }>;
  ignore: IgnoreEntry[];
  rooms: Record<string, string>;
  /** Absolute paths. */
  ruleDirs: string[];
  docsUrl?: string;
  /** Where a field is written (`rules.x.options`), for errors found after validation. */
  locate(path: Array<string | number>): SourceLocation;
}

export function loadPolicy(file: string): Policy {
  let text: string;
  try {
    text = readBounded(file, LIMITS.maxFileBytes, fileKind('error.file.policy')).bytes.toString('utf8');
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? 'policy file not found' : `cannot read the policy file (${code})`, { file });
  }
  // YAML 1.2 (our own file): `until: 2025-12-31` stays a string, not a date; a duplicate key is an error.
  let parsed;
  try {
    parsed = parseWithPositions(text, file, CORE_SCHEMA, false);
  } catch (error) {
    if (error instanceof InputError) throw new InputError(error.message.replace(/^invalid YAML/, 'invalid YAML in the policy file'), error.location);
    throw error;
  }
  const data = parsed.data ?? {};
  const start: SourceLocation = { file, line: 1, column: 1 };
  /** Where the deepest existing part of `path` is written. */
  const locate = (path: Array<string | number>): SourceLocation => {
    for (let depth = path.length; depth > 0; depth -= 1) {
      const found = parsed.positions.get(path.slice(0, depth).join('.'));
      if (found) return found;
    }
    return start;
  };
  if (!validatePolicy(data)) {
    const error = validatePolicy.errors![0];
    const path = error.instancePath.split('/').slice(1).map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'));
    const extra = error.params as Record<string, unknown>;
    if (typeof extra.additionalProperty === 'string') path.push(extra.additionalProperty);
    if (error.propertyName) path.push(error.propertyName);
    const field = path.length ? path.join('.') : '(policy)';
    const detail = error.keyword === 'additionalProperties' ? 'is not a known field'
      : error.keyword === 'enum' ? `must be one of: ${(extra.allowedValues as unknown[]).join(', ')}`
        : error.keyword === 'required' ? `needs "${extra.missingProperty}"`
          : error.propertyName ? `is not a valid name here (${error.message})`
            : error.message ?? 'is invalid';
    throw new InputError(`invalid policy: ${field} ${detail}`, locate(path));
  }
  const policy = data as Omit<Policy, 'file' | 'locate' | 'ignore'> & { ignore?: Array<Omit<IgnoreEntry, 'location'>> };
  const base = dirname(resolve(file));
  for (const [index, entry] of (policy.ignore ?? []).entries()) {
    if (entry.until && Number.isNaN(Date.parse(`${entry.until}T00:00:00Z`))) {
      throw new InputError(`invalid policy: ignore.${index}.until is not a date (YYYY-MM-DD)`, locate(['ignore', index, 'until']));
    }
  }
  return {
    file,
    useCases: policy.useCases,
    rules: policy.rules ?? {},
    ignore: (policy.ignore ?? []).map((entry, index) => ({ ...entry, location: locate(['ignore', index]) })),
    rooms: policy.rooms ?? {},
    ruleDirs: (policy.ruleDirs ?? []).map((dir) => resolve(base, dir)),
    docsUrl: policy.docsUrl,
    locate,
  };
}

/** --policy FILE, else the nearest .mxlint.yaml; `false` (--no-policy) turns it off. */
export function resolvePolicy(option: string | boolean | undefined, cwd = process.cwd()): Policy | undefined {
  if (option === false) return undefined;
  const file = typeof option === 'string' ? option : findPolicyFile(cwd);
  return file ? loadPolicy(file) : undefined;
}
