#!/usr/bin/env node
// Launcher: checks the Node.js version before loading anything that needs a newer one, then runs
// the command line (dist/cli.cjs) with a V8 code cache.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  process.stderr.write(`mxlint needs Node.js 22.12 or newer; this is Node.js ${process.versions.node} (${process.execPath}).\n`);
  process.exit(2);
}

// V8 compiles a function when it first runs, and Node's compile cache keeps only what was compiled
// while a file loaded: most of mxlint was compiled again on every run (half its start-up). This
// cache is made after a run, so it holds every function that run needed: one per kind of run
// (command, output formats, mode), so that `--version` reads a small one and a first `--help` or
// `-f json` does not leave `config`'s text report uncompiled. It is kept per user (README "Limits
// and safety"); V8 refuses a cache made by another version, with other flags or for another
// bundle, and a missing or refused cache is written again after the run.
/** src/cli/main.ts's commands (test/cli/launcher.test.ts keeps the lists equal), formats, modes. */
const COMMANDS = ['config', 'room', 'server', 'probe', 'diff', 'use-cases', 'rules', 'explain', 'schema'];
const FORMATS = ['text', 'json', 'sarif', 'junit', 'github', 'gitlab', 'markdown'];
const MODES = ['--fix', '--fix-dry-run', '--dump-facts', '--plan', '--apply'];
// CommonJS, like the bundle: an ES module here would set up Node's ESM loader for nothing.
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const { createRequire } = require('node:module');

const bundle = path.join(__dirname, '../dist/cli.cjs');
const source = fs.readFileSync(bundle, 'utf8');
const cacheFile = codeCacheFile(bundle);
let cachedData;
try {
  if (cacheFile) cachedData = fs.readFileSync(cacheFile);
} catch { /* none yet */ }
const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: bundle, cachedData });
const cli = { exports: {} };
script.runInThisContext()(cli.exports, createRequire(bundle), cli, bundle, path.dirname(bundle));
cli.exports.main(process.argv).then((code) => {
  if (cacheFile && (!cachedData || script.cachedDataRejected)) saveCodeCache(cacheFile, script);
  // The output is written (synchronously); matrix-js-sdk may leave request timers running.
  process.exit(code);
});

/** In $XDG_CACHE_HOME/mxlint or ~/.cache/mxlint; none when MXLINT_CODE_CACHE=0, when there is no
 *  home, or when the folder is not ours alone (code is run from the cache). */
function codeCacheFile(bundle) {
  const home = process.env.XDG_CACHE_HOME || (process.env.HOME && path.join(process.env.HOME, '.cache'));
  if (!home || process.env.MXLINT_CODE_CACHE === '0' || !privateOrAbsent(path.join(home, 'mxlint'))) return undefined;
  const { size, mtimeMs } = fs.statSync(bundle);
  return path.join(home, 'mxlint', `cli-${size}-${Math.trunc(mtimeMs)}-${runKind(process.argv.slice(2))}-${process.versions.v8}.v8cache`);
}

/** Which code a run needs: "config", "config+json", "room+plan"... (unknown words: "other"). */
function runKind(args) {
  const command = args.find((arg) => COMMANDS.includes(arg)) ?? 'other';
  const formats = new Set();
  args.forEach((arg, index) => {
    const format = arg === '-f' || arg === '--format' ? args[index + 1] : arg.startsWith('--format=') ? arg.slice(9) : undefined;
    if (format !== undefined) formats.add(FORMATS.includes(format) ? format : 'other');
  });
  const modes = MODES.filter((mode) => args.includes(mode)).map((mode) => mode.slice(2));
  return [command, ...[...formats].sort(), ...modes].join('+');
}

function privateOrAbsent(dir) {
  try {
    const { uid, mode } = fs.statSync(dir);
    return (process.getuid === undefined || uid === process.getuid()) && (mode & 0o022) === 0;
  } catch {
    return true; // made 0700 when first written
  }
}

/** Written whole or not at all (rename). Caches of older bundles are removed, and past 20 kinds
 *  of run the oldest. Failing costs only time. */
function saveCodeCache(file, script) {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    const dir = path.dirname(file);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const bundleKey = path.basename(file).split('-').slice(0, 3).join('-');
    const kept = [];
    for (const name of fs.readdirSync(dir)) {
      if (!name.startsWith('cli-')) continue;
      if (name.startsWith(`${bundleKey}-`)) kept.push({ name, mtimeMs: fs.statSync(path.join(dir, name)).mtimeMs });
      else fs.rmSync(path.join(dir, name), { force: true });
    }
    kept.sort((a, b) => a.mtimeMs - b.mtimeMs);
    for (const { name } of kept.slice(0, Math.max(0, kept.length - 19))) fs.rmSync(path.join(dir, name), { force: true });
    fs.writeFileSync(temporary, script.createCachedData(), { mode: 0o600 });
    fs.renameSync(temporary, file);
  } catch {
    // Read-only home: every run compiles, as without a cache. A full disk: no half file left.
    try {
      fs.rmSync(temporary, { force: true });
    } catch { /* a cache directory mxlint cannot even look into */ }
  }
}
