// How `mxlint config --fix` and `--fix-dry-run` tell what they do: the unified diff, the changes
// by file, what is left to a person, and each use case's verdict before and after.
import { relative } from 'node:path';
import type { Lang, UseCaseVerdict } from '../types.js';
import { defineMessages, render, type Message } from '../messages/message.js';
import { levelWord, t, verdictWord } from '../report/messages.js';
import type { ConfigFix } from './config-fix.js';
import type { Clash, ToDo } from './select.js';
import { showPath, showValue } from './patch.js';
import { redactValue } from '../facts/redact.js';
import { unifiedDiffOf } from './secret-diff.js';

const shown = (path: string): string => relative(process.cwd(), path) || path;

/** A unified diff of every changed file (`a/` and `b/` prefixes, as git and patch -p1 expect).
 *  `whole` false (what is printed): no line that shows a secret, still applicable; `omitted`
 *  counts the changes left out because their own lines show one. `whole` true: every change. */
export function unifiedDiff(fix: ConfigFix, whole = false): { text: string; omitted: number } {
  return unifiedDiffOf(fix.files.map((file) => ({
    oldName: file.created ? '/dev/null' : `a/${shown(file.path)}`, newName: `b/${shown(file.path)}`, before: file.before, after: file.after,
  })), !whole);
}

const say = defineMessages({
  'fix.omitted.one': {
    en: '(1 change touches a line that shows a secret: it is not in the diff above; --patch-file FILE writes the whole patch, mode 0600)',
    fr: '(1\u00a0changement touche une ligne qui montre un secret\u00a0: il n’est pas dans le diff ci-dessus\u00a0; --patch-file FICHIER écrit le correctif entier, en mode 0600)',
  },
  'fix.omitted.other': {
    en: '({count} changes touch lines that show a secret: they are not in the diff above; --patch-file FILE writes the whole patch, mode 0600)',
    fr: '({count}\u00a0changements touchent des lignes qui montrent un secret\u00a0: ils ne sont pas dans le diff ci-dessus\u00a0; --patch-file FICHIER écrit le correctif entier, en mode 0600)',
  },
  'fix.heading.dryRun': { en: 'mxlint config --fix-dry-run: for {useCases}', fr: 'mxlint config --fix-dry-run\u00a0: pour {useCases}' },
  'fix.heading.written': { en: 'mxlint config --fix: for {useCases}', fr: 'mxlint config --fix\u00a0: pour {useCases}' },
  'fix.nothing': { en: 'Nothing to change.', fr: 'Rien à changer.' },
  'fix.wouldChange': { en: 'Would change (nothing written):', fr: 'Changements prévus (rien n’est écrit)\u00a0:' },
  'fix.changed': { en: 'Changed:', fr: 'Changements faits\u00a0:' },
  'fix.newFile': { en: '{file} (new file)', fr: '{file} (nouveau fichier)' },
  'fix.absent': { en: 'absent', fr: 'absente' },
  'fix.change': { en: '{path}: {before} → {after}', fr: '{path}\u00a0: {before} → {after}' },
  'fix.commentedOut': { en: 'removed (commented out)', fr: 'supprimée (mise en commentaire)' },
  'fix.notWritten': { en: 'Not written (change it by hand):', fr: 'Pas écrit (à changer à la main)\u00a0:' },
  'fix.notWrittenItem': { en: '{path} in {file}: {reason}', fr: '{path} dans {file}\u00a0: {reason}' },
  'fix.clashes': {
    en: 'Rules that want different values (nothing written for them, choose):',
    fr: 'Règles qui veulent des valeurs différentes (rien n’est écrit pour elles, à vous de choisir)\u00a0:',
  },
  'fix.decisions': { en: 'Decisions for you (mxlint does not guess them):', fr: 'Décisions qui vous reviennent (mxlint ne les devine pas)\u00a0:' },
  'fix.manual': { en: 'To do by hand (no mechanical fix):', fr: 'À faire à la main (pas de correction automatique)\u00a0:' },
  'fix.stillFailing': { en: 'Still failing after the fix:', fr: 'Toujours en échec après la correction\u00a0:' },
  'fix.unknown': { en: 'Could not be checked (so not fixed):', fr: 'Pas pu être vérifié (donc pas corrigé)\u00a0:' },
  'fix.verdicts.predicted': { en: 'Verdicts (predicted)', fr: 'Verdicts (prévus)' },
  'fix.clash': { en: '{path}: {wants}', fr: '{path}\u00a0: {wants}' },
  'fix.clash.want': { en: '{value} for {useCases} ({rules})', fr: '{value} pour {useCases} ({rules})' },
  'fix.clash.kept': { en: 'kept as it is ({value})', fr: 'gardée telle quelle ({value})' },
  'fix.clash.removed': { en: 'removed', fr: 'supprimée' },
  'fix.todo': { en: '{rule} ({level}; {useCases}): {title}', fr: '{rule} ({level}\u00a0; {useCases})\u00a0: {title}' },
  'fix.todo.now': { en: 'now: {message}', fr: 'constat\u00a0: {message}' },
  'fix.todo.decide': { en: 'decide: {what}', fr: 'à décider\u00a0: {what}' },
  'fix.todo.how': { en: 'how: {what}', fr: 'comment\u00a0: {what}' },
  'fix.todo.then': { en: 'then: {hint}', fr: 'ensuite\u00a0: {hint}' },
  'fix.verdict.changed': { en: '{before} → {after}', fr: '{before} → {after}' },
  'fix.verdict.unchanged': { en: '{verdict} (unchanged)', fr: '{verdict} (inchangé)' },
});

/** The headings the room plan shares with the config fix. */
export const fixMessage = (id: 'fix.decisions' | 'fix.manual'): Message => say(id);

/** Says what the printed diff leaves out, and where the whole patch can be had. */
export function omittedNote(omitted: number, lang: Lang = 'en'): string[] {
  if (omitted === 0) return [];
  return [`  ${render(lang, omitted === 1 ? say('fix.omitted.one') : say('fix.omitted.other', { count: omitted }))}`];
}

/** A value as plans show it: secrets redacted by the path they sit at. */
const showAt = (path: string[], value: unknown) => showValue(redactValue(showPath(path), value));

export function formatFixText(fix: ConfigFix, mode: 'dry-run' | 'written', after = fix.after, omitted = 0, lang: Lang = 'en'): string {
  const text = (message: Message) => render(lang, message);
  const lines: string[] = [];
  const useCases = fix.useCases.join(', ');
  lines.push(text(mode === 'dry-run' ? say('fix.heading.dryRun', { useCases }) : say('fix.heading.written', { useCases })));
  if (fix.files.length === 0) {
    lines.push('', text(say('fix.nothing')));
  } else {
    lines.push('', text(mode === 'dry-run' ? say('fix.wouldChange') : say('fix.changed')));
    for (const file of fix.files) {
      lines.push(`  ${file.created ? text(say('fix.newFile', { file: shown(file.path) })) : shown(file.path)}`);
      for (const leaf of file.leaves) {
        const before = leaf.previous.found ? showAt(leaf.path, leaf.previous.value) : say('fix.absent');
        const change = say('fix.change', { path: showPath(leaf.path), before, after: leaf.remove ? say('fix.commentedOut') : showAt(leaf.path, leaf.value) });
        lines.push(`    ${text(change)}   [${leaf.ruleIds.join(', ')}]`);
      }
    }
  }
  if (mode === 'dry-run') lines.push(...omittedNote(omitted, lang));
  if (fix.failed.length) lines.push('', text(say('fix.notWritten')));
  for (const failure of fix.failed) {
    lines.push(`  ${text(say('fix.notWrittenItem', { path: showPath(failure.leaf.path), file: shown(failure.file), reason: failure.reason }))}   [${failure.leaf.ruleIds.join(', ')}]`);
  }
  if (fix.clashes.length) {
    lines.push('', text(say('fix.clashes')));
    for (const clash of fix.clashes) lines.push(`  ${formatClash(clash, lang)}`);
  }
  section(lines, text(say('fix.decisions')), fix.selection.decisions, 'decide', lang);
  section(lines, text(say('fix.manual')), fix.selection.manual, 'do', lang);
  section(lines, text(say('fix.stillFailing')), fix.stillFailing, 'do', lang);
  section(lines, text(say('fix.unknown')), fix.selection.unknown, 'do', lang);
  lines.push('', mode === 'dry-run' ? text(say('fix.verdicts.predicted')) : t(lang, 'heading.verdicts'));
  lines.push(...verdictTransitions(fix.before.verdicts, after.verdicts, lang));
  return `${lines.join('\n')}\n`;
}

export function formatClash(clash: Clash, lang: Lang = 'en'): string {
  const wants = clash.wants.map((want) => say('fix.clash.want', {
    value: want.keep ? say('fix.clash.kept', { value: want.remove ? say('fix.absent') : showAt(clash.path, want.value) })
      : want.remove ? say('fix.clash.removed') : showAt(clash.path, want.value),
    useCases: want.useCases.join(', '),
    rules: want.ruleIds.join(', '),
  }));
  return render(lang, say('fix.clash', { path: showPath(clash.path), wants }));
}

export function section(lines: string[], title: string, items: ToDo[], verb: 'decide' | 'do', lang: Lang = 'en'): void {
  if (items.length === 0) return;
  lines.push('', title);
  for (const item of items) {
    lines.push(`  ${render(lang, say('fix.todo', { rule: item.ruleId, level: levelWord(lang, item.level), useCases: item.useCases.join(', '), title: item.title }))}`);
    lines.push(`      ${render(lang, say('fix.todo.now', { message: item.message }))}`);
    lines.push(`      ${render(lang, verb === 'decide' ? say('fix.todo.decide', { what: item.what }) : say('fix.todo.how', { what: item.what }))}`);
    if (verb === 'decide' && item.hint) lines.push(`      ${render(lang, say('fix.todo.then', { hint: item.hint }))}`);
  }
}

export function verdictTransitions(before: UseCaseVerdict[], after: UseCaseVerdict[], lang: Lang = 'en'): string[] {
  const width = Math.max(8, ...after.map((verdict) => verdict.useCase.length));
  return after.map((verdict) => {
    const old = before.find((candidate) => candidate.useCase === verdict.useCase)?.verdict;
    const text = old && old !== verdict.verdict ? say('fix.verdict.changed', { before: verdictWord(lang, old), after: verdictWord(lang, verdict.verdict) })
      : say('fix.verdict.unchanged', { verdict: verdictWord(lang, verdict.verdict) });
    return `  ${verdict.useCase.padEnd(width)}  ${render(lang, text)}`;
  });
}

/** The JSON form (schemaVersion 1): what changes, what is left, and the verdicts before and after. */
export function formatFixJson(fix: ConfigFix, mode: 'dry-run' | 'written', after = fix.after): string {
  const diff = unifiedDiff(fix);
  return `${JSON.stringify({
    schemaVersion: 1,
    mode,
    useCases: fix.useCases,
    inputs: fix.inputs,
    files: fix.files.map((file) => ({
      path: file.path,
      created: file.created,
      changes: file.leaves.map((leaf) => ({
        path: showPath(leaf.path),
        rules: leaf.ruleIds,
        before: leaf.previous.found ? redactValue(showPath(leaf.path), leaf.previous.value) : null,
        present: leaf.previous.found,
        ...(leaf.remove ? { remove: true } : { value: redactValue(showPath(leaf.path), leaf.value) }),
      })),
    })),
    diff: diff.text,
    ...(mode === 'dry-run' ? { diffOmits: diff.omitted } : {}),
    notWritten: fix.failed.map((failure) => ({ path: showPath(failure.leaf.path), file: failure.file, rules: failure.leaf.ruleIds, reason: failure.reason })),
    clashes: fix.clashes.map((clash) => ({
      ...clash, path: showPath(clash.path), wants: clash.wants.map((want) => ({ ...want, value: redactValue(showPath(clash.path), want.value) })),
    })),
    decisions: fix.selection.decisions,
    manual: fix.selection.manual,
    stillFailing: fix.stillFailing,
    unknown: fix.selection.unknown,
    verdicts: after.verdicts.map((verdict) => ({
      useCase: verdict.useCase,
      before: fix.before.verdicts.find((candidate) => candidate.useCase === verdict.useCase)?.verdict,
      after: verdict.verdict,
    })),
    findings: after.findings.filter((finding) => finding.status !== 'pass'),
  }, null, 2)}\n`;
}
