// The policy's rule settings applied to the rule set: level overrides (for every use case, then
// per use case) and options merged into the rule's check options.
import { InputError } from '../errors.js';
import type { CheckNode, Level, Rule } from '../types.js';
import { invalidPolicy, type Policy } from './load.js';
import { optionsProblem } from '../engine/rule-problems.js';
import { defineMessages, type MessageValue } from '../messages/message.js';

const errorMessage = defineMessages({
  'error.policy.ruleUnknown': { en: 'rules.{id}: no rule has this id (see mxlint rules)', fr: 'rules.{id}\u00a0: aucune règle n’a cet identifiant (voir mxlint rules)' },
  'error.policy.ignoreRuleUnknown': { en: 'ignore.{index}.rule: no rule has the id "{rule}"', fr: 'ignore.{index}.rule\u00a0: aucune règle n’a l’identifiant «\u00a0{rule}\u00a0»' },
  'error.policy.option': { en: 'rules.{rule}.options.{key}: {why}', fr: 'rules.{rule}.options.{key}\u00a0: {why}' },
  'error.policy.notOptionName': {
    en: 'not an option name (write max, or anyOf[0].max for a nested check)',
    fr: 'pas un nom d’option (écrivez max, ou anyOf[0].max pour une vérification imbriquée)',
  },
  'error.policy.noSuchOption': { en: 'the rule has no such option; its options: {available}', fr: 'la règle n’a pas cette option\u00a0; ses options\u00a0: {available}' },
  'error.policy.none': { en: 'none', fr: 'aucune' },
  'error.policy.severalChecks': {
    en: 'several checks of the rule have this option; name one: {paths}',
    fr: 'plusieurs vérifications de la règle ont cette option\u00a0; nommez-en une\u00a0: {paths}',
  },
  'error.policy.wrongType': { en: 'must be a {type}, like {example}', fr: 'doit être de type {type}, comme {example}' },
});

/** Rules with the policy applied (new objects; the built-in rule set is left alone). */
export function applyPolicyToRules(rules: Rule[], policy: Policy | undefined, knownUseCases: string[]): Rule[] {
  if (!policy) return rules;
  const byId = new Map(rules.map((rule) => [rule.id, rule]));
  for (const id of Object.keys(policy.rules)) {
    if (!byId.has(id)) throw new InputError(invalidPolicy(errorMessage('error.policy.ruleUnknown', { id })), policy.locate(['rules', id]));
  }
  for (const [index, entry] of policy.ignore.entries()) {
    if (!byId.has(entry.rule) && !['room-fits-declared-use-case'].includes(entry.rule)) {
      throw new InputError(invalidPolicy(errorMessage('error.policy.ignoreRuleUnknown', { index, rule: entry.rule })), policy.locate(['ignore', index, 'rule']));
    }
  }
  return rules.map((rule) => {
    const settings = policy.rules[rule.id];
    if (!settings) return rule;
    const levels: Record<string, Level> = { ...rule.levels };
    if (settings.level) {
      for (const useCase of knownUseCases) {
        if (settings.level === 'off' || (levels[useCase] && levels[useCase] !== 'off')) levels[useCase] = settings.level;
      }
    }
    Object.assign(levels, settings.levels ?? {});
    const check = settings.options ? mergeOptions(rule, settings.options, policy) : rule.check;
    return { ...rule, levels, check };
  });
}

/** `max: 90d` goes to every check of the rule that has a `max` option; `anyOf[0].max` to one. */
function mergeOptions(rule: Rule, options: Record<string, unknown>, policy: Policy): CheckNode {
  const check: CheckNode = structuredClone(rule.check);
  const leaves: Array<{ path: string; node: CheckNode }> = [];
  const visit = (node: CheckNode, path: string) => {
    if (node.function) leaves.push({ path, node });
    node.allOf?.forEach((child, index) => visit(child, `${path}allOf[${index}].`));
    node.anyOf?.forEach((child, index) => visit(child, `${path}anyOf[${index}].`));
  };
  visit(check, '');
  for (const [key, value] of Object.entries(options)) {
    const where = policy.locate(['rules', rule.id, 'options', key]);
    const fail = (why: MessageValue) => { throw new InputError(invalidPolicy(errorMessage('error.policy.option', { rule: rule.id, key, why })), where); };
    const match = /^((?:(?:allOf|anyOf)\[\d+\]\.)*)([^.[\]]+)$/.exec(key);
    if (!match) fail(errorMessage('error.policy.notOptionName'));
    const [, prefix, name] = match!;
    const targets = leaves.filter((leaf) => (prefix ? leaf.path === prefix : true) && leaf.node.options && name in leaf.node.options);
    const available = leaves.flatMap((leaf) => Object.keys(leaf.node.options ?? {}).map((option) => `${leaf.path}${option}`));
    if (targets.length === 0) fail(errorMessage('error.policy.noSuchOption', { available: available.join(', ') || errorMessage('error.policy.none') }));
    const distinct = new Set(targets.map((leaf) => JSON.stringify(leaf.node.options![name])));
    if (!prefix && targets.length > 1 && distinct.size > 1) {
      fail(errorMessage('error.policy.severalChecks', { paths: targets.map((leaf) => `${leaf.path}${name}`).join(', ') }));
    }
    for (const leaf of targets) {
      const current = leaf.node.options![name];
      if (current !== null && value !== null && typeof current !== typeof value) fail(errorMessage('error.policy.wrongType', { type: typeof current, example: JSON.stringify(current) }));
      leaf.node.options = { ...leaf.node.options, [name]: value };
      const wrong = optionsProblem(leaf.node.function!, leaf.node.options);
      if (wrong) fail(wrong.message);
    }
  }
  return check;
}
