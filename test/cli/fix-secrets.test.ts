import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { mxlint } from './run.js';

it('--fix-dry-run never prints a secret, even in the context lines of its diff', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mxlint-fix-secrets-'));
  const file = join(dir, 'homeserver.yaml');
  writeFileSync(file, 'server_name: example.org\nreport_stats: false\nredis:\n  enabled: true\n  password: S3cr3t-redis-4a1\npresence:\n  enabled: true\nrecaptcha_private_key: S3cr3t-captcha-9b2\npush:\n  include_content: true\n');
  for (const format of ['text', 'json']) {
    const run = mxlint(['config', file, '-u', 'chatons', '--fix-dry-run', '--fix-level', 'info', '--format', format]);
    expect(run.stdout).toMatch(/include_content/);
    expect(run.stdout + run.stderr).not.toMatch(/S3cr3t/);
  }
});
