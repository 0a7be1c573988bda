// Helpers of the room and server e2e tests: matrix-js-sdk clients for the sandbox users, extra
// users made through the admin API, a concurrency pool, and the built mxlint run as a child
// process without blocking (the fault proxy lives in the test process and must keep answering).
import { spawn } from 'node:child_process';
import { createClient, type MatrixClient } from 'matrix-js-sdk';
import { BIN, ROOT } from '../cli/run.js';
import { sandboxOrSkip, type SandboxUser } from './sandbox.js';

/** matrix-js-sdk logs a lot at info level; the tests want none of it. */
const quiet: any = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };
quiet.getChild = () => quiet;

export function clientFor(user: SandboxUser, baseUrl = sandboxOrSkip().baseUrl): MatrixClient {
  return createClient({ baseUrl, accessToken: user.token, userId: user.userId, logger: quiet, useAuthorizationHeader: true } as any);
}

/** A user of the sandbox server, created through the admin API (or reused) and logged in as the admin. */
export async function ensureUser(localpart: string): Promise<SandboxUser> {
  const { baseUrl, serverName, adminToken } = sandboxOrSkip();
  const userId = `@${localpart}:${serverName}`;
  const headers = { Authorization: `Bearer ${adminToken}`, 'Content-Type': 'application/json' };
  const user = `${baseUrl}/_synapse/admin/v2/users/${encodeURIComponent(userId)}`;
  const created = await fetch(user, { method: 'PUT', headers, body: JSON.stringify({ admin: false, password: `${crypto.randomUUID()}-${localpart}` }) });
  if (!created.ok) throw new Error(`cannot create ${userId}: ${created.status}`);
  const login = await fetch(`${baseUrl}/_synapse/admin/v1/users/${encodeURIComponent(userId)}/login`, { method: 'POST', headers, body: '{}' });
  if (!login.ok) throw new Error(`cannot log in as ${userId}: ${login.status}`);
  const { access_token: token } = (await login.json()) as { access_token: string };
  return { userId, token };
}

/** Runs `fn` over `items`, `concurrency` at a time; results in the order of the items. */
export async function pool<T, R>(items: T[], concurrency: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

/** The binary under test: bin/mxlint.cjs, or MXLINT_E2E_BIN (a copy of bin/ and dist/ made after the
 *  build, so that a rebuild of the shared tree while the suite runs does not pull dist/ from under it). */
export const E2E_BIN = process.env.MXLINT_E2E_BIN ?? BIN;

export interface AsyncRun { code: number | null; stdout: string; stderr: string; ms: number }

/** The built binary (bin/mxlint.cjs), as a user runs it, without blocking the event loop. The
 *  token goes in MATRIX_ACCESS_TOKEN (never on argv); MXLINT_DEBUG is cleared so a stack trace
 *  in the output is a bug. */
export function mxlintAsync(args: string[], options: { token?: string; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<AsyncRun> {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', MXLINT_DEBUG: undefined, MATRIX_ACCESS_TOKEN: options.token, ...options.env };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [E2E_BIN, ...args], { cwd: ROOT, env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk; });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 90_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** What a clean network failure looks like: exit 3, one line on stderr naming the problem, no stack. */
export function oneLineError(run: AsyncRun): string {
  const lines = run.stderr.trim().split('\n');
  if (run.code !== 3 || lines.length !== 1 || !lines[0].startsWith('mxlint: ') || /\n\s+at /.test(run.stderr) || run.stdout !== '') {
    throw new Error(`expected exit 3 with one error line, got exit ${run.code}\nstderr: ${run.stderr}\nstdout: ${run.stdout.slice(0, 500)}`);
  }
  return lines[0];
}
