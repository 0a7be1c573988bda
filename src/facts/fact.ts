// Building derived facts: located where the option that decides them is written.
import type { Fact } from '../types.js';
import { defineMessages } from '../messages/message.js';

const message = defineMessages({
  'facts.dependsOn': { en: 'depends on {path} ({reason})', fr: 'dépend de {path} ({reason})' },
  'facts.dependsOnUnknown': { en: 'depends on {path} (unknown)', fr: 'dépend de {path} (inconnu)' },
});

/** A derived fact at `path` whose value `from` decided. Known even when `from` is a section holding
 *  a placeholder somewhere (an OIDC provider's Jinja template): the values that decide were read. */
export const derived = (path: string, value: unknown, from: Fact): Fact =>
  ({ path, value, state: from.state === 'default' ? 'default' : 'set', location: from.location, from: from.path });

/** A derived fact that cannot be known because `fact` is not. */
export const unknownAs = (path: string, fact: Fact): Fact => ({
  path,
  value: undefined,
  state: 'unknown',
  location: fact.location,
  from: fact.path,
  reason: fact.reason === undefined ? message('facts.dependsOnUnknown', { path: fact.path }) : message('facts.dependsOn', { path: fact.path, reason: fact.reason }),
});
