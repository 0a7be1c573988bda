// What the shipping tests share: a copy of the checkout as a fresh clone has it, and a shell
// environment without what `npm test` adds (node_modules/.bin on PATH, npm_* variables), so that
// commands run as a user types them.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { ROOT } from '../cli/run.js';

export interface Shell { code: number | null; stdout: string; stderr: string }

/** The tracked and not-ignored files of the checkout (uncommitted edits included), in a new folder. */
export function freshCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mxlint-clone-'));
  execFileSync('bash', ['-c', `git ls-files -z --cached --others --exclude-standard | tar --null --ignore-failed-read -T - -cf - | tar -xf - -C "${dir}"`], { cwd: ROOT });
  return dir;
}

/** The environment of a user's shell: the machine's own node and npm first. */
export function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!/^npm_/i.test(name) && name !== 'NODE' && name !== 'INIT_CWD') env[name] = value;
  env.PATH = (process.env.PATH ?? '').split(delimiter).filter((entry) => !entry.includes('node_modules')).join(delimiter);
  return { ...env, NO_COLOR: '1', ...extra };
}

/** Runs one command line in bash, as typed. */
export function sh(command: string, cwd: string, env: NodeJS.ProcessEnv = userEnv(), timeout = 300_000): Shell {
  const result = spawnSync('bash', ['-c', command], { cwd, env, encoding: 'utf8', timeout, maxBuffer: 64 * 1024 * 1024 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
