// Writes that fail halfway (issue #18), through the built binary: `config --fix` with line
// endings, a BOM, a mode and an owner to keep.
import { chmodSync, chownSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mxlint, type Run } from '../cli/run.js';

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function single(name: string, content: string | Buffer): { dir: string; file: string; args: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'mxlint-writes-'));
  made.push(dir);
  const file = join(dir, name);
  writeFileSync(file, content);
  return { dir, file, args: ['config', file, '-u', 'chatons', '--no-policy', '--fix'] };
}

const CONFIG = 'server_name: example.org\n# the statistics\nreport_stats: "yes"\n';

const temporaries = (dir: string) => readdirSync(dir, { recursive: true }).map(String).filter((name) => /\.mxlint-.*\.tmp$/.test(name));

/** One `mxlint: FILE: reason` line naming the file. */
function refused(run: Run, file: string, why: RegExp): void {
  expect(run.code, run.stderr).toBe(2);
  const lines = run.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain(file);
  expect(lines[0]).toMatch(why);
}

const isRoot = process.getuid?.() === 0;

describe('bytes kept as README "Fixing" promises', () => {
  const fixed = (content: string | Buffer) => {
    const { dir, file, args } = single('homeserver.yaml', content);
    const run = mxlint(args);
    expect(run.code, run.stderr).toBe(0);
    expect(temporaries(dir)).toEqual([]);
    return readFileSync(file);
  };

  it('CR-only line endings stay CR-only', () => {
    const after = fixed(CONFIG.replaceAll('\n', '\r')).toString('utf8');
    expect(after).not.toContain('\n');
    expect(after.startsWith('server_name: example.org\r# the statistics\rreport_stats: false\r')).toBe(true);
    expect(after).toMatch(/\renable_3pid_lookup: false\r$/);
  });

  it('CRLF stays CRLF on every line, old and new', () => {
    const after = fixed(CONFIG.replaceAll('\n', '\r\n')).toString('utf8');
    expect(after.startsWith('server_name: example.org\r\n# the statistics\r\nreport_stats: false\r\n')).toBe(true);
    expect(after.split('\r\n').every((line) => !line.includes('\n') && !line.includes('\r'))).toBe(true);
  });

  it('a UTF-8 BOM is kept', () => {
    const after = fixed(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(CONFIG)]));
    expect([...after.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(after.subarray(3).toString('utf8').startsWith('server_name: example.org\n# the statistics\nreport_stats: false\n')).toBe(true);
  });

  it('a file without a final newline gets its new keys on lines of their own', () => {
    const after = fixed(CONFIG.trimEnd()).toString('utf8');
    expect(after.startsWith('server_name: example.org\n# the statistics\nreport_stats: false\n')).toBe(true);
  });

  it.skipIf(!isRoot)('mode 0640 and the owner are kept', () => {
    const { dir, file, args } = single('homeserver.yaml', CONFIG);
    chmodSync(file, 0o640);
    chownSync(file, 65534, 65534);
    expect(mxlint(args).code).toBe(0);
    const after = statSync(file);
    expect(after.mode & 0o7777).toBe(0o640);
    expect([after.uid, after.gid]).toEqual([65534, 65534]);
    expect(readFileSync(file, 'utf8')).toContain('report_stats: false');
    expect(temporaries(dir)).toEqual([]);
  });

  for (const [what, content, why] of [
    ['CR-only line breaks mixed with LF', 'server_name: example.org\rreport_stats: "yes"\n', /mixes CR-only line breaks with LF ones/],
    ['a NEL, which PyYAML reads as a line break', 'server_name: example.org\n# a\u0085report_stats: "yes"\n', /:2: holds a NEL \(U\+0085\) character, which Synapse reads as a line break/],
    ['a U+2028 line separator', 'server_name: example.org\nreport_stats: "yes" # \u2028x\n', /:2: holds a U\+2028 character/],
  ] as const) {
    it(`${what} is refused (exit 2), the file untouched`, () => {
      const { dir, file, args } = single('homeserver.yaml', content);
      refused(mxlint(args), 'homeserver.yaml', why);
      expect(readFileSync(file, 'utf8')).toBe(content);
      expect(temporaries(dir)).toEqual([]);
    });
  }
});

