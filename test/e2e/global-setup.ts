// Vitest globalSetup for the e2e suite: gives the tests a real Synapse.
//
// 1. MXLINT_SYNAPSE_URL + MXLINT_SYNAPSE_ADMIN_TOKEN set: use that server as is (nothing is built).
// 2. Root, and debootstrap available or installable (or CI=true): build the sid chroot once
//    (scripts/synapse-sandbox.sh build, cached outside the clone), start a fresh Synapse on a free
//    loopback port, and stop it in teardown or when the vitest process exits or is interrupted.
// 3. Otherwise provide null (e2e tests skip) with one line on stderr; under CI=true, fail instead.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

export interface SandboxUser {
  userId: string;
  token: string;
  deviceId?: string;
  /** Only for the sandbox's own users (never for a user's server). */
  password?: string;
}

export interface SandboxInfo {
  /** 'sandbox': started by this run in the chroot; 'external': MXLINT_SYNAPSE_URL. */
  source: 'sandbox' | 'external';
  baseUrl: string;
  serverName: string;
  adminToken: string;
  /** admin, alice and bob for the sandbox; for an external server, admin and (if given) alice. */
  users: Record<string, SandboxUser>;
  root?: string;
  pid?: number;
  port?: number;
  /** The application service registered when started with MXLINT_SANDBOX_APPSERVICE=1. */
  appservice?: { id: string; token: string; userId: string };
}

declare module 'vitest' {
  export interface ProvidedContext {
    synapse: SandboxInfo | null;
  }
}

export const SCRIPT = resolve(dirname(fileURLToPath(import.meta.url)), '../../scripts/synapse-sandbox.sh');
const DEFAULT_ROOT = '/var/cache/mxlint/synapse-root';
const DEFAULT_PORT = 8008;
const ENV_DIR_PREFIX = 'mxlint-sandbox-';
/** synapse-sandbox.sh start exits with this when the port is taken. */
const PORT_BUSY = 75;
/** Given to the script so that stop only ever stops a Synapse this process started. */
const OWNER = String(process.pid);
const SKIP_MESSAGE =
  'e2e suite skipped: needs root and debootstrap to build the Synapse sandbox ' +
  '(or set MXLINT_SYNAPSE_URL and MXLINT_SYNAPSE_ADMIN_TOKEN); run `sudo npm run test:e2e`';

/** Set while this process owns a running sandbox; stop() clears it. */
let running: { port: number; envDir: string } | undefined;

export async function setup(project: TestProject): Promise<void> {
  project.provide('synapse', await resolveSynapse());
}

export async function teardown(): Promise<void> {
  await stopSandbox();
}

async function resolveSynapse(): Promise<SandboxInfo | null> {
  const external = await externalServer();
  if (external) return external;

  const reason = whySandboxCannotRun();
  if (reason) {
    if (process.env.CI === 'true') throw new Error(`e2e suite cannot run under CI: ${reason}`);
    process.stderr.write(`${SKIP_MESSAGE}\n`);
    return null;
  }
  return startSandbox();
}

// ---------------------------------------------------------------------------------------------
// The user's own server

async function externalServer(): Promise<SandboxInfo | null> {
  const baseUrl = process.env.MXLINT_SYNAPSE_URL?.replace(/\/+$/, '');
  const adminToken = process.env.MXLINT_SYNAPSE_ADMIN_TOKEN;
  if (!baseUrl || !adminToken) return null;

  const admin = await whoami(baseUrl, adminToken, 'MXLINT_SYNAPSE_ADMIN_TOKEN');
  const users: Record<string, SandboxUser> = { admin: { userId: admin, token: adminToken } };
  const userToken = process.env.MXLINT_SYNAPSE_USER_TOKEN;
  if (userToken) {
    users.alice = { userId: await whoami(baseUrl, userToken, 'MXLINT_SYNAPSE_USER_TOKEN'), token: userToken };
  }
  return {
    source: 'external',
    baseUrl,
    serverName: admin.slice(admin.indexOf(':') + 1),
    adminToken,
    users,
  };
}

async function whoami(baseUrl: string, token: string, variable: string): Promise<string> {
  const response = await fetch(`${baseUrl}/_matrix/client/v3/account/whoami`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  if (!response.ok) {
    throw new Error(`MXLINT_SYNAPSE_URL ${baseUrl} refused ${variable} (whoami answered ${response.status})`);
  }
  const body = (await response.json()) as { user_id: string };
  return body.user_id;
}

// ---------------------------------------------------------------------------------------------
// The chroot sandbox

/** Why this machine cannot build or run the sandbox, or undefined when it can. */
function whySandboxCannotRun(): string | undefined {
  if (process.platform !== 'linux') return `the sandbox needs Linux (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'the sandbox needs root (chroot, mount, debootstrap)';
  const root = process.env.MXLINT_SYNAPSE_ROOT ?? DEFAULT_ROOT;
  if (existsSync(join(root, '.mxlint-complete'))) return undefined;
  if (process.env.CI === 'true') return undefined;
  const tools = spawnSync('sh', ['-c', 'command -v debootstrap || command -v apt-get'], { stdio: 'ignore' });
  if (tools.status !== 0) return 'neither debootstrap nor apt-get (to install it) is available';
  return undefined;
}

async function startSandbox(): Promise<SandboxInfo> {
  installExitHandlers();
  await runScript(['build'], {});
  // Stop sandboxes (and drop env files) left by earlier runs killed before their teardown.
  await runScript(['stop', '--stale'], {});
  removeStaleEnvDirs();

  const envDir = await mkdtemp(join(tmpdir(), `${ENV_DIR_PREFIX}${process.pid}-`));
  const envFile = join(envDir, 'sandbox.json');
  /** Start on this port; false when the port is taken (then nothing was started). */
  const startOn = async (port: number): Promise<boolean> => {
    running = { port, envDir };
    const env = { MXLINT_SYNAPSE_PORT: String(port), MXLINT_SANDBOX_ENV: envFile, MXLINT_SANDBOX_OWNER: OWNER };
    if ((await runScript(['start'], env, [PORT_BUSY])) === 0) return true;
    running = undefined;
    return false;
  };
  try {
    const port = await choosePort();
    if (!(await startOn(port))) {
      if (process.env.MXLINT_SYNAPSE_PORT) throw new Error(`MXLINT_SYNAPSE_PORT ${port} is already in use`);
      // Another run took the port between our check and the start: take one the kernel picks.
      const otherPort = await listenOn(0);
      if (!(await startOn(otherPort))) throw new Error(`port ${otherPort} is already in use`);
    }
    const started = JSON.parse(await readFile(envFile, 'utf8')) as Omit<SandboxInfo, 'source'>;
    return { source: 'sandbox', ...started };
  } catch (error) {
    await stopSandbox();
    await rm(envDir, { recursive: true, force: true });
    throw error;
  }
}

/** Env dirs are named after the vitest process that owns them; remove those of dead processes. */
function removeStaleEnvDirs(): void {
  for (const name of readdirSync(tmpdir())) {
    const owner = Number(new RegExp(`^${ENV_DIR_PREFIX}(\\d+)-`).exec(name)?.[1]);
    if (owner && owner !== process.pid && !processExists(owner)) {
      rmSync(join(tmpdir(), name), { recursive: true, force: true });
    }
  }
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** 8008 when free (or MXLINT_SYNAPSE_PORT when set), else a port the kernel picks. */
async function choosePort(): Promise<number> {
  if (process.env.MXLINT_SYNAPSE_PORT) return Number(process.env.MXLINT_SYNAPSE_PORT);
  if (await portIsFree(DEFAULT_PORT)) return DEFAULT_PORT;
  return listenOn(0);
}

function portIsFree(port: number): Promise<boolean> {
  return listenOn(port).then(
    () => true,
    () => false,
  );
}

/** Bind 127.0.0.1:port (0 = any), close, and return the port that was bound. */
export function listenOn(port: number): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : port;
      server.close(() => resolvePort(bound));
    });
  });
}

/**
 * Run the sandbox script; its progress goes to our stderr. A failure becomes an Error, except
 * the exit codes listed in `allowed`, which are returned.
 */
function runScript(args: string[], env: Record<string, string>, allowed: number[] = []): Promise<number> {
  return new Promise((resolveRun, reject) => {
    const child = spawn('bash', [SCRIPT, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code !== null && (code === 0 || allowed.includes(code))) resolveRun(code);
      else reject(new Error(`scripts/synapse-sandbox.sh ${args.join(' ')} failed (${signal ?? `exit ${code}`})`));
    });
  });
}

async function stopSandbox(): Promise<void> {
  if (!running) return;
  const { port, envDir } = running;
  running = undefined;
  await runScript(['stop'], { MXLINT_SYNAPSE_PORT: String(port), MXLINT_SANDBOX_OWNER: OWNER });
  await rm(envDir, { recursive: true, force: true });
}

/** Synchronous stop for 'exit' and signal handlers, where nothing asynchronous may run. */
function stopSandboxSync(): void {
  if (!running) return;
  const { port, envDir } = running;
  running = undefined;
  spawnSync('bash', [SCRIPT, 'stop'], {
    env: { ...process.env, MXLINT_SYNAPSE_PORT: String(port), MXLINT_SANDBOX_OWNER: OWNER },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  spawnSync('rm', ['-rf', envDir]);
}

let exitHandlersInstalled = false;
function installExitHandlers(): void {
  if (exitHandlersInstalled) return;
  exitHandlersInstalled = true;
  process.once('exit', stopSandboxSync);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      stopSandboxSync();
      // If nobody else handles the signal, end the way the signal would have.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    process.once(signal, onSignal);
  }
}
