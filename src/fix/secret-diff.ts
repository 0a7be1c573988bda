// The unified diff of a fix, in two forms. The printed one never shows a secret and still applies
// with `patch -p1`: its hunks take no context line that shows a secret (context shrinks, evenly on
// both sides, or hunks split), and a change whose own lines show one is left out and counted. The
// whole one (`--patch-file`) has every change, secrets included, for a file only the user reads.
import { diffArrays } from 'diff';
import { parseYamlText } from '../sources/yaml-file.js';
import { redactYamlLine, secretLines } from '../facts/redact.js';
import { holdsSecret } from '../redact-text.js';

const CONTEXT = 3;

export interface DiffFile { oldName: string; newName: string; before: string; after: string }

interface Block { oldStart: number; removed: string[]; added: string[] }

/** Lines with their terminators, so a last line without one stays distinct. */
const linesOf = (text: string): string[] => text.match(/[^\n]*\n|[^\n]+$/g) ?? [];

function blocksOf(oldLines: string[], newLines: string[]): Block[] {
  const blocks: Block[] = [];
  let oldIndex = 0;
  let current: Block | undefined;
  for (const change of diffArrays(oldLines, newLines)) {
    if (!change.added && !change.removed) {
      oldIndex += change.value.length;
      current = undefined;
      continue;
    }
    if (!current) blocks.push(current = { oldStart: oldIndex, removed: [], added: [] });
    if (change.removed) {
      current.removed.push(...change.value);
      oldIndex += change.value.length;
    } else current.added.push(...change.value);
  }
  return blocks;
}

/** Old line indexes (0-based) that show a secret, and a test for new lines. */
function secretTests(before: string, path: string): { oldSecret: (index: number) => boolean; newSecret: (line: string) => boolean } {
  let lines: Set<number>;
  try {
    lines = secretLines(parseYamlText(path, Buffer.from(before, 'utf8')), before);
  } catch {
    // Unreadable YAML: every line is treated as showing a secret, so only additions are printed.
    lines = new Set(linesOf(before).map((_line, index) => index + 1));
  }
  const bare = (line: string) => line.replace(/\r?\n$/, '');
  const shown = new Set(linesOf(before).filter((_line, index) => lines.has(index + 1)).map((line) => bare(line).trim()));
  return {
    oldSecret: (index) => lines.has(index + 1),
    // A new line is secret if it holds a known secret, looks like one, or is a secret line commented out.
    newSecret: (line) => holdsSecret(line) || redactYamlLine(bare(line)) !== bare(line) || shown.has(bare(line).trim().replace(/^#\s?/, '')),
  };
}

const render = (sign: string, line: string) => (line.endsWith('\n') ? `${sign}${line.slice(0, -1)}\n` : `${sign}${line}\n\\ No newline at end of file\n`);

/** One file's diff (empty when nothing is shown); `omitted`: changes left out as they show a secret. */
function fileDiff(file: DiffFile, redact: boolean): { text: string; omitted: number } {
  const oldLines = linesOf(file.before);
  const blocks = blocksOf(oldLines, linesOf(file.after));
  const { oldSecret, newSecret } = redact ? secretTests(file.before, file.oldName) : { oldSecret: () => false, newSecret: () => false };
  const shown = blocks.filter((block) => !(block.removed.some((_line, offset) => oldSecret(block.oldStart + offset)) || block.added.some(newSecret)));
  // Blocks close together share a hunk when nothing secret lies between them.
  const groups: Block[][] = [];
  for (const block of shown) {
    const last = groups.at(-1)?.at(-1);
    const gapFrom = last ? last.oldStart + last.removed.length : 0;
    const gap = Array.from({ length: block.oldStart - gapFrom }, (_unused, offset) => gapFrom + offset);
    if (last && gap.length <= 2 * CONTEXT && !gap.some(oldSecret)) groups.at(-1)!.push(block);
    else groups.push([block]);
  }
  let text = '';
  let offset = 0;
  for (const group of groups) {
    const first = group[0].oldStart;
    const last = group.at(-1)!;
    const end = last.oldStart + last.removed.length;
    // Context up to CONTEXT lines each side, stopping at a secret line; when a secret line stops
    // one side, the other side gets no more (patch reads uneven context as "at the file's edge").
    const reach = (from: number, step: number) => {
      let count = 0;
      while (count < CONTEXT && from + step * count >= 0 && from + step * count < oldLines.length && !oldSecret(from + step * count)) count++;
      const stoppedBySecret = count < CONTEXT && from + step * count >= 0 && from + step * count < oldLines.length;
      return { count, stoppedBySecret };
    };
    const before = reach(first - 1, -1);
    const after = reach(end, 1);
    const cap = Math.min(before.stoppedBySecret ? before.count : CONTEXT, after.stoppedBySecret ? after.count : CONTEXT);
    const pre = Math.min(before.count, cap);
    const post = Math.min(after.count, cap);
    const body: string[] = [];
    let oldCount = 0;
    let newCount = 0;
    const context = (from: number, to: number) => {
      for (let index = from; index < to; index++) body.push(render(' ', oldLines[index]));
      oldCount += to - from;
      newCount += to - from;
    };
    context(first - pre, first);
    group.forEach((block, index) => {
      if (index > 0) context(group[index - 1].oldStart + group[index - 1].removed.length, block.oldStart);
      for (const line of block.removed) body.push(render('-', line));
      for (const line of block.added) body.push(render('+', line));
      oldCount += block.removed.length;
      newCount += block.added.length;
    });
    context(end, end + post);
    const oldStart = first - pre;
    const newStart = oldStart + offset;
    offset += group.reduce((sum, block) => sum + block.added.length - block.removed.length, 0);
    // A side with no lines is numbered by the line it follows (0: the file's start), as diff does.
    const range = (start: number, count: number) => `${count ? start + 1 : start},${count}`;
    text += `@@ -${range(oldStart, oldCount)} +${range(newStart, newCount)} @@\n${body.join('')}`;
  }
  return { text: text ? `--- ${file.oldName}\n+++ ${file.newName}\n${text}` : '', omitted: blocks.length - shown.length };
}

/** The diff of every file; `redact`: the printable form (see above). */
export function unifiedDiffOf(files: DiffFile[], redact: boolean): { text: string; omitted: number } {
  const parts = files.map((file) => fileDiff(file, redact));
  return { text: parts.map((part) => part.text).join(''), omitted: parts.reduce((sum, part) => sum + part.omitted, 0) };
}
