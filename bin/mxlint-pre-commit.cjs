#!/usr/bin/env node
// The pre-commit hook (.pre-commit-hooks.yaml). pre-commit passes the changed files matching the
// hook's `files:` pattern, in one list, after the hook's args; Synapse reads a server's config as
// its homeserver.yaml then the conf.d beside it, and a server that delegates sign-up to Matrix
// Authentication Service is judged with MAS's config too. So the files are grouped per server (the
// folder holding homeserver*.yaml, conf.d/, mas*.yaml or mas/config.yaml) and each server is linted
// whole, in that order, with the args and every MAS config of its folder; the exit code is the worst.
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

/** The same files as the hook's `files:` pattern. */
const CONFIG_FILE = /(^|\/)(homeserver[^/]*\.ya?ml|conf\.d\/[^/]+\.yaml|mas(-[^/]*)?\.ya?ml|(mas|matrix-authentication-service)\/config\.ya?ml)$/;
/** MAS configs beside a server's homeserver.yaml: mas.yaml, mas-*.yaml, or config.yaml in a mas/ folder. */
const MAS_NAME = /^mas(-[^/]*)?\.ya?ml$/;
const MAS_FOLDERS = ['mas', 'matrix-authentication-service'];
const isFile = (file) => fs.statSync(file, { throwIfNoEntry: false })?.isFile() ?? false;
const isConfigFile = (arg) => CONFIG_FILE.test(arg.split(path.sep).join('/')) && isFile(arg);

const args = process.argv.slice(2);
const files = args.filter(isConfigFile);
const options = args.filter((arg) => !files.includes(arg));

/** The server folder a file belongs to, and whether it is one of the server's homeserver*.yaml. */
function serverOf(file) {
  const parent = path.dirname(file);
  const inSubfolder = path.basename(parent) === 'conf.d' || (MAS_FOLDERS.includes(path.basename(parent)) && /^config\.ya?ml$/.test(path.basename(file)));
  const folder = inSubfolder ? path.dirname(parent) : parent;
  return { folder, main: !inSubfolder && /^homeserver[^/]*\.ya?ml$/.test(path.basename(file)) };
}

/** Folder of the server a file belongs to → its main files (homeserver*.yaml). */
const servers = new Map();
for (const file of files) {
  const { folder, main } = serverOf(file);
  if (!servers.has(folder)) servers.set(folder, new Set());
  if (main) servers.get(folder).add(file);
}

/** Every MAS config of a server's folder, changed or not: the server is judged whole. */
function masConfigs(folder) {
  const beside = fs.readdirSync(folder).filter((name) => MAS_NAME.test(name)).sort().map((name) => path.join(folder, name));
  const inFolders = MAS_FOLDERS.flatMap((sub) => ['config.yaml', 'config.yml'].map((name) => path.join(folder, sub, name)));
  return [...beside, ...inFolders].filter(isFile);
}

let exit = 0;
for (const [folder, mains] of servers) {
  const main = mains.size ? [...mains].sort() : fs.readdirSync(folder).filter((name) => /^homeserver[^/]*\.ya?ml$/.test(name)).sort().map((name) => path.join(folder, name));
  const confD = path.join(folder, 'conf.d');
  if (main.length === 0) {
    // A MAS config alone says nothing: it is judged with the Synapse config that delegates to it.
    process.stderr.write(`mxlint-pre-commit: ${folder}: no homeserver*.yaml in this folder; a MAS config is linted with the Synapse config beside it\n`);
    exit = Math.max(exit, 2);
    continue;
  }
  const paths = [...main, ...(fs.existsSync(confD) ? [confD] : [])];
  const mas = masConfigs(folder).flatMap((file) => ['--mas-config', file]);
  const run = spawnSync(process.execPath, [path.join(__dirname, 'mxlint.cjs'), 'config', ...paths, ...mas, ...options], { stdio: 'inherit' });
  exit = Math.max(exit, run.status ?? 70);
}
process.exit(exit);
