/// <reference types="vite/client" />
// Every message id mxlint can say, in English and in written French: the same placeholders in
// both, French typography (« », a no-break space before : ; ? !), and not the English copied.
import { describe, expect, it } from 'vitest';
// Every module of src, so that every message is declared, even those of code a command loads only
// when it runs.
import.meta.glob('../../src/**/*.ts', { eager: true });
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { declaredMessages, placeholdersOf, render } from '../../src/messages/message.js';
import { MESSAGES } from '../../src/report/messages.js';

const NO_BREAK = '\u00a0\u202f';

/** What a French text gets wrong in typography, placeholders and code spans left aside. */
export function frenchTypography(text: string): string[] {
  const prose = text.replace(/\{\w+\}/g, 'X').replace(/`[^`]*`/g, 'X').replace(/\w+:\/\/\S+/g, 'X');
  const problems: string[] = [];
  if (/"/.test(prose)) problems.push('straight quotes: write « … »');
  for (const match of prose.matchAll(/[:;?!]/g)) {
    const before = prose[match.index - 1];
    const after = prose[match.index + 1];
    // 12:30, a.b:c, /register?kind=guest and similar are no punctuation.
    if (after !== undefined && after !== ' ' && after !== '\n' && after !== ')' && after !== ',') continue;
    if (!NO_BREAK.includes(before)) problems.push(`no no-break space before "${match[0]}" in …${prose.slice(Math.max(0, match.index - 12), match.index + 1)}`);
  }
  if (/«(?![\u00a0\u202f])/.test(prose) || /(?<![\u00a0\u202f])»/.test(prose)) problems.push('« and » take a no-break space inside');
  return problems;
}

describe('message catalogue', () => {
  const messages = [...declaredMessages()];

  it('declares the messages of checks, facts, commands and errors', () => {
    expect(messages.length).toBeGreaterThan(20);
  });

  it.each(messages)('%s: both languages, the same placeholders', (id, templates) => {
    expect(templates.en.trim(), `${id}.en`).toBeTruthy();
    expect(templates.fr.trim(), `${id}.fr`).toBeTruthy();
    expect(placeholdersOf(templates.fr).sort(), `${id}: French placeholders`).toEqual(placeholdersOf(templates.en).sort());
    const words = (text: string) => text.replace(/\{\w+\}/g, '').replace(/[^\p{L}]+/gu, ' ').trim();
    if (/\p{Ll}{3,}/u.test(words(templates.en))) expect(templates.fr, `${id}: the French is the English`).not.toBe(templates.en);
  });

  it.each(messages)('%s: French typography', (id, templates) => {
    expect(frenchTypography(templates.fr), id).toEqual([]);
  });

  it('every message id written in src is declared here (every module is imported above), in both languages', () => {
    const src = join(import.meta.dirname, '../../src');
    const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts'));
    const written = files.flatMap((file) => [...readFileSync(join(src, file), 'utf8').matchAll(/^\s+'([A-Za-z][\w-]*(?:\.[\w-]+)+)': \{(?= en:|\s*$)/gm)].map((match) => match[1]));
    expect(written.length).toBeGreaterThan(800);
    const declared = declaredMessages();
    expect(written.filter((id) => !declared.has(id))).toEqual([]);
    for (const id of written) expect(declared.get(id)!.fr, id).not.toBe('');
  });

  it('the report\'s own words follow French typography too', () => {
    const problems = Object.entries(MESSAGES.fr).flatMap(([key, text]) => frenchTypography(text).map((problem) => `${key}: ${problem}`));
    expect(problems).toEqual([]);
  });

  it('renders nested messages and lists in the language asked', () => {
    const seen = { id: 'fact.is', data: { path: 'a', value: '1' } };
    expect(render('en', { id: 'engine.defeats', data: { seen, defeated: [{ id: 'engine.defeated', data: { rule: 'r', seen } }] } }))
      .toBe('a is 1; so r fails: a is 1');
    expect(render('fr', { id: 'engine.anyOf', data: { parts: [seen, { id: 'engine.and', data: { seen } }] } })).toBe('a vaut 1\u00a0; et a vaut 1');
    expect(render('en', { id: 'no.such', data: {} })).toBe('[no.such]');
  });

  it('catches the typography mistakes it is meant to', () => {
    expect(frenchTypography('la valeur : 3')).toHaveLength(1);
    expect(frenchTypography('« m » veut dire ; X')).toHaveLength(2);
    expect(frenchTypography('"m" veut dire')).toHaveLength(1);
    expect(frenchTypography('à 12:30, `a: b`, https://x.org/a:b, {path}\u00a0: ok')).toEqual([]);
  });
});
