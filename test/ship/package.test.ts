// The package users install: `npm pack`, then `npm install -g` of the tarball into an empty prefix
// with the npm of Node.js 22 and of Node.js 24, then mxlint run with no network (a new network
// namespace: unshare -rn). npm test has built dist/, so the tarball is packed without prepack.
import { readFileSync, readdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../cli/run.js';
import { NODE24, NPM_CLI, node22, pack, sh, userEnv } from './shell.js';

/** The stated bound (README "Install"): the tarball stays under 512 kB. */
const MAX_PACKED_BYTES = 512 * 1024;
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const work = mkdtempSync(join(tmpdir(), 'mxlint-pack-'));
let tarball = '';
afterAll(() => rmSync(work, { recursive: true, force: true }));

beforeAll(() => {
  const packed = pack(work);
  tarball = packed.tarball;
  console.log(`${basename(tarball)}: ${(packed.size / 1024).toFixed(0)} kB packed, ${(packed.unpackedSize / 1024).toFixed(0)} kB unpacked, ${packed.entryCount} files (bound: ${MAX_PACKED_BYTES / 1024} kB packed)`);
  expect(packed.size).toBeLessThan(MAX_PACKED_BYTES);
  // Only what runs: the launchers, the bundles and their types, the schemas users' editors read.
  const unexpected = packed.files.filter((path) => !/^(bin\/mxlint(-pre-commit)?\.cjs|dist\/.+\.(cjs|js|d\.ts)|(rules\/rule|src\/policy\/policy)\.schema\.json|package\.json|README\.md)$/.test(path));
  expect(unexpected).toEqual([]);
  // The policy file's schema, for editors and SchemaStore (docs/schemastore.md).
  expect(packed.files).toContain('src/policy/policy.schema.json');
}, 60_000);

describe.each([['22', node22], ['24', () => NODE24]])('on Node.js %s', (major, nodeBinary) => {
  it('installs from the tarball into an empty prefix and runs offline: --version, a config, a room dump', () => {
    const node = nodeBinary();
    const prefix = join(work, `prefix-${major}`);
    const env = userEnv({ PATH: `${dirname(node)}:${join(prefix, 'bin')}:/usr/bin:/bin`, npm_config_prefer_offline: 'true' });
    const started = Date.now();
    const install = sh(`node "${NPM_CLI}" install -g "${tarball}" --prefix "${prefix}" --no-audit --no-fund`, work, env);
    const installed = Date.now();
    expect(install.stderr).toBe('');
    expect(install.code).toBe(0);
    const lib = join(prefix, 'lib/node_modules/mxlint');
    expect(readdirSync(join(lib, 'node_modules')).filter((name) => name in pkg.devDependencies)).toEqual([]);
    expect(Object.keys(JSON.parse(readFileSync(join(lib, 'package.json'), 'utf8')).dependencies)).toEqual(Object.keys(pkg.dependencies));

    const offline = (command: string) => sh(`unshare -rn ${command}`, work, env);
    expect(offline('node --version').stdout).toMatch(new RegExp(`^v${major}\\.`));
    expect(offline('mxlint --version')).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
    const config = offline(`mxlint config "${join(ROOT, 'fixtures/examples/homeserver.yaml')}" -u chatons -f json`);
    expect(config.stderr).toBe('');
    expect(config.code).toBe(1);
    expect(JSON.parse(config.stdout).verdicts).toContainEqual(expect.objectContaining({ useCase: 'chatons', verdict: 'unfit' }));
    const room = offline(`mxlint room --state "${join(ROOT, 'fixtures/room-dumps/association.json')}" -u association -f json`);
    expect(room.stderr).toBe('');
    expect(room.code).toBe(0);
    expect(JSON.parse(room.stdout).verdicts).toContainEqual(expect.objectContaining({ useCase: 'association', verdict: 'fit' }));
    console.log(`Node.js ${major}: npm install -g of the tarball ${((installed - started) / 1000).toFixed(1)} s, three runs ${((Date.now() - installed) / 1000).toFixed(1)} s`);
  }, 180_000);
});
