// The check registry and the checks a rule goes through when loaded (built-in at build, a user's
// with --rules): every function is used or says why not, and each kind of mistake is refused
// with the field that is wrong.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checks } from '../../src/engine/checks/index.js';
import { ruleProblems, showField } from '../../src/engine/rule-problems.js';
import { builtInRules, loadRuleDir } from '../../src/engine/rules.js';
import { buildRoomFacts } from '../../src/facts/room-facts.js';
import { ROOM_FACTS } from '../../src/facts/room-fact-table.js';
import { InputError } from '../../src/errors.js';
import { parsePyYaml } from '../../src/sources/pyyaml.js';
import { runCheck } from '../../src/engine/evaluate.js';
import type { CheckNode, Rule } from '../../src/types.js';

const functionsOf = (node: CheckNode): string[] => [
  ...(node.function ? [node.function] : []),
  ...[...(node.allOf ?? []), ...(node.anyOf ?? [])].flatMap(functionsOf),
];
const ROOT = join(import.meta.dirname, '../..');
const used = new Set(builtInRules().flatMap((rule) => functionsOf(rule.check)));

describe('check registry', () => {
  it.each(Object.entries(checks))('%s is used by a built-in rule, or says why it stays', (name, check) => {
    expect(check.doc.length).toBeGreaterThan(10);
    if (check.library) expect(used.has(name), `${name} is marked as a library function but a rule uses it`).toBe(false);
    else expect(used.has(name), `no built-in rule uses ${name}: delete it, or give it a library reason`).toBe(true);
  });

  it('built-in rules are bundled as the user rule reader reads their files', () => {
    for (const { file, ...rule } of builtInRules()) {
      expect(parsePyYaml(readFileSync(join(ROOT, file!), 'utf8'), file!).data, file).toEqual(rule);
    }
  });

  it('every built-in rule passes the load checks', () => {
    const problems = builtInRules().flatMap(({ file, ...rule }) => ruleProblems(rule).map((problem) => `${file}: ${showField(problem.field)}: ${problem.message}`));
    expect(problems).toEqual([]);
  });
});

const base = (): Rule => ({
  id: 'my-rule',
  target: 'config',
  title: { en: 'A title', fr: 'Un titre' },
  rationale: { en: 'Why', fr: 'Pourquoi' },
  source: { quote: 'a quote', where: 'somewhere' },
  check: { function: 'falsy', path: 'url_preview_enabled' },
  levels: { chatons: 'error' },
});

describe('a rule is refused, naming the field', () => {
  const cases: Array<[string, (rule: Rule) => void, string, RegExp]> = [
    ['a config path that is no catalogued option (a typo)', (rule) => { rule.check.path = 'url_preview_enable'; }, 'check.path', /"url_preview_enable" is not an option in mxlint's catalogue.*did you mean url_preview_enabled\?/],
    ['an unknown function', (rule) => { rule.check.function = 'falsey'; }, 'check.function', /unknown check function "falsey" \(did you mean falsy\?\)/],
    ['an option the function does not take', (rule) => { rule.check.options = { max: 3 }; }, 'check.options.max', /is not an option of falsy \(it takes none\)/],
    ['a missing required option', (rule) => { rule.check = { function: 'durationAtMost', path: 'redaction_retention_period' }; }, 'check.options.max', /is missing/],
    ['an option of the wrong type', (rule) => { rule.check = { function: 'atMost', path: 'user_ips_max_age', options: { max: 'ten' } }; }, 'check.options.max', /must be number/],
    ['a duration Synapse cannot read', (rule) => { rule.check = { function: 'durationAtMost', path: 'redaction_retention_period', options: { max: '6 months' } }; }, 'check.options.max', /must be a duration/],
    ['an option value out of its enum', (rule) => { rule.check = { function: 'wellKnownClient', path: 'extra_well_known_client_content', options: { forbid: 'identity' } }; }, 'check.options.forbid', /must be equal to one of the allowed values: "identity_server"/],
    ['a path given to a function that takes none', (rule) => { rule.check = { function: 'presenceOff', path: 'presence.enabled' }; }, 'check.path', /presenceOff takes no path/],
    ['a missing path', (rule) => { rule.check = { function: 'truthy' }; }, 'check.path', /is missing: truthy needs a path/],
    ['a when path that is no catalogued option', (rule) => { rule.check.when = [{ path: 'retention.enable', truthy: true }]; }, 'check.when[0].path', /"retention.enable" is not an option.*did you mean retention.enabled\?/],
    ['a nested check', (rule) => { rule.check = { allOf: [{ function: 'falsy', path: 'url_preview_enabled' }, { anyOf: [{ function: 'truthy', path: 'nope_option' }] }] }; }, 'check.allOf[1].anyOf[0].path', /"nope_option" is not an option/],
    ['a fix.set key that is no catalogued option', (rule) => { rule.fix = { set: { url_preview_enable: false }, hint: { en: 'x', fr: 'x' } }; }, 'fix.set.url_preview_enable', /is not an option/],
    ['a room path that is no declared room fact', (rule) => { rule.target = 'room'; rule.check = { function: 'equals', path: 'encryption.enable', options: { value: true } }; }, 'check.path', /"encryption.enable" is not a room fact.*did you mean encryption.enabled\?/],
    ['a room fix.set key that is no event type room facts are read from', (rule) => { rule.target = 'room'; rule.check = { function: 'equals', path: 'encryption.enabled', options: { value: true } }; rule.fix = { set: { 'm.room.encrpytion': { algorithm: 'm.megolm.v1.aes-sha2' } }, hint: { en: 'x', fr: 'x' } }; }, 'fix.set.m.room.encrpytion', /is not an event type room facts are read from, nor directory \(did you mean m\.room\.encryption\?\)/],
    ['a config function in a room rule', (rule) => { rule.target = 'room'; rule.check = { function: 'presenceOff' }; }, 'check.function', /presenceOff checks config facts, not room ones/],
    ['a field no rule has', (rule) => { (rule as unknown as Record<string, unknown>).severity = 'high'; }, 'severity', /is not a field of a rule/],
  ];
  it.each(cases)('%s', (_what, change, field, message) => {
    const rule = base();
    change(rule);
    const [problem] = ruleProblems(rule);
    expect(problem && showField(problem.field)).toBe(field);
    expect(problem?.message).toMatch(message);
  });

  it('the base rule of these cases is itself fine', () => {
    expect(ruleProblems(base())).toEqual([]);
  });

  it('in a --rules folder: an InputError with file, line and field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mxlint-rules-'));
    mkdirSync(join(dir, 'sub'));
    const file = join(dir, 'sub', 'typo.yaml');
    writeFileSync(file, [
      'id: my-previews', 'target: config', 'title: { en: t, fr: t }', 'rationale: { en: r, fr: r }', 'source: { quote: q, where: w }',
      'check:', '  function: falsy', '  path: url_preview_enable', 'levels: { chatons: error }', '',
    ].join('\n'));
    let error: unknown;
    try {
      loadRuleDir(dir);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).oneLine()).toMatch(new RegExp(`^${file.replaceAll('.', '\\.')}:8:3: invalid rule: check\\.path: "url_preview_enable" is not an option`));
  });
});

describe('room facts', () => {
  const facts = buildRoomFacts({ roomId: '!r:example.org', source: 'test', state: [] });

  it('are exactly the declared ones', () => {
    expect(Object.keys(facts.values).sort()).toEqual(Object.keys(ROOM_FACTS).sort());
  });

  it('hold a value of the declared type, or are unknown (a join_rule that is a number cannot be judged)', () => {
    const odd = buildRoomFacts({ roomId: '!r:example.org', source: 'test', state: [{ type: 'm.room.join_rules', state_key: '', content: { join_rule: 7 } }] });
    expect(odd.get('joinRule')).toMatchObject({ state: 'unknown', value: null, reason: { id: 'roomFact.wrongTypeIn', data: { event: 'm.room.join_rules', type: 'string' } } });
    const rule = builtInRules().find((candidate) => candidate.id === 'room-join-invite')!;
    expect(runCheck(rule.check, odd)?.map((result) => result.status)).toEqual(['unknown']);
  });

  it('cannot be read under an undeclared path', () => {
    expect(() => facts.get('encryption.enable')).toThrow(/no room fact named encryption.enable/);
  });
});
