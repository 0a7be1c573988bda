// What build.mjs and docs.mjs share: every YAML file under a folder, read by mxlint's own reader
// (src/sources/pyyaml.ts, as PyYAML reads YAML), the one that reads a user's rules; and a way to
// import a TypeScript module of src/ from a script.
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildSync } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
let bundles = 0;

/** Bundles `source` (TypeScript importing from src/) and imports it. */
export async function importSource(source) {
  const dir = join(root, 'node_modules/.cache/mxlint-build');
  mkdirSync(dir, { recursive: true });
  const outfile = join(dir, `bundle-${process.pid}-${bundles += 1}.mjs`);
  buildSync({
    stdin: { contents: source, resolveDir: root, loader: 'ts', sourcefile: 'build-entry.ts' },
    bundle: true, platform: 'node', format: 'esm', outfile, logLevel: 'warning',
    banner: { js: "import { createRequire as __mxlintCreateRequire } from 'node:module'; const require = __mxlintCreateRequire(import.meta.url);" },
  });
  try {
    return await import(pathToFileURL(outfile).href);
  } finally {
    rmSync(outfile, { force: true });
  }
}

const { parsePyYaml } = await importSource("export { parsePyYaml } from './src/sources/pyyaml.ts';");

export function yamlFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? yamlFiles(path) : /\.ya?ml$/.test(entry.name) ? [path] : [];
  }).sort();
}

export const readYaml = (file) => parsePyYaml(readFileSync(file, 'utf8'), file).data;
