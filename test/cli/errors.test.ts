// Errors about input, as the built binary prints them: one line on stderr naming the file (and
// line) and what is wrong, the documented exit code, no stack; in English, or in French with
// --lang fr or a French locale (also when commander itself refuses the options).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mxlint, type Run } from './run.js';

const dir = mkdtempSync(join(tmpdir(), 'mxlint-errors-'));
const write = (name: string, text: string) => { writeFileSync(join(dir, name), text); return join(dir, name); };
const badYaml = write('bad.yaml', 'server_name: example.org\nreport_stats: false\nlisteners: [\n');
const tabYaml = write('tab.yaml', 'server_name: example.org\nreport_stats:\tfalse\n');
const good = write('homeserver.yaml', 'server_name: example.org\nreport_stats: false\n');
const badPolicy = write('policy.yaml', 'rules:\n  nope-rule:\n    level: info\n');
const badDump = write('state.json', '[{"type": "m.room.create", "content": {}}]');
const missing = join(dir, 'missing.yaml');

const ENGLISH = { LANG: 'C', LC_ALL: '', LC_MESSAGES: '' };
const FRENCH = { LANG: 'fr_FR.UTF-8', LC_ALL: '', LC_MESSAGES: '' };

/** The one line mxlint wrote on stderr, checked to be one line without a stack. */
function errorLine(run: Run, exit: number): string {
  expect(run.code, run.stderr).toBe(exit);
  const lines = run.stderr.split('\n').filter(Boolean);
  expect(lines, run.stderr).toHaveLength(1);
  expect(run.stderr).not.toMatch(/\n\s+at /);
  expect(lines[0]).toMatch(/^mxlint: /);
  return lines[0];
}

const esc = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A no-break space (French typography before : ; ? ! and inside « »). */
const NB = '\u00a0';

describe('errors about input, in English and in French', () => {
  it('bad YAML: file:line:col, the parser\'s words framed by our sentence', () => {
    const en = errorLine(mxlint(['config', badYaml, '--no-policy'], { env: ENGLISH }), 2);
    expect(en).toMatch(new RegExp(`^mxlint: ${esc(badYaml)}:\\d+:\\d+: invalid YAML: \\S`));
    const fr = errorLine(mxlint(['config', badYaml, '--no-policy', '--lang', 'fr'], { env: ENGLISH }), 2);
    expect(fr).toMatch(new RegExp(`^mxlint: ${esc(badYaml)}:\\d+:\\d+: YAML invalide${NB}: \\S`));
    // The parser's own words are the same in both.
    expect(fr.slice(fr.indexOf(`invalide${NB}: `) + 11)).toBe(en.slice(en.indexOf('invalid YAML: ') + 14));
  });

  it('a tab: our own sentence in both languages, at its line', () => {
    expect(errorLine(mxlint(['config', tabYaml, '--no-policy'], { env: ENGLISH }), 2)).toMatch(new RegExp(`^mxlint: ${esc(tabYaml)}:2:14: invalid YAML: a tab character here`));
    expect(errorLine(mxlint(['config', tabYaml, '--no-policy'], { env: FRENCH }), 2))
      .toMatch(new RegExp(`^mxlint: ${esc(tabYaml)}:2:14: YAML invalide${NB}: une tabulation ici, .*${NB}; utilisez des espaces$`));
  });

  it('a missing file', () => {
    expect(errorLine(mxlint(['config', missing, '--no-policy'], { env: ENGLISH }), 2)).toBe(`mxlint: ${missing}: no such file or directory`);
    expect(errorLine(mxlint(['config', missing, '--no-policy', '--lang=fr'], { env: ENGLISH }), 2)).toBe(`mxlint: ${missing}: ni fichier ni dossier à ce chemin`);
  });

  it('--timeout out of range: mxlint\'s own option check', () => {
    const args = ['room', '!a:example.org', '--homeserver', 'https://example.org', '--timeout', '0', '--no-policy'];
    const token = { MATRIX_ACCESS_TOKEN: 'x'.repeat(20) };
    expect(errorLine(mxlint(args, { env: { ...ENGLISH, ...token } }), 2)).toBe('mxlint: --timeout must be a whole number from 1 to 3600000, not "0"');
    expect(errorLine(mxlint(args, { env: { ...FRENCH, ...token } }), 2)).toBe(`mxlint: --timeout doit être un nombre entier de 1 à 3600000, pas «${NB}0${NB}»`);
  });

  it('a bad policy file: file:line:col of the field', () => {
    expect(errorLine(mxlint(['config', good, '--policy', badPolicy], { env: ENGLISH }), 2))
      .toBe(`mxlint: ${badPolicy}:2:3: invalid policy: rules.nope-rule: no rule has this id (see mxlint rules)`);
    expect(errorLine(mxlint(['config', good, '--policy', badPolicy, '--lang', 'fr'], { env: ENGLISH }), 2))
      .toBe(`mxlint: ${badPolicy}:2:3: politique invalide${NB}: rules.nope-rule${NB}: aucune règle n’a cet identifiant (voir mxlint rules)`);
  });

  it('a bad state dump: file:line and the event', () => {
    expect(errorLine(mxlint(['room', '--state', badDump, '--no-policy'], { env: ENGLISH }), 2)).toBe(`mxlint: ${badDump}:1: event 0 has no "state_key" string`);
    expect(errorLine(mxlint(['room', '--state', badDump, '--no-policy'], { env: FRENCH }), 2))
      .toBe(`mxlint: ${badDump}:1: l’événement 0 n’a pas de chaîne «${NB}state_key${NB}»`);
  });

  it('--lang given in English wins over a French locale', () => {
    expect(errorLine(mxlint(['config', missing, '--no-policy', '--lang', 'en'], { env: FRENCH }), 2)).toBe(`mxlint: ${missing}: no such file or directory`);
  });

  it('commander\'s own refusals follow the language too, in one line', () => {
    expect(errorLine(mxlint(['config', '--lnag', 'fr'], { env: ENGLISH }), 2)).toBe("mxlint: unknown option '--lnag' (did you mean --lang?)");
    expect(errorLine(mxlint(['config', '--lnag', 'fr'], { env: FRENCH }), 2)).toBe(`mxlint: option inconnue «${NB}--lnag${NB}» (vouliez-vous dire --lang${NB}?)`);
    expect(errorLine(mxlint(['config', '--fail-on', 'x', '--lang', 'fr'], { env: ENGLISH }), 2))
      .toBe(`mxlint: la valeur «${NB}x${NB}» de l’option «${NB}--fail-on <level>${NB}» n’est pas valide. Valeurs possibles${NB}: error, warning, info.`);
    expect(errorLine(mxlint(['explain'], { env: FRENCH }), 2)).toBe(`mxlint: argument obligatoire manquant${NB}: «${NB}rule${NB}»`);
    expect(errorLine(mxlint(['explain'], { env: ENGLISH }), 2)).toBe("mxlint: missing required argument 'rule'");
  });

  it('an unknown option never echoes what follows its =, nor a token', () => {
    const line = errorLine(mxlint(['config', '--tokn=syt_c2VjcmV0_abcdefghijklmnop_0'], { env: ENGLISH }), 2);
    expect(line).toBe("mxlint: unknown option '--tokn'");
    const extra = errorLine(mxlint(['explain', 'a', 'syt_c2VjcmV0_abcdefghijklmnop_0'], { env: ENGLISH }), 2);
    expect(extra).not.toContain('syt_c2VjcmV0');
  });
});
