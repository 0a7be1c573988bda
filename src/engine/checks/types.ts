import type { CheckResult, Fact, FactSource } from '../../types.js';

export interface CheckContext {
  facts: FactSource;
  options: Record<string, any>;
}

/** A check reads one fact (when the rule names a path) and says pass, fail or unknown. */
export type CheckFunction = (fact: Fact, context: CheckContext) => CheckResult | CheckResult[];

export const result = (status: CheckResult['status'], fact: Fact | undefined, message: string): CheckResult => ({
  status,
  message,
  // A derived fact is reported at the option that decided it: that is what the user edits.
  path: fact?.from ?? fact?.path,
  value: fact?.value,
  location: fact?.location,
  event: fact?.event,
});

/** What a fact says when it cannot be judged: an unrendered placeholder. */
export const unknownOf = (fact: Fact): CheckResult =>
  result('unknown', fact, `${fact.path} cannot be checked: ${fact.reason ?? 'its value is unknown'}`);

/** `name is VALUE` or `name is not set (default VALUE)`. */
export function describeFact(fact: Fact, shown: string): string {
  return fact.state === 'default' ? `${fact.path} is not set (${fact.defaultBy ?? 'Synapse'}'s default: ${shown})` : `${fact.path} is ${shown}`;
}
