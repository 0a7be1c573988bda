// What build.mjs and docs.mjs both read: every YAML file under a folder, as YAML 1.1.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export function yamlFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? yamlFiles(path) : /\.ya?ml$/.test(entry.name) ? [path] : [];
  }).sort();
}

export const readYaml = (file) => parse(readFileSync(file, 'utf8'), { version: '1.1' });
