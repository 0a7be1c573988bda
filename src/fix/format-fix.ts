// How `mxlint config --fix` and `--fix-dry-run` tell what they do: the unified diff, the changes
// by file, what is left to a person, and each use case's verdict before and after.
import { relative } from 'node:path';
import type { UseCaseVerdict } from '../types.js';
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

/** Says what the printed diff leaves out, and where the whole patch can be had. */
export function omittedNote(omitted: number): string[] {
  if (omitted === 0) return [];
  return [`  (${omitted === 1 ? '1 change touches a line that shows a secret: it is' : `${omitted} changes touch lines that show a secret: they are`} not in the diff above;`
    + ' --patch-file FILE writes the whole patch, mode 0600)'];
}

/** A value as plans show it: secrets redacted by the path they sit at. */
const showAt = (path: string[], value: unknown) => showValue(redactValue(showPath(path), value));

export const verdictName = (verdict: UseCaseVerdict['verdict']): string => (verdict === 'fit-with-warnings' ? 'fit with warnings' : verdict);

export function formatFixText(fix: ConfigFix, mode: 'dry-run' | 'written', after = fix.after, omitted = 0): string {
  const lines: string[] = [];
  lines.push(`mxlint config --fix${mode === 'dry-run' ? '-dry-run' : ''}: for ${fix.useCases.join(', ')}`);
  if (fix.files.length === 0) {
    lines.push('', 'Nothing to change.');
  } else {
    lines.push('', mode === 'dry-run' ? 'Would change (nothing written):' : 'Changed:');
    for (const file of fix.files) {
      lines.push(`  ${shown(file.path)}${file.created ? ' (new file)' : ''}`);
      for (const leaf of file.leaves) {
        const before = leaf.previous.found ? showAt(leaf.path, leaf.previous.value) : 'absent';
        const change = leaf.remove ? `${before} → removed (commented out)` : `${before} → ${showAt(leaf.path, leaf.value)}`;
        lines.push(`    ${showPath(leaf.path)}: ${change}   [${leaf.ruleIds.join(', ')}]`);
      }
    }
  }
  if (mode === 'dry-run') lines.push(...omittedNote(omitted));
  if (fix.failed.length) lines.push('', 'Not written (change it by hand):');
  for (const failure of fix.failed) {
    lines.push(`  ${showPath(failure.leaf.path)} in ${shown(failure.file)}: ${failure.reason}   [${failure.leaf.ruleIds.join(', ')}]`);
  }
  if (fix.clashes.length) {
    lines.push('', 'Rules that want different values (nothing written for them, choose):');
    for (const clash of fix.clashes) lines.push(`  ${formatClash(clash)}`);
  }
  section(lines, 'Decisions for you (mxlint does not guess them):', fix.selection.decisions, 'decide');
  section(lines, 'To do by hand (no mechanical fix):', fix.selection.manual, 'do');
  section(lines, 'Still failing after the fix:', fix.stillFailing, 'do');
  section(lines, 'Could not be checked (so not fixed):', fix.selection.unknown, 'do');
  lines.push('', `Verdicts${mode === 'dry-run' ? ' (predicted)' : ''}`);
  lines.push(...verdictTransitions(fix.before.verdicts, after.verdicts));
  return `${lines.join('\n')}\n`;
}

export function formatClash(clash: Clash): string {
  const wants = clash.wants.map((want) => `${want.keep ? `kept as it is (${want.remove ? 'absent' : showAt(clash.path, want.value)})` : want.remove ? 'removed' : showAt(clash.path, want.value)}`
    + ` for ${want.useCases.join(', ')} (${want.ruleIds.join(', ')})`);
  return `${showPath(clash.path)}: ${wants.join('; ')}`;
}

export function section(lines: string[], title: string, items: ToDo[], verb: 'decide' | 'do'): void {
  if (items.length === 0) return;
  lines.push('', title);
  for (const item of items) {
    lines.push(`  ${item.ruleId} (${item.level}; ${item.useCases.join(', ')}): ${item.title}`);
    lines.push(`      now: ${item.message}`);
    lines.push(`      ${verb === 'decide' ? 'decide' : 'how'}: ${item.what}`);
    if (verb === 'decide' && item.hint) lines.push(`      then: ${item.hint}`);
  }
}

export function verdictTransitions(before: UseCaseVerdict[], after: UseCaseVerdict[]): string[] {
  const width = Math.max(8, ...after.map((verdict) => verdict.useCase.length));
  return after.map((verdict) => {
    const old = before.find((candidate) => candidate.useCase === verdict.useCase)?.verdict;
    const text = old && old !== verdict.verdict ? `${verdictName(old)} → ${verdictName(verdict.verdict)}` : `${verdictName(verdict.verdict)} (unchanged)`;
    return `  ${verdict.useCase.padEnd(width)}  ${text}`;
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
