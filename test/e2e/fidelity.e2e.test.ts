// Proof that mxlint reads configs as Synapse does: every real config (../shared/fixtures/real/homeserver)
// and every hand-written fixture (fixtures/config) is read by Synapse 1.160's own loader (the oracle,
// scripts/synapse-oracle.py in the sandbox chroot) and by mxlint, and the two readings are compared:
//   1. effective values: every option the oracle prints that mxlint catalogues, normalised (oracle.ts);
//   2. raw values: mxlint's merged mapping against PyYAML's, deep-equal (YAML 1.1 details);
//   3. the verdict: Synapse refuses the config ⇔ mxlint's synapse-starts fails (or is unknown when
//      an unrendered placeholder is what Synapse refuses: the rendered value decides, mxlint cannot know).
// Rule fixtures are fragments about one rule: the keys Synapse demands (server_name, report_stats, a
// database) are added by a last file when missing, so that Synapse loads them and has effective values to compare.
// A real config refused for lack of those keys (or for a placeholder server_name) is read twice: as
// written, and completed the same way. synapse-starts' own fixtures are read as written.
// Every difference fails the test unless KNOWN_DIFFERENCES lists it with its reason.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { lintConfig } from '../../src/lint-config.js';
import { loadConfigFiles } from '../../src/sources/config-files.js';
import { findPlaceholder, pythonTruthy } from '../../src/facts/values.js';
import type { Finding } from '../../src/types.js';
import {
  askOracleBatch, asPythonJson, cataloguePath, mxlintEffective, oracleEffective, oracleUnavailable, rawDifferences,
  Refused, sameJson, show, type OracleResult,
} from './oracle.js';

const repo = resolve(import.meta.dirname, '../..');
const REAL_DIR = resolve(repo, '../shared/fixtures/real/homeserver');
const FIXTURE_DIR = join(repo, 'fixtures/config');
/** Oracle processes at once, each reading its share of the configs in one batch (Synapse's import,
 *  most of a single run's second, is paid once per process). */
const BATCHES = Math.min(4, Math.max(2, availableParallelism()));

/** Each config's oracle result, from BATCHES processes started now (configs dealt out in turn). */
function oracleResults(cases: Case[]): Array<Promise<OracleResult>> {
  const shares = Array.from({ length: BATCHES }, (_, batch) => cases.filter((_case, index) => index % BATCHES === batch));
  const answers = shares.map((share) => askOracleBatch(share.map((testCase) => testCase.paths)));
  return cases.map((_case, index) => answers[index % BATCHES].then((results) => results[Math.floor(index / BATCHES)]));
}

type DifferenceKind = 'value' | 'raw' | 'verdict';
interface Difference {
  kind: DifferenceKind;
  /** The option (value), the raw path (raw), or 'synapse-starts' (verdict). */
  what: string;
  detail: string;
}

/** Differences that are deliberate or come from the oracle's own preparation, each with its reason. */
const KNOWN_DIFFERENCES: Array<{ config: RegExp; kind: DifferenceKind; what: RegExp; reason: string }> = [
];

/**
 * Why Synapse refuses a config (its error) → what mxlint's synapse-starts must say. A refusal the
 * table does not know fails the test. When Synapse's error quotes a placeholder (${VAR}...), mxlint
 * may say unknown instead of fail, and its message must quote the same placeholder.
 */
const REFUSALS: Array<{ synapse: RegExp; mxlint: RegExp }> = [
  { synapse: /Missing mandatory `server_name`/, mxlint: /server_name is missing/ },
  { synapse: /opt in or out of reporting homeserver usage statistics/, mxlint: /report_stats is missing/ },
  { synapse: /Server name '.*' has an invalid format/, mxlint: /server_name (cannot be checked|.* is not a valid server name)/ },
  { synapse: /^(ScannerError|ParserError|ComposerError|ConstructorError|ReaderError)/, mxlint: /invalid YAML/ },
  { synapse: /open registration without any verification/, mxlint: /open registration with no captcha, 3PID or token check/ },
  { synapse: /Bad duration suffix|Bad size suffix|invalid literal for int/, mxlint: /(is .*: bad (duration|size) suffix|is not a whole number|cannot be checked: unrendered template placeholder)/ },
  { synapse: /invalid truth value/, mxlint: /Synapse accepts only yes\/no|cannot be checked: unrendered template placeholder/ },
  { synapse: /'\w+' must be <class 'bool'>/, mxlint: /not true or false|cannot be checked: unrendered template placeholder/ },
  { synapse: /Invalid value for encryption_enabled_by_default_for_room_type/, mxlint: /encryption_enabled_by_default_for_room_type (is|cannot be checked)/ },
  { synapse: /explicit target IP address blacklist in url_preview_ip_range_blacklist/, mxlint: /url_preview_enabled without url_preview_ip_range_blacklist/ },
  { synapse: /Unknown listener resource/, mxlint: /listener resource .* is unknown to Synapse/ },
  { synapse: /tls_certificate_path must be specified if TLS-enabled listeners/, mxlint: /TLS listener .* without tls_certificate_path/ },
  { synapse: /tls_private_key_path must be specified if TLS-enabled listeners/, mxlint: /TLS listener .* without tls_private_key_path/ },
  { synapse: /Invalid scheme '.*': only https and http/, mxlint: /public_baseurl (is|cannot be checked)/ },
  { synapse: /Password reset emails are enabled on this homeserver due to a partial/, mxlint: /email section without email\.notif_from/ },
  { synapse: /MSC4108 requires matrix_authentication_service/, mxlint: /msc4108_\w+ is set but matrix_authentication_service is not enabled/ },
  { synapse: /experimental_features\.msc3861 was removed/, mxlint: /experimental_features\.msc3861 was removed/ },
  { synapse: /Could not validate Matrix Authentication Service configuration/, mxlint: /matrix_authentication_service/ },
  { synapse: /cannot be (enabled|set) when OAuth delegation is enabled/, mxlint: /is set while matrix_authentication_service is enabled/ },
  { synapse: /trusted_key_servers, if given, must be a list/, mxlint: /trusted_key_servers (is .*, not a list|cannot be checked)/ },
  { synapse: /m\.(identity_server|homeserver) is not supported in extra_well_known_content/, mxlint: /extra_well_known_client_content sets m\./ },
  { synapse: /^SystemExit: Must supply a config file/, mxlint: /no config file: .*Must supply a config file/ },
  { synapse: /^ValueError: (year|month|day|hour|minute|second|offset)/, mxlint: /invalid YAML: .* is no date PyYAML can read/ },
  { synapse: /No database config provided/, mxlint: /no database section/ },
  { synapse: /Conflicting options '(\w+)' and '\1_path' are both defined/, mxlint: /both \w+ and \w+_path are set/ },
  { synapse: /Can't specify both 'database' and 'databases'/, mxlint: /both database and databases are set/ },
  { synapse: /Can't specify 'database_path' with 'databases'/, mxlint: /both databases and database_path are set/ },
  { synapse: /Unsupported database type/, mxlint: /supports only sqlite3 and psycopg2/ },
  { synapse: /Bad duration type|Bad byte size/, mxlint: /not a float/ },
  { synapse: /Config option must be a string|must be a string\.|object has no attribute '(encode|split)'|^ValueError: not enough values to unpack/, mxlint: /is .*, not a string: Synapse refuses to start/ },
  { synapse: /min_lifetime' can not be greater than its 'max_lifetime'|'allowed_lifetime_min' can not be\s+greater|purge jobs configuration must have the\s+'interval'|'shortest_max_lifetime' value can not be greater/, mxlint: /is longer than|has no interval/ },
  { synapse: /Delegation of email verification to an identity server is no longer supported/, mxlint: /account_threepid_delegates\.email/ },
  { synapse: /invite_3pid_guest is no longer supported/, mxlint: /invite_3pid_guest was removed .* refuses to start/ },
  { synapse: /Can't use 'restrict_public_rooms_to_local_users' if/, mxlint: /restrict_public_rooms_to_local_users is set together with/ },
  { synapse: /rules can only have action of 'allow' or 'deny'|KeyError: 'action'/, mxlint: /an action other than allow or deny|no action/ },
  // A section reader given something else than a mapping (or list, for the publication rules).
  { synapse: /object has no attribute 'get'|indices must be integers|is not subscriptable|argument after \*\* must be a mapping|is not a container or iterable|object is not iterable|is not valid under any of the given schemas|is not of type 'object'/, mxlint: /not a mapping|expects a list of rules/ },
];

/**
 * Small documents for what no fixture happens to hold, written to a scratch directory: YAML 1.1
 * details (Synapse ignores keys it does not know; the raw comparison sees them all), and start-up
 * checks on the edge of synapse-starts. Left out on purpose, as Synapse reads none of them:
 * non-string mapping keys (PyYAML's True/None/date keys, where mxlint has "true"/"null"/the date's
 * text), timestamps with a UTC offset (PyYAML keeps the offset, mxlint the instant), !!binary,
 * !!set and !!omap values.
 */
const START = 'server_name: edge.test\nreport_stats: false\ndatabase: {name: sqlite3, args: {database: edge.db}}\n';
const EDGES: Record<string, string> = {
  'yaml-scalars.yaml': `server_name: edge.test
report_stats: no
database: {name: sqlite3, args: {database: edge.db}}
yes_no: [y, n, Y, N, yes, No, ON, off, yES]
numbers: [1e3, 1.5e3, 1.5e+3, 0o17, 017, 09, 0b101, 0x_1F, +12, 1_000, -0, 1:30, 1:30:00, 190:20:30.15, 1:60]
floats: [.inf, -.Inf, .NaN, .5, 1., 6.8523015e+5, 0.0, 1_0.5]
strings: [0755, 1__0, _1, '0755', "off", !!str 12, !!str 2001-12-14]
nulls: [~, null, Null, NULL, ]
dates: [2015-01-01, 2001-12-14 21:59:43.10, 2001-1-4 1:2:3, 2001-1-4]
explicit: [!!float 1, !!int "0x1F", !!int "017", !!null "", !!null , !!bool yes, !!bool "on", !!float "1_000.5", !!int -1:30]
block: |
  line
  # not a comment
folded: >-
  a
  b
escapes: ["tab\\there", 'it''s', "\\u00e9\\x41", "\\N\\_\\L"]
`,
  'yaml-merges.yaml': `server_name: edge.test
report_stats: false
database: {name: sqlite3, args: {database: edge.db}}
dup: 1
dup: 2
base: &base {x: 1, y: 2}
explicit_wins:
  y: 0
  <<: *base
first_merge_wins:
  <<: [*base, {y: 7, z: 9}]
  x: 5
two_merges:
  <<: {a: 1}
  <<: {b: 2}
retention:
  enabled: on
  default_policy: {max_lifetime: 1y, <<: {min_lifetime: 1d}}
`,
  // PyYAML resolves a plain = to the "value" type, which safe_load cannot construct.
  'yaml-equals.yaml': `${START}key: =\n`,
  // Refused: None is no room type; a strict boolean is not 1; a placeholder is not a list.
  'starts-encryption-null.yaml': `${START}encryption_enabled_by_default_for_room_type:\n`,
  'starts-strictbool-int.yaml': `${START}limit_remote_rooms: {enabled: 1}\n`,
  'starts-key-servers-placeholder.yaml': `${START}trusted_key_servers: "\${KEY_SERVERS}"\n`,
  // Loaded: str(1.2) is "1.2"; a placeholder after the scheme; a placeholder sender; no_tls drops
  // the TLS listener; disable_registration: false with a captcha is verified registration.
  'starts-tls-version-float.yaml': `${START}federation_client_minimum_tls_version: 1.2\n`,
  'starts-baseurl-placeholder-host.yaml': `${START}public_baseurl: "https://\${DOMAIN}/"\n`,
  'starts-email-sender-placeholder.yaml': `${START}email: {enable_notifs: false, notif_from: "\${NOTIF_FROM}"}\n`,
  'starts-no-tls.yaml': `${START}no_tls: true\nlisteners: [{port: 8448, type: http, tls: true, resources: [{names: [client]}]}]\n`,
  'starts-disable-registration-false.yaml': `${START}disable_registration: false\nenable_registration_captcha: true\n`,
};

interface Case {
  name: string;
  paths: string[];
  source: 'real' | 'fixture' | 'edge';
  /** The file this test adds last, with the keys Synapse demands (server_name, report_stats). */
  completion?: string;
}

// ---------------------------------------------------------------------------------------------
// The cases, known at collection time

const unavailable = oracleUnavailable();
/** Where the completions and YAML edge documents are written (never in the project). */
const scratch = unavailable ? '' : mkdtempSync(join(tmpdir(), 'mxlint-fidelity-'));

/** The keys a completion must supply, or [] when Synapse would get past read_config_files. */
function missingKeys(paths: string[]): string[] {
  let config: Record<string, unknown>;
  try {
    config = loadConfigFiles(paths).config;
  } catch {
    return []; // unreadable: read as written, both must refuse it
  }
  const missing: string[] = [];
  if (!Object.hasOwn(config, 'server_name') || findPlaceholder(config.server_name)) missing.push('server_name');
  if (!Object.hasOwn(config, 'report_stats')) missing.push('report_stats');
  if (![config.database, config.databases, config.database_path].some(pythonTruthy)) missing.push('database');
  return missing;
}

function completionFile(keys: string[]): string {
  const file = join(scratch, `zz-completion-${keys.join('-')}.yaml`);
  if (!existsSync(file)) {
    const values: Record<string, string> = { server_name: 'server_name: fidelity.test', report_stats: 'report_stats: false', database: 'database: {name: sqlite3, args: {database: fidelity.db}}' };
    writeFileSync(file, `# added by test/e2e/fidelity.e2e.test.ts\n${keys.map((key) => values[key]).join('\n')}\n`);
  }
  return file;
}

function collectCases(): Case[] {
  const cases: Case[] = [];
  if (existsSync(REAL_DIR)) {
    for (const name of readdirSync(REAL_DIR).filter((entry) => entry.endsWith('.yaml')).sort()) {
      const confD = join(REAL_DIR, name.replace(/\.yaml$/, '.conf.d'));
      const paths = [join(REAL_DIR, name), ...(existsSync(confD) ? [confD] : [])];
      const label = `real/${name}${paths.length > 1 ? ' + conf.d' : ''}`;
      cases.push({ name: label, paths, source: 'real' });
      const missing = missingKeys(paths);
      if (missing.length) {
        const completion = completionFile(missing);
        cases.push({ name: `${label} + ${missing.join(', ')}`, paths: [...paths, completion], source: 'real', completion });
      }
    }
  }
  for (const [name, text] of Object.entries(EDGES)) {
    const file = join(scratch, name);
    writeFileSync(file, text);
    cases.push({ name: `edge/${name}`, paths: [file], source: 'edge' });
  }
  for (const rule of readdirSync(FIXTURE_DIR).sort()) {
    const dir = join(FIXTURE_DIR, rule);
    if (!statSync(dir).isDirectory()) continue;
    for (const entry of readdirSync(dir).sort()) {
      const path = join(dir, entry);
      const isSet = statSync(path).isDirectory();
      if (isSet ? !/^(pass|fail|unknown|na)\b/.test(entry) : !entry.endsWith('.yaml')) continue;
      const label = `fixtures/${rule}/${entry}${isSet ? '/' : ''}`;
      const missing = rule === 'synapse-starts' ? [] : missingKeys([path]);
      if (!missing.length) {
        cases.push({ name: label, paths: [path], source: 'fixture' });
      } else {
        const completion = completionFile(missing);
        cases.push({ name: `${label} + ${missing.join(', ')}`, paths: [path, completion], source: 'fixture', completion });
      }
    }
  }
  return cases;
}

// ---------------------------------------------------------------------------------------------
// Reading one case both ways

interface Outcome {
  oracle: OracleResult;
  /** mxlint's synapse-starts findings, or the input error that stopped it. */
  starts: Finding[];
  inputError?: string;
  /** Oracle keys compared; oracle keys whose mxlint fact is unknown (a placeholder), not compared. */
  compared: string[];
  unknownToMxlint: string[];
  differences: Difference[];
}

function startsStatus(outcome: Pick<Outcome, 'starts' | 'inputError'>): 'refused' | 'fail' | 'unknown' | 'pass' {
  if (outcome.inputError) return 'refused';
  if (outcome.starts.some((finding) => finding.status === 'fail')) return 'fail';
  if (outcome.starts.some((finding) => finding.status === 'unknown')) return 'unknown';
  return 'pass';
}

function readBothWays(testCase: Case, oracle: OracleResult): Outcome {
  const differences: Difference[] = [];
  const compared: string[] = [];
  const unknownToMxlint: string[] = [];
  let starts: Finding[] = [];
  let inputError: string | undefined;
  try {
    const report = lintConfig(testCase.paths, { useCases: ['chatons'] });
    starts = report.findings.filter((finding) => finding.ruleId === 'synapse-starts');
    const { facts } = report;

    // 1. Effective values (not those mxlint says it cannot know: unrendered placeholders).
    for (const [key, value] of Object.entries(oracle.effective ?? {})) {
      const path = cataloguePath(key);
      if (!path) continue;
      if (facts.get(path).state === 'unknown') {
        unknownToMxlint.push(key);
        continue;
      }
      compared.push(key);
      const mine = mxlintEffective(key, facts.get);
      const theirs = oracleEffective(key, value);
      if (mine instanceof Refused || !sameJson(mine, theirs)) {
        differences.push({ kind: 'value', what: key, detail: `mxlint ${show(mine)}, Synapse ${show(theirs)}` });
      }
    }
    // 2. Raw values (a redacted secret in mxlint's mapping matches anything).
    if (oracle.raw) {
      for (const detail of rawDifferences(asPythonJson(facts.config), oracle.raw)) {
        differences.push({ kind: 'raw', what: detail.split(':')[0], detail });
      }
    }
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    inputError = error.oneLine();
  }

  // 3. The verdict.
  const status = startsStatus({ starts, inputError });
  const said = inputError ?? (starts.filter((finding) => finding.status !== 'pass').map((finding) => finding.message).join(' | ') || 'would start');
  if (oracle.loaded && status !== 'pass') {
    differences.push({ kind: 'verdict', what: 'synapse-starts', detail: `Synapse loads it, mxlint says ${status}: ${said}` });
  }
  if (!oracle.loaded) {
    const problem = refusalMismatch(oracle, { starts, inputError });
    if (problem) differences.push({ kind: 'verdict', what: 'synapse-starts', detail: `Synapse refuses it (${firstLine(oracle.error)}), ${problem}; mxlint says ${status}: ${said}` });
  }
  return { oracle, starts, inputError, compared, unknownToMxlint, differences };
}

/** Why mxlint's verdict does not match Synapse's refusal, or undefined when it does. */
function refusalMismatch(oracle: OracleResult, mine: Pick<Outcome, 'starts' | 'inputError'>): string | undefined {
  const reason = REFUSALS.find((entry) => entry.synapse.test(oracle.error ?? ''));
  if (!reason) return 'a refusal REFUSALS does not map yet';
  // The placeholder Synapse quotes, if any (strtobool quotes it lower-cased: "invalid truth value '${x}'").
  const quoted = findPlaceholder((oracle.error ?? '').split(/[\s'"(),]+/));
  const said = mine.inputError
    ? [{ status: 'fail', message: mine.inputError }]
    : mine.starts.filter((finding) => finding.status !== 'pass');
  const matching = said.filter((finding) => reason.mxlint.test(finding.message)
    && (finding.status === 'fail' || (finding.status === 'unknown' && /placeholder/.test(finding.message) && (!quoted || finding.message.toLowerCase().includes(quoted.toLowerCase())))));
  return matching.length ? undefined : `mxlint does not say ${reason.mxlint}`;
}

const firstLine = (text: string | undefined): string =>
  (text ?? '').replace(/^ConfigError: Error in configuration[^:]*:\s*/, '').split('\n').map((line) => line.trim()).filter(Boolean)[0] ?? '';

function isKnown(testCase: Case, difference: Difference): string | undefined {
  return KNOWN_DIFFERENCES.find((known) => known.kind === difference.kind && known.config.test(testCase.name) && known.what.test(difference.what))?.reason;
}

/** The closing lines: the numbers, every refusal (Synapse's reason → mxlint's), every difference. */
function summary(settled: Array<{ testCase: Case; outcome: Outcome }>, ms: number): string {
  const count = (test: (item: { testCase: Case; outcome: Outcome }) => boolean) => settled.filter(test).length;
  const sum = (of: (outcome: Outcome) => number) => settled.reduce((total, { outcome }) => total + of(outcome), 0);
  const all = settled.flatMap(({ testCase, outcome }) => outcome.differences.map((difference) => ({ testCase, difference })));
  const known = all.filter(({ testCase, difference }) => isKnown(testCase, difference)).length;
  const refused = settled.filter(({ outcome }) => !outcome.oracle.loaded);
  return [
    `fidelity: ${settled.length} configs read by Synapse 1.160 and mxlint (${count(({ testCase }) => testCase.source === 'real')} real, ` +
      `${count(({ testCase }) => testCase.source === 'fixture')} fixtures, ${count(({ testCase }) => testCase.source === 'edge')} edge documents; ` +
      `${count(({ testCase }) => Boolean(testCase.completion))} completed with server_name/report_stats), ` +
      `${refused.length} refused by Synapse; ${sum((outcome) => outcome.compared.length)} option values compared ` +
      `(+${sum((outcome) => outcome.unknownToMxlint.length)} placeholders mxlint leaves unknown), ` +
      `${all.length} differences (${known} known, ${all.length - known} unexpected); ${Math.round(ms / 1000)} s`,
    'refusals (config: Synapse → mxlint synapse-starts):',
    ...refused.map(({ testCase, outcome }) => `  ${testCase.name}: ${firstLine(outcome.oracle.error)} → ${startsStatus(outcome)}: ` +
      `${outcome.inputError ?? outcome.starts.filter((finding) => finding.status !== 'pass').map((finding) => finding.message).join(' | ')}`),
    ...(all.length ? ['differences:'] : []),
    ...all.map(({ testCase, difference }) => `  ${testCase.name}: [${difference.kind}] ${difference.detail}` +
      `${isKnown(testCase, difference) ? ` (known: ${isKnown(testCase, difference)})` : ''}`),
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------

if (unavailable) {
  process.stderr.write(`fidelity e2e skipped: ${unavailable}\n`);
  describe.skip('mxlint reads configs as Synapse 1.160 does', () => {
    it(`needs the Synapse oracle (${unavailable})`, () => undefined);
  });
} else describe('mxlint reads configs as Synapse 1.160 does', () => {
  // MXLINT_FIDELITY_ONLY=<regex> reads only the matching configs (while working on one).
  const only = process.env.MXLINT_FIDELITY_ONLY ? new RegExp(process.env.MXLINT_FIDELITY_ONLY) : undefined;
  const cases = collectCases().filter((testCase) => !only || only.test(testCase.name));
  const started = Date.now();
  // All oracle runs start now; each test waits for its own config's result.
  const outcomes = new Map<string, Promise<Outcome>>();
  oracleResults(cases).forEach((result, index) => {
    const outcome = result.then((oracle) => readBothWays(cases[index], oracle));
    outcome.catch(() => undefined); // reported by the case's own test
    outcomes.set(cases[index].name, outcome);
  });
  const settled: Array<{ testCase: Case; outcome: Outcome }> = [];

  afterAll(() => {
    rmSync(scratch, { recursive: true, force: true });
    if (settled.length) console.log(summary(settled, Date.now() - started));
  });

  it.each(cases.map((testCase) => [testCase.name, testCase] as const))('%s', async (_name, testCase) => {
    const outcome = await outcomes.get(testCase.name)!;
    settled.push({ testCase, outcome });
    const unexpected = outcome.differences.filter((difference) => !isKnown(testCase, difference));
    expect(unexpected.map((difference) => `[${difference.kind}] ${difference.detail}`), relative(repo, testCase.paths[0])).toEqual([]);
  });
});


// ---------------------------------------------------------------------------------------------
// Hand-made cases: what PyYAML refuses, Synapse's start-up checks on a value's shape, and conf.d
// entries Synapse skips. Each is read by Synapse's loader in one batch (one Python process) and by
// mxlint, compared as above, and the case states what Synapse does with it (so that a case that no
// longer tests what it says fails). Fast: `-t 'hand-made'`.

const OK = 'server_name: hand.test\nreport_stats: false\ndatabase: {name: sqlite3, args: {database: hand.db}}\n';
interface HandMade {
  name: string;
  /** Writes the case into `dir` and gives its -c paths. */
  make: (dir: string) => string[];
  synapse: 'loads' | 'refuses';
  /** Synapse's error must match this (when it refuses). */
  because?: RegExp;
}
const file = (name: string, text: string) => (dir: string) => {
  writeFileSync(join(dir, name), text);
  return [join(dir, name)];
};
/** A main file and a conf.d directory built by `fill`. */
const confD = (fill: (confDir: string) => void, main = OK) => (dir: string) => {
  writeFileSync(join(dir, 'homeserver.yaml'), main);
  mkdirSync(join(dir, 'conf.d'));
  fill(join(dir, 'conf.d'));
  return [join(dir, 'homeserver.yaml'), join(dir, 'conf.d')];
};

const HAND_MADE: HandMade[] = [
  // What PyYAML refuses (class: yaml).
  { name: 'yaml: an unquoted {{ VAR }} value', make: file('h.yaml', `${OK}public_baseurl: {{ PUBLIC_BASEURL }}\n`), synapse: 'refuses', because: /unhashable key/ },
  { name: 'yaml: a list as a key', make: file('h.yaml', `${OK}[a, b]: x\n`), synapse: 'refuses', because: /unhashable key/ },
  { name: 'yaml: an explicit mapping key', make: file('h.yaml', `${OK}? {a: 1}\n: x\n`), synapse: 'refuses', because: /unhashable key/ },
  { name: 'yaml: a tab after a colon', make: file('h.yaml', `${OK}enable_metrics:\tfalse\n`), synapse: 'refuses', because: /'\\t'/ },
  { name: 'yaml: a tab inside a plain value', make: file('h.yaml', `${OK}admin_contact: mailto:a@b.c\tx\n`), synapse: 'refuses', because: /'\\t'/ },
  { name: 'yaml: tabs in quotes, comments and block scalars are read', make: file('h.yaml', `${OK}admin_contact: "mailto:a@b.c\tx" # \tc\nx: |\n  a\tb\n`), synapse: 'loads' },
  { name: 'yaml: two BOMs (the second is part of the first key)', make: file('h.yaml', `\ufeff\ufeff${OK}`), synapse: 'refuses', because: /Missing mandatory `server_name`/ },
  { name: 'yaml: one BOM', make: file('h.yaml', `\ufeff${OK}`), synapse: 'loads' },
  { name: 'yaml: U+2028, U+2029 and NEL break lines', make: file('h.yaml', `server_name: hand.test\u2028report_stats: false\u2029database: {name: sqlite3, args: {database: hand.db}}\u0085allow_guest_access: true\n`), synapse: 'loads' },
  { name: 'yaml: an anchor defined twice', make: file('h.yaml', `${OK}a: &x 1\nb: &x 2\n`), synapse: 'refuses', because: /second occurrence|duplicate anchor/ },
  { name: 'yaml: a date that does not exist', make: file('h.yaml', `${OK}x: 2001-02-30\n`), synapse: 'refuses', because: /day (is out of range|30 must be in range)/ },
  // Synapse's start-up checks (class: startup).
  { name: 'startup: no database section', make: file('h.yaml', 'server_name: hand.test\nreport_stats: false\n'), synapse: 'refuses', because: /No database config provided/ },
  { name: 'startup: database: {}', make: file('h.yaml', 'server_name: hand.test\nreport_stats: false\ndatabase: {}\n'), synapse: 'refuses', because: /No database config provided/ },
  { name: 'startup: database_path alone', make: file('h.yaml', 'server_name: hand.test\nreport_stats: false\ndatabase_path: hand.db\n'), synapse: 'loads' },
  { name: 'startup: database and databases', make: file('h.yaml', `${OK}databases: {main: {name: sqlite3}}\n`), synapse: 'refuses', because: /Can't specify both/ },
  { name: 'startup: a database that is not sqlite3 or psycopg2', make: file('h.yaml', 'server_name: hand.test\nreport_stats: false\ndatabase: {name: mysql}\n'), synapse: 'refuses', because: /Unsupported database type/ },
  { name: 'startup: a directory with no *.yaml', make: (dir) => { mkdirSync(join(dir, 'empty.d')); writeFileSync(join(dir, 'empty.d/notes.txt'), 'x\n'); return [join(dir, 'empty.d')]; }, synapse: 'refuses', because: /Must supply a config file/ },
  { name: 'startup: a float duration (1500.0)', make: file('h.yaml', `${OK}retention: {enabled: true, default_policy: {max_lifetime: 1500.0}}\n`), synapse: 'refuses', because: /Bad duration type/ },
  { name: 'startup: a float duration (1.5e+3)', make: file('h.yaml', `${OK}media_retention: {local_media_lifetime: 1.5e+3}\n`), synapse: 'refuses', because: /Bad duration type/ },
  { name: 'startup: a float size', make: file('h.yaml', `${OK}max_upload_size: 1500.0\n`), synapse: 'refuses', because: /Bad byte size/ },
  { name: 'startup: full-width digits in a duration', make: file('h.yaml', `${OK}retention: {enabled: true, default_policy: {max_lifetime: "\uff11\uff10d"}}\nredaction_retention_period: "\uff17d"\n`), synapse: 'loads' },
  { name: 'startup: retention: "yes"', make: file('h.yaml', `${OK}retention: "yes"\n`), synapse: 'refuses', because: /'str' object has no attribute 'get'/ },
  { name: 'startup: retention as a list', make: file('h.yaml', `${OK}retention: [enabled]\n`), synapse: 'refuses', because: /'list' object has no attribute 'get'/ },
  { name: 'startup: retention: "" (only null means unset)', make: file('h.yaml', `${OK}retention: ""\n`), synapse: 'refuses', because: /'str' object/ },
  { name: 'startup: media_retention: "" (or {}: unset)', make: file('h.yaml', `${OK}media_retention: ""\n`), synapse: 'loads' },
  { name: 'startup: presence: true', make: file('h.yaml', `${OK}presence: true\n`), synapse: 'refuses', because: /'bool' object has no attribute 'get'/ },
  { name: 'startup: email as a list', make: file('h.yaml', `${OK}email: [a]\n`), synapse: 'refuses', because: /'list' object/ },
  { name: 'startup: a macaroon_secret_key that is a number', make: file('h.yaml', `${OK}macaroon_secret_key: 123\n`), synapse: 'refuses', because: /'int' object has no attribute 'encode'/ },
  { name: 'startup: a registration_shared_secret that is a list', make: file('h.yaml', `${OK}registration_shared_secret: [a, b]\n`), synapse: 'refuses', because: /'list' object has no attribute 'encode'/ },
  { name: 'startup: a !!binary macaroon_secret_key', make: file('h.yaml', `${OK}macaroon_secret_key: !!binary aGVsbG8=\n`), synapse: 'refuses', because: /'bytes' object has no attribute 'encode'/ },
  { name: 'startup: a form_secret that is a number', make: file('h.yaml', `${OK}form_secret: 42\n`), synapse: 'refuses', because: /Config option must be a string/ },
  { name: 'startup: a TLS listener with a certificate but no private key', make: file('h.yaml', `${OK}tls_certificate_path: /etc/ssl/x.crt\nlisteners: [{port: 8448, type: http, tls: true, resources: [{names: [federation]}]}]\n`), synapse: 'refuses', because: /tls_private_key_path must be specified/ },
  { name: 'startup: MAS with enable_3pid_changes', make: file('h.yaml', `${OK}matrix_authentication_service: {enabled: true, endpoint: 'http://localhost:8080/', secret: 'a-long-enough-shared-secret-0123456789'}\nenable_3pid_changes: true\n`), synapse: 'refuses', because: /enable_3pid_changes cannot be enabled/ },
  { name: 'startup: MAS with password_config.enabled', make: file('h.yaml', `${OK}matrix_authentication_service: {enabled: true, endpoint: 'http://localhost:8080/', secret: 'a-long-enough-shared-secret-0123456789'}\npassword_config: {enabled: only_for_reauth}\n`), synapse: 'refuses', because: /Password auth cannot be enabled/ },
  { name: 'startup: a retention min_lifetime longer than its max_lifetime', make: file('h.yaml', `${OK}retention: {enabled: true, default_policy: {min_lifetime: 30d, max_lifetime: 1d}}\n`), synapse: 'refuses', because: /can not be greater/ },
  { name: 'startup: allowed_lifetime_min longer than allowed_lifetime_max', make: file('h.yaml', `${OK}retention: {allowed_lifetime_min: 1y, allowed_lifetime_max: 1d}\n`), synapse: 'refuses', because: /can not be\s+greater/ },
  { name: 'startup: a purge job without an interval', make: file('h.yaml', `${OK}retention: {enabled: true, purge_jobs: [{longest_max_lifetime: 3d}]}\n`), synapse: 'refuses', because: /'interval' key set/ },
  { name: 'startup: e-mail delegated to an identity server', make: file('h.yaml', `${OK}account_threepid_delegates: {email: https://vector.im}\n`), synapse: 'refuses', because: /no longer supported/ },
  { name: 'startup: invite_3pid_guest', make: file('h.yaml', `${OK}invite_3pid_guest: true\n`), synapse: 'refuses', because: /invite_3pid_guest/ },
  { name: 'startup: restrict_public_rooms_to_local_users with allow_public_rooms_over_federation', make: file('h.yaml', `${OK}restrict_public_rooms_to_local_users: true\nallow_public_rooms_over_federation: true\n`), synapse: 'refuses', because: /restrict_public_rooms_to_local_users/ },
  { name: 'startup: a publication rule whose action is not allow or deny', make: file('h.yaml', `${OK}room_list_publication_rules: [{action: permit}]\n`), synapse: 'refuses', because: /allow' or 'deny/ },
  // conf.d entries Synapse skips, and its order (class: confd).
  { name: 'confd: a FIFO, a directory named x.yaml, a link to /dev/zero, a dangling link', make: confD((dir) => {
    spawnSync('mkfifo', [join(dir, '10-fifo.yaml')]);
    mkdirSync(join(dir, '20-dir.yaml'));
    symlinkSync('/dev/zero', join(dir, '30-zero.yaml'));
    symlinkSync('missing.yaml', join(dir, '40-dangling.yaml'));
    writeFileSync(join(dir, '50-real.yaml'), 'allow_guest_access: true\n');
  }), synapse: 'loads' },
  { name: 'confd: names sorted by code point (U+FF5E before U+1F600)', make: confD((dir) => {
    writeFileSync(join(dir, '\u{1F600}.yaml'), 'server_name: emoji.test\n');
    writeFileSync(join(dir, '\uff5e.yaml'), 'server_name: tilde.test\n');
  }), synapse: 'loads' },
  { name: 'confd: a *.yml file is not read', make: confD((dir) => writeFileSync(join(dir, 'x.yml'), 'allow_guest_access: true\n')), synapse: 'loads' },
];

if (!unavailable) describe('hand-made cases: mxlint refuses what Synapse 1.160 refuses, reads what it reads', () => {
  const root = mkdtempSync(join(tmpdir(), 'mxlint-fidelity-hand-'));
  const cases = HAND_MADE.map((handMade, index) => {
    const dir = join(root, String(index));
    mkdirSync(dir);
    return { handMade, testCase: { name: `hand-made/${handMade.name}`, paths: handMade.make(dir), source: 'edge' as const } };
  });
  const started = Date.now();
  const results = askOracleBatch(cases.map(({ testCase }) => testCase.paths));
  results.catch(() => undefined); // reported by each test
  const settled: Array<{ testCase: Case; outcome: Outcome }> = [];
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
    if (settled.length) console.log(summary(settled, Date.now() - started));
  });

  it.each(cases.map((item, index) => [item.handMade.name, item, index] as const))('%s', async (_name, { handMade, testCase }, index) => {
    const oracle = (await results)[index];
    const outcome = readBothWays(testCase, oracle);
    settled.push({ testCase, outcome });
    expect(oracle.loaded ? 'loads' : `refuses: ${firstLine(oracle.error)}`, 'what Synapse does').toMatch(handMade.synapse === 'loads' ? /^loads$/ : /^refuses/);
    if (handMade.because) expect(oracle.error).toMatch(handMade.because);
    expect(outcome.differences.map((difference) => `[${difference.kind}] ${difference.detail}`)).toEqual([]);
  });
});
