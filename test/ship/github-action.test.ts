// action.yml, run with GitHub's own local runner for actions (@github/local-action) on fixtures:
// inputs from a .env file as GitHub passes them (INPUT_*), outputs from $GITHUB_OUTPUT, the exit
// code, the annotations in the log and the SARIF file. Then SARIF within GitHub's limits: a config
// with thousands of findings is truncated with a note, never refused.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { mxlint, ROOT } from '../cli/run.js';
import { pack } from './shell.js';
import { runAction } from './runners.js';

const work = mkdtempSync(join(tmpdir(), 'mxlint-action-'));
afterAll(() => rmSync(work, { recursive: true, force: true }), 60_000);
const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8'));

describe('the GitHub Action', () => {
  let tarball = '';
  beforeAll(() => { tarball = pack(work).tarball; }, 60_000);

  function runIn(name: string, inputs: Record<string, string>) {
    const dir = join(work, name);
    mkdirSync(dir);
    for (const key of Object.keys(inputs)) expect(action.inputs).toHaveProperty([key]);
    return { dir, ...runAction(dir, { package: tarball, 'sarif-file': join(dir, 'mxlint.sarif'), ...inputs }) };
  }

  it('runs on node24 with the inputs and outputs the workflow examples use', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'action/index.mjs' });
    expect(Object.keys(action.inputs)).toEqual(expect.arrayContaining(['paths', 'use-cases', 'format', 'fail-on', 'policy']));
    expect(Object.keys(action.outputs)).toEqual(['sarif-file', 'exit-code', 'verdicts']);
  });

  it('fails on a bad config: annotations in the log, SARIF written, outputs set, exit 1', () => {
    const { run, dir, outputs: set } = runIn('bad', { paths: 'fixtures/examples/homeserver.yaml', 'use-cases': 'chatons', format: 'markdown' });
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toContain('::error file=fixtures/examples/homeserver.yaml,line=33,col=5,title=mxlint retention-not-minutes');
    expect(set['exit-code']).toBe('1');
    expect(JSON.parse(set.verdicts)).toEqual([expect.objectContaining({ useCase: 'chatons', verdict: 'unfit' })]);
    const sarif = JSON.parse(readFileSync(set['sarif-file'], 'utf8'));
    expect(sarif.runs[0].results.find((result: any) => result.ruleId === 'retention-not-minutes').locations[0].physicalLocation.region.startLine).toBe(33);
    expect(readFileSync(join(dir, 'summary.md'), 'utf8')).toContain('chatons');
  }, 120_000);

  it('passes with a policy and fail-on as given, and exits 2 on a bad input', () => {
    const passing = runIn('policy', { paths: 'fixtures/examples/homeserver.yaml', 'use-cases': 'chatons', policy: 'test/ship/fixtures/policy-ignore-minutes.yaml' });
    expect(passing.run.code, passing.run.stdout).toBe(0);
    expect(passing.outputs['exit-code']).toBe('0');
    const strict = runIn('strict', { paths: 'fixtures/examples/homeserver.yaml', 'use-cases': 'chatons', policy: 'test/ship/fixtures/policy-ignore-minutes.yaml', 'fail-on': 'warning' });
    expect(strict.run.code).toBe(1);
    const missing = runIn('missing', { paths: 'no/such/homeserver.yaml' });
    expect(missing.run.code).toBe(2);
    expect(missing.outputs['exit-code']).toBe('2');
  }, 240_000);
});

describe('SARIF within GitHub code scanning limits', () => {
  it('ranks rules with security-severity, and keeps a run of thousands of findings under 5,000 results, most severe first, with a note', () => {
    // 700 copies of a rule that fails on the example for every use case: 7,700 findings.
    const rules = join(work, 'bulk-rules');
    mkdirSync(rules);
    const useCases = JSON.parse(mxlint(['use-cases', '-f', 'json']).stdout).map((useCase: { id: string }) => useCase.id);
    const base = parse(readFileSync(join(ROOT, 'rules/config/no-default-identity-server.yaml'), 'utf8'));
    for (let index = 0; index < 700; index++) {
      const levels = Object.fromEntries(useCases.map((id: string, position: number) => [id, index < 300 && position === 0 ? 'error' : 'info']));
      writeFileSync(join(rules, `bulk-${index}.yaml`), stringify({ ...base, id: `bulk-${index}`, levels }));
    }
    const sarifFile = join(work, 'bulk.sarif');
    const jsonFile = join(work, 'bulk.json');
    const run = mxlint(['config', join(ROOT, 'fixtures/examples/homeserver.yaml'), '--rules', rules, '-f', 'sarif', '-o', sarifFile, '-f', 'json', '-o', jsonFile]);
    expect(run.stderr).toBe('');
    const findings = JSON.parse(readFileSync(jsonFile, 'utf8')).findings.filter((finding: any) => finding.status !== 'pass');
    expect(findings.length).toBeGreaterThan(7700);
    const text = readFileSync(sarifFile, 'utf8');
    const sarif = JSON.parse(text);
    expect(sarif.runs.length).toBeLessThanOrEqual(20);
    const [{ results, tool, invocations }] = sarif.runs;
    expect(results).toHaveLength(5000);
    expect(results.filter((result: any) => result.level === 'error')).toHaveLength(findings.filter((finding: any) => finding.level === 'error').length);
    expect(invocations[0].toolExecutionNotifications).toContainEqual({ level: 'warning', message: { text: expect.stringMatching(new RegExp(`^${findings.length - 5000} of ${findings.length} results left out`)) } });
    expect(tool.driver.rules.length).toBeLessThanOrEqual(25_000);
    for (const rule of tool.driver.rules) {
      expect(Number(rule.properties['security-severity'])).toBeGreaterThan(0);
      expect(rule.properties.tags.length).toBeLessThanOrEqual(10);
    }
    expect(tool.driver.rules.find((rule: any) => rule.id === 'retention-not-minutes').properties['security-severity']).toBe('7.5');
    for (const result of results) expect((result.locations ?? []).length).toBeLessThanOrEqual(1000);
    expect(gzipSync(text).length).toBeLessThan(10 * 1024 * 1024);
  }, 120_000);
});
