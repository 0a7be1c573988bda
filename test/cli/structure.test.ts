// A misspelt key as the built binary reports it: file:line, what Synapse reads instead, and a level
// that follows the rule it defeats (an error for chatons, where the retention limit is one).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mxlint } from './run.js';

const config = join(mkdtempSync(join(tmpdir(), 'mxlint-structure-')), 'homeserver.yaml');
writeFileSync(config, 'server_name: example.org\nreport_stats: false\nretention:\n  enabled: true\n  default_policy:\n    max_lifetme: 180d\n');
const said = "retention.default_policy.max_lifetme is not read by Synapse: Synapse reads retention.default_policy.max_lifetime, not max_lifetme; so retention-max-lifetime fails: retention.default_policy.max_lifetime is not set (Synapse's default: none): kept forever, not at most 184d";

describe('a misspelt key (the built binary)', () => {
  it('text: at file:line:col, with what Synapse reads, as an error where the defeated rule is one', () => {
    // Wide enough that the message is on one line.
    const run = mxlint(['config', config, '-u', 'chatons', '-u', 'trusted-group'], { env: { COLUMNS: '400' } });
    expect(run.code).toBe(1);
    // Paths are shown relative to the working directory; the problem once, its level per use case beside it.
    expect(run.stdout).toMatch(/^\S*\/homeserver\.yaml$/m);
    const block = `✗ known-keys  error: chatons · warning: trusted-group\n {4}6:5 ${said.replace(/[.()]/g, '\\$&')}\n`;
    expect(run.stdout.match(new RegExp(block, 'g'))).toHaveLength(1);
  });

  it('JSON: the same finding with its location and level per use case', () => {
    const run = mxlint(['config', config, '-u', 'chatons', '-u', 'trusted-group', '--format', 'json']);
    const found = JSON.parse(run.stdout).findings.filter((finding: { ruleId: string }) => finding.ruleId === 'known-keys');
    expect(found).toMatchObject([
      { useCase: 'chatons', level: 'error', status: 'fail', path: 'retention.default_policy.max_lifetme', message: said, location: { file: expect.stringMatching(/\/homeserver\.yaml$/), line: 6, column: 5 } },
      { useCase: 'trusted-group', level: 'warning', status: 'fail', message: said, location: { line: 6 } },
    ]);
  });
});
