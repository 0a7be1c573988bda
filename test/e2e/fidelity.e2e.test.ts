// Proof that mxlint reads configs as Synapse does: every real config (../shared/fixtures/real/homeserver)
// and every hand-written fixture (fixtures/config) is read by Synapse 1.160's own loader (the oracle,
// scripts/synapse-oracle.py in the sandbox chroot) and by mxlint, and the two readings are compared:
//   1. effective values: every option the oracle prints that mxlint catalogues, normalised (oracle.ts);
//   2. raw values: mxlint's merged mapping against PyYAML's, deep-equal (YAML 1.1 details);
//   3. the verdict: Synapse refuses the config ⇔ mxlint's synapse-starts fails (or is unknown when
//      an unrendered placeholder is what Synapse refuses: the rendered value decides, mxlint cannot know).
// Rule fixtures are fragments about one rule: the keys Synapse demands (server_name, report_stats) are
// added by a last file when missing, so that Synapse loads them and has effective values to compare.
// A real config refused for lack of those keys (or for a placeholder server_name) is read twice: as
// written, and completed the same way. synapse-starts' own fixtures are read as written.
// Every difference fails the test unless KNOWN_DIFFERENCES lists it with its reason.
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { lintConfig } from '../../src/lint-config.js';
import { loadConfigFiles } from '../../src/sources/config-files.js';
import { findPlaceholder } from '../../src/facts/values.js';
import type { Finding } from '../../src/types.js';
import {
  askOracle, asPythonJson, cataloguePath, mxlintEffective, oracleEffective, oracleUnavailable, pool, rawDifferences,
  Refused, sameJson, show, type OracleResult,
} from './oracle.js';

const repo = resolve(import.meta.dirname, '../..');
const REAL_DIR = resolve(repo, '../shared/fixtures/real/homeserver');
const FIXTURE_DIR = join(repo, 'fixtures/config');
/** Oracle runs at once: each is one Python process, ~1-2 s of CPU. */
const POOL_SIZE = Math.min(8, Math.max(4, availableParallelism()));

type DifferenceKind = 'value' | 'raw' | 'verdict';
interface Difference {
  kind: DifferenceKind;
  /** The option (value), the raw path (raw), or 'synapse-starts' (verdict). */
  what: string;
  detail: string;
}

/** Differences that are deliberate or come from the oracle's own preparation, each with its reason. */
const KNOWN_DIFFERENCES: Array<{ config: RegExp; kind: DifferenceKind; what: RegExp; reason: string }> = [
  {
    config: /^fixtures\/federation-avoids-matrix-org\/fail-not-a-list\.yaml/,
    kind: 'value',
    what: /^federation_domain_whitelist$/,
    reason: 'a string where a list belongs: Synapse iterates its characters (an allow-list of one-letter names), mxlint keeps the string and its federation rules report "not a list"',
  },
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
  { synapse: /Invalid scheme '.*': only https and http/, mxlint: /public_baseurl (is|cannot be checked)/ },
  { synapse: /Password reset emails are enabled on this homeserver due to a partial/, mxlint: /email section without email\.notif_from/ },
  { synapse: /MSC4108 requires matrix_authentication_service/, mxlint: /msc4108_\w+ is set but matrix_authentication_service is not enabled/ },
  { synapse: /experimental_features\.msc3861 was removed/, mxlint: /experimental_features\.msc3861 was removed/ },
  { synapse: /Could not validate Matrix Authentication Service configuration/, mxlint: /matrix_authentication_service/ },
  { synapse: /trusted_key_servers, if given, must be a list/, mxlint: /trusted_key_servers (is .*, not a list|cannot be checked)/ },
  { synapse: /m\.(identity_server|homeserver) is not supported in extra_well_known_content/, mxlint: /extra_well_known_client_content sets m\./ },
];

/**
 * Small documents for what no fixture happens to hold, written to a scratch directory: YAML 1.1
 * details (Synapse ignores keys it does not know; the raw comparison sees them all), and start-up
 * checks on the edge of synapse-starts. Left out on purpose, as Synapse reads none of them:
 * non-string mapping keys (PyYAML's True/None/date keys, where mxlint has "true"/"null"/the date's
 * text), timestamps with a UTC offset (PyYAML keeps the offset, mxlint the instant), !!binary,
 * !!set and !!omap values.
 */
const START = 'server_name: edge.test\nreport_stats: false\n';
const EDGES: Record<string, string> = {
  'yaml-scalars.yaml': `server_name: edge.test
report_stats: no
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
  return missing;
}

function completionFile(keys: string[]): string {
  const file = join(scratch, `zz-completion-${keys.join('-')}.yaml`);
  if (!existsSync(file)) {
    const values: Record<string, string> = { server_name: 'server_name: fidelity.test', report_stats: 'report_stats: false' };
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
  const limit = pool(POOL_SIZE);
  // All oracle runs start now, POOL_SIZE at a time, in case order; each test waits for its own.
  const outcomes = new Map<string, Promise<Outcome>>();
  for (const testCase of cases) {
    const outcome = limit(() => askOracle(testCase.paths)).then((oracle) => readBothWays(testCase, oracle));
    outcome.catch(() => undefined); // reported by the case's own test
    outcomes.set(testCase.name, outcome);
  }
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

