// Config file hygiene: where secrets live and who can read them.
import { dirname, isAbsolute, join } from 'node:path';
import type { CheckResult } from '../../types.js';
import type { ServerFacts } from '../../facts/server-facts.js';
import { catalogue } from '../../facts/catalogue.js';
import type { CheckFunction } from './types.js';
import { defineMessages } from '../../messages/message.js';

const message = defineMessages({
  'hygiene.inlineSecret': {
    en: '{path} is written in the config; Synapse can read it from a file ({twin})',
    fr: '{path} est écrit dans la configuration\u00a0; Synapse peut le lire dans un fichier ({twin})',
  },
  'hygiene.inlinePlaceholder': {
    en: '{path} is written in the config; Synapse can read it from a file ({twin}); it is an {reason}',
    fr: '{path} est écrit dans la configuration\u00a0; Synapse peut le lire dans un fichier ({twin})\u00a0; c’est une {reason}',
  },
  'hygiene.noInlineSecret': { en: 'no secret that could live in its own file is written inline', fr: 'aucun secret que Synapse pourrait lire dans un fichier à part n’est écrit dans la configuration' },
  'hygiene.fileReadable': {
    en: '{file} holds secrets and is readable by every user (mode {mode}); use chmod 640 or 600',
    fr: '{file} contient des secrets et tous les utilisateurs peuvent le lire (mode {mode})\u00a0; utilisez chmod 640 ou 600',
  },
  'hygiene.signingKeyReadable': {
    en: 'the signing key {file} is readable by every user (mode {mode}); use chmod 600 or 640',
    fr: 'tous les utilisateurs peuvent lire la clé de signature {file} (mode {mode})\u00a0; utilisez chmod 600 ou 640',
  },
  'hygiene.filesPrivate': { en: 'no file holding a secret is readable by every user', fr: 'aucun fichier contenant un secret n’est lisible par tous les utilisateurs' },
});

const server = (facts: unknown): ServerFacts => facts as ServerFacts;
const secretOptions = () => Object.entries(catalogue.options).filter(([, entry]) => entry.secret);
// An empty string is no secret (NixOS writes `turn_shared_secret: ''` for "none").
const holdsSecret = (value: unknown) => value !== undefined && value !== null && value !== '';

/** Inline secrets that Synapse can read from a file instead (`*_path`). */
export const secretsInFiles: CheckFunction = (_fact, { facts }) => {
  const { get } = server(facts);
  const results: CheckResult[] = [];
  for (const [path, entry] of secretOptions()) {
    if (!entry.pathTwin) continue;
    const fact = get(path);
    if (fact.state === 'default' || !holdsSecret(fact.value)) continue;
    // A placeholder is inline once rendered, and worse unrendered: the fact's reason says why.
    const said = fact.state === 'unknown' && fact.reason !== undefined
      ? message('hygiene.inlinePlaceholder', { path, twin: entry.pathTwin, reason: fact.reason })
      : message('hygiene.inlineSecret', { path, twin: entry.pathTwin });
    results.push({ status: 'fail', message: said, path, location: fact.location });
  }
  return results.length ? results : { status: 'pass', message: message('hygiene.noInlineSecret') };
};

/** Files holding secrets must not be readable by every user of the machine. */
export const secretFilesPrivate: CheckFunction = (_fact, { facts }) => {
  const { files, get, config, fileModes } = server(facts);
  const results: CheckResult[] = [];
  const secretsIn = (data: Record<string, unknown>) => secretOptions().some(([path]) => {
    let value: any = data;
    for (const part of path.split('.')) value = value && typeof value === 'object' ? value[part] : undefined;
    return holdsSecret(value);
  });
  for (const file of files) {
    if (!file.data || file.mode === undefined || !(file.mode & 0o004) || !secretsIn(file.data)) continue;
    results.push({ status: 'fail', message: message('hygiene.fileReadable', { file: file.path, mode: (file.mode & 0o777).toString(8) }), location: { file: file.path, line: 1, column: 1 } });
  }
  const keyPath = signingKeyPath(get('signing_key_path').value, config.server_name, files[0]?.path);
  const keyMode = keyPath ? fileModes(keyPath) : undefined;
  if (keyPath && keyMode !== undefined && keyMode & 0o004) {
    results.push({ status: 'fail', message: message('hygiene.signingKeyReadable', { file: keyPath, mode: (keyMode & 0o777).toString(8) }), path: 'signing_key_path', location: get('signing_key_path').location });
  }
  return results.length ? results : { status: 'pass', message: message('hygiene.filesPrivate') };
};

/** Synapse's default is <config dir>/<server_name>.signing.key. */
function signingKeyPath(configured: unknown, serverName: unknown, mainFile?: string): string | undefined {
  if (typeof configured === 'string' && configured) return isAbsolute(configured) || !mainFile ? configured : join(dirname(mainFile), configured);
  if (typeof serverName === 'string' && mainFile) return join(dirname(mainFile), `${serverName}.signing.key`);
  return undefined;
}
