// Every output format on real output of the built binary: JSON against its schema, SARIF
// through Microsoft's official validator, JUnit and GitLab parsed and compared with the JSON
// findings, GitHub annotations and the Markdown report checked line by line.
import { chmodSync, copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mxlint } from '../cli/run.js';
import { ADMIN_ENV, fakeSynapse, fixture, mxlintAsync, temp } from './helpers.js';
import { escapeData, escapeProperty } from '../../src/report/github.js';
import { pairOutputs, render } from '../../src/report/emit.js';
import { builtInRules, USE_CASES } from '../../src/engine/rules.js';
import type { AuditOutput } from '../../src/report/model.js';
import { t, verdictWord } from '../../src/report/messages.js';

const require = createRequire(import.meta.url);
const json = (text: string) => JSON.parse(text);

/** A config with findings of every kind: located, default (no location), error, warning, info. */
function configDir(): { dir: string; file: string } {
  const dir = temp();
  const file = join(dir, 'homeserver.yaml');
  writeFileSync(file, [
    'server_name: example.org', 'report_stats: false', 'retention:', '  enabled: true', '  default_policy:', '    max_lifetime: 1y',
    'presence:', '  enabled: true', 'url_preview_enabled: true', '',
  ].join('\n'));
  return { dir, file };
}

const reportSchema = () => json(mxlint(['schema', 'json']).stdout);
function validator() {
  const ajv = new Ajv({ allErrors: true, strict: true });
  return ajv.compile(reportSchema());
}

/** The JSON contract (#14): every finding has a location key, null exactly when its origin is not a file. */
function expectLocated(findings: any[]): void {
  expect(findings.length).toBeGreaterThan(0);
  for (const finding of findings) {
    expect(Object.keys(finding), finding.ruleId).toContain('location');
    const expected = finding.location ? 'file' : finding.room ? 'room' : finding.path ? 'default' : 'none';
    expect(finding.origin, finding.ruleId).toBe(expected);
    if (finding.origin === 'room') expect(finding.room.id).toMatch(/^!/);
  }
}

/** Runs `sarif-multitool validate` (the npm package's Linux binary) and returns its findings. */
function sarifValidate(file: string): Array<{ ruleId: string; level: string; text: string }> {
  const binary: string = require('@microsoft/sarif-multitool');
  try { chmodSync(binary, 0o755); } catch { /* read-only install: it is executable already or the run says so */ }
  const out = `${file}.validation.sarif`;
  const run = spawnSync(binary, ['validate', file, '--output', out, '--log', 'ForceOverwrite', '--level', 'Error;Warning;Note'], {
    encoding: 'utf8', env: { ...process.env, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT: '1' }, timeout: 120_000,
  });
  expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
  const log = json(readFileSync(out, 'utf8'));
  return log.runs[0].results.map((result: any) => ({ ruleId: result.ruleId, level: result.level ?? 'warning', text: JSON.stringify(result.message) }));
}

describe('--format json', () => {
  it('config output validates against the schema `mxlint schema json` prints', () => {
    const { file } = configDir();
    const validate = validator();
    for (const args of [['-u', 'chatons'], [], ['--verbose', '-u', 'direct', '-u', 'team-chat']]) {
      const report = json(mxlint(['config', file, '--format', 'json', ...args]).stdout);
      expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
      expect(report.target).toBe('config');
      expectLocated(report.findings);
      expect(report.schemaVersion).toBe(2);
    }
  });

  it('room output validates, with classification', () => {
    const validate = validator();
    const report = json(mxlint(['room', '--state', fixture('room/few-posters/fail-fifteen.json'), '-f', 'json']).stdout);
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(report.target).toBe('room');
    const declared = json(mxlint(['room', '--state', fixture('room/few-posters/fail-fifteen.json'), '-f', 'json', '-u', 'trusted-group']).stdout);
    expect(validate(declared), JSON.stringify(validate.errors)).toBe(true);
    expect(declared.findings.some((f: any) => f.ruleId === 'room-fits-declared-use-case')).toBe(true);
    expectLocated([...report.findings, ...declared.findings]);
    expect(report.findings.some((f: any) => f.origin === 'room')).toBe(true);
  });

  it('suppressed findings and notes are part of the documented shape', () => {
    const { dir, file } = configDir();
    writeFileSync(file, readFileSync(file, 'utf8').replace('    max_lifetime: 1y', '    # mxlint-disable-next-line retention-max-lifetime -- voted by members\n    max_lifetime: 1y\n# mxlint-disable-next-line presence-off -- stale\nfoo_unused: 1'));
    const report = json(mxlint(['config', file, '-f', 'json', '-u', 'chatons'], { cwd: dir }).stdout);
    const validate = validator();
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(report.suppressed[0]).toMatchObject({ ruleId: 'retention-max-lifetime', suppressedBy: 'inline', reason: 'voted by members' });
    expectLocated(report.suppressed);
    expect(report.notes.map((note: any) => note.ruleId)).toContain('unused-suppression');
    // A note's fingerprint is the same whatever the language: a CI's baseline survives --lang.
    const fingerprints = (lang: string, format: 'sarif' | 'gitlab') => {
      const out = json(mxlint(['config', file, '-f', format, '-u', 'chatons', '--lang', lang], { cwd: dir }).stdout);
      return format === 'sarif'
        ? out.runs[0].results.filter((result: any) => result.ruleId === 'unused-suppression').map((result: any) => result.partialFingerprints)
        : out.filter((issue: any) => issue.check_name === 'unused-suppression').map((issue: any) => issue.fingerprint);
    };
    for (const format of ['sarif', 'gitlab'] as const) {
      expect(fingerprints('en', format)).toHaveLength(1);
      expect(fingerprints('fr', format), format).toEqual(fingerprints('en', format));
    }
  });

  // --timeout 1000: matrix-js-sdk leaves each request's timeout timer running, so the process
  // lingers that long after its last request.
  describe('server output', () => {
    let synapse: Awaited<ReturnType<typeof fakeSynapse>>;
    beforeAll(async () => {
      synapse = await fakeSynapse([
        { id: '!posters:example.org', alias: '#news:example.org', name: 'News', fixture: 'room/few-posters/fail-fifteen.json' },
        { id: '!secret:example.org', fixture: 'room/room-encrypted/pass-megolm.json' },
      ]);
    });
    afterAll(() => synapse.close());

    it('validates, with and without the config, and with --summary', async () => {
      const { file } = configDir();
      const validate = validator();
      for (const args of [[], ['-c', file], ['-c', file, '--summary'], ['--room-use-case', '#news:example.org=activist-broadcast']]) {
        const run = await mxlintAsync(['server', '--homeserver', synapse.url, '--timeout', '1000', '-f', 'json', ...args], { env: ADMIN_ENV });
        expect(run.stderr).toBe('');
        const report = json(run.stdout);
        expect(validate(report), `${args.join(' ')}: ${JSON.stringify(validate.errors)}`).toBe(true);
        expect(report.target).toBe('server');
        if (!args.includes('--summary')) expectLocated([...(report.config?.findings ?? []), ...report.rooms.flatMap((room: any) => room.findings)]);
      }
    });

    it('writes SARIF (valid), JUnit and Markdown for a whole server next to its JSON', async () => {
      const { dir, file } = configDir();
      const run = await mxlintAsync(['server', '--homeserver', synapse.url, '--timeout', '1000', '-c', file, '--room-use-case', '!posters:example.org=activist-broadcast',
        '-f', 'sarif', '-o', join(dir, 's.sarif'), '-f', 'junit', '-o', join(dir, 's.xml'), '-f', 'markdown', '-o', join(dir, 's.md'), '-f', 'json'], { env: ADMIN_ENV, cwd: dir });
      expect(run.code, run.stderr).toBe(1);
      expect(json(run.stdout).rooms).toHaveLength(2);
      expect(sarifValidate(join(dir, 's.sarif')).filter((r) => r.level === 'error')).toEqual([]);
      const sarif = json(readFileSync(join(dir, 's.sarif'), 'utf8'));
      const roomResult = sarif.runs[0].results.find((r: any) => r.properties.room === '!posters:example.org');
      expect(roomResult.locations[0].physicalLocation.artifactLocation.uri).toBe('s.sarif.rooms.json');
      expect(XMLValidator.validate(readFileSync(join(dir, 's.xml'), 'utf8'))).toBe(true);
      expect(readFileSync(join(dir, 's.md'), 'utf8')).toMatch(/!posters:example\.org #news:example\.org "News"/);
    });
  });
});

describe('--format sarif', () => {
  it('passes the official SARIF validator with zero errors and zero warnings', () => {
    const { dir, file } = configDir();
    const run = mxlint(['config', file, '-u', 'chatons', '-u', 'direct', '-f', 'sarif', '-o', 'r.sarif'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    const problems = sarifValidate(join(dir, 'r.sarif'));
    expect(problems.filter((p) => p.level === 'error')).toEqual([]);
    expect(problems.filter((p) => p.level === 'warning')).toEqual([]);
  });

  it('has one rule per rule with a helpUri to its docs section, and file/line/column on config results', () => {
    const { dir, file } = configDir();
    const sarif = json(mxlint(['config', file, '-u', 'chatons', '-f', 'sarif'], { cwd: dir }).stdout);
    const run = sarif.runs[0];
    expect(sarif.version).toBe('2.1.0');
    const ids = run.tool.driver.rules.map((rule: any) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of builtInRules()) expect(ids).toContain(rule.id);
    for (const rule of run.tool.driver.rules) expect(rule.helpUri).toMatch(new RegExp(`^https?://.+/docs/rules\\.md#${rule.id}$`));
    const retention = run.results.find((r: any) => r.ruleId === 'retention-max-lifetime');
    expect(retention.level).toBe('error');
    expect(retention.locations[0].physicalLocation).toMatchObject({ artifactLocation: { uri: 'homeserver.yaml', uriBaseId: 'SRCROOT' }, region: { startLine: 6, startColumn: 5 } });
    expect(run.tool.driver.rules[retention.ruleIndex].id).toBe('retention-max-lifetime');
  });

  it('keeps partialFingerprints stable when lines move', () => {
    const { dir, file } = configDir();
    const prints = () => {
      const run = json(mxlint(['config', file, '-u', 'chatons', '-f', 'sarif'], { cwd: dir }).stdout).runs[0];
      return Object.fromEntries(run.results.map((r: any) => [`${r.ruleId}|${r.message.text}`, { print: r.partialFingerprints['mxlintFindingKey/v1'], line: r.locations?.[0]?.physicalLocation.region.startLine }]));
    };
    const before = prints();
    writeFileSync(file, `# a comment\n\n${readFileSync(file, 'utf8')}`);
    const after = prints();
    const key = Object.keys(before).find((k) => k.startsWith('retention-max-lifetime'))!;
    expect(after[key].line).toBe(before[key].line + 2);
    expect(Object.fromEntries(Object.entries(after).map(([k, v]: any) => [k, v.print]))).toEqual(Object.fromEntries(Object.entries(before).map(([k, v]: any) => [k, v.print])));
    const values = Object.values(before).map((v: any) => v.print);
    expect(new Set(values).size).toBe(values.length);
  });

  it('anchors room findings in a snapshot written next to the SARIF file, without member events', () => {
    const dir = temp();
    const run = mxlint(['room', '--state', fixture('room/few-posters/fail-fifteen.json'), '-u', 'activist-broadcast', '-f', 'sarif', '-o', 'room.sarif'], { cwd: dir });
    expect(run.code).toBe(0);
    const snapshotFile = join(dir, 'room.sarif.rooms.json');
    expect(existsSync(snapshotFile)).toBe(true);
    const snapshotLines = readFileSync(snapshotFile, 'utf8').split('\n');
    expect(JSON.parse(snapshotLines.join('\n')).rooms[0].roomId).toBe('!HuzfuWdUsyDsbsfidq:example.org');
    expect(JSON.parse(snapshotLines.join('\n')).rooms[0].state.map((event: any) => event.type)).not.toContain('m.room.member');
    const result = json(readFileSync(join(dir, 'room.sarif'), 'utf8')).runs[0].results.find((r: any) => r.ruleId === 'few-posters');
    const location = result.locations[0];
    expect(location.physicalLocation.artifactLocation.uri).toBe('room.sarif.rooms.json');
    expect(snapshotLines[location.physicalLocation.region.startLine - 1]).toContain('"type":"m.room.power_levels"');
    expect(location.logicalLocations[0].name).toBe('!HuzfuWdUsyDsbsfidq:example.org');
    expect(sarifValidate(join(dir, 'room.sarif')).filter((p) => p.level === 'error')).toEqual([]);
  });
});

describe('--format junit', () => {
  it('has one testsuite per use case and one testcase per rule, failures matching the JSON findings', () => {
    const { dir, file } = configDir();
    const args = ['config', file, '-u', 'chatons', '-u', 'anonymous'];
    const xml = mxlint([...args, '-f', 'junit'], { cwd: dir }).stdout;
    expect(XMLValidator.validate(xml)).toBe(true);
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['testsuite', 'testcase'].includes(name) }).parse(xml);
    const suites = parsed.testsuites.testsuite;
    expect(suites.map((suite: any) => suite.name)).toEqual(['chatons', 'anonymous']);
    const report = json(mxlint([...args, '-f', 'json', '--verbose'], { cwd: dir }).stdout);
    for (const suite of suites) {
      const names = suite.testcase.map((testcase: any) => testcase.name.split(':')[0]);
      expect(new Set(names).size).toBe(names.length);
      const ruleIds = new Set(report.findings.filter((f: any) => f.useCase === suite.name).map((f: any) => f.ruleId));
      expect(new Set(names)).toEqual(ruleIds);
      const failing = new Set(report.findings.filter((f: any) => f.useCase === suite.name && f.status === 'fail').map((f: any) => f.ruleId));
      const failed = new Set(suite.testcase.filter((testcase: any) => testcase.failure).map((testcase: any) => testcase.name.split(':')[0]));
      expect(failed).toEqual(failing);
      expect(Number(suite.failures)).toBe(failing.size);
    }
    const retention = suites[0].testcase.find((testcase: any) => testcase.name.startsWith('retention-max-lifetime'));
    expect(retention).toMatchObject({ file: 'homeserver.yaml', line: '6', failure: { type: 'error' } });
  });

  it('marks a check that could not be made as skipped, with the reason', () => {
    const xml = mxlint(['room', '--state', fixture('room/few-posters/fail-fifteen.json'), '-u', 'activist-broadcast', '-f', 'junit']).stdout;
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => name === 'testcase' }).parse(xml);
    const inactive = parsed.testsuites.testsuite.testcase.find((testcase: any) => testcase.name.startsWith('inactive-room'));
    expect(inactive.skipped.message).toMatch(/unknown: .*newest event time not known/);
  });
});

describe('--format gitlab', () => {
  it('is a Code Quality report carrying every finding, with stable unique fingerprints', () => {
    const { dir, file } = configDir();
    const args = ['config', file, '-u', 'chatons', '-u', 'direct'];
    const issues = json(mxlint([...args, '-f', 'gitlab'], { cwd: dir }).stdout);
    const report = json(mxlint([...args, '-f', 'json'], { cwd: dir }).stdout);
    const failing = report.findings.filter((f: any) => f.status !== 'pass');
    expect(issues).toHaveLength(failing.length);
    for (const issue of issues) {
      expect(typeof issue.description).toBe('string');
      expect(typeof issue.check_name).toBe('string');
      expect(issue.fingerprint).toMatch(/^[0-9a-f]{64}$/);
      expect(['blocker', 'critical', 'major', 'minor', 'info']).toContain(issue.severity);
      expect(issue.location.path).toBe('homeserver.yaml');
      expect(issue.location.lines.begin).toBeGreaterThanOrEqual(1);
    }
    expect(new Set(issues.map((issue: any) => issue.fingerprint)).size).toBe(issues.length);
    const again = json(mxlint([...args, '-f', 'gitlab'], { cwd: dir }).stdout);
    expect(again.map((issue: any) => issue.fingerprint)).toEqual(issues.map((issue: any) => issue.fingerprint));
    expect(issues.find((issue: any) => issue.check_name === 'retention-max-lifetime')).toMatchObject({ severity: 'critical', location: { lines: { begin: 6 } } });
  });
});

describe('--format github', () => {
  it('escapes % \\r \\n in messages, and : , too in properties', () => {
    expect(escapeData('100% done\r\nnext')).toBe('100%25 done%0D%0Anext');
    expect(escapeProperty('a: b, c%')).toBe('a%3A b%2C c%25');
  });

  it('prints one workflow command per problem, at the level of the worst use case', () => {
    const { dir, file } = configDir();
    const out = mxlint(['config', file, '-u', 'chatons', '-u', 'direct', '-f', 'github'], { cwd: dir }).stdout;
    const lines = out.trimEnd().split('\n');
    for (const line of lines) expect(line).toMatch(/^::(error|warning|notice) (file=[^,:]+,)?(line=\d+,col=\d+,)?title=[^:]*::[^\r\n]+$/);
    const retention = lines.find((line) => line.includes('retention-max-lifetime'));
    expect(retention).toMatch(/^::error file=homeserver\.yaml,line=6,col=5,title=mxlint retention-max-lifetime%3A .*::.*1y.*%0A.*chatons \(error\)/);
    expect(lines.filter((line) => line.includes('retention-max-lifetime'))).toHaveLength(1);
  });
});

describe('--format markdown', () => {
  it('is an audit report a hoster can publish: date, version, server, verdicts, findings with rationale', () => {
    const { dir, file } = configDir();
    const md = mxlint(['config', file, '-u', 'chatons', '-u', 'team-chat', '-f', 'markdown'], { cwd: dir, env: { SOURCE_DATE_EPOCH: '1767225600' } }).stdout;
    expect(md).toMatch(/^# Privacy audit — example\.org\n/);
    expect(md).toContain('| Date | 2026-01-01 |');
    expect(md).toMatch(/\| mxlint version \| \d+\.\d+\.\d+/);
    expect(md).toContain('| Server | example.org |');
    expect(md).toMatch(/\| CHATONS hoster \(ARN model\) \(`chatons`\) \| \*\*unfit\*\* \| \d+ \| \d+ \| \d+ \| \d+ \|/);
    expect(md).toContain('### ❌ Messages are deleted after at most 6 months');
    expect(md).toContain(builtInRules().find((rule) => rule.id === 'retention-max-lifetime')!.rationale.en.slice(0, 60));
    expect(md).not.toMatch(/<(?!!--)/);
    const fr = mxlint(['config', file, '-u', 'chatons', '-f', 'markdown', '--lang', 'fr'], { cwd: dir }).stdout;
    expect(fr).toMatch(/^# Audit de confidentialité — example\.org/);
    expect(fr).toContain(`| ${t('fr', 'table.useCase')} | ${t('fr', 'table.verdict')} |`);
    expect(fr).toContain(`**${verdictWord('fr', 'unfit')}**`);
    expect(fr).toContain('### ❌ Les messages sont supprimés au bout de 6 mois au plus');
  });
});

describe('text', () => {
  const output = (color: boolean): AuditOutput => ({
    report: {
      schemaVersion: 2, tool: { name: 'mxlint', version: '1.0.0' }, target: 'config', inputs: ['h.yaml'], useCases: ['chatons'], warnings: [],
      findings: [{ ruleId: 'presence-off', useCase: 'chatons', level: 'error', status: 'fail', title: 't', message: 'm', messageId: 'fact.is', data: { path: 'presence.enabled', value: 'true' } }],
      verdicts: [{ useCase: 'chatons', verdict: 'unfit', counts: { error: 1, warning: 0, info: 0, unknown: 0 } }],
    },
    suppressed: [], notes: [], lang: 'en', rules: builtInRules(), useCases: USE_CASES, generatedAt: new Date(0), anchorFiles: [], color,
  });

  it('is coloured only when asked (a terminal without NO_COLOR), and never in a file', async () => {
    expect(await render('text', output(true), undefined)).toContain('\u001b[31m');
    expect(await render('text', output(true), 'report.txt')).not.toContain('\u001b[');
    expect(await render('text', output(false), undefined)).not.toContain('\u001b[');
    const { file } = configDir();
    expect(mxlint(['config', file]).stdout).not.toContain('\u001b[');
  });
});

describe('--format / --output pairing', () => {
  it('sends the Nth --output to the Nth --format, the rest to stdout', () => {
    expect(pairOutputs(['sarif', 'text'], ['r.sarif'])).toEqual([{ format: 'sarif', file: 'r.sarif' }, { format: 'text', file: undefined }]);
    expect(pairOutputs([], [])).toEqual([{ format: 'text', file: undefined }]);
    expect(pairOutputs(['text', 'json'], ['-', 'r.json'])).toEqual([{ format: 'text', file: undefined }, { format: 'json', file: 'r.json' }]);
    expect(() => pairOutputs(['json', 'text'], [])).toThrow(/would all go to stdout/);
    expect(() => pairOutputs(['json'], ['a', 'b'])).toThrow(/Nth --output goes with the Nth --format/);
    expect(() => pairOutputs(['xml'], [])).toThrow(/unknown format "xml"/);
  });

  it('writes files and stdout in one run; refuses two formats on stdout with exit 2', () => {
    const { dir, file } = configDir();
    copyFileSync(file, join(dir, 'copy.yaml'));
    const run = mxlint(['config', file, '--format', 'sarif', '--output', 'r.sarif', '-f', 'gitlab', '-o', 'gl.json', '--format', 'text'], { cwd: dir });
    expect(run.stdout).toMatch(/Verdicts/);
    expect(json(readFileSync(join(dir, 'r.sarif'), 'utf8')).version).toBe('2.1.0');
    expect(Array.isArray(json(readFileSync(join(dir, 'gl.json'), 'utf8')))).toBe(true);
    const twice = mxlint(['config', file, '-f', 'json', '-f', 'text'], { cwd: dir });
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/json and text would all go to stdout/);
  });
});
