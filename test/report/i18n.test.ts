// Every user-facing text in English and French: rules, mxlint's own checks, the message
// catalogue; the language from --lang or the locale; explain, rules and schema commands.
import { spawnSync } from 'node:child_process';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { mxlint, ROOT } from '../cli/run.js';
import { fixture } from './helpers.js';
import { builtInRules, USE_CASES } from '../../src/engine/rules.js';
import { EXTRA_RULES } from '../../src/report/model.js';
import { colon, detectLang, levelWord, MESSAGES, t, unit, verdictWord } from '../../src/report/messages.js';
import { render as renderMessage } from '../../src/messages/message.js';
import '../../src/index.js';

const both = (text: { en?: string; fr?: string } | undefined, what: string) => {
  expect(text?.en?.trim(), `${what}.en`).toBeTruthy();
  expect(text?.fr?.trim(), `${what}.fr`).toBeTruthy();
};

describe('every text in both languages', () => {
  it.each(builtInRules().map((rule) => [rule.id, rule] as const))('rule %s', (id, rule) => {
    both(rule.title, `${id}.title`);
    both(rule.rationale, `${id}.rationale`);
    if (rule.fix) both(rule.fix.hint, `${id}.fix.hint`);
    if (rule.fix?.decide) both(rule.fix.decide, `${id}.fix.decide`);
    expect(rule.title.fr, `${id}: the French title is the English one`).not.toBe(rule.title.en);
  });

  it('mxlint\'s own checks, the use cases and the message catalogue', () => {
    for (const rule of EXTRA_RULES) {
      both(rule.title, rule.id);
      both(rule.rationale, rule.id);
      both(rule.fix.hint, rule.id);
    }
    for (const useCase of USE_CASES) {
      both(useCase.name, useCase.id);
      both(useCase.description, useCase.id);
    }
    expect(Object.keys(MESSAGES.fr).sort()).toEqual(Object.keys(MESSAGES.en).sort());
    for (const [key, text] of Object.entries(MESSAGES.fr)) {
      expect(text.trim(), key).toBeTruthy();
      expect([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort(), `${key}: placeholders`).toEqual([...MESSAGES.en[key as keyof typeof MESSAGES.en].matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort());
    }
  });
});

describe('language', () => {
  it('comes from LC_ALL, LC_MESSAGES, then LANG (fr_* is French)', () => {
    expect(detectLang({ LANG: 'fr_FR.UTF-8' })).toBe('fr');
    expect(detectLang({ LANG: 'fr_CA' })).toBe('fr');
    expect(detectLang({ LANG: 'fr' })).toBe('fr');
    expect(detectLang({ LC_ALL: 'en_GB.UTF-8', LANG: 'fr_FR.UTF-8' })).toBe('en');
    expect(detectLang({ LC_ALL: 'fr_BE.UTF-8', LANG: 'en_US.UTF-8' })).toBe('fr');
    expect(detectLang({ LANG: 'C.UTF-8' })).toBe('en');
    expect(detectLang({ LANG: 'frisian' })).toBe('en');
    expect(detectLang({})).toBe('en');
  });

  it('makes the report French, check messages included; --lang wins over the locale', () => {
    const file = fixture('config/synapse-starts/pass-minimal.yaml');
    const fr = mxlint(['config', file, '-u', 'chatons'], { env: { LANG: 'fr_FR.UTF-8', LC_ALL: '' } }).stdout;
    const c = colon('fr');
    expect(fr).toContain(`\n${t('fr', 'heading.verdicts')}\n  ${verdictWord('fr', 'unfit')} (1)  chatons\n`);
    expect(fr).toContain(`${unit('fr', 'useCase', 1)}${t('fr', 'summary.separator')}${t('fr', 'summary.unfitFor', { count: 1 })}\n`);
    expect(fr).toContain(`✗ encryption-by-default  ${levelWord('fr', 'error')}${c}chatons`);
    expect(fr).toContain(`${t('fr', 'label.fix')}${c}`);
    expect(fr).toContain(t('fr', 'heading.defaults'));
    // The check messages are the French rendering of their id and data.
    const frJson = JSON.parse(mxlint(['config', file, '-u', 'chatons', '-f', 'json'], { env: { LANG: 'fr_FR.UTF-8', LC_ALL: '' } }).stdout);
    const message = frJson.findings.find((f: any) => f.ruleId === 'retention-enabled');
    expect(message.message).toBe(renderMessage('fr', { id: message.messageId, data: message.data }));
    expect(fr.replace(/\s+/g, ' ')).toContain(message.message.replace(/\s+/g, ' '));
    expect(fr).not.toMatch(/is not set/);
    const en = mxlint(['config', file, '-u', 'chatons', '--lang', 'en'], { env: { LANG: 'fr_FR.UTF-8' } }).stdout;
    expect(en).toMatch(/Verdicts\n {2}unfit \(1\) {2}chatons\n/);
    const json = JSON.parse(mxlint(['config', file, '-u', 'chatons', '--lang', 'fr', '-f', 'json']).stdout);
    expect(json.findings.find((f: any) => f.ruleId === 'encryption-by-default').title).toBe(builtInRules().find((r) => r.id === 'encryption-by-default')!.title.fr);
    expect(mxlint(['config', file, '--lang', 'de']).code).toBe(2);
  });
});

describe('mxlint rules / explain / schema', () => {
  it('rules --lang fr lists French titles', () => {
    const out = mxlint(['rules', '--lang', 'fr']).stdout;
    expect(out).toContain('Les messages sont supprimés au bout de 6 mois au plus');
    expect(out.split('\n').filter((line) => /^\S/.test(line))).toHaveLength(builtInRules().length);
  });

  it('explain prints the rationale, the guide\'s passage, the fix and the level per use case', () => {
    const rule = builtInRules().find((r) => r.id === 'retention-max-lifetime')!;
    const out = mxlint(['explain', 'retention-max-lifetime', '--lang', 'en', '--no-policy']).stdout;
    expect(out).toContain(rule.title.en);
    expect(out).toContain('Why');
    expect(out).toContain(rule.rationale.en.split(/\s+/).slice(0, 6).join(' '));
    expect(out).toContain(`« ${rule.source.quote} »`);
    expect(out).toContain(rule.source.ref!);
    expect(out).toContain(rule.fix!.hint.en);
    expect(out).toMatch(/chatons\s+error\s+CHATONS hoster/);
    expect(out).toMatch(/public-community\s+off/);
    expect(out).toMatch(/docs\/rules\.md#retention-max-lifetime/);
    const fr = mxlint(['explain', 'retention-max-lifetime', '--lang', 'fr', '--no-policy']).stdout;
    expect(fr).toContain('Pourquoi');
    expect(fr).toMatch(/chatons\s+erreur\s+Hébergeur CHATONS/);
    expect(mxlint(['explain', 'unused-suppression', '--no-policy']).stdout).toContain('# mxlint-disable-next-line');
    const unknown = mxlint(['explain', 'retention', '--no-policy']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown rule "retention"; did you mean retention-/);
  });

  it('schema json and schema policy print JSON Schemas that compile', () => {
    for (const name of ['json', 'policy']) {
      const run = mxlint(['schema', name]);
      expect(run.code).toBe(0);
      expect(() => new Ajv({ strict: true }).compile(JSON.parse(run.stdout))).not.toThrow();
    }
    expect(mxlint(['schema', 'nope']).code).toBe(2);
  });
});

describe('docs/rules.md', () => {
  it('is generated from rules/ and up to date (npm run docs)', () => {
    const run = spawnSync(process.execPath, ['scripts/docs.mjs', '--check'], { cwd: ROOT, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('has a section anchored by every rule id, the targets of SARIF helpUri', () => {
    const doc = spawnSync(process.execPath, ['scripts/docs.mjs', '--stdout'], { cwd: ROOT, encoding: 'utf8' }).stdout;
    for (const id of [...builtInRules().map((rule) => rule.id), ...EXTRA_RULES.map((rule) => rule.id)]) {
      expect(doc).toContain(`<a id="${id}"></a>\n\n## ${id}\n`);
    }
  });
});
