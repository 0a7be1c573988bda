// bin/mxlint.cjs: the code cache it keeps per user, and output to a reader that leaves early.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, mxlint, ROOT } from './run.js';

const config = join(ROOT, 'fixtures/examples/homeserver.yaml');
const args = ['config', config, '-u', 'chatons'];

describe('the code cache', () => {
  const cacheHome = () => mkdtempSync(join(tmpdir(), 'mxlint-cache-'));
  const cacheFiles = (home: string) => readdirSync(join(home, 'mxlint')).filter((name) => name.endsWith('.v8cache'));

  it('is written after a first run, private to the user, and read by the next runs unchanged', () => {
    const home = cacheHome();
    const first = mxlint(args, { env: { XDG_CACHE_HOME: home } });
    const [file] = cacheFiles(home);
    expect(file).toMatch(/^cli-\d+-\d+-config-.+\.v8cache$/);
    expect(statSync(join(home, 'mxlint')).mode & 0o777).toBe(0o700);
    const path = join(home, 'mxlint', file);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const written = statSync(path).mtimeMs;
    const second = mxlint(args, { env: { XDG_CACHE_HOME: home } });
    expect(second).toEqual(first);
    expect(statSync(path).mtimeMs).toBe(written);
    expect(cacheFiles(home)).toEqual([file]);
  });

  it('is kept per kind of run (command, formats, mode), for each of the commands main.ts declares', () => {
    const home = cacheHome();
    mxlint(['--version'], { env: { XDG_CACHE_HOME: home } });
    mxlint(args, { env: { XDG_CACHE_HOME: home } });
    mxlint([...args, '-f', 'sarif', '--format=json', '--fix-dry-run'], { env: { XDG_CACHE_HOME: home } });
    mxlint([...args, '-f', 'nonsense'], { env: { XDG_CACHE_HOME: home } });
    const kinds = cacheFiles(home).map((name) => /^cli-\d+-\d+-(.+?)-\d+\./.exec(name)![1]);
    expect(kinds.sort()).toEqual(['config', 'config+json+sarif+fix-dry-run', 'config+other', 'other']);
    const launcherCommands = /const COMMANDS = \[([^\]]*)\]/.exec(readFileSync(BIN, 'utf8'))![1].match(/[a-z-]+/g);
    const declared = [...readFileSync(join(ROOT, 'src/cli/main.ts'), 'utf8').matchAll(/command\('([a-z-]+)'\)/g)].map((match) => match[1]);
    expect(launcherCommands?.sort()).toEqual([...new Set(declared)].sort());
  });

  it('replaces a cache V8 refuses, and removes those of other builds', () => {
    const home = cacheHome();
    mxlint(args, { env: { XDG_CACHE_HOME: home } });
    const [file] = cacheFiles(home);
    const path = join(home, 'mxlint', file);
    writeFileSync(path, 'not a V8 code cache');
    writeFileSync(join(home, 'mxlint', 'cli-1-2-old.v8cache'), 'an older build');
    const run = mxlint(args, { env: { XDG_CACHE_HOME: home } });
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/chatons/);
    expect(readFileSync(path).length).toBeGreaterThan(10_000);
    expect(cacheFiles(home)).toEqual([file]);
  });

  it('keeps at most 20 kinds of run, dropping the oldest', () => {
    const home = cacheHome();
    mxlint(args, { env: { XDG_CACHE_HOME: home } });
    const bundleKey = cacheFiles(home)[0].split('-').slice(0, 3).join('-');
    for (let kind = 0; kind < 25; kind += 1) {
      const path = join(home, 'mxlint', `${bundleKey}-old${kind}-v8.v8cache`);
      writeFileSync(path, 'an old kind');
      utimesSync(path, 1000 + kind, 1000 + kind);
    }
    mxlint(['use-cases'], { env: { XDG_CACHE_HOME: home } });
    const files = cacheFiles(home);
    expect(files.length).toBe(20);
    expect(files.some((name) => name.includes('-use-cases-'))).toBe(true);
    expect(files.some((name) => name.includes('-old24-'))).toBe(true);
    expect(files.some((name) => name.includes('-old0-'))).toBe(false);
  });

  it('is not read from a folder others may write to', () => {
    const home = cacheHome();
    mxlint(args, { env: { XDG_CACHE_HOME: home } });
    const [file] = cacheFiles(home);
    writeFileSync(join(home, 'mxlint', file), 'planted by someone else');
    chmodSync(join(home, 'mxlint'), 0o777);
    const run = mxlint(args, { env: { XDG_CACHE_HOME: home } });
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/chatons/);
    // Not read, so not found refused either: left as it was.
    expect(readFileSync(join(home, 'mxlint', file), 'utf8')).toBe('planted by someone else');
  });

  it('leaves no temporary file when the cache cannot be put in place', () => {
    const home = cacheHome();
    mxlint(args, { env: { XDG_CACHE_HOME: home } });
    const [file] = cacheFiles(home);
    // A non-empty directory where the cache goes: the rename fails (EISDIR) after the temporary is written.
    rmSync(join(home, 'mxlint', file));
    mkdirSync(join(home, 'mxlint', file, 'in-the-way'), { recursive: true });
    const run = mxlint(args, { env: { XDG_CACHE_HOME: home } });
    expect(run.stderr).toBe('');
    expect(readdirSync(join(home, 'mxlint')).sort()).toEqual([file]);
  });

  it('is neither read nor written with MXLINT_CODE_CACHE=0, and a home it cannot write costs nothing but time', () => {
    const home = cacheHome();
    const run = mxlint(args, { env: { XDG_CACHE_HOME: home, MXLINT_CODE_CACHE: '0' } });
    expect(run.stdout).toMatch(/chatons/);
    expect(readdirSync(home)).toEqual([]);
    if (process.getuid?.() === 0) {
      // Root writes anywhere: as nobody, a cache directory it cannot even look into (root's, 0700).
      const locked = cacheHome();
      mkdirSync(join(locked, 'mxlint'), { mode: 0o700 });
      const asNobody = spawnSync(process.execPath, [BIN, ...args], { uid: 65534, gid: 65534, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: locked } });
      expect(asNobody.stderr).toBe('');
      expect(asNobody.status).toBe(run.code);
      return;
    }
    const readOnly = cacheHome();
    mkdirSync(join(readOnly, 'mxlint'));
    chmodSync(join(readOnly, 'mxlint'), 0o500);
    const again = mxlint(args, { env: { XDG_CACHE_HOME: readOnly } });
    expect(again.stderr).toBe('');
    expect(again.code).toBe(run.code);
  });
});

describe('output', () => {
  it('ends quietly with exit 0 when the reader stops early (`mxlint ... | head`)', async () => {
    // 140 KB of JSON, more than a pipe holds: the writes after the reader left fail with EPIPE.
    const child = spawn(process.execPath, [BIN, 'config', config, '--format', 'json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
