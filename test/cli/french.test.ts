// Every command and format with --lang fr: no word of the report's own English catalogue is left
// (headings, verdicts, units, the --fix / --plan / diff messages), and no placeholder is left
// unfilled. Check messages come from their own ids (test/unit/messages.test.ts); here, the words
// mxlint prints around them.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import '../../src/index.js';
import '../../src/cli/main.js';
import '../../src/fix/format-fix.js';
import '../../src/fix/format-plan.js';
import '../../src/fix/verdict-diff.js';
import '../../src/fix/room-plan.js';
import '../../src/fix/room-apply.js';
import '../../src/fix/select.js';
import '../../src/report/sarif.js';
import '../../src/report/progress.js';
import '../../src/cli/plan.js';
import '../../src/cli/fix.js';
import { declaredMessages } from '../../src/messages/message.js';
import { MESSAGES, t } from '../../src/report/messages.js';
import { mxlint, ROOT } from './run.js';
import { USE_CASE_IDS } from '../../src/engine/rules.js';

const fixture = (path: string) => join(ROOT, 'fixtures', path);

/** Literal pieces of a template (between placeholders), as words. */
const pieces = (template: string) => template.split(/\{\w+\}|\|/).map((piece) => piece.replace(/[^\p{L}' ]+/gu, ' ').replace(/\s+/g, ' ').trim()).filter(Boolean);

/** Words French writes too (notes, version), or that name a command, a config value, a listener
 *  resource or a policy key (`mxlint server`, join_rule public, resources: [federation], rooms:). */
const SAME_IN_BOTH = new Set(['notes', 'version', 'source', 'server', 'public', 'private', 'federation', 'rooms']);

/** The English of the report's words and of the commands' own messages, where it is not also French. */
function englishWords(): string[] {
  const pairs: Array<[string, string]> = [
    ...Object.entries(MESSAGES.en).map(([key, en]) => [en, MESSAGES.fr[key as keyof typeof MESSAGES.fr]] as [string, string]),
    ...[...declaredMessages()].filter(([id]) => /^(fix|plan|apply|diff|sarif|progress|cli)\./.test(id)).map(([, templates]) => [templates.en, templates.fr] as [string, string]),
  ];
  const words = new Set<string>();
  for (const [en, fr] of pairs) {
    const french = pieces(fr).join(' ').toLowerCase();
    for (const piece of pieces(en)) {
      // Short single words (info, note) are French too, or too common to tell.
      if (!piece.includes(' ') && (piece.length < 5 || SAME_IN_BOTH.has(piece.toLowerCase()))) continue;
      if (french.includes(piece.toLowerCase())) continue;
      words.add(piece);
    }
  }
  return [...words];
}

const ENGLISH = englishWords();

/** Words as the catalogue's pieces are written: letters, digits and the joiners of ids and paths. */
const normal = (text: string) => text.replace(/\.(?![\p{L}\p{N}])/gu, ' ').replace(/[^\p{L}\p{N}'_./-]+/gu, ' ');
const pattern = (piece: string) => new RegExp(`(?<![\\p{L}\\p{N}_./-])${piece.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\p{L}\\p{N}_./-])`, 'iu');

/** The English pieces found in `text`; quoted values (« default: [] », "public") are data, not words. */
function englishIn(text: string, checkMessages: string[] = []): string[] {
  let prose = text.replace(/\s+/g, ' ');
  // Check messages have their own ids and French (test/unit/messages.test.ts), some not yet converted.
  for (const message of checkMessages) prose = prose.split(message.replace(/\s+/g, ' ')).join(' ');
  prose = normal(prose.replace(/«[^»]*»|"[^"]*"|`[^`]*`/g, ' '));
  return ENGLISH.filter((piece) => pattern(piece).test(prose));
}

const unescape = (text: string) => text.replace(/&quot;/g, '"').replace(/&apos;|&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
/** What a person reads of an HTML or JUnit file: text and the message and name attributes. */
const readable = (markup: string) => unescape([...markup.matchAll(/\b(?:message|name|aria-label)="([^"]*)"/g)].map((match) => match[1]).join('\n')
  + markup.replace(/<style>[\s\S]*?<\/style>/g, '').replace(/<[^>]*>/g, ' '));

const dir = mkdtempSync(join(tmpdir(), 'mxlint-french-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const config = fixture('examples/homeserver.yaml');
const dump = fixture('room-dumps/public-help.json');
const NO_POLICY = ['--no-policy'];

const runs: Array<[string, string[]]> = [
  ...['text', 'markdown', 'junit', 'github', 'gitlab', 'html'].map((format): [string, string[]] => [`config -f ${format}`, ['config', config, '-u', 'chatons', '-u', 'association', '-f', format]]),
  ['config --fix-dry-run', ['config', config, '-u', 'chatons', '--fix-dry-run']],
  ['diff', ['diff', fixture('fix/commented/homeserver.yaml'), config, '-u', 'chatons']],
  ['diff -f markdown', ['diff', fixture('fix/commented/homeserver.yaml'), config, '-u', 'chatons', '-f', 'markdown']],
  ['room --plan', ['room', '--state', dump, '-u', 'trusted-group', '--plan']],
  ['room --plan (a new room)', ['room', '--state', fixture('room-dumps/trusted-group.json'), '-u', 'pseudonymous', '--plan', '--fix-level', 'info']],
  ['room', ['room', '--state', dump, '-f', 'markdown']],
  ['explain', ['explain', 'retention-max-lifetime']],
  ['explain (own check)', ['explain', 'unused-suppression']],
  ['rules', ['rules']],
  ['use-cases', ['use-cases']],
];

describe('--lang fr leaves no English word of mxlint\'s own', () => {
  it('knows the English it looks for', () => {
    expect(ENGLISH).toEqual(expect.arrayContaining(['Findings', 'Nothing to change', 'fit with warnings', 'New findings', 'errors']));
    expect(englishIn('Verdicts (predicted)\n  chatons  unfit → fit')).toEqual(expect.arrayContaining(['Verdicts predicted', 'unfit']));
    expect(englishIn('retention-unknown-keys chatons:avertissement fixtures/fit/x.yaml')).toEqual([]);
  });

  /** The French check messages of the findings a run prints. */
  const messagesOf = (args: string[]): string[] => {
    const json = (command: string[]) => JSON.parse(mxlint([...command, '-f', 'json', '--lang', 'fr', ...NO_POLICY], { cwd: dir }).stdout);
    if (args[0] === 'config' || args[0] === 'diff') return [config, fixture('fix/commented/homeserver.yaml')].flatMap((file) => json(['config', file, '-u', 'chatons', '-u', 'association']).findings.map((f: any) => f.message));
    if (args[0] === 'room') return USE_CASE_IDS.flatMap((useCase) => json(['room', '--state', args[2], '-u', useCase]).findings.map((f: any) => f.message));
    return [];
  };

  it.each(runs)('%s', (_name, args) => {
    const run = mxlint([...args, '--lang', 'fr', ...(args[0] === 'rules' || args[0] === 'use-cases' ? [] : NO_POLICY)], { cwd: dir });
    expect(run.code, run.stderr).not.toBe(2);
    const markup = args.includes('html') || args.includes('junit');
    const messages = messagesOf(args);
    // GitHub's workflow commands (::warning file=…::) are the format's own words.
    const stdout = markup ? readable(run.stdout) : run.stdout.replace(/^::(?:error|warning|notice) /gm, '');
    expect(englishIn(stdout, messages)).toEqual([]);
    expect(englishIn(run.stderr, messages)).toEqual([]);
    // Every placeholder was given (a {name} left would be a template's bug; /…/{roomId} is a URL).
    expect(run.stdout.match(/(?<![/\w])\{[a-z]\w*\}/gi) ?? []).toEqual([]);
  });

  it('sarif: the results, rules and notices in French', () => {
    const file = join(dir, 'report.sarif');
    mxlint(['config', config, '-u', 'chatons', '-f', 'sarif', '-o', file, '--lang', 'fr', ...NO_POLICY], { cwd: dir });
    const sarif = JSON.parse(readFileSync(file, 'utf8'));
    const texts = [...sarif.runs[0].results.map((result: any) => result.message.text), ...sarif.runs[0].tool.driver.rules.map((rule: any) => `${rule.help.text}\n${rule.help.markdown}`)];
    expect(texts.length).toBeGreaterThan(5);
    expect(englishIn(texts.join('\n'), messagesOf(['config']))).toEqual([]);
    expect(sarif.runs[0].results.every((result: any) => typeof result.properties.messageId === 'string')).toBe(true);
  });

  it('the same runs in English still say it in English', () => {
    const en = mxlint(['config', config, '-u', 'chatons', '--fix-dry-run', '--lang', 'en', ...NO_POLICY], { cwd: dir }).stdout;
    expect(en).toContain(MESSAGES.en['heading.verdicts']);
    expect(en).toMatch(/Verdicts \(predicted\)\n {2}chatons +unfit/);
    const plan = mxlint(['room', '--state', dump, '-u', 'trusted-group', '--plan', '--lang', 'en'], { cwd: dir }).stdout;
    expect(plan).toMatch(/^Plan for \S+ to fit trusted-group\n/);
    const replaced = mxlint(['room', '--state', fixture('room-dumps/trusted-group.json'), '-u', 'pseudonymous', '--plan', '--fix-level', 'info', '--lang', 'fr'], { cwd: dir }).stdout;
    expect(replaced).toContain(`${t('fr', 'heading.verdicts')} (`);
    expect(replaced).toMatch(/IRRÉVERSIBLE\u00a0: /);
  });
});
