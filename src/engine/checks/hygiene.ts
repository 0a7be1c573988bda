// Config file hygiene: where secrets live and who can read them.
import { dirname, isAbsolute, join } from 'node:path';
import type { CheckResult } from '../../types.js';
import type { ServerFacts } from '../../facts/server-facts.js';
import { catalogue } from '../../facts/catalogue.js';
import type { CheckFunction } from './types.js';

const server = (facts: unknown): ServerFacts => facts as ServerFacts;
const secretOptions = () => Object.entries(catalogue.options).filter(([, entry]) => entry.secret);

/** Inline secrets that Synapse can read from a file instead (`*_path`). */
export const secretsInFiles: CheckFunction = (_fact, { facts }) => {
  const { get } = server(facts);
  const results: CheckResult[] = [];
  for (const [path, entry] of secretOptions()) {
    if (!entry.pathTwin) continue;
    const fact = get(path);
    if (fact.state === 'default' || fact.value === null || fact.value === undefined) continue;
    // A placeholder is inline once rendered, and worse unrendered: the fact's reason says why.
    const unrendered = fact.state === 'unknown' ? `; it is an ${fact.reason}` : '';
    results.push({ status: 'fail', message: `${path} is written in the config; Synapse can read it from a file (${entry.pathTwin})${unrendered}`, path, location: fact.location });
  }
  return results.length ? results : { status: 'pass', message: 'no secret that could live in its own file is written inline' };
};

/** Files holding secrets must not be readable by every user of the machine. */
export const secretFilesPrivate: CheckFunction = (_fact, { facts }) => {
  const { files, get, config, fileModes } = server(facts);
  const results: CheckResult[] = [];
  const secretsIn = (data: Record<string, unknown>) => secretOptions().some(([path]) => {
    let value: any = data;
    for (const part of path.split('.')) value = value && typeof value === 'object' ? value[part] : undefined;
    return value !== undefined && value !== null && value !== '';
  });
  for (const file of files) {
    if (!file.data || file.mode === undefined || !(file.mode & 0o004) || !secretsIn(file.data)) continue;
    results.push({ status: 'fail', message: `${file.path} holds secrets and is readable by every user (mode ${(file.mode & 0o777).toString(8)}); use chmod 640 or 600`, location: { file: file.path, line: 1, column: 1 } });
  }
  const keyPath = signingKeyPath(get('signing_key_path').value, config.server_name, files[0]?.path);
  const keyMode = keyPath ? fileModes(keyPath) : undefined;
  if (keyPath && keyMode !== undefined && keyMode & 0o004) {
    results.push({ status: 'fail', message: `the signing key ${keyPath} is readable by every user (mode ${(keyMode & 0o777).toString(8)}); use chmod 600 or 640`, path: 'signing_key_path', location: get('signing_key_path').location });
  }
  return results.length ? results : { status: 'pass', message: 'no file holding a secret is readable by every user' };
};

/** Synapse's default is <config dir>/<server_name>.signing.key. */
function signingKeyPath(configured: unknown, serverName: unknown, mainFile?: string): string | undefined {
  if (typeof configured === 'string' && configured) return isAbsolute(configured) || !mainFile ? configured : join(dirname(mainFile), configured);
  if (typeof serverName === 'string' && mainFile) return join(dirname(mainFile), `${serverName}.signing.key`);
  return undefined;
}
