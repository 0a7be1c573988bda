// The pre-commit hook, run as its users run it: Debian's pre-commit, `pre-commit try-repo` on a
// scratch repository holding a bad and a good config. pre-commit installs the hook as for a user
// (npm install, npm pack, npm install -g into its own environment) with Node.js 24 as the
// system node (the machine's Node.js 20 is too old for mxlint, and the hook says so).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { ROOT } from '../cli/run.js';
import { freshCopy, NODE24, sh, userEnv } from './shell.js';

const available = sh('command -v pre-commit', ROOT).code === 0;
if (!available && !process.env.CI) console.warn('test/ship/pre-commit.test.ts skipped: pre-commit is not installed (apt-get install pre-commit; .ci/run installs it)');

describe.skipIf(!available && !process.env.CI)('the pre-commit hook', () => {
  const work = join(tmpdir(), `mxlint-pre-commit-${process.pid}`);
  const scratch = join(work, 'servers');
  const example = readFileSync(join(ROOT, 'fixtures/examples/homeserver.yaml'), 'utf8');
  const write = (path: string, text: string) => { mkdirSync(dirname(join(scratch, path)), { recursive: true }); writeFileSync(join(scratch, path), text); };
  // nodeenv's "system" node is the first `nodejs`, then `node`, on PATH.
  const systemNode = join(work, 'system-node');
  const env = userEnv({ PATH: `${systemNode}:${userEnv().PATH}`, PRE_COMMIT_HOME: join(work, 'cache'), npm_config_prefer_offline: 'true' });
  const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd, env, encoding: 'utf8' }).trim();
  let hookRepo = '';
  let rev = '';
  const tryRepo = () => sh(`pre-commit try-repo "${hookRepo}" mxlint --ref ${rev} --all-files`, scratch, env, 600_000);

  beforeAll(() => {
    mkdirSync(systemNode, { recursive: true });
    for (const name of ['node', 'nodejs']) symlinkSync(NODE24, join(systemNode, name));
    // The hook's repository: the checkout as it is, made a repository of its own.
    hookRepo = freshCopy();
    git(hookRepo, 'init', '-q');
    git(hookRepo, 'add', '-A');
    git(hookRepo, 'commit', '-qm', 'hook');
    rev = git(hookRepo, 'rev-parse', 'HEAD');
    mkdirSync(scratch);
    git(scratch, 'init', '-q');
    write('.mxlint.yaml', 'useCases: [chatons]\n');
    // The good server: the example with six months written as days; its conf.d is read with it.
    write('good/homeserver.yaml', example.replace('max_lifetime: 6m', 'max_lifetime: 180d'));
    write('good/conf.d/20-contact.yaml', "admin_contact: 'mailto:admin@example.org'\n");
  });
  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
    if (hookRepo) rmSync(hookRepo, { recursive: true, force: true });
  });

  it('matches homeserver.yaml files and conf.d fragments, not other YAML', () => {
    const [hook] = parse(readFileSync(join(ROOT, '.pre-commit-hooks.yaml'), 'utf8'));
    const files = new RegExp(hook.files);
    expect(['homeserver.yaml', 'synapse/homeserver.yaml', 'srv/homeserver-prod.yml', 'synapse/conf.d/10-retention.yaml'].filter((path) => !files.test(path))).toEqual([]);
    expect(['docker-compose.yaml', '.mxlint.yaml', 'conf.d/notes.txt', 'synapse/log.config'].filter((path) => files.test(path))).toEqual([]);
    expect(hook.language).toBe('node');
  });

  // try-repo installs the hook in a store of its own each time: one run, both servers.
  it('try-repo: fails the bad server, naming its file and line, and lints the good one whole', () => {
    write('bad/homeserver.yaml', example);
    git(scratch, 'add', '-A');
    const run = tryRepo();
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/mxlint \(Synapse config\)\.+Failed/);
    expect(run.stdout).toMatch(/bad\/homeserver\.yaml\n {2}✗ retention-not-minutes {2}error: chatons\n {4}33:5 /);
    // The heading wraps at 80 columns like every line of the text report.
    expect(run.stdout).toMatch(/mxlint 0\.1\.0: homeserver configuration good\/homeserver\.yaml,\s+good\/conf\.d\/20-contact\.yaml\n/);
    expect(run.stdout).toMatch(/fit with warnings \(1\) +chatons\n/);
  }, 900_000);

  it("docs/ci.md's .pre-commit-config.yaml, with its args: passes the good server, fails the bad one", () => {
    const section = readFileSync(join(ROOT, 'docs/ci.md'), 'utf8').split(/^## /m).find((part) => part.startsWith('pre-commit\n'))!;
    const config = parse(/```yaml\n([\s\S]*?)```/.exec(section)![1]);
    expect(config.repos[0]).toMatchObject({ repo: expect.stringMatching(/\/OWNER\/mxlint$/), hooks: [{ id: 'mxlint' }] });
    // The same hook from this checkout's copy.
    config.repos[0].repo = hookRepo;
    config.repos[0].rev = rev;
    write('.pre-commit-config.yaml', stringify(config));
    write('.mxlint.yaml', 'useCases: [anonymous]\n'); // the args' --use-case chatons is what counts
    git(scratch, 'add', '-A');
    const good = sh('pre-commit run --files good/homeserver.yaml good/conf.d/20-contact.yaml', scratch, env, 600_000);
    expect(good.code, good.stdout + good.stderr).toBe(0);
    expect(good.stdout).toMatch(/mxlint \(Synapse config\)\.+Passed/);
    const all = sh('pre-commit run --all-files', scratch, env, 600_000);
    expect(all.code).toBe(1);
    expect(all.stdout).toMatch(/bad\/homeserver\.yaml\n {2}✗ retention-not-minutes {2}error: chatons\n {4}33:5 /);
    expect(all.stdout).toMatch(/unfit \(1\) +chatons\n/);
    expect(all.stdout).not.toMatch(/\banonymous\b/);
  }, 900_000);
});
