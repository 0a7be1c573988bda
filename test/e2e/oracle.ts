// Synapse's own reading of a config (scripts/synapse-oracle.py, run by `synapse-sandbox.sh oracle`)
// and the normalising that puts mxlint's reading in the same form, for test/e2e/fidelity.e2e.test.ts.
//
// The oracle prints Synapse's *effective* values (durations in ms, booleans as Synapse keeps them,
// trusted key servers as names...); mxlint's facts are the values *written* (or its catalogued
// default). `mxlintEffective` turns the second into the first, by the catalogue's type of the option,
// plus the few legacy keys that Synapse folds into another option, exactly as mxlint's own checks
// fold them (each one names the check). Nothing here decides a rule: it only states values.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { catalogue, type OptionType } from '../../src/facts/catalogue.js';
import { parseDuration, parseSize } from '../../src/facts/duration.js';
import { render } from '../../src/messages/message.js';
import { REDACTED } from '../../src/facts/redact.js';
import type { ServerFacts } from '../../src/facts/server-facts.js';
import { registrationSwitch } from '../../src/facts/signup.js';
import { pythonTruthy, strtobool } from '../../src/facts/values.js';

const SCRIPT = resolve(dirname(fileURLToPath(import.meta.url)), '../../scripts/synapse-sandbox.sh');
const ROOT = process.env.MXLINT_SYNAPSE_ROOT ?? '/var/cache/mxlint/synapse-root';

/** What scripts/synapse-oracle.py prints. */
export interface OracleResult {
  loaded: boolean;
  /** "Class: message", only when Synapse refused the config. */
  error?: string;
  where?: string | null;
  dropped: string[];
  prepared: string[];
  files: string[];
  messages: string[];
  warnings: string[];
  /** The merged mapping as PyYAML read it (json.dumps-able: dates and other objects as str()). */
  raw: Record<string, unknown> | null;
  /** Dotted option name → Synapse's value (durations in ms, None as null); null when refused. */
  effective: Record<string, unknown> | null;
  missing?: string[];
  /** Which single sign-on providers create accounts, by Synapse's own parsers (see sso_registration). */
  sso?: { oidc?: Array<{ idp_id: string; enable_registration: boolean }>; cas?: { enabled: boolean; enable_registration: boolean }; oidc_error?: string; cas_error?: string };
}

/** Why the oracle cannot run here, or undefined when it can (root, and the chroot already built). */
export function oracleUnavailable(): string | undefined {
  if (process.platform !== 'linux') return 'the Synapse oracle needs Linux';
  if (process.getuid?.() !== 0) return 'the Synapse oracle needs root (chroot)';
  if (!existsSync(join(ROOT, '.mxlint-complete'))) return `no Synapse chroot at ${ROOT} (scripts/synapse-sandbox.sh build)`;
  return undefined;
}

/** `synapse-sandbox.sh oracle ARGS...`: its stdout, or a rejection with its stderr. */
function runOracle(args: string[]): Promise<string> {
  return new Promise((resolveRun, reject) => {
    const child = spawn('bash', [SCRIPT, 'oracle', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk; });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0) reject(new Error(`synapse-sandbox.sh oracle ${args.join(' ').slice(0, 300)} exited ${code}: ${stderr.trim().slice(0, 500)}`));
      else resolveRun(stdout);
    });
  });
}

/** Ask Synapse 1.160's loader how it reads these -c paths (files, conf.d directories). ~1-2 s. */
export async function askOracle(paths: string[]): Promise<OracleResult> {
  const stdout = await runOracle(paths);
  try {
    return JSON.parse(stdout) as OracleResult;
  } catch (error) {
    throw new Error(`the oracle printed no JSON for ${paths.join(' ')}: ${(error as Error).message}\n${stdout.slice(0, 500)}`);
  }
}

/** Ask the loader about many -c lists in one Python process (Synapse's import, most of a single
 *  run's time, is paid once): results in the same order. */
export async function askOracleBatch(cases: string[][]): Promise<OracleResult[]> {
  if (cases.length === 0) return [];
  const lines = (await runOracle(['--batch', ...cases.flatMap((paths, index) => (index ? ['--', ...paths] : paths))])).split('\n').filter((line) => line.trim());
  if (lines.length !== cases.length) throw new Error(`the batch oracle gave ${lines.length} results for ${cases.length} configs`);
  return lines.map((line) => JSON.parse(line) as OracleResult);
}

/** Runs at most `size` tasks at once; each call returns its own task's promise. */
export function pool(size: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: Array<() => void> = [];
  const next = (): void => {
    if (running >= size || waiting.length === 0) return;
    running += 1;
    waiting.shift()!();
  };
  return <T>(task: () => Promise<T>) => new Promise<T>((resolveTask, reject) => {
    waiting.push(() => {
      task().then(resolveTask, reject).finally(() => {
        running -= 1;
        next();
      });
    });
    next();
  });
}

// ---------------------------------------------------------------------------------------------
// Effective values

/** Where an oracle key lives in mxlint's catalogue (the same dotted name unless said here). */
const CATALOGUE_PATH: Record<string, string> = {
  'trusted_key_servers[].server_name': 'trusted_key_servers',
};

/** The catalogue option an oracle key is compared with, or undefined when mxlint does not catalogue it. */
export function cataloguePath(oracleKey: string): string | undefined {
  const path = CATALOGUE_PATH[oracleKey] ?? oracleKey;
  return catalogue.options[path] ? path : undefined;
}

/** A value that Synapse would refuse (so there is nothing to compare): the parse error. */
export class Refused {
  constructor(readonly why: string) {}
  toJSON(): string {
    return `<refused: ${this.why}>`;
  }
}

/** The written value (or catalogued default) as Synapse keeps it, by the option's catalogue type. */
export function byType(type: OptionType, value: unknown): unknown {
  switch (type) {
    case 'bool':
    case 'strictbool':
    case 'truthy':
      return pythonTruthy(value);
    case 'strtobool': {
      const read = strtobool(value);
      return read === undefined ? new Refused(`strtobool(${JSON.stringify(value)})`) : read;
    }
    case 'duration':
    case 'size': {
      if (value === null || value === undefined) return null;
      const parsed = (type === 'duration' ? parseDuration : parseSize)(value);
      return parsed.ok ? parsed.value : new Refused(render('en', parsed.error));
    }
    default:
      return value === undefined ? null : value;
  }
}

type Get = ServerFacts['get'];
const isMapping = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);

/**
 * Options whose effective value is not one written key read by type: Synapse folds a legacy key
 * into them, or keeps them in another shape. Each says which mxlint check folds them the same way.
 */
const DERIVED: Record<string, (get: Get) => unknown> = {
  // registrationSwitch (src/facts/signup.ts): disable_registration, when present, wins.
  enable_registration: (get) => {
    const toggle = registrationSwitch(get);
    return 'unknown' in toggle ? new Refused(`strtobool(${JSON.stringify(toggle.unknown.value)})`) : toggle.value;
  },
  // rules/config/push-without-content.yaml: email.redact_content, when not null, replaces push.include_content.
  'push.include_content': (get) => {
    const legacy = get('email.redact_content');
    return legacy.value !== null && legacy.value !== undefined ? !pythonTruthy(legacy.value) : pythonTruthy(get('push.include_content').value);
  },
  // catalogue note on restrict_public_rooms_to_local_users: true turns both allow_public_rooms_* off.
  allow_public_rooms_over_federation: (get) =>
    !pythonTruthy(get('restrict_public_rooms_to_local_users').value) && pythonTruthy(get('allow_public_rooms_over_federation').value),
  allow_public_rooms_without_auth: (get) =>
    !pythonTruthy(get('restrict_public_rooms_to_local_users').value) && pythonTruthy(get('allow_public_rooms_without_auth').value),
  // trustedKeyServers (src/engine/checks/config.ts): absent with no perspectives = matrix.org; perspectives' servers are appended.
  'trusted_key_servers[].server_name': (get) => {
    const listed = get('trusted_key_servers');
    const perspectives = get('perspectives');
    if (listed.state === 'default' && perspectives.state === 'default') {
      return (listed.value as Array<{ server_name: string }>).map((entry) => entry.server_name);
    }
    const legacy = isMapping(perspectives.value) && isMapping(perspectives.value.servers) ? Object.keys(perspectives.value.servers) : [];
    const entries = listed.state === 'set' && Array.isArray(listed.value) ? listed.value : [];
    return [...entries.map((entry) => (isMapping(entry) ? entry.server_name : entry)), ...legacy];
  },
  // Synapse keeps the rules' actions only (the oracle prints [{action}]).
  room_list_publication_rules: (get) => {
    const rules = get('room_list_publication_rules').value;
    return Array.isArray(rules) ? rules.map((rule) => ({ action: isMapping(rule) ? rule.action : undefined })) : [];
  },
  // The catalogue's enum: YAML 1.1's unquoted off is false, which Synapse takes for "off".
  encryption_enabled_by_default_for_room_type: (get) => {
    const value = get('encryption_enabled_by_default_for_room_type').value;
    return value === false ? 'off' : value;
  },
  // federation.allowList (src/facts/federation.ts): Synapse keeps the names it iterates as a dict's keys.
  federation_domain_whitelist: (get) => get('federation.allowList').value ?? null,
};

/** mxlint's reading of one oracle key, in the oracle's form. */
export function mxlintEffective(oracleKey: string, get: Get): unknown {
  const derive = DERIVED[oracleKey];
  if (derive) return derive(get);
  const path = cataloguePath(oracleKey)!;
  return byType(catalogue.options[path].type, get(path).value);
}

/** The oracle's value in the form mxlintEffective gives: booleans Synapse keeps raw become truthiness. */
export function oracleEffective(oracleKey: string, value: unknown): unknown {
  const path = cataloguePath(oracleKey);
  const type = path ? catalogue.options[path].type : undefined;
  if (type === 'bool' || type === 'strictbool' || type === 'truthy') return pythonTruthy(value);
  return value;
}

// ---------------------------------------------------------------------------------------------
// Raw values: mxlint's merged mapping in the form the oracle prints PyYAML's (json.dumps, default=str)

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Python's str() of what PyYAML makes of a timestamp: a date, or a datetime (UTC when it had an offset). */
function pythonDate(date: Date, dateOnly: boolean): string {
  const day = `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
  if (dateOnly) return day;
  const ms = date.getUTCMilliseconds();
  return `${day} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}${ms ? `.${pad(ms * 1000, 6)}` : ''}`;
}

/** Python's str() of bytes (what !!binary makes): b'...', or b"..." when it holds a ' and no ". */
function pythonBytes(bytes: Uint8Array): string {
  const quote = bytes.includes(0x27) && !bytes.includes(0x22) ? '"' : '\'';
  const named: Record<number, string> = { 0x09: '\\t', 0x0a: '\\n', 0x0d: '\\r', 0x5c: '\\\\' };
  const text = [...bytes].map((byte) => named[byte] ?? (byte === quote.charCodeAt(0) ? `\\${quote}`
    : byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : `\\x${byte.toString(16).padStart(2, '0')}`)).join('');
  return `b${quote}${text}${quote}`;
}

/** mxlint's value as the oracle's JSON shows PyYAML's. */
export function asPythonJson(value: unknown, depth = 0): unknown {
  if (depth > 100) return value;
  if (value instanceof Date) {
    const midnight = value.getUTCHours() === 0 && value.getUTCMinutes() === 0 && value.getUTCSeconds() === 0 && value.getUTCMilliseconds() === 0;
    return pythonDate(value, midnight);
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return Number.isNaN(value) ? 'nan' : value > 0 ? 'inf' : '-inf';
  if (value instanceof Uint8Array) return pythonBytes(value);
  if (Array.isArray(value)) return value.map((item) => asPythonJson(item, depth + 1));
  if (value instanceof Map) return Object.fromEntries([...value].map(([key, item]) => [String(key), asPythonJson(item, depth + 1)]));
  if (value instanceof Set) return [...value].map((item) => asPythonJson(item, depth + 1));
  if (isMapping(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, asPythonJson(item, depth + 1)]));
  return value;
}

/** Dotted paths where two JSON-like values differ (a redacted mxlint string matches anything). */
export function rawDifferences(mine: unknown, theirs: unknown, path = ''): string[] {
  if (mine === REDACTED) return [];
  if (Array.isArray(mine) && Array.isArray(theirs)) {
    if (mine.length !== theirs.length) return [`${path || '(root)'}: ${mine.length} items vs ${theirs.length}`];
    return mine.flatMap((item, index) => rawDifferences(item, theirs[index], `${path}[${index}]`));
  }
  if (isMapping(mine) && isMapping(theirs)) {
    const keys = [...new Set([...Object.keys(mine), ...Object.keys(theirs)])];
    return keys.flatMap((key) => {
      const where = path ? `${path}.${key}` : key;
      if (!(key in mine)) return [`${where}: absent for mxlint, ${show(theirs[key])} for PyYAML`];
      if (!(key in theirs)) return [`${where}: ${show(mine[key])} for mxlint, absent for PyYAML`];
      return rawDifferences(mine[key], theirs[key], where);
    });
  }
  return sameJson(mine, theirs) ? [] : [`${path || '(root)'}: ${show(mine)} for mxlint, ${show(theirs)} for PyYAML`];
}

/** Equal as JSON, whatever the order of keys. */
export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (isMapping(value) && !(value instanceof Refused)) {
    return Object.fromEntries(Object.keys(value).sort().map((key) => [key, canonical(value[key])]));
  }
  return value;
}

export function show(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 100 ? `${text.slice(0, 97)}...` : text;
}
