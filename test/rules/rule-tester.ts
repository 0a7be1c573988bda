// The rule tester (ESLint's RuleTester is the model): each fixture case of a rule states what the
// rule must say about it, and the tester says every way the rule differs.
//
// Config cases: fixtures/config/<rule-id>/<status>-<name>.yaml, or a directory of that name (its
// mas/*.yaml files, when there is a mas/ folder, are the MAS config; the rest is read as
// a conf.d; its first file carries the header). Header comment lines at the top of the file:
//   # status: fail     pass | fail | unknown | na (runCheck returns null: the rule does not apply);
//                      default: the file name's prefix
//   # count: 2         how many results have that status (default 1); every result must have it
//   # path: a.b        their path (default: the rule's check.path, when it has one); `a, b` when they
//                      have several, in the order of the results
//   # line: 3          the line of the first of them, in the header's file (`other.yaml:3` for another
//                      file of a directory case); required whenever that result points into the fixture
//   # expect: regex    must match their messages in English (joined by new lines)
//   # message: id      their message ids (`a, b` when they differ, in the order of the results)
// Every result's message, whatever the case says, is rendered in English and French with every
// placeholder given.
//   # fix: no, REASON  for a failing case of a rule with fix.set: why the fix cannot make it pass;
//                      without it, fix.set is applied by mxlint's fixer (config --fix) and must make it pass
// Room cases: fixtures/room/<rule-id>/<status>-<name>.json, a state dump (an array of events, or
// {"state": [...], "members", "published", "config", "localServer", "lastEventTs", "stored", "storage", "now", "comment"})
// with the same fields in a top-level "_expect" object (stripped before the facts are built).
// Server cases: fixtures/server/<rule-id>/<status>-<name>.json, what mxlint server measured
// {"kept": {"<measure>": {"oldestTs", "sampled", "population"} | {"unknown": reason}}, "config", "now"},
// "_expect" as for rooms (config: a YAML file beside it; without it, lifetimes are unknown).
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { runCheck } from '../../src/engine/evaluate.js';
import { buildRoomFacts, type RoomInput } from '../../src/facts/room-facts.js';
import { buildServerFacts } from '../../src/facts/server-facts.js';
import { buildKeptFacts } from '../../src/facts/server-kept.js';
import { planConfigFix, writeConfigFix } from '../../src/fix/config-fix.js';
import { inputAfterSteps, planRoom } from '../../src/fix/room-plan.js';
import { loadConfigFiles } from '../../src/sources/config-files.js';
import { loadMasConfig } from '../../src/sources/mas-config.js';
import { parseStateEvents } from '../../src/sources/state-dump.js';
import { declaredMessages, placeholdersOf, render, type Message, type MessageValue } from '../../src/messages/message.js';
import type { CheckResult, FactSource, Rule } from '../../src/types.js';

export const STATUSES = ['pass', 'fail', 'unknown', 'na'] as const;
export type Expected = {
  status: (typeof STATUSES)[number];
  count: number;
  path?: string;
  line?: string;
  expect?: string;
  message?: string;
  fix?: string;
};
const FIELDS = ['status', 'count', 'path', 'line', 'expect', 'message', 'fix'] as const;

export interface RuleCase {
  name: string;
  /** The fixture file, or the directory of a conf.d case. */
  fixture: string;
  /** The file that carries the expectation (a directory's first file). */
  headerFile: string;
  expected: Expected;
  /** Problems with the fixture itself (an unknown header field, a bad count). */
  problems: string[];
  facts: () => FactSource;
  /** The facts once the rule's fix.set is applied by mxlint's own fixer. */
  fixed: () => FactSource;
}

/** The status a case's name starts with (`fail-open.yaml`, `pass.json`). */
export const statusOf = (name: string): Expected['status'] | undefined => STATUSES.find((status) => new RegExp(`^${status}[-.]`).test(name));

function expectedFrom(fields: Record<string, unknown>, name: string, problems: string[]): Expected {
  for (const key of Object.keys(fields)) if (!(FIELDS as readonly string[]).includes(key)) problems.push(`unknown expectation field "${key}"`);
  const status = (fields.status ?? statusOf(name)) as Expected['status'];
  if (!STATUSES.includes(status)) problems.push(`status must be one of ${STATUSES.join(', ')} (from "# status:" or the name's prefix), not ${JSON.stringify(status)}`);
  const count = fields.count === undefined ? 1 : Number(fields.count);
  if (!Number.isInteger(count) || count < 1) problems.push(`count must be a whole number from 1, not ${JSON.stringify(fields.count)}`);
  const text = (key: string) => (fields[key] === undefined ? undefined : String(fields[key]));
  return { status, count, path: text('path'), line: text('line'), expect: text('expect'), message: text('message'), fix: text('fix') };
}

/** The `# key: value` lines of the comment block at the top of a YAML file. */
export function headerOf(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (!line.startsWith('#')) break;
    const match = new RegExp(`^# (${FIELDS.join('|')}): (.+)$`).exec(line);
    if (match) fields[match[1]] = match[2];
  }
  return fields;
}

/** A config case: a file, or a directory read as Synapse reads a conf.d. */
export function configCase(rule: Rule, fixture: string): RuleCase {
  const headerFile = statSync(fixture).isDirectory() ? join(fixture, readdirSync(fixture).filter((name) => /\.ya?ml$/.test(name)).sort()[0]) : fixture;
  const problems: string[] = [];
  const expected = expectedFrom(headerOf(readFileSync(headerFile, 'utf8')), basename(fixture), problems);
  const facts = (path: string) => buildServerFacts({ ...loadConfigFiles([path]), mas: loadMasConfig(masFilesOf(path)) }, [path]);
  return {
    name: basename(fixture), fixture, headerFile, expected, problems,
    facts: () => facts(fixture),
    fixed: () => {
      const copy = join(mkdtempSync(join(tmpdir(), 'mxlint-rule-tester-')), basename(fixture));
      cpSync(fixture, copy, { recursive: true });
      const plan = planConfigFix([copy], { useCases: [fixingUseCase(rule)], rules: [rule], minLevel: 'info', masConfig: masFilesOf(copy) });
      writeConfigFix(plan);
      return facts(copy);
    },
  };
}

/** A directory case's MAS config: the *.yaml files of its `mas/` folder, in name order. */
function masFilesOf(fixture: string): string[] {
  const folder = join(fixture, 'mas');
  if (!statSync(fixture).isDirectory() || !existsSync(folder)) return [];
  return readdirSync(folder).filter((name) => name.endsWith('.yaml')).sort().map((name) => join(folder, name));
}

/** A room case: a state dump, its expectation in "_expect". */
export function roomCase(rule: Rule, fixture: string): RuleCase {
  const data = JSON.parse(readFileSync(fixture, 'utf8'));
  const { _expect: fields = {}, ...wrapper } = Array.isArray(data) ? { state: data } : data;
  const problems: string[] = [];
  const expected = expectedFrom(fields, basename(fixture), problems);
  const configPath = wrapper.config ? resolve(dirname(fixture), wrapper.config) : undefined;
  const server = () => (configPath ? buildServerFacts(loadConfigFiles([configPath]), [configPath]) : undefined);
  const input: RoomInput = {
    roomId: '!fixture:example.org', source: fixture, state: parseStateEvents(wrapper.state, fixture),
    members: wrapper.members, published: wrapper.published, localServer: wrapper.localServer ?? 'example.org', lastEventTs: wrapper.lastEventTs, stored: wrapper.stored, storage: wrapper.storage, now: wrapper.now,
  };
  return {
    name: basename(fixture), fixture, headerFile: fixture, expected, problems,
    facts: () => buildRoomFacts(input, server()),
    fixed: () => {
      const plan = planRoom(input, { useCases: [fixingUseCase(rule)], rules: [rule], server: server(), minLevel: 'info' });
      // A room that cannot change in place is judged as the new room the plan creates.
      return plan.replacement ? plan.after.facts : buildRoomFacts(inputAfterSteps(input, plan), server());
    },
  };
}

/** A server case: what mxlint server measured, and the config it is judged against. */
export function serverCase(_rule: Rule, fixture: string): RuleCase {
  const { _expect: fields = {}, ...wrapper } = JSON.parse(readFileSync(fixture, 'utf8'));
  const problems: string[] = [];
  const expected = expectedFrom(fields, basename(fixture), problems);
  const configPath = wrapper.config ? resolve(dirname(fixture), wrapper.config) : undefined;
  const facts = () => buildKeptFacts(wrapper.kept, configPath ? buildServerFacts(loadConfigFiles([configPath]), [configPath]) : undefined, wrapper.now);
  return { name: basename(fixture), fixture, headerFile: fixture, expected, problems, facts, fixed: facts };
}

/** A use case the rule is on for, to fix for. */
const fixingUseCase = (rule: Rule): string => Object.entries(rule.levels).find(([, level]) => level !== 'off')![0];

/** Where a result points, as a case's `line` is written: `3` in the header's file, `name:3` in another file of the case. */
function lineOf(result: CheckResult, testCase: RuleCase): string | undefined {
  const location = result.location;
  if (!location) return undefined;
  const file = resolve(location.file);
  if (file === resolve(testCase.headerFile)) return String(location.line);
  const inside = relative(resolve(testCase.fixture), file);
  return inside && !inside.startsWith('..') && file !== resolve(testCase.fixture) ? `${inside}:${location.line}` : undefined;
}

const english = (result: CheckResult): string => render('en', result.message);

/** Every message a result says, its own and those in its data. */
function messagesIn(value: MessageValue | string): Message[] {
  if (Array.isArray(value)) return value.flatMap(messagesIn);
  if (typeof value !== 'object' || value === null) return [];
  const message = value as Message;
  return [message, ...Object.values(message.data).flatMap(messagesIn)];
}

/** A message that does not render in both languages: an undeclared id, a placeholder not given. */
export function messageProblems(result: CheckResult): string[] {
  return messagesIn(result.message).flatMap(({ id, data }) => {
    const templates = declaredMessages().get(id);
    if (!templates) return [`message id ${id} is not declared`];
    return (['en', 'fr'] as const).flatMap((lang) => placeholdersOf(templates[lang]).filter((name) => !Object.hasOwn(data, name))
      .map((name) => `the ${lang} message ${id} is not given {${name}}`));
  });
}

/** What the rule says about the case, compared with what the case expects: the differences. */
export function differences(rule: Rule, testCase: RuleCase, results: CheckResult[] | null): string[] {
  const { expected } = testCase;
  const seen = results === null ? 'na (does not apply)' : results.map((result) => `${result.status}: ${english(result)}`).join('\n  ') || 'no result';
  const wrong = (what: string) => `${what}; the rule says:\n  ${seen}`;
  if (expected.status === 'na') return results === null ? [] : [wrong('expected na (does not apply)')];
  if (results === null) return [wrong(`expected ${expected.status}`)];
  const problems: string[] = [];
  const others = results.filter((result) => result.status !== expected.status);
  const matching = results.filter((result) => result.status === expected.status);
  if (others.length) problems.push(wrong(`expected only ${expected.status} results`));
  if (matching.length !== expected.count) problems.push(wrong(`expected ${expected.count} ${expected.status} result(s), got ${matching.length}`));
  const path = expected.path ?? rule.check.path;
  const paths = [...new Set(matching.map((result) => result.path ?? '(none)'))].join(', ');
  if (matching.length && paths !== (path ?? '(none)')) problems.push(`expected path ${path ?? '(none)'}, got ${paths}`);
  const line = matching[0] && lineOf(matching[0], testCase);
  if (line !== expected.line) problems.push(`expected line ${expected.line ?? '(none: say "# line:" when the result points into the fixture)'}, got ${line ?? '(none)'}`);
  if (expected.expect && !new RegExp(expected.expect).test(matching.map(english).join('\n'))) {
    problems.push(wrong(`expected a message matching /${expected.expect}/`));
  }
  if (expected.message) {
    const ids = [...new Set(matching.map((result) => (typeof result.message === 'string' ? '(plain text)' : result.message.id)))].join(', ');
    if (ids !== expected.message) problems.push(wrong(`expected message ${expected.message}, got ${ids}`));
  }
  problems.push(...results.flatMap(messageProblems));
  return problems;
}

/** A failing case of a rule with fix.set passes once the fix is applied, unless the case says why it cannot. */
export function fixDifferences(rule: Rule, testCase: RuleCase): string[] {
  const { expected } = testCase;
  const fixable = expected.status === 'fail' && Boolean(rule.fix?.set);
  if (expected.fix !== undefined) {
    if (!fixable) return ['"fix" is said only of a failing case of a rule with fix.set'];
    return /^no, \S/.test(expected.fix) ? [] : [`fix must be "no, REASON", not "${expected.fix}"`];
  }
  if (!fixable) return [];
  const after = runCheck(rule.check, testCase.fixed());
  const left = (after ?? []).filter((result) => result.status !== 'pass');
  return left.length ? [`fix.set does not make it pass (say "fix: no, REASON" if it cannot):\n  ${left.map((result) => `${result.status}: ${english(result)}`).join('\n  ')}`] : [];
}
