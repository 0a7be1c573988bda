#!/usr/bin/env node
// Launcher: checks the Node.js version before loading anything that needs a newer one.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  process.stderr.write(`mxlint needs Node.js 22.12 or newer; this is Node.js ${process.versions.node} (${process.execPath}).\n`);
  process.exit(2);
}
// A reader that stops early (`mxlint ... | head`) is not an error.
process.stdout.on('error', (error) => process.exit(error.code === 'EPIPE' ? 0 : 70));
import('node:module').then((module) => module.enableCompileCache?.()).catch(() => {})
  .then(() => import('../dist/cli.js'))
  .then(({ main }) => main(process.argv))
  // Exit once the output is flushed: matrix-js-sdk leaves request timers running after the work is done.
  .then((code) => process.stdout.write('', () => process.exit(code)));
