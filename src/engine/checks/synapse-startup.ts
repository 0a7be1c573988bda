// Start-up refusals of Synapse 1.160 that depend on a value's shape, not on its content: sections
// that are not mappings, secrets that are not strings, the database section, floats where Synapse
// parses a duration or a size. Each was checked with Synapse's own loader (scripts/synapse-oracle.py,
// cases in test/e2e/fidelity.e2e.test.ts). They read the raw merged config (never printed: a value
// is described by its type only, since a database URL or a secret may hold a password).
import { parseDuration } from '../../facts/duration.js';
import { kindOf, pythonTruthy } from '../../facts/values.js';
import { defineMessages, type Message } from '../../messages/message.js';

export interface StartupFailure {
  path: string;
  message: Message;
}

const message = defineMessages({
  'startup.sectionNotMapping': { en: '{path} is {kind}, not a mapping: Synapse cannot read the section and refuses to start', fr: '{path} est {kind}, et non un dictionnaire\u00a0: Synapse ne peut pas lire la section et refuse de démarrer' },
  'startup.sectionNotMappingOrEmpty': {
    en: '{path} is {kind}, not a mapping: Synapse cannot read the section and refuses to start (only a mapping, or nothing, is read)',
    fr: '{path} est {kind}, et non un dictionnaire\u00a0: Synapse ne peut pas lire la section et refuse de démarrer (seul un dictionnaire, ou rien, est lu)',
  },
  'startup.sectionNotMappingOrNull': {
    en: '{path} is {kind}, not a mapping: Synapse cannot read the section and refuses to start (only a mapping, or null, is read)',
    fr: '{path} est {kind}, et non un dictionnaire\u00a0: Synapse ne peut pas lire la section et refuse de démarrer (seul un dictionnaire, ou null, est lu)',
  },
  'startup.listItemNotMapping': { en: 'a list with an item that is not a mapping', fr: 'une liste dont un élément n’est pas un dictionnaire' },
  'startup.publicationRules': {
    en: 'room_list_publication_rules is {kind}: Synapse expects a list of rules (mappings) and refuses to start',
    fr: 'room_list_publication_rules est {kind}\u00a0: Synapse attend une liste de règles (des dictionnaires) et refuse de démarrer',
  },
  'startup.secretNotString': {
    en: '{path} is {kind}, not a string: Synapse refuses to start (the value is not shown: it is a secret)',
    fr: '{path} est {kind}, et non une chaîne\u00a0: Synapse refuse de démarrer (la valeur n’est pas affichée\u00a0: c’est un secret)',
  },
  'startup.noDatabase': {
    en: 'no database section (nor databases, nor database_path): Synapse refuses to start ("No database config provided")',
    fr: 'aucune section database (ni databases, ni database_path)\u00a0: Synapse refuse de démarrer («\u00a0No database config provided\u00a0»)',
  },
  'startup.bothSet': { en: 'both {first} and {second} are set: Synapse refuses to start', fr: '{first} et {second} sont tous deux renseignés\u00a0: Synapse refuse de démarrer' },
  'startup.databaseNotMapping': { en: '{path} is {kind}, not a mapping (name, args): Synapse refuses to start', fr: '{path} est {kind}, et non un dictionnaire (name, args)\u00a0: Synapse refuse de démarrer' },
  'startup.databaseEngine': {
    en: '{path}.name is {name}: Synapse supports only sqlite3 and psycopg2 and refuses to start',
    fr: '{path}.name vaut {name}\u00a0: Synapse ne connaît que sqlite3 et psycopg2 et refuse de démarrer',
  },
  'startup.minLifetimeLonger': {
    en: 'retention.default_policy.min_lifetime is longer than its max_lifetime: Synapse refuses to start',
    fr: 'retention.default_policy.min_lifetime est plus long que son max_lifetime\u00a0: Synapse refuse de démarrer',
  },
  'startup.allowedMinLonger': {
    en: 'retention.allowed_lifetime_min is longer than allowed_lifetime_max: Synapse refuses to start',
    fr: 'retention.allowed_lifetime_min est plus long que allowed_lifetime_max\u00a0: Synapse refuse de démarrer',
  },
  'startup.purgeJobNoInterval': { en: '{path} has no interval: Synapse refuses to start (every purge job needs one)', fr: '{path} n’a pas de clé interval\u00a0: Synapse refuse de démarrer (chaque tâche de purge en exige un)' },
  'startup.purgeJobBounds': {
    en: '{path}: shortest_max_lifetime is longer than longest_max_lifetime: Synapse refuses to start',
    fr: '{path}\u00a0: shortest_max_lifetime est plus long que longest_max_lifetime\u00a0: Synapse refuse de démarrer',
  },
  'startup.emailDelegation': {
    en: 'account_threepid_delegates.email: delegating e-mail checks to an identity server is no longer supported, and Synapse refuses to start (configure email instead)',
    fr: 'account_threepid_delegates.email\u00a0: confier la vérification des adresses e-mail à un serveur d’identité n’est plus possible, et Synapse refuse de démarrer (configurez plutôt email)',
  },
  'startup.restrictPublicRooms': {
    en: 'restrict_public_rooms_to_local_users is set together with {options}: Synapse refuses to start (keep one or the other)',
    fr: 'restrict_public_rooms_to_local_users est renseigné en même temps que {options}\u00a0: Synapse refuse de démarrer (gardez l’un ou l’autre)',
  },
  'startup.ruleBadAction': { en: '{path} has an action other than allow or deny: Synapse refuses to start', fr: '{path} a une action autre que allow ou deny\u00a0: Synapse refuse de démarrer' },
  'startup.ruleNoAction': { en: '{path} has no action: Synapse refuses to start', fr: '{path} n’a pas d’action\u00a0: Synapse refuse de démarrer' },
  'startup.and': { en: '{first} and {second}', fr: '{first} et {second}' },
});

const isMapping = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date) && !ArrayBuffer.isView(value);

/**
 * How each section reader of Synapse 1.160 takes a value that is not a mapping:
 * - 'or-empty': `config.get(x) or {}`: a false-like value (null, "", [], 0, false) means "not set";
 *   any other non-mapping stops it (AttributeError on .get);
 * - 'null-or-mapping': only null means "not set"; "" or [] stop it too;
 * - 'mapping': even null stops it (the reader calls .get on whatever is there).
 */
const SECTION_SHAPES: Record<string, 'or-empty' | 'null-or-mapping' | 'mapping'> = {
  account_threepid_delegates: 'or-empty', account_validity: 'or-empty', auto_accept_invites: 'or-empty',
  caches: 'or-empty', experimental_features: 'or-empty', limit_remote_rooms: 'or-empty', manhole_settings: 'or-empty',
  media_retention: 'or-empty', oembed: 'or-empty', presence: 'or-empty', push: 'or-empty', sso: 'or-empty',
  stats: 'or-empty', ui_auth: 'or-empty', user_directory: 'or-empty',
  email: 'null-or-mapping', matrix_authentication_service: 'null-or-mapping', password_config: 'null-or-mapping',
  retention: 'null-or-mapping', room_prejoin_state: 'null-or-mapping', server_notices: 'null-or-mapping',
  user_consent: 'null-or-mapping',
  // RatelimitSettings.parse: config.get(key, {}) then .get on it, null included.
  login_via_existing_session: 'mapping', rc_3pid_validation: 'mapping', rc_admin_redaction: 'mapping',
  rc_delayed_event_mgmt: 'mapping', rc_invites: 'mapping', rc_joins: 'mapping', rc_joins_per_room: 'mapping',
  rc_key_requests: 'mapping', rc_login: 'mapping', rc_media_create: 'mapping', rc_message: 'mapping',
  rc_presence: 'mapping', rc_registration: 'mapping', rc_registration_token_validity: 'mapping',
  rc_reports: 'mapping', rc_room_creation: 'mapping', rc_third_party_invite: 'mapping', rc_user_directory: 'mapping',
};

export function sectionShapeFailures(config: Record<string, unknown>): StartupFailure[] {
  const failures: StartupFailure[] = [];
  for (const [section, shape] of Object.entries(SECTION_SHAPES)) {
    if (!Object.hasOwn(config, section)) continue;
    const value = config[section];
    if (isMapping(value)) continue;
    if (shape === 'or-empty' && !pythonTruthy(value)) continue;
    if (shape === 'null-or-mapping' && value === null) continue;
    const id = shape === 'or-empty' ? 'startup.sectionNotMappingOrEmpty' : shape === 'null-or-mapping' ? 'startup.sectionNotMappingOrNull' : 'startup.sectionNotMapping';
    failures.push({ path: section, message: message(id, { path: section, kind: kindOf(value) }) });
  }
  const rules = config.room_list_publication_rules;
  if (pythonTruthy(rules) && (!Array.isArray(rules) || rules.some((rule) => !isMapping(rule)))) {
    failures.push({ path: 'room_list_publication_rules', message: message('startup.publicationRules', { kind: Array.isArray(rules) ? message('startup.listItemNotMapping') : kindOf(rules) }) });
  }
  return failures;
}

/** Secrets Synapse uses as text at start-up: anything else (a number, a list, !!binary) stops it.
 *  turn_shared_secret and email.smtp_pass are taken as they are (checked: they load). */
const STRING_SECRETS = ['macaroon_secret_key', 'registration_shared_secret', 'form_secret', 'recaptcha_private_key', 'recaptcha_public_key', 'worker_replication_secret', 'signing_key'];

export function secretTypeFailures(config: Record<string, unknown>): StartupFailure[] {
  const failures: StartupFailure[] = [];
  const mas = config.matrix_authentication_service;
  const values: Array<[string, unknown]> = STRING_SECRETS.filter((key) => Object.hasOwn(config, key)).map((key) => [key, config[key]]);
  if (isMapping(mas) && Object.hasOwn(mas, 'secret')) values.push(['matrix_authentication_service.secret', mas.secret]);
  for (const [path, value] of values) {
    if (value !== null && typeof value !== 'string') {
      failures.push({ path, message: message('startup.secretNotString', { path, kind: kindOf(value) }) });
    }
  }
  return failures;
}

/** synapse/config/database.py: the database Synapse 1.160 is given, or why it refuses. */
export function databaseFailures(config: Record<string, unknown>): StartupFailure[] {
  const { database, databases, database_path: databasePath } = config;
  if (!pythonTruthy(database) && !pythonTruthy(databases) && !pythonTruthy(databasePath)) {
    return [{ path: 'database', message: message('startup.noDatabase') }];
  }
  if (pythonTruthy(database) && pythonTruthy(databases)) return [{ path: 'databases', message: message('startup.bothSet', { first: 'database', second: 'databases' }) }];
  if (pythonTruthy(databases) && pythonTruthy(databasePath)) return [{ path: 'database_path', message: message('startup.bothSet', { first: 'databases', second: 'database_path' }) }];
  const connections: Array<[string, unknown]> = pythonTruthy(databases)
    ? (isMapping(databases) ? Object.entries(databases).map(([name, value]) => [`databases.${name}`, value]) : [['databases', databases]])
    : pythonTruthy(database) ? [['database', database]] : [];
  const failures: StartupFailure[] = [];
  for (const [path, value] of connections) {
    if (!isMapping(value)) failures.push({ path, message: message('startup.databaseNotMapping', { path, kind: kindOf(value) }) });
    else if (Object.hasOwn(value, 'name') && value.name !== 'sqlite3' && value.name !== 'psycopg2') {
      failures.push({ path: `${path}.name`, message: message('startup.databaseEngine', { path, name: typeof value.name === 'string' ? JSON.stringify(value.name) : kindOf(value.name) }) });
    }
  }
  return failures;
}

/** Milliseconds of a duration Synapse would read, or undefined (absent, or refused elsewhere). */
function millis(value: unknown): number | undefined {
  if (value === null || value === undefined) return undefined;
  const parsed = parseDuration(value);
  return parsed.ok ? parsed.value : undefined;
}

/** synapse/config/retention.py: bounds that contradict each other, purge jobs without an interval. */
export function retentionFailures(config: Record<string, unknown>): StartupFailure[] {
  const retention = config.retention;
  if (!isMapping(retention)) return [];
  const failures: StartupFailure[] = [];
  const policy = retention.default_policy;
  const greater = (low: unknown, high: unknown) => {
    const [min, max] = [millis(low), millis(high)];
    return min !== undefined && max !== undefined && min > max;
  };
  if (isMapping(policy) && greater(policy.min_lifetime, policy.max_lifetime)) {
    failures.push({ path: 'retention.default_policy.min_lifetime', message: message('startup.minLifetimeLonger') });
  }
  if (greater(retention.allowed_lifetime_min, retention.allowed_lifetime_max)) {
    failures.push({ path: 'retention.allowed_lifetime_min', message: message('startup.allowedMinLonger') });
  }
  const jobs = Array.isArray(retention.purge_jobs) ? retention.purge_jobs : [];
  jobs.forEach((job, index) => {
    const path = `retention.purge_jobs.${index}`;
    if (!isMapping(job) || job.interval === null || job.interval === undefined) {
      failures.push({ path, message: message('startup.purgeJobNoInterval', { path }) });
    } else if (greater(job.shortest_max_lifetime, job.longest_max_lifetime)) {
      failures.push({ path, message: message('startup.purgeJobBounds', { path }) });
    }
  });
  return failures;
}

/** Options Synapse 1.160 refuses in a combination or with an unknown action (registration.py, server.py,
 *  room_directory.py); removed options that refuse start-up are the catalogue's (`effect: refuses-to-start`). */
export function refusedCombinations(config: Record<string, unknown>): StartupFailure[] {
  const failures: StartupFailure[] = [];
  const delegates = config.account_threepid_delegates;
  if (isMapping(delegates) && Object.hasOwn(delegates, 'email')) {
    failures.push({ path: 'account_threepid_delegates.email', message: message('startup.emailDelegation') });
  }
  const publicRooms = ['allow_public_rooms_without_auth', 'allow_public_rooms_over_federation'].filter((key) => Object.hasOwn(config, key));
  if (Object.hasOwn(config, 'restrict_public_rooms_to_local_users') && publicRooms.length) {
    failures.push({ path: 'restrict_public_rooms_to_local_users', message: message('startup.restrictPublicRooms', { options: publicRooms.length === 2 ? message('startup.and', { first: publicRooms[0], second: publicRooms[1] }) : publicRooms[0] }) });
  }
  for (const option of ['room_list_publication_rules', 'alias_creation_rules']) {
    const rules = config[option];
    if (!Array.isArray(rules)) continue;
    rules.forEach((rule, index) => {
      if (isMapping(rule) && rule.action !== 'allow' && rule.action !== 'deny') {
        failures.push({ path: `${option}.${index}`, message: message(Object.hasOwn(rule, 'action') ? 'startup.ruleBadAction' : 'startup.ruleNoAction', { path: `${option}.${index}` }) });
      }
    });
  }
  return failures;
}
