// docs/ci.md's examples, as written: the workflow's mxlint step run through @github/local-action,
// the GitLab include's inputs given to the component's job, the baseline commands in a shell.
// (The pre-commit example runs in pre-commit.test.ts, which has pre-commit's environment.)
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BIN, ROOT } from '../cli/run.js';
import { NODE24, pack, sh, userEnv } from './shell.js';
import { interpolate, runAction, runJobScript } from './runners.js';

const doc = readFileSync(join(ROOT, 'docs/ci.md'), 'utf8');
/** The code blocks of a section of docs/ci.md, in order. */
function blocks(heading: string, language: string): string[] {
  const section = doc.split(/^## /m).find((part) => part.startsWith(`${heading}\n`));
  if (!section) throw new Error(`docs/ci.md has no section ${heading}`);
  return [...section.matchAll(new RegExp(`\`\`\`${language}\\n([\\s\\S]*?)\`\`\``, 'g'))].map((match) => match[1]);
}

const work = mkdtempSync(join(tmpdir(), 'mxlint-ci-docs-'));
afterAll(() => rmSync(work, { recursive: true, force: true }), 60_000);
let tarball = '';
beforeAll(() => { tarball = pack(work).tarball; }, 60_000);

/** A repository with the server config the examples name (synapse/homeserver.yaml and conf.d). */
function repository(name: string): string {
  const dir = join(work, name);
  mkdirSync(join(dir, 'synapse/conf.d'), { recursive: true });
  copyFileSync(join(ROOT, 'fixtures/examples/homeserver.yaml'), join(dir, 'synapse/homeserver.yaml'));
  writeFileSync(join(dir, 'synapse/conf.d/20-contact.yaml'), "admin_contact: 'mailto:admin@example.org'\n");
  return dir;
}

describe('docs/ci.md', () => {
  it('GitHub Actions: the workflow runs the Action and uploads the SARIF file it names', () => {
    const workflow = parse(blocks('GitHub Actions', 'yaml')[0]);
    expect(workflow.permissions['security-events']).toBe('write');
    const steps = workflow.jobs.homeserver.steps;
    const step = steps.find((candidate: any) => /^OWNER\/mxlint@/.test(candidate.uses ?? ''));
    const upload = steps.find((candidate: any) => candidate.uses?.startsWith('github/codeql-action/upload-sarif@'));
    expect(upload).toMatchObject({ if: 'always()', with: { sarif_file: `\${{ steps.${step.id}.outputs.sarif-file }}` } });
    const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8'));
    for (const input of Object.keys(step.with)) expect(action.inputs).toHaveProperty([input]);

    const workspace = repository('github');
    const runner = join(work, 'github-runner');
    mkdirSync(runner);
    const { run, outputs } = runAction(runner, { ...step.with, package: tarball }, workspace);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toContain('::error file=synapse/homeserver.yaml,line=33,col=5,');
    expect(outputs['sarif-file']).toBe('mxlint.sarif');
    expect(JSON.parse(readFileSync(join(workspace, outputs['sarif-file']), 'utf8')).runs[0].tool.driver.name).toBe('mxlint');
    const summary = readFileSync(join(runner, 'summary.md'), 'utf8');
    expect(summary).toContain('chatons');
    expect(summary).not.toContain('admin-contact'); // conf.d was read
  }, 120_000);

  it('GitLab CI: the include gives the component its inputs, and the job writes both reports', () => {
    const [include] = parse(blocks('GitLab CI', 'yaml')[0]).include;
    expect(include.component).toMatch(/^\$CI_SERVER_FQDN\/OWNER\/mxlint\/mxlint@/);
    const { mxlint: job } = interpolate({ ...include.inputs, package: tarball });
    const project = repository('gitlab');
    const run = runJobScript(job, project, join(work, 'gitlab-npm'));
    expect(run.code).toBe(1);
    for (const report of Object.values(job.artifacts.reports) as string[]) expect(existsSync(join(project, report))).toBe(true);
    expect(readFileSync(join(project, job.artifacts.reports.junit), 'utf8')).toContain('name="chatons"');
  }, 120_000);

  it('Exit codes: the baseline commands, first recorded then green', () => {
    const dir = join(work, 'baseline');
    mkdirSync(dir);
    copyFileSync(join(ROOT, 'fixtures/examples/homeserver.yaml'), join(dir, 'homeserver.yaml'));
    // mxlint on PATH, as after npm install -g.
    const bin = join(work, 'bin');
    mkdirSync(bin);
    symlinkSync(BIN, join(bin, 'mxlint'));
    const env = userEnv({ PATH: `${bin}:${dirname(NODE24)}:${userEnv().PATH}` });
    const [write, use] = blocks('Exit codes and adopting mxlint', 'sh').map((block) => block.trim());
    const recorded = sh(write, dir, env);
    expect(recorded.stderr).toBe('');
    expect(existsSync(join(dir, '.mxlint-baseline.json'))).toBe(true);
    const green = sh(use, dir, env);
    expect(green.code, green.stdout).toBe(0);
  });
});
