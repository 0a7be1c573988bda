// Runs the built binary (npm test builds it first) as a user would.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '../..');
export const BIN = join(ROOT, 'bin/mxlint.cjs');

export interface Run { code: number | null; stdout: string; stderr: string }

export function mxlint(args: string[], options: { cwd?: string; env?: Record<string, string>; node?: string; input?: string } = {}): Run {
  const result = spawnSync(options.node ?? process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    encoding: 'utf8',
    input: options.input,
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
