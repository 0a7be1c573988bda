// --rules folders are checked as the built-in rules are at build: a mistake is exit 2, one line.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mxlint, ROOT } from './run.js';

const config = join(ROOT, 'fixtures/config/url-previews-off/pass-absent.yaml');

function ruleFolder(edit: (text: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), 'mxlint-rules-'));
  const text = readFileSync(join(ROOT, 'rules/config/url-previews-off.yaml'), 'utf8').replace('id: url-previews-off', 'id: my-previews');
  writeFileSync(join(dir, 'mine.yaml'), edit(text));
  return dir;
}

describe('mxlint config --rules', () => {
  it('refuses a rule whose path names no option (it used to pass silently)', () => {
    const run = mxlint(['config', config, '--no-policy', '--rules', ruleFolder((text) => text.replace('path: url_preview_enabled', 'path: url_preview_enable'))]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^mxlint: .*mine\.yaml:\d+:\d+: invalid rule: check\.path: "url_preview_enable" is not an option in mxlint's catalogue .*did you mean url_preview_enabled\?\)$/)]);
  });

  it('refuses options the function does not take', () => {
    const run = mxlint(['config', config, '--no-policy', '--rules', ruleFolder((text) => text.replace('path: url_preview_enabled', 'path: url_preview_enabled\n  options: { value: false }'))]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/mine\.yaml:\d+:\d+: invalid rule: check\.options\.value: is not an option of falsy \(it takes none\)\n$/);
  });

  it('runs a correct one', () => {
    const run = mxlint(['config', config, '--no-policy', '--rules', ruleFolder((text) => text), '--format', 'json']);
    expect(JSON.parse(run.stdout).findings.some((finding: { ruleId: string }) => finding.ruleId === 'my-previews')).toBe(true);
  });
});
