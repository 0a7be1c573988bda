// Hostile configs (issue #6), through the built binary, each measured (wall time, peak RSS): alias
// bombs, deep nesting, a file past the size limit, the largest file within it, binary and invalid
// UTF-8, symlink loops, dangling links and a directory named x.yaml in a conf.d, unreadable files
// (as another user), FIFOs and devices, a directory where a file is expected. Each ends with one
// clear error line (exit 2) or a documented skip, within the bounds asserted here (README "Limits
// and safety").
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, closeSync, mkdirSync, openSync, rmSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../cli/run.js';
import { measure, oneErrorLine, record, table, tempDir, type Measured } from './measure.js';

/** Bounds for an input refused or skipped at once: loaded 2-core machine, Node's own ~60 MB. */
const QUICK = { seconds: 15, rssMb: 300 };
/** The largest config accepted (16 MiB of short keys, the worst shape measured): ~8 s, ~770 MB. */
const AT_LIMIT = { seconds: 60, rssMb: 1500 };
const MINIMAL = 'server_name: example.org\nreport_stats: false\n';
const EXAMPLE = join(ROOT, 'fixtures/examples/homeserver.yaml');

let dir: string;
const path = (name: string) => join(dir, name);
const write = (name: string, text: string | Buffer) => { writeFileSync(path(name), text); return path(name); };

function within(run: Measured, bounds: { seconds: number; rssMb: number }): void {
  expect(run.seconds, `took ${run.seconds.toFixed(1)} s`).toBeLessThan(bounds.seconds);
  if (!Number.isNaN(run.peakRssMb)) expect(run.peakRssMb, `peak RSS ${run.peakRssMb.toFixed(0)} MB`).toBeLessThan(bounds.rssMb);
}

async function config(name: string, args: string[], bounds = QUICK, options: Parameters<typeof measure>[1] = {}): Promise<Measured> {
  const run = record(`config: ${name}`, await measure(['config', ...args, '--no-policy', '--format', 'json'], { cwd: dir, ...options }));
  within(run, bounds);
  return run;
}

/** A report came out (exit 0 or 1) that says the file was skipped and why. */
function skipped(run: Measured, why: RegExp): void {
  expect([0, 1], `exit ${run.code}: ${run.stderr}`).toContain(run.code);
  expect(JSON.parse(run.stdout).warnings.join('\n')).toMatch(why);
}

describe.concurrent('hostile configs: one clear error or a documented skip, in bounded time and memory', () => {
  beforeAll(() => {
    dir = tempDir('config');
    chmodSync(dir, 0o755); // the permission test runs as nobody
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    process.stdout.write(table('hostile configs'));
  });

  it('an alias bomb (nine levels of nine aliases: 387 million values) is refused', async () => {
    const lines = [MINIMAL.trimEnd(), 'a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let level = 1; level < 10; level += 1) lines.push(`a${level}: &a${level} [${Array(9).fill(`*a${level - 1}`).join(', ')}]`);
    const run = await config('alias bomb', [write('bomb.yaml', `${lines.join('\n')}\n`)]);
    expect(oneErrorLine(run)).toMatch(/bomb\.yaml: the document expands to more than 1000000 values through aliases \(a YAML alias bomb\?\)$/);
  });

  it('an alias bomb through merge keys in a conf.d file is refused too', async () => {
    mkdirSync(path('merge.d'));
    const lines = ['b0: &b0 {k0: 1, k1: 1, k2: 1, k3: 1}'];
    for (let level = 1; level < 40; level += 1) lines.push(`b${level}: &b${level} {<<: *b${level - 1}, x: [*b${level - 1}, *b${level - 1}]}`);
    writeFileSync(path('merge.d/bomb.yaml'), `${lines.join('\n')}\n`);
    const run = await config('merge-key bomb in conf.d', [write('merge-main.yaml', MINIMAL), path('merge.d')]);
    expect(oneErrorLine(run)).toMatch(/merge\.d\/bomb\.yaml: the document expands to more than 1000000 values/);
  });

  it('nesting 2 000 levels deep (block) and 100 000 levels (flow) is refused at 200 levels', async () => {
    const block = Array.from({ length: 2000 }, (_, depth) => `${' '.repeat(depth)}a:`).join('\n');
    const flow = `${MINIMAL}x: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`;
    const [blockRun, flowRun] = await Promise.all([config('block nesting, 2 000 levels', [write('deep-block.yaml', block)]), config('flow nesting, 100 000 levels', [write('deep-flow.yaml', flow)])]);
    expect(oneErrorLine(blockRun)).toMatch(/deep-block\.yaml:\d+:\d+: invalid YAML: nesting exceeded maxDepth \(200\)/);
    expect(oneErrorLine(flowRun)).toMatch(/deep-flow\.yaml:3:\d+: invalid YAML: nesting exceeded maxDepth \(200\)/);
  });

  it('a 100 MB file is refused before it is read', async () => {
    const fd = openSync(path('huge.yaml'), 'w');
    const chunk = Buffer.from('key: "a value that repeats"\n'.repeat(37_450)); // ~1 MiB
    for (let written = 0; written < 100 * 1024 * 1024; written += chunk.length) writeSync(fd, chunk);
    closeSync(fd);
    const run = await config('100 MB file', [path('huge.yaml')]);
    expect(oneErrorLine(run)).toMatch(/huge\.yaml: file is \d+ bytes, larger than the 16777216-byte limit$/);
  });

  it('the largest file accepted, 16 MiB of short keys, ends within the bound (refused: too many values)', async () => {
    let text = MINIMAL;
    const block = Array.from({ length: 10_000 }, (_, index) => `k${index}: v`).join('\n');
    for (let round = 0; ; round += 1) {
      const next = `${block.replaceAll(/^k/gm, `r${round}k`)}\n`;
      if (text.length + next.length > 16 * 1024 * 1024) break;
      text += next;
    }
    const run = await config('16 MiB of short keys', [write('many.yaml', text)], AT_LIMIT);
    expect(oneErrorLine(run)).toMatch(/many\.yaml:\d+: the document holds more than 1000000 values$/);
  });

  it('a 16 MiB string value is read and linted', async () => {
    const run = await config('16 MiB scalar', [write('long.yaml', `${MINIMAL}database: {name: sqlite3}\nadmin_contact: "${'x'.repeat(16 * 1024 * 1024 - 150)}"\n`)], AT_LIMIT);
    expect(run.code, run.stderr).toBe(0);
  });

  it('a binary file and a file with invalid UTF-8: skipped as Synapse cannot read them, and synapse-starts fails', async () => {
    const random = Buffer.alloc(1024 * 1024);
    for (let index = 0; index < random.length; index += 1) random[index] = (index * 2654435761) >>> 24;
    const [binary, invalid] = await Promise.all([
      config('binary file (1 MiB)', [write('binary.yaml', random)]),
      config('invalid UTF-8', [write('latin1.yaml', Buffer.concat([Buffer.from(MINIMAL), Buffer.from('admin_contact: caf\xe9\n', 'latin1')]))]),
    ]);
    skipped(binary, /binary\.yaml: skipped, not UTF-8 text; Synapse cannot read it/);
    skipped(invalid, /latin1\.yaml: skipped, not UTF-8 text; Synapse cannot read it/);
    expect(JSON.parse(invalid.stdout).findings.some((finding: any) => finding.ruleId === 'synapse-starts' && finding.status === 'fail')).toBe(true);
  });

  it('a symlink loop and a dangling link given as the config: one line each', async () => {
    symlinkSync('loop-b.yaml', path('loop-a.yaml'));
    symlinkSync('loop-a.yaml', path('loop-b.yaml'));
    symlinkSync('nowhere.yaml', path('dangling.yaml'));
    const [loop, dangling] = await Promise.all([config('symlink loop', [path('loop-a.yaml')]), config('dangling symlink', [path('dangling.yaml')])]);
    expect(oneErrorLine(loop)).toMatch(/loop-a\.yaml: symbolic link loop$/);
    expect(oneErrorLine(dangling)).toMatch(/dangling\.yaml: no such file or directory$/);
  });

  it('in a conf.d, a symlink loop, a dangling link, a directory named x.yaml, a FIFO and a link to /dev/zero are skipped, as Synapse skips them', async () => {
    mkdirSync(path('odd.d'));
    writeFileSync(path('odd.d/10-real.yaml'), 'enable_metrics: true\n');
    symlinkSync('20-loop2.yaml', path('odd.d/20-loop1.yaml'));
    symlinkSync('20-loop1.yaml', path('odd.d/20-loop2.yaml'));
    symlinkSync('missing.yaml', path('odd.d/30-dangling.yaml'));
    mkdirSync(path('odd.d/40-x.yaml'));
    spawnSync('mkfifo', [path('odd.d/50-fifo.yaml')]);
    symlinkSync('/dev/zero', path('odd.d/60-zero.yaml'));
    writeFileSync(path('odd.d/70-typo.yml'), 'enable_metrics: false\n');
    const run = await config('conf.d with loops, dangling links, a directory, a FIFO, /dev/zero', [write('odd-main.yaml', MINIMAL), path('odd.d')]);
    expect([0, 1], run.stderr).toContain(run.code);
    const report = JSON.parse(run.stdout);
    // Read: the main file and 10-real.yaml; every other entry is listed as skipped, with why.
    expect(report.inputs).toEqual(['odd-main.yaml', ...['10-real', '20-loop1', '20-loop2', '30-dangling', '40-x', '50-fifo', '60-zero'].map((name) => `odd.d/${name}.yaml`), 'odd.d/70-typo.yml'].map(path));
    const warnings = report.warnings.join('\n');
    expect(warnings).toMatch(/20-loop1\.yaml: skipped, a symbolic link loop; Synapse skips it/);
    expect(warnings).toMatch(/30-dangling\.yaml: skipped, a broken symbolic link/);
    expect(warnings).toMatch(/40-x\.yaml: skipped, a directory, not a regular file/);
    expect(warnings).toMatch(/50-fifo\.yaml: skipped, a named pipe \(FIFO\), not a regular file/);
    expect(warnings).toMatch(/60-zero\.yaml: skipped, a symbolic link to a device, not a regular file/);
    expect(warnings).toMatch(/70-typo\.yml: skipped, named \*\.yml: Synapse reads only the \*\.yaml files/);
  });

  it('what PyYAML refuses: exit 2, one line naming file:line:col and the fault (never a report on a config that cannot load)', async () => {
    const cases: Array<[string, string, RegExp]> = [
      ['unquoted {{ VAR }}', `${MINIMAL}public_baseurl: {{ PUBLIC_BASEURL }}\n`, /template\.yaml:3:18: invalid YAML: found unhashable key/],
      ['list as a key', `${MINIMAL}[a, b]: x\n`, /list-key\.yaml:3:1: invalid YAML: found unhashable key \(a list/],
      ['tab after a colon', `${MINIMAL}enable_metrics:\tfalse\n`, /tab\.yaml:3:16: invalid YAML: a tab character here/],
      ['impossible date', `${MINIMAL}x: 2001-02-30\n`, /date\.yaml:3:3: invalid YAML: "2001-02-30" is no date PyYAML can read/],
    ];
    const names = ['template.yaml', 'list-key.yaml', 'tab.yaml', 'date.yaml'];
    const runs = await Promise.all(cases.map(([name, text], index) => config(name, [write(names[index], text)])));
    runs.forEach((run, index) => expect(oneErrorLine(run), cases[index][0]).toMatch(cases[index][2]));
  });

  it('a secret that is a number or !!binary: synapse-starts fails, naming its type, never its value', async () => {
    const run = await config('non-string secrets', [write('odd-secrets.yaml', `${MINIMAL}database: {name: sqlite3}\nmacaroon_secret_key: 987654321\nregistration_shared_secret: !!binary c2VjcmV0LWJ5dGVz\n`)]);
    expect(run.code, run.stderr).toBe(1);
    const starts = JSON.parse(run.stdout).findings.filter((finding: any) => finding.ruleId === 'synapse-starts' && finding.status === 'fail');
    expect(starts.map((finding: any) => finding.message).join('\n')).toMatch(/macaroon_secret_key is a number, not a string[\s\S]*registration_shared_secret is binary data/);
    expect(JSON.stringify(starts)).not.toMatch(/987654321|c2VjcmV0|secret-bytes/);
  });

  it('a directory with no *.yaml file Synapse would read: no config at all, one line, exit 2 (Synapse: "Must supply a config file")', async () => {
    mkdirSync(path('empty.d'));
    mkdirSync(path('only-odd.d'));
    spawnSync('mkfifo', [path('only-odd.d/fifo.yaml')]);
    writeFileSync(path('only-odd.d/notes.txt'), 'x\n');
    const [empty, odd] = await Promise.all([config('empty conf.d alone', [path('empty.d')]), config('conf.d of a FIFO alone', [path('only-odd.d')])]);
    expect(oneErrorLine(empty)).toMatch(/empty\.d: no config file: this directory holds no \*\.yaml file Synapse would read.*Must supply a config file/);
    expect(oneErrorLine(odd)).toMatch(/only-odd\.d: no config file/);
  });

  it('an unreadable file (mode 000, mxlint run as nobody): one line; root reads it regardless, so the test runs as another user', async (context) => {
    if (process.getuid?.() !== 0) context.skip();
    const canRun = spawnSync(process.execPath, ['-e', '0'], { uid: 65534, gid: 65534 });
    if (canRun.status !== 0) context.skip(); // the tree is not reachable by nobody here
    const file = write('secret.yaml', MINIMAL);
    chmodSync(file, 0o000);
    mkdirSync(path('locked.d'));
    chmodSync(path('locked.d'), 0o755);
    writeFileSync(path('locked.d/a.yaml'), 'enable_metrics: true\n');
    chmodSync(path('locked.d/a.yaml'), 0o000);
    const [direct, inConfd] = await Promise.all([
      config('unreadable file (as nobody)', [file], QUICK, { uid: 65534, gid: 65534 }),
      config('unreadable file in conf.d (as nobody)', [write('locked-main.yaml', MINIMAL), path('locked.d')], QUICK, { uid: 65534, gid: 65534 }),
    ]);
    expect(oneErrorLine(direct)).toMatch(/secret\.yaml: cannot read: EACCES$/);
    expect(oneErrorLine(inConfd)).toMatch(/locked\.d\/a\.yaml: cannot read: EACCES$/);
  });

  it('a FIFO nobody writes to, given as the config: one line at once (it used to hang forever)', async () => {
    spawnSync('mkfifo', [path('fifo.yaml')]);
    const run = await config('FIFO without a writer', [path('fifo.yaml')]);
    expect(oneErrorLine(run)).toMatch(/fifo\.yaml: is a FIFO or pipe with nothing written to it, expected a YAML file$/);
  });

  it('a pipe whose writer never writes: one line after 10 s, not a hang', async () => {
    spawnSync('mkfifo', [path('silent.yaml')]);
    // A writer that opens the FIFO and then stays silent for longer than mxlint waits.
    const writer = spawn('sh', ['-c', `exec 3>"${path('silent.yaml')}"; sleep 30`], { stdio: 'ignore' });
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const run = await config('FIFO whose writer stays silent', [path('silent.yaml')], { seconds: 30, rssMb: QUICK.rssMb });
      expect(oneErrorLine(run)).toMatch(/silent\.yaml: nothing to read for 10 s \(a FIFO or pipe nobody writes to\?\)$/);
      expect(run.seconds).toBeGreaterThan(9);
    } finally {
      writer.kill('SIGKILL');
    }
  }, 60_000);

  it('a pipe with a writer is read like a file: mxlint config <(ssh host cat homeserver.yaml)', async () => {
    // Process substitution: /dev/fd/63 is a pipe; the data comes half a second after mxlint opens it.
    const started = performance.now();
    const result = spawnSync('bash', ['-c', '"$0" "$1" config --no-policy --format json <(sleep 0.5; cat "$2")', process.execPath, join(ROOT, 'bin/mxlint.cjs'), EXAMPLE], {
      cwd: dir, env: { ...process.env, NO_COLOR: '1' }, encoding: 'utf8', timeout: 30_000,
    });
    const run: Measured = { code: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr, seconds: (performance.now() - started) / 1000, peakRssMb: Number.NaN };
    record('config: <(sleep 0.5; cat homeserver.yaml)', run);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).inputs).toEqual(['/dev/fd/63']);
    within(run, QUICK);
  });

  it('/dev/zero and /dev/urandom given as the config: refused at the size limit, memory bounded (it used to grow until killed)', async () => {
    const [zero, random] = await Promise.all([config('/dev/zero', ['/dev/zero']), config('/dev/urandom', ['/dev/urandom'])]);
    expect(oneErrorLine(zero)).toMatch(/^mxlint: \/dev\/zero: file is more than 16777216 bytes, larger than the 16777216-byte limit$/);
    expect(oneErrorLine(random)).toMatch(/^mxlint: \/dev\/urandom: file is more than 16777216 bytes/);
  });

  it('a policy, a baseline, a rule folder and a token file that are /dev/zero: refused at their bound', async () => {
    const main = write('bounded.yaml', MINIMAL);
    mkdirSync(path('zero-rules'));
    symlinkSync('/dev/zero', path('zero-rules/rule.yaml'));
    const run = async (name: string, args: string[]) => {
      const measured = record(name, await measure(args, { cwd: dir }));
      within(measured, QUICK);
      return oneErrorLine(measured);
    };
    expect(await run('--policy /dev/zero', ['config', main, '--policy', '/dev/zero'])).toMatch(/^mxlint: \/dev\/zero: file is more than 16777216 bytes, larger than the 16777216-byte limit$/);
    expect(await run('--baseline /dev/zero', ['config', main, '--no-policy', '--baseline', '/dev/zero'])).toMatch(/^mxlint: \/dev\/zero: file is more than 67108864 bytes/);
    expect(await run('--rules DIR with /dev/zero', ['config', main, '--no-policy', '--rules', path('zero-rules')])).toMatch(/rule\.yaml: file is more than 16777216 bytes/);
    expect(await run('--token-file /dev/zero', ['room', '!a:example.org', '--homeserver', 'http://127.0.0.1:9', '--token-file', '/dev/zero'])).toMatch(/^mxlint: \/dev\/zero: file is more than 65536 bytes/);
  });

  it('/dev/null is an empty config: skipped like an empty file', async () => {
    skipped(await config('/dev/null', ['/dev/null']), /\/dev\/null: skipped, empty file; Synapse skips it/);
  });

  it('an appservice registration that is /dev/zero, a FIFO or an alias bomb: the lint ends, the registration is reported unread', async () => {
    spawnSync('mkfifo', [path('as-fifo.yaml')]);
    write('as-bomb.yaml', `id: x\n${Array.from({ length: 12 }, (_, level) => `a${level}: &a${level} [${level ? Array(9).fill(`*a${level - 1}`).join(', ') : 'lol'}]`).join('\n')}\n`);
    const main = write('as-main.yaml', `${MINIMAL}app_service_config_files: [/dev/zero, ${path('as-fifo.yaml')}, ${path('as-bomb.yaml')}]\n`);
    const run = await config('appservice registrations: /dev/zero, FIFO, alias bomb', [main]);
    expect([0, 1], run.stderr).toContain(run.code);
    const messages = JSON.parse(run.stdout).findings.map((finding: any) => finding.message).join('\n');
    expect(messages).toMatch(/\/dev\/zero: cannot read: file is more than 16777216 bytes, larger than the 16777216-byte limit/);
    expect(messages).toMatch(/as-fifo\.yaml: cannot read: is a FIFO or pipe with nothing written to it/);
    expect(messages).toMatch(/as-bomb\.yaml: cannot read: .*alias/i);
  });

  it('a directory where a file is expected, and a file where a directory is expected: one line each', async () => {
    mkdirSync(path('a-dir'));
    const config = write('plain.yaml', MINIMAL);
    const cases: Array<[string, string[], RegExp]> = [
      ['--policy DIR', ['config', config, '--policy', path('a-dir')], /a-dir: is a directory, expected a policy file$/],
      ['--baseline DIR', ['config', config, '--baseline', path('a-dir')], /a-dir: is a directory, expected a baseline file$/],
      ['--output DIR', ['config', config, '--format', 'json', '--output', path('a-dir')], /a-dir: cannot write the json report \(EISDIR\)$/],
      ['--write-baseline DIR', ['config', config, '--write-baseline', path('a-dir')], /a-dir: cannot write the baseline \(EISDIR\)$/],
      ['--rules FILE', ['config', config, '--rules', config], /plain\.yaml: is not a directory of rule files$/],
      ['--state DIR', ['room', '--state', path('a-dir')], /a-dir: is a directory, expected a state dump JSON file$/],
      ['--members DIR', ['room', '--state', join(ROOT, 'fixtures/room-dumps/direct.json'), '--members', path('a-dir')], /a-dir: is a directory, expected a member list JSON file$/],
      ['--token-file DIR', ['room', '!r:example.org', '--homeserver', 'http://127.0.0.1:9', '--token-file', path('a-dir')], /a-dir: is a directory, expected a token file$/],
      ['diff OLD=DIR of nothing', ['diff', path('a-dir'), config], /./],
    ];
    const runs = await Promise.all(cases.map(([, args]) => measure(['--log-level', 'warn', ...args, ...(args[0] === 'diff' || args.includes('--policy') ? [] : ['--no-policy'])], { cwd: dir })));
    runs.forEach((run, index) => {
      const [name, , pattern] = cases[index];
      record(`dir/file confusion: ${name}`, run);
      within(run, QUICK);
      if (name.startsWith('diff')) {
        // An empty directory is an empty config: diff compares it and reports; no crash.
        expect([0, 1, 2], `${name}: exit ${run.code} ${run.stderr}`).toContain(run.code);
        expect(run.stderr).not.toMatch(/internal error|\n\s+at /);
        return;
      }
      expect(oneErrorLine(run), name).toMatch(pattern);
    });
  });
});
