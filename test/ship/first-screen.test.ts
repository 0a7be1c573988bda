// README's first block, run as a newcomer types it in a fresh clone: the machine's own npm (Node.js
// 20 here), no PATH set up by hand, and no noise on stderr (npm's engine warnings: .npmrc, devEngines).
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it, onTestFinished } from 'vitest';
import { ROOT } from '../cli/run.js';
import { freshCopy, sh, userEnv } from './shell.js';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)![1];
const commands = firstBlock.trim().split('\n').map((line) => line.replace(/\s+#.*$/, ''));

it('lists install, build, the example lint and the tests', () => {
  expect(commands).toEqual(['npm ci', 'npm run build', 'npx mxlint config fixtures/examples/homeserver.yaml -u chatons', 'npm test']);
  // The console block after it shows the same command and its output.
  expect(readme).toContain(`\`\`\`console\n$ ${commands[2]}\nmxlint `);
  // CI runs the install and the tests as written (npm test builds).
  const ci = readFileSync(join(ROOT, '.ci/run'), 'utf8');
  for (const command of [commands[0], commands[3]]) expect(ci).toMatch(new RegExp(`^${command}$`, 'm'));
});

it('works as typed in a fresh clone, with nothing on stderr', () => {
  const clone = freshCopy();
  onTestFinished(() => rmSync(clone, { recursive: true, force: true }), 120_000);
  // From npm's cache when it holds the packages (CI has just run npm ci): no download.
  const env = userEnv({ npm_config_prefer_offline: 'true' });
  expect(sh('node --version', clone, env).stdout).toMatch(/^v\d+/);
  for (const command of commands.slice(0, 2)) {
    const run = sh(command, clone, env, 540_000);
    expect({ command, code: run.code, stderr: run.stderr }).toEqual({ command, code: 0, stderr: '' });
  }
  const lint = sh(commands[2], clone, env);
  expect(lint.stderr).toBe('');
  expect(lint.code).toBe(1);
  expect(lint.stdout).toMatch(/^mxlint \d+\.\d+\.\d+: homeserver configuration fixtures\/examples\/homeserver\.yaml\n[^]*\nVerdicts\n {2}unfit \(1\) +chatons\n/);
  // The rest of `npm test` is this suite itself: CI runs it from .ci/run.
}, 600_000);
