// Regenerates the README's example outputs from the built binary: each ```console block whose
// first line is a one-line `$ mxlint ...` command gets that command's real output (80 columns,
// no colour, run from the repository's root).
//   node scripts/readme-examples.mjs           rewrite README.md
//   node scripts/readme-examples.mjs --check   exit 1 when an example is stale
import { readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const readmePath = join(root, 'README.md');

/** The README with every runnable example replaced by the command's output now. */
export function renderReadme(text = readFileSync(readmePath, 'utf8')) {
  return text.replace(/```console\n\$ (mxlint [^\n\\]*)\n[^]*?```/g, (whole, command) => {
    const args = command.split(/\s+/).slice(1);
    const run = spawnSync(process.execPath, [join(root, 'bin/mxlint.cjs'), ...args], {
      cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', COLUMNS: '80', LANG: 'C', LC_ALL: '' },
    });
    if (run.status !== 0 && run.status !== 1) throw new Error(`${command}: exit ${run.status}: ${run.stderr}`);
    return `\`\`\`console\n$ ${command}\n${run.stdout.trimEnd()}\n\`\`\``;
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const current = readFileSync(readmePath, 'utf8');
  const fresh = renderReadme(current);
  if (process.argv.includes('--check')) {
    if (fresh !== current) {
      console.error('README.md examples are stale: run `npm run readme` (after `npm run build`)');
      process.exit(1);
    }
  } else {
    writeFileSync(readmePath, fresh);
  }
}
