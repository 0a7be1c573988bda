// Writes that fail halfway (issue #18), through the built binary: `config --fix` over a
// homeserver.yaml and its conf.d when one target cannot be replaced (an immutable file, an
// immutable directory, a bind-mounted file, a hard link), when a target changes between the read
// and the write, when a signal comes during the write, and with line endings, a BOM, a mode and an
// owner to keep. Faults are real (chattr, mount --bind in a private mount namespace); where the
// machine cannot make one, the test is skipped and says why. After a refused fix every original is
// byte-identical and no temporary file is left.
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { appendFileSync, chmodSync, chownSync, cpSync, existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, mxlint, ROOT, type Run } from '../cli/run.js';

const made: string[] = [];
afterAll(() => {
  for (const dir of made) {
    spawnSync('chattr', ['-R', '-i', dir], { stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A copy of fixtures/fix/confd: a fix for chatons changes all three files. */
function confd(): { dir: string; args: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'mxlint-writes-'));
  made.push(dir);
  cpSync(join(ROOT, 'fixtures/fix/confd'), dir, { recursive: true });
  return { dir, args: ['config', join(dir, 'homeserver.yaml'), join(dir, 'conf.d'), '-u', 'chatons', '--no-policy', '--fix'] };
}

function single(name: string, content: string | Buffer): { dir: string; file: string; args: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'mxlint-writes-'));
  made.push(dir);
  const file = join(dir, name);
  writeFileSync(file, content);
  return { dir, file, args: ['config', file, '-u', 'chatons', '--no-policy', '--fix'] };
}

// A database too: Synapse refuses a config without one, and synapse-starts says so.
const CONFIG = 'server_name: example.org\n# the statistics\nreport_stats: "yes"\ndatabase: {name: sqlite3, args: {database: homeserver.db}}\n';

function files(dir: string): Map<string, Buffer> {
  const found = new Map<string, Buffer>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    if (entry.isFile()) found.set(relative(dir, path), readFileSync(path));
  }
  return found;
}

const temporaries = (dir: string) => [...files(dir).keys()].filter((name) => /\.mxlint-.*\.tmp$/.test(name));

/** One `mxlint: FILE: reason` line naming the file. */
function refused(run: Run, file: string, why: RegExp): void {
  expect(run.code, run.stderr).toBe(2);
  const lines = run.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain(file);
  expect(lines[0]).toMatch(why);
}

const isRoot = process.getuid?.() === 0;
const chattrWorks = (() => {
  if (!isRoot) return false;
  const probe = mkdtempSync(join(tmpdir(), 'mxlint-chattr-'));
  const works = spawnSync('chattr', ['+i', probe]).status === 0;
  spawnSync('chattr', ['-i', probe]);
  rmSync(probe, { recursive: true, force: true });
  return works;
})();
const bindMountWorks = (() => {
  if (!isRoot) return false;
  const probe = mkdtempSync(join(tmpdir(), 'mxlint-bind-'));
  writeFileSync(join(probe, 'a'), 'a');
  writeFileSync(join(probe, 'b'), 'b');
  const works = spawnSync('unshare', ['-m', 'mount', '--bind', join(probe, 'a'), join(probe, 'b')]).status === 0;
  rmSync(probe, { recursive: true, force: true });
  return works;
})();
if (!chattrWorks) console.warn('writes: immutable-file tests skipped: chattr +i needs root and ext4/xfs/btrfs');
if (!bindMountWorks) console.warn('writes: bind-mount, read-only and full-disk tests skipped: unshare -m and mount need root (CAP_SYS_ADMIN)');
if (!isRoot) console.warn('writes: owner tests and runs as another user skipped: they need root');
const hasPython = spawnSync('python3', ['-c', '0']).status === 0;
if (!hasPython) console.warn('writes: extended-attribute test skipped: it sets one with python3, not found');

const asRun = (result: SpawnSyncReturns<string>): Run => ({ code: result.status, stdout: result.stdout, stderr: result.stderr });

/** mxlint as nobody (uid 65534), without the code cache (its home is root's). */
const asNobody = (args: string[]): Run => asRun(spawnSync(process.execPath, [BIN, ...args], {
  uid: 65534, gid: 65534, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', MXLINT_CODE_CACHE: '0' },
}));

/** mxlint with `target` bind-mounted on its own (from `source`), in a private mount namespace. */
function inMountNamespace(source: string, target: string, args: string[], options = ''): Run {
  const script = `mount --bind "$1" "$2" || exit 99; ${options ? `mount -o remount,bind,${options} "$2" || exit 99; ` : ''}shift 2; exec "$@"`;
  const result = spawnSync('unshare', ['-m', 'sh', '-c', script, 'sh', source, target, process.execPath, BIN, ...args], {
    encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000,
  });
  return asRun(result);
}

/** mxlint run on a copy of `dir` in a tmpfs mounted over it and filled (private mount
 *  namespace); returns its result and a copy of the tmpfs afterwards (without the filler). */
function inFullTmpfs(dir: string, args: string[], freePages = 0): { run: Run; dir: string } {
  const out = mkdtempSync(join(tmpdir(), 'mxlint-writes-out-'));
  made.push(out);
  const script = [
    'set -e', 'cp -a "$1"/. "$2"/', 'mount -t tmpfs -o size=256k tmpfs "$1"', 'cp -a "$2"/. "$1"/',
    `dd if=/dev/zero of="$1/.gap" bs=4k count=${freePages} 2>/dev/null`, 'dd if=/dev/zero of="$1/.filler" bs=4k 2>/dev/null || true', 'rm "$1/.gap"', 'code=0', 'dir=$1 out=$2', 'shift 2', '"$@" || code=$?',
    'rm "$dir/.filler"', 'rm -r "$out"/* "$out"/.[!.]* 2>/dev/null || true', 'cp -a "$dir"/. "$out"/', 'exit $code',
  ].join('\n');
  const result = spawnSync('unshare', ['-m', 'sh', '-c', script, 'sh', dir, out, process.execPath, BIN, ...args], {
    encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000,
  });
  return { run: asRun(result), dir: out };
}

/** mxlint held after writing its temporary files (MXLINT_TEST_HOLD_WRITE); `meanwhile` runs then. */
async function held(args: string[], meanwhile: (child: ReturnType<typeof spawn>) => void): Promise<Run & { signal: NodeJS.Signals | null }> {
  const hold = join(mkdtempSync(join(tmpdir(), 'mxlint-hold-')), 'hold');
  made.push(hold.slice(0, -5));
  writeFileSync(hold, '');
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1', MXLINT_TEST_HOLD_WRITE: hold } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => { stdout += chunk; });
  child.stderr.on('data', (chunk) => { stderr += chunk; });
  const exited = new Promise<[number | null, NodeJS.Signals | null]>((done) => child.on('close', (code, signal) => done([code, signal])));
  for (const deadline = Date.now() + 30_000; !existsSync(`${hold}.held`);) {
    if (Date.now() > deadline) throw new Error(`mxlint never staged its files: ${stderr}`);
    await new Promise((wait) => setTimeout(wait, 20));
  }
  meanwhile(child);
  rmSync(hold);
  const [code, signal] = await exited;
  return { code, signal, stdout, stderr };
}

describe('files that cannot be replaced: refused before anything is written, or put back', () => {
  it.skipIf(!chattrWorks)('the last file is immutable: the two already replaced get their old text back (exit 2, no temporary left)', () => {
    const { dir, args } = confd();
    const before = files(dir);
    const last = join(dir, 'conf.d/20-report-stats.yaml');
    expect(spawnSync('chattr', ['+i', last]).status).toBe(0);
    const run = mxlint(args);
    spawnSync('chattr', ['-i', last]);
    refused(run, '20-report-stats.yaml', /cannot replace it \(EPERM: operation not permitted \(immutable or append-only\?\)\); nothing was changed$/);
    expect(files(dir)).toEqual(before);
    expect(temporaries(dir)).toEqual([]);
  });

  it.skipIf(!chattrWorks)('the conf.d directory is immutable: refused before anything is written; --fix-in-place rewrites its files in place', () => {
    const { dir, args } = confd();
    const before = files(dir);
    expect(spawnSync('chattr', ['+i', join(dir, 'conf.d')]).status).toBe(0);
    const run = mxlint(args);
    const inPlace = mxlint([...args, '--fix-in-place']);
    spawnSync('chattr', ['-i', join(dir, 'conf.d')]);
    refused(run, '10-retention.yaml', /its directory does not let mxlint create the new file beside it \(EPERM: operation not permitted \(immutable or append-only\?\)\): a rename cannot replace it; give --fix-in-place .*; nothing was written$/);
    expect(inPlace.code, inPlace.stderr).toBe(0);
    expect(inPlace.stderr.trim().split('\n').map((line) => line.slice(line.lastIndexOf('/') + 1, line.indexOf(':', line.lastIndexOf('/'))))).toEqual(['10-retention.yaml', '20-report-stats.yaml']);
    expect(readFileSync(join(dir, 'conf.d/20-report-stats.yaml'), 'utf8')).toContain('report_stats: false');
    expect(files(dir).get('homeserver.yaml')).not.toEqual(before.get('homeserver.yaml'));
    expect(temporaries(dir)).toEqual([]);
  });

  it.skipIf(!bindMountWorks)('a full disk (a 256 KiB tmpfs, filled): nothing is changed and no temporary is left', () => {
    const { dir, args } = confd();
    const out = inFullTmpfs(dir, args);
    expect(out.run.code, out.run.stderr).toBe(2);
    expect(out.run.stderr).toMatch(/homeserver\.yaml: cannot write \(ENOSPC: no space left on the device\); nothing was changed\n$/);
    expect(files(out.dir)).toEqual(files(join(ROOT, 'fixtures/fix/confd')));
  });

  it.skipIf(!bindMountWorks)('a disk that fills while the new text is written: refused, the old file kept whole', () => {
    // One 4 KiB page free: the new text (two pages) is written only in part before ENOSPC.
    const { dir, args } = single('homeserver.yaml', `${CONFIG}#${'-'.repeat(5000)}\n`);
    const out = inFullTmpfs(dir, args, 1);
    expect(out.run.stderr).toMatch(/homeserver\.yaml: cannot write \(ENOSPC: no space left on the device\); nothing was changed\n$/);
    expect(out.run.code).toBe(2);
    expect(files(out.dir)).toEqual(files(dir));
  });

  it.skipIf(!bindMountWorks)('a rewrite in place that fills the disk halfway is undone: the old text is written back', () => {
    // Just under a 4 KiB page: the fixed text needs a second page, which the full tmpfs refuses.
    const { dir, file, args } = single('homeserver.yaml', `${CONFIG}#${'-'.repeat(4000 - CONFIG.length)}\n`);
    linkSync(file, join(dir, 'other-name.yaml'));
    const out = inFullTmpfs(dir, [...args, '--fix-in-place']);
    expect(out.run.stderr).toMatch(/homeserver\.yaml: cannot rewrite it in place \(ENOSPC: no space left on the device\); nothing was changed\n$/);
    expect(out.run.code).toBe(2);
    expect(files(out.dir)).toEqual(files(dir));
    expect(statSync(join(out.dir, 'homeserver.yaml')).ino).toBe(statSync(join(out.dir, 'other-name.yaml')).ino);
  });

  it('a report or a baseline in a directory that does not exist: one line with the reason', () => {
    const { dir, file } = single('homeserver.yaml', CONFIG);
    for (const [option, what] of [['-o', 'json report'], ['--write-baseline', 'baseline']]) {
      refused(mxlint(['config', file, '--no-policy', '-f', 'json', option, join(dir, 'missing/out.json')]), 'missing/out.json', new RegExp(`: cannot write the ${what} \\(ENOENT\\)$`));
    }
  });

  it.skipIf(!bindMountWorks)('a report (-o) or a baseline over a full disk keeps the old one whole', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mxlint-writes-'));
    made.push(dir);
    writeFileSync(join(dir, 'homeserver.yaml'), CONFIG);
    writeFileSync(join(dir, 'report.json'), '{"old": "report"}\n');
    writeFileSync(join(dir, 'baseline.json'), '{"old": "baseline"}\n');
    for (const [option, file] of [['-o', 'report.json'], ['--write-baseline', 'baseline.json']]) {
      const out = inFullTmpfs(dir, ['config', join(dir, 'homeserver.yaml'), '-u', 'chatons', '--no-policy', '-f', 'json', option, join(dir, file)]);
      expect(out.run.stderr).toMatch(new RegExp(`${file}: cannot write the (json report|baseline) \\(ENOSPC\\)\\n$`));
      expect(out.run.code).toBe(2);
      expect(files(out.dir)).toEqual(files(dir));
    }
  });

  it.skipIf(!bindMountWorks)('a bind-mounted file is refused before anything is written, and --fix-in-place names what it did', () => {
    const { dir, args } = confd();
    const outside = join(dir, 'host-homeserver.yaml');
    cpSync(join(dir, 'homeserver.yaml'), outside);
    const before = files(dir);
    const run = inMountNamespace(outside, join(dir, 'homeserver.yaml'), args);
    refused(run, 'homeserver.yaml', /mounted on its own \(a bind mount, as Docker mounts a single file\).*give --fix-in-place .*; nothing was written$/);
    const dry = inMountNamespace(outside, join(dir, 'homeserver.yaml'), args.map((arg) => (arg === '--fix' ? '--fix-dry-run' : arg)));
    expect(dry.stderr).toMatch(/^mxlint: .*homeserver\.yaml: --fix would refuse it: it is mounted on its own/);
    expect(files(dir)).toEqual(before);
    expect(temporaries(dir)).toEqual([]);

    const inPlace = inMountNamespace(outside, join(dir, 'homeserver.yaml'), [...args, '--fix-in-place']);
    expect(inPlace.code, inPlace.stderr).toBe(0);
    expect(inPlace.stderr).toMatch(/homeserver\.yaml: rewritten in place, not replaced atomically \(it is mounted on its own/);
    // The file seen from outside the container changed; the conf.d files were replaced as usual.
    expect(readFileSync(outside, 'utf8')).toContain('enable_3pid_lookup: false');
    expect(readFileSync(join(dir, 'conf.d/20-report-stats.yaml'), 'utf8')).toContain('report_stats: false');
    expect(inPlace.stderr).not.toMatch(/20-report-stats/);
    expect(temporaries(dir)).toEqual([]);
  });

  it.skipIf(!isRoot)('a file whose owner a new file cannot take (mxlint run as another user) is refused, or rewritten in place', () => {
    const { dir, file, args } = single('homeserver.yaml', CONFIG);
    chmodSync(dir, 0o777);
    chmodSync(file, 0o666);
    refused(asNobody(args), 'homeserver.yaml', /mxlint cannot give a new file its owner \(0:0\) without root: a rename cannot replace it; give --fix-in-place/);
    expect(readFileSync(file, 'utf8')).toBe(CONFIG);
    const inPlace = asNobody([...args, '--fix-in-place']);
    expect(inPlace.code, inPlace.stderr).toBe(0);
    expect(inPlace.stderr).toMatch(/homeserver\.yaml: rewritten in place, not replaced atomically \(mxlint cannot give a new file its owner/);
    const after = statSync(file);
    expect([after.uid, after.gid, after.mode & 0o7777]).toEqual([0, 0, 0o666]);
    expect(readFileSync(file, 'utf8')).toContain('report_stats: false');
    expect(temporaries(dir)).toEqual([]);
  });

  it.skipIf(!bindMountWorks)('a read-only file system (the config directory mounted read-only): refused, nothing written', () => {
    const { dir, args } = confd();
    const before = files(dir);
    const run = inMountNamespace(dir, dir, [...args, '--fix-in-place'], 'ro');
    refused(run, 'homeserver.yaml', /its directory does not let mxlint create the new file beside it \(EROFS: read-only file system\): a rename cannot replace it, and the file itself is read-only to mxlint; nothing was written$/);
    expect(files(dir)).toEqual(before);
  });

  it.skipIf(!isRoot)('a read-only directory (as its owner, not root): refused with the reason, or rewritten in place', () => {
    const { dir, file, args } = single('homeserver.yaml', CONFIG);
    chownSync(file, 65534, 65534);
    chownSync(dir, 65534, 65534);
    chmodSync(dir, 0o555);
    refused(asNobody(args), 'homeserver.yaml', /its directory does not let mxlint create the new file beside it \(EACCES: permission denied\): a rename cannot replace it; give --fix-in-place/);
    expect(readFileSync(file, 'utf8')).toBe(CONFIG);
    const inPlace = asNobody([...args, '--fix-in-place']);
    expect(inPlace.code, inPlace.stderr).toBe(0);
    expect(readFileSync(file, 'utf8')).toContain('report_stats: false');
    expect(temporaries(dir)).toEqual([]);
  });

  it('one file reached through two names (a symbolic link in conf.d) is refused: the second write would undo the first', () => {
    const { dir, file, args } = single('homeserver.yaml', CONFIG);
    mkdirSync(join(dir, 'conf.d'));
    symlinkSync('../homeserver.yaml', join(dir, 'conf.d/link.yaml'));
    const both = [...args.slice(0, 2), join(dir, 'conf.d'), ...args.slice(2)];
    refused(mxlint(both), 'conf.d/link.yaml', new RegExp(`is the same file as ${file} \\(a link\\): its fixes would be written twice, the second undoing the first; nothing was written$`));
    expect(readFileSync(file, 'utf8')).toBe(CONFIG);
    expect(temporaries(dir)).toEqual([]);
    expect(mxlint(both.map((arg) => (arg === '--fix' ? '--fix-dry-run' : arg))).stderr).toMatch(/link\.yaml: --fix would refuse it: is the same file as /);
  });

  it('a pipe given as the config (<(cat homeserver.yaml)) is refused by --fix and --fix-dry-run, saying why', () => {
    const { file } = single('homeserver.yaml', CONFIG);
    for (const mode of ['--fix', '--fix-dry-run']) {
      const result = spawnSync('bash', ['-c', `exec "$0" "$1" config <(cat "$2") -u chatons --no-policy ${mode}`, process.execPath, BIN, file], { encoding: 'utf8' });
      refused(asRun(result), '/dev/fd/', /: is not a regular file \(a pipe, a FIFO or a device\): cannot fix it; fix a copy$/);
    }
  });

  it('a hard-linked file is refused (a rename would unshare it); --fix-in-place keeps the link shared', () => {
    const { dir, file, args } = single('homeserver.yaml', CONFIG);
    const other = join(dir, 'other-name.yaml');
    linkSync(file, other);
    refused(mxlint(args), 'homeserver.yaml', /it has 2 hard links: a new file would leave the other names with the old text; give --fix-in-place/);
    expect(readFileSync(other, 'utf8')).toBe(CONFIG);
    // The dry run says so too, before anyone tries.
    const dryArgs = args.map((arg) => (arg === '--fix' ? '--fix-dry-run' : arg));
    expect(mxlint(dryArgs).stderr).toBe(`mxlint: ${file}: --fix would refuse it: it has 2 hard links: a new file would leave the other names with the old text; give --fix-in-place to rewrite it in place (not atomic: a reader may see a partial file during the write)\n`);
    expect(mxlint([...dryArgs, '--fix-in-place']).stderr).toBe(`mxlint: ${file}: would be rewritten in place, not replaced atomically (it has 2 hard links: a new file would leave the other names with the old text)\n`);

    const run = mxlint([...args, '--fix-in-place']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/homeserver\.yaml: rewritten in place, not replaced atomically \(it has 2 hard links/);
    expect(statSync(file).ino).toBe(statSync(other).ino);
    expect(statSync(file).nlink).toBe(2);
    expect(readFileSync(other, 'utf8')).toContain('report_stats: false');
    expect(temporaries(dir)).toEqual([]);
  });
});

describe('a file changed between the read and the write', () => {
  it('a line appended meanwhile is kept: the fix is refused (exit 2) and no file is written', async () => {
    const { dir, args } = confd();
    const last = join(dir, 'conf.d/20-report-stats.yaml');
    const run = await held(args, () => appendFileSync(last, 'admin_contact: "mailto:admin@example.net"\n'));
    const before = files(join(ROOT, 'fixtures/fix/confd'));
    refused(run, '20-report-stats.yaml', /changed since mxlint read it .*; nothing was written$/);
    expect(readFileSync(last, 'utf8')).toBe(`${before.get('conf.d/20-report-stats.yaml')}admin_contact: "mailto:admin@example.net"\n`);
    before.delete('conf.d/20-report-stats.yaml');
    for (const [name, bytes] of before) expect(readFileSync(join(dir, name)), name).toEqual(bytes);
    expect(temporaries(dir)).toEqual([]);
  });

  it('a file removed meanwhile stays removed', async () => {
    const { dir, args } = confd();
    const run = await held(args, () => rmSync(join(dir, 'conf.d/10-retention.yaml')));
    refused(run, '10-retention.yaml', /changed since mxlint read it .*; nothing was written$/);
    expect(readdirSync(join(dir, 'conf.d'))).toEqual(['20-report-stats.yaml']);
    expect(files(dir).get('homeserver.yaml')).toEqual(files(join(ROOT, 'fixtures/fix/confd')).get('homeserver.yaml'));
  });

  it('a chmod 600 made meanwhile is not undone: the fix is refused', async () => {
    const { dir, args } = confd();
    const file = join(dir, 'homeserver.yaml');
    chmodSync(file, 0o644);
    const run = await held(args, () => chmodSync(file, 0o600));
    refused(run, 'homeserver.yaml', /its permissions or owner changed since mxlint read it: run the fix again; nothing was written$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(temporaries(dir)).toEqual([]);
  });

  it('a new file to add keys to that someone else created meanwhile is left alone', async () => {
    const { dir, args } = confd();
    const target = join(dir, 'conf.d/99-mxlint.yaml');
    rmSync(join(dir, 'homeserver.yaml'));
    writeFileSync(join(dir, 'homeserver.yaml'), 'server_name: example.net\n');
    const run = await held([...args, '--fix-target', target], () => writeFileSync(target, 'theirs: true\n'));
    refused(run, '99-mxlint.yaml', /was created by someone else since mxlint read the config; nothing was written$/);
    expect(readFileSync(target, 'utf8')).toBe('theirs: true\n');
    expect(temporaries(dir)).toEqual([]);
  });
});

describe('a signal during the write', () => {
  for (const [signal, code] of [['SIGTERM', 143], ['SIGINT', 130]] as const) {
    it(`${signal} waits until every file is written, then ends mxlint (exit ${code}) and says so`, async () => {
      const { dir, args } = confd();
      const run = await held(args, (child) => child.kill(signal));
      expect(run.code, run.stderr).toBe(code);
      expect(run.stderr).toContain(`mxlint: interrupted by ${signal}, after every file was written`);
      expect(temporaries(dir)).toEqual([]);
      // All three were written: a second run has nothing to change.
      expect(JSON.parse(mxlint([...args, '-f', 'json']).stdout).files).toEqual([]);
    });
  }

  it('a signal during a write that is refused ends mxlint after everything is put back', async () => {
    const { dir, args } = confd();
    const before = files(dir);
    const run = await held(args, (child) => {
      appendFileSync(join(dir, 'homeserver.yaml'), '# theirs\n');
      child.kill('SIGTERM');
    });
    expect(run.code).toBe(143);
    expect(run.stderr).toMatch(/interrupted by SIGTERM, after the write failed \(.*homeserver\.yaml: changed since mxlint read it/);
    expect(readFileSync(join(dir, 'homeserver.yaml'), 'utf8')).toBe(`${before.get('homeserver.yaml')}# theirs\n`);
    expect(temporaries(dir)).toEqual([]);
  });
});

describe('bytes kept as README "Fixing" promises', () => {
  const fixed = (content: string | Buffer) => {
    const { dir, file, args } = single('homeserver.yaml', content);
    const run = mxlint(args);
    expect(run.code, run.stderr).toBe(0);
    expect(temporaries(dir)).toEqual([]);
    return readFileSync(file);
  };

  it('CR-only line endings stay CR-only', () => {
    const after = fixed(CONFIG.replaceAll('\n', '\r')).toString('utf8');
    expect(after).not.toContain('\n');
    expect(after.startsWith('server_name: example.org\r# the statistics\rreport_stats: false\r')).toBe(true);
    expect(after).toMatch(/\renable_3pid_lookup: false\r$/);
  });

  it('CRLF stays CRLF on every line, old and new', () => {
    const after = fixed(CONFIG.replaceAll('\n', '\r\n')).toString('utf8');
    expect(after.startsWith('server_name: example.org\r\n# the statistics\r\nreport_stats: false\r\n')).toBe(true);
    expect(after.split('\r\n').every((line) => !line.includes('\n') && !line.includes('\r'))).toBe(true);
  });

  it('a UTF-8 BOM is kept', () => {
    const after = fixed(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(CONFIG)]));
    expect([...after.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(after.subarray(3).toString('utf8').startsWith('server_name: example.org\n# the statistics\nreport_stats: false\n')).toBe(true);
  });

  it('a file without a final newline gets its new keys on lines of their own', () => {
    const after = fixed(CONFIG.trimEnd()).toString('utf8');
    expect(after.startsWith('server_name: example.org\n# the statistics\nreport_stats: false\n')).toBe(true);
  });

  it.skipIf(!isRoot)('mode 0640 and the owner are kept', () => {
    const { dir, file, args } = single('homeserver.yaml', CONFIG);
    chmodSync(file, 0o640);
    chownSync(file, 65534, 65534);
    expect(mxlint(args).code).toBe(0);
    const after = statSync(file);
    expect(after.mode & 0o7777).toBe(0o640);
    expect([after.uid, after.gid]).toEqual([65534, 65534]);
    expect(readFileSync(file, 'utf8')).toContain('report_stats: false');
    expect(temporaries(dir)).toEqual([]);
  });

  it.skipIf(!hasPython)('extended attributes are not copied to the new file (README says so)', () => {
    const { file, args } = single('homeserver.yaml', CONFIG);
    const xattrs = () => spawnSync('python3', ['-c', 'import os, sys; print(os.listxattr(sys.argv[1]))', file], { encoding: 'utf8' }).stdout.trim();
    expect(spawnSync('python3', ['-c', 'import os, sys; os.setxattr(sys.argv[1], "user.mxlint", b"1")', file]).status).toBe(0);
    expect(xattrs()).toBe("['user.mxlint']");
    expect(mxlint(args).code).toBe(0);
    expect(xattrs()).toBe('[]');
  });

  for (const [what, content, why] of [
    ['CR-only line breaks mixed with LF', 'server_name: example.org\rreport_stats: "yes"\n', /mixes CR-only line breaks with LF ones/],
    ['a NEL, which PyYAML reads as a line break', 'server_name: example.org\n# a\u0085report_stats: "yes"\n', /:2: holds a NEL \(U\+0085\) character, which Synapse reads as a line break/],
    ['a U+2028 line separator', 'server_name: example.org\nreport_stats: "yes" # x\u2028\n', /:2: holds a U\+2028 character/],
  ] as const) {
    it(`${what} is refused (exit 2), the file untouched`, () => {
      const { dir, file, args } = single('homeserver.yaml', content);
      refused(mxlint(args), 'homeserver.yaml', why);
      expect(readFileSync(file, 'utf8')).toBe(content);
      expect(temporaries(dir)).toEqual([]);
    });
  }
});

