// Every message id mxlint can say, in English and in written French: the same placeholders in
// both, French typography (« », a no-break space before : ; ? !), and not the English copied.
import { describe, expect, it } from 'vitest';
import '../../src/index.js';
import '../../src/cli/main.js';
import '../../src/audit-server.js';
// The commands main.ts imports only when they run, and what they read: every error they can say.
import '../../src/cli/config.js';
import '../../src/cli/fix.js';
import '../../src/cli/room.js';
import '../../src/cli/plan.js';
import '../../src/cli/server.js';
import '../../src/cli/probe.js';
import '../../src/cli/diff.js';
import '../../src/report/explain.js';
import '../../src/sources/room-fetch.js';
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

  it('every error id written in src is declared here (its module is imported above), in both languages', () => {
    const src = join(import.meta.dirname, '../../src');
    const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts'));
    const written = files.flatMap((file) => [...readFileSync(join(src, file), 'utf8').matchAll(/^\s+'(error\.[\w.]+)': \{/gm)].map((match) => match[1]));
    expect(written.length).toBeGreaterThan(150);
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
