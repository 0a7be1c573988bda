// templates/mxlint.yml, the GitLab CI/CD component: its inputs interpolated as GitLab does
// ($[[ inputs.name ]], defaults from spec:inputs), then the job's script run in bash with the
// job's variables, from the packed tarball (the `package` input), on fixtures; the Code Quality
// and JUnit files it names as reports are checked as test/report/formats.test.ts checks them.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../cli/run.js';
import { pack } from './shell.js';
import { componentInputs, interpolate, runJobScript } from './runners.js';

const inputs = componentInputs;

describe('the GitLab CI component', () => {
  const work = mkdtempSync(join(tmpdir(), 'mxlint-gitlab-'));
  let tarball = '';
  beforeAll(() => { tarball = pack(work).tarball; }, 60_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  /** Runs the job as a runner would in a node image: a fresh project folder, a global npm prefix. */
  function runJob(name: string, given: Record<string, string>, files: Record<string, string>) {
    const { mxlint: job } = interpolate({ package: tarball, ...given });
    const project = join(work, name);
    for (const [to, from] of Object.entries(files)) {
      mkdirSync(dirname(join(project, to)), { recursive: true });
      copyFileSync(join(ROOT, from), join(project, to));
    }
    return { job, project, run: runJobScript(job, project, join(work, 'npm-global')) };
  }

  it('declares a default or options for each input, and reports the files its script writes', () => {
    for (const [name, input] of Object.entries(inputs)) expect({ name, default: typeof input.default }).toEqual({ name, default: 'string' });
    const { mxlint: job } = interpolate({});
    expect(job.artifacts).toEqual({ when: 'always', reports: { codequality: 'gl-code-quality-report.json', junit: 'mxlint-junit.xml' } });
    expect(job.image).toBe('node:24');
  });

  it('fails the job on a bad config and writes a Code Quality and a JUnit report', () => {
    const { job, project, run } = runJob('bad', { paths: 'synapse/homeserver.yaml', 'use-cases': 'chatons anonymous' }, { 'synapse/homeserver.yaml': 'fixtures/examples/homeserver.yaml' });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/unfit \(\d+\) +[^\n]*\bchatons\b/);

    const issues = JSON.parse(readFileSync(join(project, job.artifacts.reports.codequality), 'utf8'));
    expect(issues.length).toBeGreaterThan(0);
    for (const issue of issues) {
      expect(typeof issue.description).toBe('string');
      expect(issue.fingerprint).toMatch(/^[0-9a-f]{64}$/);
      expect(['blocker', 'critical', 'major', 'minor', 'info']).toContain(issue.severity);
      expect(issue.location.path).toBe('synapse/homeserver.yaml');
      expect(issue.location.lines.begin).toBeGreaterThanOrEqual(1);
    }
    expect(new Set(issues.map((issue: any) => issue.fingerprint)).size).toBe(issues.length);
    expect(issues.find((issue: any) => issue.check_name === 'retention-not-minutes')).toMatchObject({ severity: 'critical', location: { lines: { begin: 33 } } });

    const xml = readFileSync(join(project, job.artifacts.reports.junit), 'utf8');
    expect(XMLValidator.validate(xml)).toBe(true);
    const suites = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['testsuite', 'testcase'].includes(name) }).parse(xml).testsuites.testsuite;
    expect(suites.map((suite: any) => suite.name)).toEqual(['chatons', 'anonymous']);
    expect(suites[0].testcase.find((testcase: any) => testcase.name.startsWith('retention-not-minutes'))).toMatchObject({ file: 'synapse/homeserver.yaml', failure: { type: 'error' } });
  }, 120_000);

  it('passes with the policy file an input names, and fails it again with fail-on: warning', () => {
    const files = { 'homeserver.yaml': 'fixtures/examples/homeserver.yaml', 'ci/policy.yaml': 'test/ship/fixtures/policy-ignore-minutes.yaml' };
    const passing = runJob('policy', { policy: 'ci/policy.yaml', 'use-cases': 'chatons' }, files);
    expect(passing.run.stderr).toBe('');
    expect(passing.run.code).toBe(0);
    expect(existsSync(join(passing.project, 'mxlint-junit.xml'))).toBe(true);
    const strict = runJob('strict', { policy: 'ci/policy.yaml', 'use-cases': 'chatons', 'fail-on': 'warning' }, files);
    expect(strict.run.code).toBe(1);
    expect(() => interpolate({ 'fail-on': 'never' })).toThrow(/not an option/);
  }, 120_000);
});
