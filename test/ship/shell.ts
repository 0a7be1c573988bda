// What the shipping tests share: a copy of the checkout as a fresh clone has it, and a shell
// environment without what `npm test` adds (node_modules/.bin on PATH, npm_* variables), so that
// commands run as a user types them.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
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

/** Node.js 24: the dev dependency. */
export const NODE24 = join(ROOT, 'node_modules/node/bin/node');

/** Node.js 22 from npm's `node@22` package, installed once under node_modules/.cache (npm ci
 *  empties it): not a dev dependency, whose `node` command would replace Node.js 24's. */
export function node22(): string {
  const dir = join(ROOT, 'node_modules/.cache/mxlint-node22');
  const binary = join(dir, 'node_modules/node/bin/node');
  if (!existsSync(binary)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), '{"private":true,"allowScripts":{"node":true}}\n');
    const install = sh('npm install --no-save --no-audit --no-fund --loglevel=error node@22', dir);
    if (install.code !== 0) throw new Error(`npm install node@22: ${install.stderr}`);
  }
  return binary;
}

/** npm's own command-line script, to run npm on a chosen Node.js as that Node.js's users do. */
export const NPM_CLI = realpathSync(execFileSync('bash', ['-c', 'command -v npm'], { env: userEnv(), encoding: 'utf8' }).trim());

export interface Packed { tarball: string; size: number; unpackedSize: number; entryCount: number; files: string[] }

/** `npm pack` of the checkout into `dir`, without prepack: npm test has built dist/. */
export function pack(dir: string): Packed {
  const run = sh(`npm pack --ignore-scripts --json --pack-destination "${dir}"`, ROOT);
  if (run.code !== 0) throw new Error(`npm pack: ${run.stderr}`);
  const [packed] = JSON.parse(run.stdout);
  return { ...packed, tarball: join(dir, packed.filename), files: packed.files.map((file: { path: string }) => file.path) };
}
