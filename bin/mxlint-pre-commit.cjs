#!/usr/bin/env node
// The pre-commit hook (.pre-commit-hooks.yaml). pre-commit passes the changed files matching the
// hook's `files:` pattern, in one list, after the hook's args; Synapse reads a server's config as
// its homeserver.yaml then the conf.d beside it. So the files are grouped per server (the folder
// holding homeserver*.yaml or conf.d/) and each server is linted whole, in that order, with the
// args; the exit code is the worst one.
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

/** The same files as the hook's `files:` pattern. */
const CONFIG_FILE = /(^|\/)(homeserver[^/]*\.ya?ml|conf\.d\/[^/]+\.yaml)$/;
const isConfigFile = (arg) => CONFIG_FILE.test(arg.split(path.sep).join('/')) && fs.statSync(arg, { throwIfNoEntry: false })?.isFile();

const args = process.argv.slice(2);
const files = args.filter(isConfigFile);
const options = args.filter((arg) => !files.includes(arg));

/** Folder of the server a file belongs to → its main files (homeserver*.yaml). */
const servers = new Map();
for (const file of files) {
  const inConfD = path.basename(path.dirname(file)) === 'conf.d';
  const folder = inConfD ? path.dirname(path.dirname(file)) : path.dirname(file);
  if (!servers.has(folder)) servers.set(folder, new Set());
  if (!inConfD) servers.get(folder).add(file);
}

let exit = 0;
for (const [folder, mains] of servers) {
  const main = mains.size ? [...mains].sort() : fs.readdirSync(folder).filter((name) => /^homeserver[^/]*\.ya?ml$/.test(name)).sort().map((name) => path.join(folder, name));
  const confD = path.join(folder, 'conf.d');
  const paths = [...main, ...(fs.existsSync(confD) ? [confD] : [])];
  const run = spawnSync(process.execPath, [path.join(__dirname, 'mxlint.cjs'), 'config', ...paths, ...options], { stdio: 'inherit' });
  exit = Math.max(exit, run.status ?? 70);
}
process.exit(exit);
