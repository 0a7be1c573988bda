// A generated homeserver.yaml is ~98% comment lines, and js-yaml reads comments one character at
// a time: on a 100 KB sample config that was most of the parse, a sixth of `mxlint config`.
// blankCommentLines empties the lines that can only be comments before js-yaml sees the text. Each
// line keeps its newline, so every line and column (positions, errors) stays where it was.
//
// Only where emptying cannot change what PyYAML reads, and when in doubt a line is kept:
// - a line is a comment when spaces (not tabs: PyYAML rejects a tab there) lead to `#`;
// - inside a block scalar (`key: |`, `- >-`) such a line is text: none is emptied until a line
//   that is not more indented than the header ends the scalar;
// - a quote left open on a line (a quoted scalar may run over lines, `#` lines included) or a
//   backslash beside a quote stops all emptying for the rest of the file;
// - a comment ends a plain scalar, and without it a more indented line would continue that
//   scalar: while one may be open (after `key: value`, `- value`, or a value on a line of its
//   own), comments before a more indented line are kept; after a value on its own line, whose
//   parent's indent is unknown, they are kept until a top-level key;
// - a lone `\r` line break (which split('\n') would not see) leaves the text untouched.

const BLOCK_SCALAR_HEADER = /(?:^|[\s:?-])[|>][-+0-9]*[ \t]*(?:#.*)?\r?$/;
const TRAILING_COMMENT = /\s#.*$/;

/** Lines that are not blank and not comments (a tab first counts as content: PyYAML refuses it). */
const CONTENT_LINE = /^ *[^ #\r\n][^\r\n]*/gm;
const COMMENT_LINES = /^ *#[^\r\n]*/gm;

export function blankCommentLines(text: string): string {
  if (!text.includes('#') || /\r(?!\n)/.test(text)) return text;
  // Only the few content lines are looked at one by one; the comment lines between two of them
  // (most of the file) are emptied, or kept, by one regular expression.
  const parts: string[] = [];
  let blockIndent = -1; // ≥ 0 inside a block scalar whose header line had this indent
  // A plain scalar that may still be open: a line more indented than this may continue it (-1: any line).
  let openScalar: number | undefined;
  let done = 0; // the text before this offset is in parts
  for (const match of text.matchAll(CONTENT_LINE)) {
    const line = match[0];
    const indent = line.length - line.replace(/^ +/, '').length;
    const before = text.slice(done, match.index);
    done = match.index + line.length;
    if (blockIndent >= 0) {
      parts.push(before, line);
      if (indent > blockIndent || line[indent] === '\t') continue;
      blockIndent = -1; // this line ends the block scalar: handled below, the lines before kept
    } else {
      const continues = openScalar !== undefined && indent > openScalar;
      parts.push(continues ? before : before.replace(COMMENT_LINES, ''), line);
    }
    if (quoteLeftOpen(line)) return parts.join('') + text.slice(done);
    if (BLOCK_SCALAR_HEADER.test(line)) blockIndent = indent;
    const ending = scalarEnding(line.replace(TRAILING_COMMENT, '').trimEnd());
    const continues = openScalar !== undefined && indent > openScalar;
    if (!continues || (openScalar === -1 && indent === 0 && ending !== 'own-line')) {
      openScalar = ending === 'none' ? undefined : ending === 'own-line' ? -1 : indent;
    }
  }
  // A file of comments alone stays as it is: js-yaml reads it as null, but blank text as nothing.
  if (parts.length === 0) return text;
  // After the last content line, comments: nothing follows for them to end (unless a block scalar is open).
  const rest = text.slice(done);
  parts.push(blockIndent >= 0 ? rest : rest.replace(COMMENT_LINES, ''));
  return parts.join('');
}

/** An odd number of either quote, or a backslash beside one: a quoted scalar may go on below. */
function quoteLeftOpen(line: string): boolean {
  if (!line.includes('"') && !line.includes('\'')) return false;
  if (line.includes('\\')) return true;
  let double = 0;
  let single = 0;
  for (let at = 0; at < line.length; at += 1) {
    const code = line.charCodeAt(at);
    if (code === 0x22) double += 1;
    else if (code === 0x27) single += 1;
  }
  return double % 2 === 1 || single % 2 === 1;
}

/** Whether a line (trailing comment removed) ends with a plain scalar a next line could continue:
 *  none after `key:` or a lone `-`; one on a key or item line (`key: value`, `- value`) goes on
 *  only onto a more indented line; one on a line of its own may go on onto any line. */
function scalarEnding(content: string): 'none' | 'on-key-line' | 'own-line' {
  if (content.endsWith(':') || /^\s*(?:-\s*)+$/.test(content) || content === '---' || content === '...') return 'none';
  if (/^\s*(?:-\s+)*[^\s#][^#]*?:\s/.test(content) || /^\s*-\s+\S/.test(content)) return 'on-key-line';
  return 'own-line';
}
