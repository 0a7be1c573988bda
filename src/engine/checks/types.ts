import type { CheckResult, Fact, FactSource } from '../../types.js';
import { defineMessages, type Message, type MessageValue } from '../../messages/message.js';

export interface CheckContext {
  facts: FactSource;
  options: Record<string, any>;
}

/** A check reads one fact (when the rule names a path) and says pass, fail or unknown. */
export type CheckFunction = (fact: Fact, context: CheckContext) => CheckResult | CheckResult[];

export const result = (status: CheckResult['status'], fact: Fact | undefined, message: Message): CheckResult => ({
  status,
  message,
  // A derived fact is reported at the option that decided it: that is what the user edits.
  path: fact?.from ?? fact?.path,
  value: fact?.value,
  location: fact?.location,
  event: fact?.event,
});

export const factMessage = defineMessages({
  'fact.is': { en: '{path} is {value}', fr: '{path} vaut {value}' },
  'fact.default': { en: "{path} is not set ({by}'s default: {value})", fr: '{path} n’est pas renseigné (valeur par défaut de {by}\u00a0: {value})' },
  'fact.unknown': { en: '{path} cannot be checked: {reason}', fr: '{path} ne peut pas être vérifié\u00a0: {reason}' },
  'fact.unknownValue': { en: 'its value is unknown', fr: 'sa valeur est inconnue' },
  'fact.none': { en: 'none', fr: 'aucune' },
});

/** What a fact says when it cannot be judged: an unrendered placeholder. */
export const unknownOf = (fact: Fact): CheckResult =>
  result('unknown', fact, factMessage('fact.unknown', { path: fact.path, reason: fact.reason ?? factMessage('fact.unknownValue') }));

/** `name is VALUE` or `name is not set (default VALUE)`. */
export function describeFact(fact: Fact, shown: MessageValue): Message {
  return fact.state === 'default'
    ? factMessage('fact.default', { path: fact.path, by: fact.defaultBy ?? 'Synapse', value: shown })
    : factMessage('fact.is', { path: fact.path, value: shown });
}

/** A JSON Schema (draft-07), as ajv takes it. */
export type JsonSchema = Record<string, unknown>;

/** What a check function says about itself, so rules naming it are checked when they are loaded. */
export interface CheckDeclaration {
  /** required: the rule must name the fact it reads; none: it must not (the check reads what it needs); optional: either. */
  path: 'required' | 'none' | 'optional';
  /** The JSON Schema of each option (absent: the function takes no options). */
  options?: Record<string, JsonSchema>;
  /** The options a rule must give. */
  requiredOptions?: string[];
  /** Only rules of this target may use it (absent: config and room alike). */
  target?: 'config' | 'room' | 'server';
  /** It reads the config files themselves (their keys as written, their modes, the appservice and
   *  MAS files), not facts by path: facts seen from outside (`mxlint probe`) cannot feed it. */
  readsFiles?: true;
  /** One line: what passes and what fails. */
  doc: string;
  /** Why the function may stay though no built-in rule names it (for user rules, or a rule on its way). */
  library?: string;
}

export interface RegisteredCheck extends CheckDeclaration {
  run: CheckFunction;
}

export const defineCheck = (declaration: CheckDeclaration, run: CheckFunction): RegisteredCheck => ({ ...declaration, run });

/** The options of a declaration as one JSON Schema: only the declared options, with their types. */
export const optionsSchema = (declaration: CheckDeclaration): JsonSchema => ({
  type: 'object',
  additionalProperties: false,
  properties: declaration.options ?? {},
  ...(declaration.requiredOptions?.length ? { required: declaration.requiredOptions } : {}),
});

/** A Synapse duration written as a string: a whole number with an optional unit. */
export const DURATION_PATTERN = '^\\s*[+-]?\\d(?:_?\\d)*\\s*[smhdwy]?$';
