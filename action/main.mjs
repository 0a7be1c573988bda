// The GitHub Action (action.yml): installs mxlint (the `package` input) into the runner's temp
// folder, lints the config with SARIF to a file and annotations to the log, prints the chosen
// report, sets the outputs and exits as mxlint did. Plain Node.js with no dependency: an action
// runs from its repository as committed, with no npm install.
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** GitHub passes input `some-name` as INPUT_SOME-NAME. */
const input = (name) => (process.env[`INPUT_${name.toUpperCase()}`] ?? '').trim();
const words = (text) => text.split(/[\s,]+/).filter(Boolean);

function setOutput(name, value) {
  if (process.env.GITHUB_OUTPUT) appendFileSync(process.env.GITHUB_OUTPUT, `${name}<<MXLINT_EOF\n${value}\nMXLINT_EOF\n`);
}

export async function run() {
  // Paths are the workflow's, relative to the repository checkout (where GitHub starts a step).
  if (process.env.GITHUB_WORKSPACE) process.chdir(process.env.GITHUB_WORKSPACE);
  const temp = mkdtempSync(join(process.env.RUNNER_TEMP || tmpdir(), 'mxlint-'));
  const install = spawnSync('npm', ['install', '--prefix', temp, '--no-audit', '--no-fund', '--loglevel=error', input('package') || 'mxlint'], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (install.status !== 0) {
    process.stdout.write(`::error title=mxlint::npm install ${input('package') || 'mxlint'} failed (exit ${install.status})\n`);
    process.exitCode = 70;
    return;
  }
  const format = input('format') || 'text';
  const sarifFile = input('sarif-file') || 'mxlint.sarif';
  const reportFile = join(temp, `report.${format}`);
  const jsonFile = join(temp, 'report.json');
  const policy = input('policy');
  const args = [
    'config', ...words(input('paths') || 'homeserver.yaml'),
    ...words(input('use-cases')).flatMap((useCase) => ['--use-case', useCase]),
    ...(policy ? ['--policy', policy] : []),
    '--fail-on', input('fail-on') || 'error', '--no-inline-suppressions',
    '--format', 'sarif', '--output', sarifFile,
    '--format', 'json', '--output', jsonFile,
    '--format', format, '--output', reportFile,
    '--format', 'github',
  ];
  const lint = spawnSync(process.execPath, [join(temp, 'node_modules/mxlint/bin/mxlint.cjs'), ...args], { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, NO_COLOR: '1' } });
  const code = lint.status ?? 70;
  setOutput('exit-code', String(code));
  if (code <= 1) {
    const report = readFileSync(reportFile, 'utf8');
    process.stdout.write(report);
    if (format === 'markdown' && process.env.GITHUB_STEP_SUMMARY) appendFileSync(process.env.GITHUB_STEP_SUMMARY, report);
    setOutput('sarif-file', sarifFile);
    setOutput('verdicts', JSON.stringify(JSON.parse(readFileSync(jsonFile, 'utf8')).verdicts));
  }
  process.exitCode = code;
}
