// A Synapse of its own for a test file that needs a config the shared sandbox must not have
// (retention on, purge jobs every second, an application service): started from the same chroot
// on another loopback port with scripts/synapse-sandbox.sh, stopped by the test file's afterAll.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listenOn, SCRIPT, type SandboxInfo } from './global-setup.js';

/** synapse-sandbox.sh start exits with this when the port is taken. */
const PORT_BUSY = 75;

export interface ExtraSynapse {
  info: SandboxInfo;
  stop(): Promise<void>;
}

function script(args: string[], env: Record<string, string>): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [SCRIPT, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code) => resolve(code));
  });
}

/** Start a Synapse whose homeserver.yaml takes the top-level keys of `extraConfig` (YAML text). */
export async function startExtraSynapse(extraConfig: string, options: { appservice?: boolean } = {}): Promise<ExtraSynapse> {
  const dir = mkdtempSync(join(tmpdir(), 'mxlint-extra-synapse-'));
  const extraFile = join(dir, 'extra.yaml');
  writeFileSync(extraFile, extraConfig);
  const envFile = join(dir, 'sandbox.json');
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const port = String(await listenOn(0));
    const env = {
      MXLINT_SYNAPSE_PORT: port, MXLINT_SANDBOX_ENV: envFile, MXLINT_SANDBOX_OWNER: String(process.pid),
      MXLINT_SANDBOX_EXTRA_CONFIG: extraFile, MXLINT_SANDBOX_APPSERVICE: options.appservice ? '1' : '',
    };
    const code = await script(['start'], env);
    if (code === PORT_BUSY) continue;
    if (code !== 0) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`scripts/synapse-sandbox.sh start failed (exit ${code})`);
    }
    const info = { source: 'sandbox' as const, ...JSON.parse(readFileSync(envFile, 'utf8')) } as SandboxInfo;
    return {
      info,
      stop: async () => {
        await script(['stop'], { MXLINT_SYNAPSE_PORT: port, MXLINT_SANDBOX_OWNER: String(process.pid) });
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  rmSync(dir, { recursive: true, force: true });
  throw new Error('no free port for a second Synapse after 3 tries');
}
