// The rule tester itself: each way a rule can differ from its case is caught.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtInRules } from '../../src/engine/rules.js';
import { runCheck } from '../../src/engine/evaluate.js';
import { configCase, differences, fixDifferences, messageProblems, roomCase } from './rule-tester.js';

const rule = (id: string) => builtInRules().find((candidate) => candidate.id === id)!;
const dir = mkdtempSync(join(tmpdir(), 'mxlint-tester-'));

function check(id: string, name: string, text: string): string[] {
  const file = join(dir, name);
  writeFileSync(file, text);
  const testCase = (name.endsWith('.json') ? roomCase : configCase)(rule(id), file);
  return [...testCase.problems, ...differences(rule(id), testCase, runCheck(rule(id).check, testCase.facts())), ...fixDifferences(rule(id), testCase)];
}

const previews = 'server_name: example.org\nurl_preview_enabled: true\n';

describe('the rule tester', () => {
  it('passes a case that says exactly what the rule does, status taken from the name', () => {
    expect(check('url-previews-off', 'fail-on.yaml', `# path: url_preview_enabled\n# line: 5\n# expect: is true\n${previews}`)).toEqual([]);
  });

  it.each([
    ['a wrong status', 'pass-on.yaml', `# line: 2\n${previews}`, /expected only pass results/],
    ['a wrong count', 'fail-on.yaml', `# count: 2\n# line: 3\n${previews}`, /expected 2 fail result\(s\), got 1/],
    ['a wrong path', 'fail-on.yaml', `# path: url_preview\n# line: 3\n${previews}`, /expected path url_preview, got url_preview_enabled/],
    ['a missing line', 'fail-on.yaml', previews, /expected line \(none: say "# line:"/],
    ['a wrong line', 'fail-on.yaml', `# line: 1\n${previews}`, /expected line 1, got 3/],
    ['a message that does not match', 'fail-on.yaml', `# line: 3\n# expect: is false\n${previews}`, /expected a message matching \/is false\//],
    ['a wrong message id', 'fail-on.yaml', `# line: 4\n# message: generic.notSet\n${previews}`, /expected message generic.notSet, got fact.is/],
    ['a rule that applies where the case says it does not', 'na-on.yaml', previews, /expected na \(does not apply\)/],
    ['an unknown header status', 'fail-on.yaml', `# status: failing\n# line: 3\n${previews}`, /status must be one of pass, fail, unknown, na/],
    ['"fix: no" without a reason', 'fail-on.yaml', `# line: 4\n# fix: no\n${previews}`, /fix must be "no, REASON"/],
    ['"fix" on a passing case', 'pass-off.yaml', '# fix: no, nothing to fix\nserver_name: example.org\n', /"fix" is said only of a failing case/],
  ])('catches %s', (_what, name, text, message) => {
    expect(check('url-previews-off', name, text).join('\n')).toMatch(message);
  });

  it('applies fix.set with mxlint\'s fixer: a failing case its fix cannot mend must say so', () => {
    const mas = 'server_name: example.org\nallow_guest_access: true\nmatrix_authentication_service: { enabled: true, secret: x }\n';
    expect(check('guest-access-available', 'fail-mas.yaml', `# path: matrix_authentication_service.enabled\n# line: 5\n${mas}`).join('\n')).toMatch(/fix\.set does not make it pass/);
    expect(check('guest-access-available', 'fail-mas.yaml', `# path: matrix_authentication_service.enabled\n# line: 6\n# fix: no, MAS has no guests\n${mas}`)).toEqual([]);
  });

  it('reads a room case\'s "_expect" and refuses unknown fields in it', () => {
    const state = [{ type: 'm.room.create', state_key: '', content: { room_version: '10' } }];
    expect(check('room-encrypted', 'fail-plain.json', JSON.stringify({ _expect: { expect: 'encryption.enabled is not set' }, state }))).toEqual([]);
    expect(check('room-encrypted', 'fail-plain.json', JSON.stringify({ _expect: { stauts: 'fail' }, state })).join('\n')).toMatch(/unknown expectation field "stauts"/);
    expect(check('room-encrypted', 'pass-plain.json', JSON.stringify({ state })).join('\n')).toMatch(/expected only pass results/);
  });
});
