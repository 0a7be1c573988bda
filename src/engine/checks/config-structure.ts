// Checks on the config as a whole: would Synapse start, duplicate keys, skipped files, unknown keys.
import type { CheckResult } from '../../types.js';
import type { ServerFacts } from '../../facts/server-facts.js';
import { catalogue } from '../../facts/catalogue.js';
import { parseDuration, parseSize } from '../../facts/duration.js';
import { findPlaceholder, pythonTruthy, show, strtobool } from '../../facts/values.js';
import { closest } from './did-you-mean.js';
import type { CheckFunction } from './types.js';

const server = (facts: unknown): ServerFacts => facts as ServerFacts;
const pass = (message: string): CheckResult => ({ status: 'pass', message });

/** Would `synapse -c ...` start with this config? Each reason is its own failure. */
export const synapseStarts: CheckFunction = (_fact, { facts }) => {
  const { config, files, get } = server(facts);
  const failures: CheckResult[] = [];
  const fail = (path: string | undefined, message: string): void => {
    failures.push({ status: 'fail', message, path, location: path ? get(path).location : undefined, value: path ? get(path).value : undefined });
  };
  for (const file of files) {
    if (file.unreadableBySynapse) failures.push({ status: 'fail', message: `${file.path} is ${file.skipped}`, location: { file: file.path, line: 1, column: 1 } });
  }
  const serverName = get('server_name');
  if (serverName.state === 'default' || serverName.value === null) fail(undefined, 'server_name is missing: Synapse refuses to start without it');
  else if (serverName.state === 'unknown') failures.push({ status: 'unknown', message: `server_name cannot be checked: ${serverName.reason}`, location: serverName.location });
  else if (typeof serverName.value !== 'string' || !/^[A-Za-z0-9.\-[\]:]+$/.test(serverName.value)) fail('server_name', `server_name ${show(serverName.value)} is not a valid server name`);
  if (!Object.hasOwn(config, 'report_stats')) fail(undefined, 'report_stats is missing: Synapse refuses to start until it is set (true or false)');

  for (const key of ['enable_registration', 'enable_registration_without_verification', 'disable_registration']) {
    const fact = get(key);
    if (fact.state === 'set' && strtobool(fact.value) === undefined) fail(key, `${key} is ${show(fact.value)}: Synapse accepts only yes/no, true/false, on/off, 1/0`);
  }
  const registrationOpen = strtobool(get('enable_registration').value) === true;
  if (registrationOpen && !strtobool(get('enable_registration_without_verification').value)
    && !pythonTruthy(get('enable_registration_captcha').value) && !pythonTruthy(get('registrations_require_3pid').value)
    && !pythonTruthy(get('registration_requires_token').value)) {
    fail('enable_registration', 'open registration with no captcha, 3PID or token check: Synapse refuses to start unless enable_registration_without_verification is true');
  }
  if (pythonTruthy(get('url_preview_enabled').value) && get('url_preview_ip_range_blacklist').value == null
    && !get('http_proxy').value && !get('https_proxy').value) {
    fail('url_preview_enabled', 'url_preview_enabled without url_preview_ip_range_blacklist: Synapse refuses to start');
  }
  for (const [path, entry] of Object.entries(catalogue.options)) {
    const fact = get(path);
    if (fact.state !== 'set' || fact.value === null || findPlaceholder(fact.value)) continue;
    const parse = entry.type === 'duration' ? parseDuration : entry.type === 'size' ? parseSize : undefined;
    const parsed = parse?.(fact.value);
    if (parsed && !parsed.ok) fail(path, `${path} is ${show(fact.value)}: ${parsed.error}; Synapse refuses to start`);
    if (entry.type === 'enum' && entry.values && !entry.values.some((v) => v === fact.value || (fact.value === false && v === 'off'))) {
      fail(path, `${path} is ${show(fact.value)}; Synapse accepts only ${entry.values.map(show).join(', ')}`);
    }
    if (entry.pathTwin && get(entry.pathTwin).state === 'set') fail(path, `both ${path} and ${entry.pathTwin} are set: Synapse refuses to start`);
  }
  for (const { key } of server(facts).topLevelKeys) {
    const known = catalogue.keys[key];
    if (known?.status === 'removed' && known.effect === 'refuses-to-start') {
      fail(key, `${key} was removed${known.since ? ` in Synapse ${known.since}` : ''} and Synapse refuses to start while it is set${known.replacement ? `; use ${known.replacement}` : ''}`);
    }
  }
  if (pythonTruthy(get('matrix_authentication_service.enabled').value)) {
    for (const key of ['enable_registration', 'user_consent', 'enable_registration_captcha', 'session_lifetime', 'oidc_providers', 'saml2_config', 'cas_config', 'jwt_config', 'password_providers']) {
      const fact = get(key);
      if (fact.state === 'set' && pythonTruthy(fact.value)) fail(key, `${key} is set while matrix_authentication_service is enabled: Synapse refuses to start`);
    }
  }
  return failures.length ? failures : pass('Synapse would start with this config (as far as mxlint can tell)');
};

export const noDuplicateKeys: CheckFunction = (_fact, { facts }) => {
  const results = server(facts).files.flatMap((file) => file.duplicates.map((duplicate): CheckResult => ({
    status: 'fail',
    message: `${duplicate.path} is set twice (lines ${duplicate.first.line} and ${duplicate.last.line}); Synapse keeps the last one`,
    path: duplicate.path,
    location: duplicate.last,
  })));
  return results.length ? results : pass('no key is set twice in the same file');
};

export const noSkippedFiles: CheckFunction = (_fact, { facts }) => {
  const results = server(facts).files.filter((file) => file.data === null).map((file): CheckResult => ({
    status: 'fail',
    message: `${file.path} is not used: ${file.skipped}`,
    location: { file: file.path, line: 1, column: 1 },
  }));
  return results.length ? results : pass('every file given is read');
};

/** Sections whose sub-keys the catalogue knows well enough to suggest a correction. */
function knownChildren(): Map<string, Set<string>> {
  const children = new Map<string, Set<string>>();
  for (const path of Object.keys(catalogue.options)) {
    const parts = path.split('.');
    for (let depth = 1; depth < parts.length; depth += 1) {
      const parent = parts.slice(0, depth).join('.');
      if (!children.has(parent)) children.set(parent, new Set());
      children.get(parent)!.add(parts[depth]);
    }
  }
  return children;
}

export const knownKeys: CheckFunction = (_fact, { facts }) => {
  const { topLevelKeys, get } = server(facts);
  const topNames = Object.keys(catalogue.keys);
  const results: CheckResult[] = [];
  for (const { key, location } of topLevelKeys) {
    const entry = catalogue.keys[key];
    if (entry?.status === 'misspelt') {
      results.push({ status: 'fail', message: `${key} is not read by Synapse (a wrong name from old docs); did you mean ${entry.replacement}?`, path: key, location });
    } else if (!entry) {
      const suggestion = closest(key, topNames);
      results.push({ status: 'fail', message: `${key} is not a Synapse option; Synapse ignores it${suggestion ? `; did you mean ${suggestion}?` : ''}`, path: key, location });
    }
  }
  // Nested keys: only flagged when they are a near miss of a key the catalogue knows.
  for (const [parent, names] of knownChildren()) {
    const section = get(parent);
    if (section.state !== 'set' || !section.value || typeof section.value !== 'object' || Array.isArray(section.value)) continue;
    for (const child of Object.keys(section.value)) {
      if (names.has(child)) continue;
      const suggestion = closest(child, [...names]);
      if (suggestion) {
        const path = `${parent}.${child}`;
        results.push({ status: 'fail', message: `${path} is not read by Synapse; did you mean ${parent}.${suggestion}?`, path, location: get(path).location });
      }
    }
  }
  return results.length ? results : pass('every key is one Synapse reads');
};

export const noDeprecatedKeys: CheckFunction = (_fact, { facts }) => {
  const results: CheckResult[] = [];
  for (const { key, location } of server(facts).topLevelKeys) {
    const entry = catalogue.keys[key];
    if (!entry || (entry.status !== 'legacy' && !(entry.status === 'removed' && entry.effect !== 'refuses-to-start'))) continue;
    const what = entry.status === 'legacy' ? 'is deprecated' : `was removed${entry.since ? ` in Synapse ${entry.since}` : ''} and is ignored`;
    results.push({ status: 'fail', message: `${key} ${what}${entry.replacement ? `; use ${entry.replacement}` : ''}${entry.note ? ` (${entry.note})` : ''}`, path: key, location });
  }
  return results.length ? results : pass('no deprecated or removed key');
};
