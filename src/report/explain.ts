// `mxlint rules`, `mxlint explain RULE` and `mxlint schema NAME`: the rules told to a person.
import { InputError } from '../errors.js';
import type { Lang, Level, Rule } from '../types.js';
import { loadRules, USE_CASES } from '../engine/rules.js';
import { chooseLang, colon, t } from './messages.js';
import { EXTRA_RULES, ruleDocsUrl } from './model.js';
import { defineMessages } from '../messages/message.js';

const errorMessage = defineMessages({
  'error.explain.unknownRule': { en: 'unknown rule "{rule}" (mxlint rules lists them)', fr: 'règle inconnue «\u00a0{rule}\u00a0» (mxlint rules les liste)' },
  'error.explain.unknownRuleNear': {
    en: 'unknown rule "{rule}"; did you mean {near}? (mxlint rules lists them)',
    fr: 'règle inconnue «\u00a0{rule}\u00a0»\u00a0; vouliez-vous dire {near}\u00a0? (mxlint rules les liste)',
  },
});

export function listRules(rules: Rule[], langOption?: string): string {
  const lang = chooseLang(langOption);
  return rules.map((rule) => {
    const levels = Object.entries(rule.levels).filter(([, level]) => level !== 'off').map(([useCase, level]) => `${useCase}:${t(lang, `level.${level as 'error'}`)}`).join(' ');
    return `${rule.id.padEnd(36)} ${t(lang, `target.${rule.target}`).padEnd(6)} ${rule.title[lang]}\n${' '.repeat(44)}${levels}\n`;
  }).join('');
}

/** Words wrapped at `width`, each line indented. */
function wrap(text: string, indent = '  ', width = 96): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(indent + line);
  return lines.join('\n');
}

export interface ExplainOptions { rules?: string[]; lang?: string; policy?: string | boolean }

export async function explainText(ruleId: string, options: ExplainOptions): Promise<string> {
  const lang = chooseLang(options.lang);
  const { resolvePolicy } = await import('../policy/load.js');
  const { applyPolicyToRules } = await import('../policy/rules.js');
  const policy = resolvePolicy(options.policy);
  const rules = loadRules([...(policy?.ruleDirs ?? []), ...(options.rules ?? [])]);
  const rule = rules.find((candidate) => candidate.id === ruleId);
  const effective = rule && policy ? applyPolicyToRules(rules, policy, USE_CASES.map((useCase) => useCase.id)).find((candidate) => candidate.id === ruleId) : rule;
  if (!rule) {
    const extra = EXTRA_RULES.find((candidate) => candidate.id === ruleId);
    if (!extra) {
      const near = [...rules.map((r) => r.id), ...EXTRA_RULES.map((r) => r.id)].filter((id) => id.includes(ruleId) || ruleId.includes(id))
        .sort((a, b) => Number(!a.startsWith(ruleId)) - Number(!b.startsWith(ruleId))).slice(0, 5);
      throw new InputError(near.length ? errorMessage('error.explain.unknownRuleNear', { rule: ruleId, near: near.join(', ') }) : errorMessage('error.explain.unknownRule', { rule: ruleId }));
    }
    return [`${extra.id} (mxlint)`, extra.title[lang], '', t(lang, 'label.rationale'), wrap(extra.rationale[lang]), '',
      t(lang, 'label.whatToChange'), wrap(extra.fix.hint[lang]), '', `${t(lang, 'table.level')}${colon(lang)}${t(lang, `level.${extra.level}`)}`,
      '', ruleDocsUrl(extra.id, policy?.docsUrl), ''].join('\n');
  }
  return explainRule(rule, effective!, lang, policy?.docsUrl);
}

export function explainRule(rule: Rule, effective: Rule, lang: Lang, docsUrl?: string): string {
  const lines = [`${rule.id} (${t(lang, `target.${rule.target}`)})`, rule.title[lang], '', t(lang, 'label.rationale'), wrap(rule.rationale[lang]), ''];
  lines.push(t(lang, 'label.article'), wrap(lang === 'fr' ? `«\u00a0${rule.source.quote}\u00a0»` : `« ${rule.source.quote} »`));
  lines.push(wrap(`— ${rule.source.where}${rule.source.ref ? ` (${rule.source.ref})` : ''}`), '');
  if (rule.fix) {
    lines.push(t(lang, 'label.whatToChange'), wrap(rule.fix.hint[lang]));
    if (rule.fix.set) for (const [path, value] of Object.entries(rule.fix.set)) lines.push(`    ${path}: ${JSON.stringify(value)}`);
    if (rule.fix.decide) lines.push(wrap(`${t(lang, 'label.decide')}${colon(lang)}${rule.fix.decide[lang]}`));
    lines.push('');
  }
  lines.push(t(lang, 'label.levels'));
  const width = Math.max(...USE_CASES.map((useCase) => useCase.id.length));
  const levelWord = (level: Level) => (level === 'off' ? t(lang, 'label.off') : t(lang, `level.${level}`));
  const levelWidth = Math.max(...(['error', 'warning', 'info', 'off'] as const).map((level) => levelWord(level).length));
  for (const useCase of USE_CASES) {
    const level: Level = effective.levels[useCase.id] ?? 'off';
    const base: Level = rule.levels[useCase.id] ?? 'off';
    const changed = level !== base ? `  (${t(lang, 'label.override')}${t(lang, 'summary.separator')}${levelWord(base)})` : '';
    lines.push(`  ${useCase.id.padEnd(width)}  ${levelWord(level).padEnd(levelWidth)}  ${useCase.name[lang]}${changed}`);
  }
  lines.push('', ruleDocsUrl(rule.id, docsUrl), '');
  return lines.join('\n');
}

export async function schemaText(name: 'json' | 'policy'): Promise<string> {
  const schema = name === 'json'
    ? (await import('./report.schema.json', { with: { type: 'json' } })).default
    : (await import('../policy/policy.schema.json', { with: { type: 'json' } })).default;
  return `${JSON.stringify(schema, null, 2)}\n`;
}
