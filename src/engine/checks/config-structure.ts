// Would Synapse start with this config? (Structural mistakes Synapse ignores are in config-keys.ts.)
import type { CheckResult } from '../../types.js';
import type { ServerFacts } from '../../facts/server-facts.js';
import { catalogue } from '../../facts/catalogue.js';
import { parseDuration, parseSize } from '../../facts/duration.js';
import { findPlaceholder, pythonTruthy, show, strtobool } from '../../facts/values.js';
import { databaseFailures, refusedCombinations, retentionFailures, secretTypeFailures, sectionShapeFailures } from './synapse-startup.js';
import { registrationSwitch } from '../../facts/signup.js';
import { factMessage, type CheckFunction } from './types.js';
import { defineMessages, type Message } from '../../messages/message.js';

const server = (facts: unknown): ServerFacts => facts as ServerFacts;

const message = defineMessages({
  'startup.placeholder': {
    en: '{path} cannot be checked: {reason} (Synapse refuses it as written; the rendered value decides)',
    fr: '{path} ne peut pas être vérifié\u00a0: {reason} (Synapse le refuse tel qu’il est écrit\u00a0; la valeur une fois remplacée décidera)',
  },
  'startup.fileUnreadable': { en: '{file} is {why}', fr: '{file}\u00a0: {why}' },
  'startup.noServerName': { en: 'server_name is missing: Synapse refuses to start without it', fr: 'server_name manque\u00a0: Synapse refuse de démarrer sans lui' },
  'startup.badServerName': { en: 'server_name {value} is not a valid server name', fr: 'server_name {value} n’est pas un nom de serveur valide' },
  'startup.noReportStats': { en: 'report_stats is missing: Synapse refuses to start until it is set (true or false)', fr: 'report_stats manque\u00a0: Synapse refuse de démarrer tant qu’il n’est pas renseigné (true ou false)' },
  'startup.openRegistration': {
    en: 'open registration with no captcha, 3PID or token check: Synapse refuses to start unless enable_registration_without_verification is true',
    fr: 'inscription ouverte sans captcha, 3PID ni jeton\u00a0: Synapse refuse de démarrer, sauf si enable_registration_without_verification vaut true',
  },
  'startup.openRegistrationLegacy': {
    en: 'open registration with no captcha, 3PID or token check (disable_registration overrides enable_registration): Synapse refuses to start unless enable_registration_without_verification is true',
    fr: 'inscription ouverte sans captcha, 3PID ni jeton (disable_registration l’emporte sur enable_registration)\u00a0: Synapse refuse de démarrer, sauf si enable_registration_without_verification vaut true',
  },
  'startup.urlPreviewBlacklist': {
    en: 'url_preview_enabled without url_preview_ip_range_blacklist: Synapse refuses to start',
    fr: 'url_preview_enabled sans url_preview_ip_range_blacklist\u00a0: Synapse refuse de démarrer',
  },
  'startup.enumValue': { en: '{path} is {value}; Synapse accepts only {allowed}', fr: '{path} vaut {value}\u00a0; Synapse n’accepte que {allowed}' },
  'startup.strtobool': { en: '{path} is {value}: Synapse accepts only yes/no, true/false, on/off, 1/0', fr: '{path} vaut {value}\u00a0: Synapse n’accepte que yes/no, true/false, on/off, 1/0' },
  'startup.strictBoolString': {
    en: '{path} is {value}, not true or false (a quoted string): Synapse refuses to start',
    fr: '{path} vaut {value}, ni true ni false (une chaîne entre guillemets)\u00a0: Synapse refuse de démarrer',
  },
  'startup.strictBoolOther': {
    en: '{path} is {value}, not true or false (not a boolean): Synapse refuses to start',
    fr: '{path} vaut {value}, ni true ni false (pas un booléen)\u00a0: Synapse refuse de démarrer',
  },
  'startup.unparsable': { en: '{path} is {value}: {error}; Synapse refuses to start', fr: '{path} vaut {value}\u00a0: {error}\u00a0; Synapse refuse de démarrer' },
  'startup.twinsBothSet': { en: 'both {path} and {twin} are set: Synapse refuses to start', fr: '{path} et {twin} sont tous deux renseignés\u00a0: Synapse refuse de démarrer' },
  'startup.removed': { en: '{key} was removed and Synapse refuses to start while it is set', fr: '{key} a été supprimé, et Synapse refuse de démarrer tant qu’il est renseigné' },
  'startup.removedIn': {
    en: '{key} was removed in Synapse {version} and Synapse refuses to start while it is set',
    fr: '{key} a été supprimé dans Synapse {version}, et Synapse refuse de démarrer tant qu’il est renseigné',
  },
  'startup.useInstead': { en: '{seen}; use {replacement}', fr: '{seen}\u00a0; utilisez {replacement}' },
  'startup.masConflict': {
    en: '{key} is set while matrix_authentication_service is enabled: Synapse refuses to start',
    fr: '{key} est renseigné alors que matrix_authentication_service est activé\u00a0: Synapse refuse de démarrer',
  },
  'startup.masNoSecret': {
    en: 'matrix_authentication_service is enabled without secret or secret_path: Synapse refuses to start',
    fr: 'matrix_authentication_service est activé sans secret ni secret_path\u00a0: Synapse refuse de démarrer',
  },
  'startup.msc4108WithoutMas': {
    en: '{key} is set but matrix_authentication_service is not enabled: Synapse refuses to start (MSC4108 requires it)',
    fr: '{key} est renseigné mais matrix_authentication_service n’est pas activé\u00a0: Synapse refuse de démarrer (MSC4108 l’exige)',
  },
  'startup.keyServersNotAList': { en: 'trusted_key_servers is {value}, not a list: Synapse refuses to start', fr: 'trusted_key_servers vaut {value}, ce qui n’est pas une liste\u00a0: Synapse refuse de démarrer' },
  'startup.wellKnownKey': {
    en: 'extra_well_known_client_content sets {key}, which Synapse refuses at start-up (use {instead})',
    fr: 'extra_well_known_client_content définit {key}, ce que Synapse refuse au démarrage (utilisez {instead})',
  },
  'startup.emailNoSender': {
    en: 'an email section without email.notif_from: Synapse refuses to start (any email section turns e-mail password resets on)',
    fr: 'une section email sans email.notif_from\u00a0: Synapse refuse de démarrer (toute section email active la réinitialisation du mot de passe par e-mail)',
  },
  'startup.baseUrlScheme': { en: 'public_baseurl is {value}: Synapse refuses any scheme but http:// and https://', fr: 'public_baseurl vaut {value}\u00a0: Synapse refuse tout autre schéma que http:// et https://' },
  'startup.unknownResource': {
    en: 'listener resource {name} is unknown to Synapse, which refuses to start (known: {known})',
    fr: 'la ressource de listener {name} est inconnue de Synapse, qui refuse de démarrer (connues\u00a0: {known})',
  },
  'startup.noTlsWithBindPort': { en: 'no_tls and the legacy bind_port are both set: Synapse refuses to start', fr: 'no_tls et l’ancien bind_port sont tous deux renseignés\u00a0: Synapse refuse de démarrer' },
  'startup.tlsWithoutCertificate': {
    en: 'a TLS listener (tls: true, or the legacy bind_port) without tls_certificate_path: Synapse refuses to start',
    fr: 'un listener TLS (tls à true, ou l’ancien bind_port) sans tls_certificate_path\u00a0: Synapse refuse de démarrer',
  },
  'startup.tlsWithoutKey': {
    en: 'a TLS listener (tls: true, or the legacy bind_port) without tls_private_key_path: Synapse refuses to start',
    fr: 'un listener TLS (tls à true, ou l’ancien bind_port) sans tls_private_key_path\u00a0: Synapse refuse de démarrer',
  },
  'startup.starts': { en: 'Synapse would start with this config (as far as mxlint can tell)', fr: 'Synapse démarrerait avec cette configuration (pour autant que mxlint puisse en juger)' },
});

const pass = (said: Message): CheckResult => ({ status: 'pass', message: said });

/** Synapse's listener resource names (synapse/config/server.py KNOWN_RESOURCES, 1.160); any other refuses start-up. */
const LISTENER_RESOURCES = new Set(['client', 'consent', 'federation', 'health', 'keys', 'media', 'metrics', 'openid', 'replication', 'static']);
/** Option types whose value Synapse parses at start-up, refusing what it cannot read. */
const VALIDATED_TYPES = new Set(['duration', 'size', 'enum', 'strictbool', 'strtobool']);

/** Python's str() of a YAML scalar, as far as JSON values go. */
const pythonStr = (value: unknown): string =>
  value === null || value === undefined ? 'None' : value === true ? 'True' : value === false ? 'False' : String(value);

/**
 * How Synapse 1.160 reads each enum option before comparing it with the allowed values
 * (synapse/config/room.py, tls.py, registration.py); undefined = not checked at all.
 */
const ENUM_READING: Record<string, (value: unknown, get: ServerFacts['get']) => unknown> = {
  // Exact comparison; YAML 1.1's unquoted off (false) also means "off"; null is refused.
  encryption_enabled_by_default_for_room_type: (value) => (value === false ? 'off' : value),
  // str(value): 1.2 and "1.2" are the same; null becomes "None", refused.
  federation_client_minimum_tls_version: (value) => pythonStr(value),
  // `or "public_chat"`: any falsy value is the default; checked only when autocreate_auto_join_rooms is on.
  autocreate_auto_join_room_preset: (value, get) =>
    (pythonTruthy(get('autocreate_auto_join_rooms').value) ? (pythonTruthy(value) ? value : 'public_chat') : undefined),
};

const isMapping = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);

/**
 * Would `synapse -c ...` start with this config? Each reason is its own failure. A value Synapse
 * checks at start-up that is an unrendered template placeholder gives `unknown`: Synapse refuses the
 * template as written, but only the rendered value (which mxlint cannot see) decides.
 * Checked against Synapse 1.160's own loader by test/e2e/fidelity.e2e.test.ts.
 */
export const synapseStarts: CheckFunction = (_fact, { facts }) => {
  const { config, files, get } = server(facts);
  const failures: CheckResult[] = [];
  const fail = (path: string | undefined, said: Message): void => {
    failures.push({ status: 'fail', message: said, path, location: path ? get(path).location : undefined, value: path ? get(path).value : undefined });
  };
  /** Synapse reads this value at start-up; true when it is a placeholder (then reported as unknown). */
  const placeholder = (path: string): boolean => {
    const fact = get(path);
    if (fact.state !== 'unknown') return false;
    failures.push({ status: 'unknown', message: message('startup.placeholder', { path, reason: fact.reason ?? factMessage('fact.unknownValue') }), path, location: fact.location });
    return true;
  };
  /** Whether PyYAML read this value as a float (the file that set its top-level key last decides). */
  const isFloat = (path: string): boolean =>
    [...files].reverse().find((file) => file.data && Object.hasOwn(file.data, path.split('.')[0]))?.floats?.has(path) ?? false;
  // Shape refusals name the value's type, never the value (a database URL or a secret may hold a password).
  const shapes = [databaseFailures, sectionShapeFailures, secretTypeFailures, retentionFailures, refusedCombinations];
  for (const { path, message: said } of shapes.flatMap((check) => check(config))) {
    failures.push({ status: 'fail', message: said, path, location: get(path).location });
  }
  for (const file of files) {
    if (file.unreadableBySynapse) failures.push({ status: 'fail', message: message('startup.fileUnreadable', { file: file.path, why: file.skipped ?? '' }), location: { file: file.path, line: 1, column: 1 } });
  }
  const serverName = get('server_name');
  if (serverName.state === 'default' || serverName.value === null) fail(undefined, message('startup.noServerName'));
  else if (serverName.state === 'unknown') failures.push({ status: 'unknown', message: factMessage('fact.unknown', { path: 'server_name', reason: serverName.reason ?? factMessage('fact.unknownValue') }), location: serverName.location });
  else if (typeof serverName.value !== 'string' || !/^[A-Za-z0-9.\-[\]:]+$/.test(serverName.value)) fail('server_name', message('startup.badServerName', { value: show(serverName.value) }));
  if (!Object.hasOwn(config, 'report_stats')) fail(undefined, message('startup.noReportStats'));

  // Open registration, read as the sign-up facts read it (the legacy disable_registration wins when present).
  const registration = registrationSwitch(get);
  if ('value' in registration && registration.value && !strtobool(get('enable_registration_without_verification').value)
    && !pythonTruthy(get('enable_registration_captcha').value) && !pythonTruthy(get('registrations_require_3pid').value)
    && !pythonTruthy(get('registration_requires_token').value)) {
    const legacy = registration.fact.path === 'disable_registration';
    fail(registration.fact.path, message(legacy ? 'startup.openRegistrationLegacy' : 'startup.openRegistration'));
  }
  if (pythonTruthy(get('url_preview_enabled').value) && get('url_preview_ip_range_blacklist').value == null
    && !get('http_proxy').value && !get('https_proxy').value) {
    fail('url_preview_enabled', message('startup.urlPreviewBlacklist'));
  }
  for (const [path, entry] of Object.entries(catalogue.options)) {
    if (VALIDATED_TYPES.has(entry.type) && placeholder(path)) continue;
    const fact = get(path);
    if (entry.type === 'enum' && fact.state === 'set' && entry.values) {
      const read = (ENUM_READING[path] ?? ((value: unknown) => value))(fact.value, get);
      if (read !== undefined && !entry.values.includes(read)) fail(path, message('startup.enumValue', { path, value: show(fact.value), allowed: entry.values.map(show).join(', ') }));
    }
    // strtobool(str(None)) and a strict boolean both refuse null too.
    if (entry.type === 'strtobool' && fact.state === 'set' && strtobool(fact.value) === undefined) fail(path, message('startup.strtobool', { path, value: show(fact.value) }));
    if (entry.type === 'strictbool' && fact.state === 'set' && typeof fact.value !== 'boolean') {
      fail(path, message(typeof fact.value === 'string' ? 'startup.strictBoolString' : 'startup.strictBoolOther', { path, value: show(fact.value) }));
    }
    if (fact.state !== 'set' || fact.value === null || findPlaceholder(fact.value)) continue;
    const parse = entry.type === 'duration' ? parseDuration : entry.type === 'size' ? parseSize : undefined;
    const parsed = parse?.(fact.value, isFloat(path));
    if (parsed && !parsed.ok) fail(path, message('startup.unparsable', { path, value: show(fact.value), error: parsed.error }));
    if (entry.pathTwin && get(entry.pathTwin).state === 'set') fail(path, message('startup.twinsBothSet', { path, twin: entry.pathTwin }));
  }
  for (const { key } of server(facts).topLevelKeys) {
    const known = catalogue.keys[key];
    if (known?.status === 'removed' && known.effect === 'refuses-to-start') {
      const seen = known.since ? message('startup.removedIn', { key, version: known.since }) : message('startup.removed', { key });
      fail(key, known.replacement ? message('startup.useInstead', { seen, replacement: known.replacement }) : seen);
    }
  }
  const mas = get('matrix_authentication_service.enabled');
  if (pythonTruthy(mas.value)) {
    for (const key of ['enable_registration', 'user_consent', 'enable_registration_captcha', 'session_lifetime', 'oidc_providers', 'saml2_config', 'cas_config', 'jwt_config', 'password_providers',
      'password_config.enabled', 'login_via_existing_session.enabled', 'refresh_token_lifetime', 'nonrefreshable_access_token_lifetime', 'enable_3pid_changes']) {
      const fact = get(key);
      if (fact.state === 'set' && pythonTruthy(fact.value)) fail(key, message('startup.masConflict', { key }));
    }
    if (!pythonTruthy(get('matrix_authentication_service.secret').value) && !pythonTruthy(get('matrix_authentication_service.secret_path').value)) {
      fail('matrix_authentication_service.enabled', message('startup.masNoSecret'));
    }
  }
  // The old MAS switch, replaced by matrix_authentication_service (a non-empty value refuses start-up since 1.157).
  if (pythonTruthy(get('experimental_features.msc3861').value)) {
    fail('experimental_features.msc3861', message('startup.useInstead', {
      seen: message('startup.removedIn', { key: 'experimental_features.msc3861', version: '1.157' }),
      replacement: 'matrix_authentication_service',
    }));
  }
  // MSC4108 (QR-code login) is served by MAS only.
  for (const key of ['experimental_features.msc4108_enabled', 'experimental_features.msc4108_delegation_endpoint']) {
    const fact = get(key);
    const on = key.endsWith('enabled') ? pythonTruthy(fact.value) : fact.state !== 'default' && fact.value !== null;
    if (on && !pythonTruthy(mas.value)) fail(key, message('startup.msc4108WithoutMas', { key }));
  }
  const keyServers = get('trusted_key_servers');
  if (keyServers.state === 'unknown' && typeof keyServers.value === 'string') placeholder('trusted_key_servers');
  else if (keyServers.state === 'set' && !Array.isArray(keyServers.value)) {
    fail('trusted_key_servers', message('startup.keyServersNotAList', { value: show(keyServers.value) }));
  }
  const wellKnown = get('extra_well_known_client_content');
  if (wellKnown.state === 'set' && isMapping(wellKnown.value)) {
    for (const key of ['m.homeserver', 'm.identity_server']) {
      if (Object.hasOwn(wellKnown.value, key)) fail('extra_well_known_client_content', message('startup.wellKnownKey', { key, instead: key === 'm.homeserver' ? 'public_baseurl' : 'default_identity_server' }));
    }
  }
  // Any email section turns e-mail (password resets, validation) on, and that needs a sender.
  const email = get('email');
  const notifFrom = get('email.notif_from');
  if (isMapping(email.value) && Object.keys(email.value).length > 0 && notifFrom.state !== 'unknown' && !pythonTruthy(notifFrom.value)) {
    fail('email', message('startup.emailNoSender'));
  }
  const baseUrl = get('public_baseurl');
  if (baseUrl.value !== null && baseUrl.value !== undefined && !/^https?:\/\//i.test(String(baseUrl.value))) {
    // A placeholder after the scheme ("https://${DOMAIN}/") is no reason to refuse; one in its place is.
    if (!placeholder('public_baseurl')) fail('public_baseurl', message('startup.baseUrlScheme', { value: show(baseUrl.value) }));
  }
  checkListeners(get, fail);
  return failures.length ? failures : pass(message('startup.starts'));
};

/** Listeners Synapse refuses: an unknown resource name, or TLS (listeners' tls, or the legacy bind_port) without a certificate. */
function checkListeners(get: ServerFacts['get'], fail: (path: string | undefined, said: Message) => void): void {
  const listeners = get('listeners');
  const list = Array.isArray(listeners.value) ? listeners.value : [];
  list.forEach((listener, index) => {
    if (!isMapping(listener) || listener.type !== 'http' || !Array.isArray(listener.resources)) return;
    for (const resource of listener.resources) {
      const names = isMapping(resource) && Array.isArray(resource.names) ? resource.names : [];
      for (const name of names) {
        if (typeof name === 'string' && !LISTENER_RESOURCES.has(name) && !findPlaceholder(name)) {
          fail(`listeners.${index}`, message('startup.unknownResource', { name: show(name), known: [...LISTENER_RESOURCES].join(', ') }));
        }
      }
    }
  });
  // The legacy no_tls drops the TLS listeners of `listeners`, and refuses to go with bind_port.
  const noTls = pythonTruthy(get('no_tls').value);
  const bindPort = pythonTruthy(get('bind_port').value);
  if (bindPort && noTls) fail('no_tls', message('startup.noTlsWithBindPort'));
  const tls = (!noTls && list.some((listener) => isMapping(listener) && pythonTruthy(listener.tls))) || bindPort;
  if (tls && !pythonTruthy(get('tls_certificate_path').value)) {
    fail(bindPort ? 'bind_port' : 'listeners', message('startup.tlsWithoutCertificate'));
  } else if (tls && !pythonTruthy(get('tls_private_key_path').value)) {
    fail(bindPort ? 'bind_port' : 'listeners', message('startup.tlsWithoutKey'));
  }
}
