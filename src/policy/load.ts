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
import { defineMessages, type MessageValue } from '../messages/message.js';

const errorMessage = defineMessages({
  'error.policy.notFound': { en: 'policy file not found', fr: 'fichier de politique introuvable' },
  'error.policy.cannotRead': { en: 'cannot read the policy file ({code})', fr: 'lecture du fichier de politique impossible ({code})' },
  // {reason}: the parser's words, or one of error.yaml.*.
  'error.policy.invalidYaml': { en: 'invalid YAML in the policy file: {reason}', fr: 'YAML invalide dans le fichier de politique\u00a0: {reason}' },
  'error.policy.invalid': { en: 'invalid policy: {problem}', fr: 'politique invalide\u00a0: {problem}' },
  'error.policy.unknownField': { en: '{field} is not a known field', fr: '{field} n’est pas un champ connu' },
  'error.policy.oneOf': { en: '{field} must be one of: {values}', fr: '{field} doit valoir l’une de ces valeurs\u00a0: {values}' },
  'error.policy.needs': { en: '{field} needs "{property}"', fr: '{field} demande «\u00a0{property}\u00a0»' },
  'error.policy.badName': { en: '{field} is not a valid name here ({reason})', fr: '{field} n’est pas un nom valable ici ({reason})' },
  // {reason}: the schema validator's words (ajv's), not ours.
  'error.policy.schema': { en: '{field} {reason}', fr: '{field}\u00a0: {reason}' },
  'error.policy.invalidField': { en: '{field} is invalid', fr: '{field} n’est pas valide' },
  'error.policy.untilNotDate': { en: 'ignore.{index}.until is not a date (YYYY-MM-DD)', fr: 'ignore.{index}.until n’est pas une date (AAAA-MM-JJ)' },
});

/** `invalid policy: …` (policy/rules.ts says it too). */
export const invalidPolicy = (problem: MessageValue) => errorMessage('error.policy.invalid', { problem });


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
    throw new InputError(code === 'ENOENT' ? errorMessage('error.policy.notFound') : errorMessage('error.policy.cannotRead', { code: String(code) }), { file });
  }
  // YAML 1.2 (our own file): `until: 2025-12-31` stays a string, not a date; a duplicate key is an error.
  let parsed;
  try {
    parsed = parseWithPositions(text, file, CORE_SCHEMA, false);
  } catch (error) {
    if (error instanceof InputError && error.detail.id === 'error.yaml.invalid') {
      throw new InputError(errorMessage('error.policy.invalidYaml', { reason: error.detail.data.reason }), error.location);
    }
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
    const problem = error.keyword === 'additionalProperties' ? errorMessage('error.policy.unknownField', { field })
      : error.keyword === 'enum' ? errorMessage('error.policy.oneOf', { field, values: (extra.allowedValues as unknown[]).join(', ') })
        : error.keyword === 'required' ? errorMessage('error.policy.needs', { field, property: String(extra.missingProperty) })
          : error.propertyName ? errorMessage('error.policy.badName', { field, reason: String(error.message) })
            : error.message ? errorMessage('error.policy.schema', { field, reason: error.message }) : errorMessage('error.policy.invalidField', { field });
    throw new InputError(invalidPolicy(problem), locate(path));
  }
  const policy = data as Omit<Policy, 'file' | 'locate' | 'ignore'> & { ignore?: Array<Omit<IgnoreEntry, 'location'>> };
  const base = dirname(resolve(file));
  for (const [index, entry] of (policy.ignore ?? []).entries()) {
    if (entry.until && Number.isNaN(Date.parse(`${entry.until}T00:00:00Z`))) {
      throw new InputError(invalidPolicy(errorMessage('error.policy.untilNotDate', { index })), locate(['ignore', index, 'until']));
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
