// `mxlint room`: lint one room, from a homeserver (matrix-js-sdk) or from a state dump.
import { InputError } from '../errors.js';
import { log } from '../log.js';
import { lintRoom, type RoomLintResult } from '../lint-room.js';
import { loadConfigFiles } from '../sources/config-files.js';
import { buildServerFacts } from '../facts/server-facts.js';
import { readMembers, readStateDump } from '../sources/state-dump.js';
import { formatText } from '../report/text.js';
import { formatJson } from '../report/json.js';
import { USE_CASES } from '../engine/rules.js';
import { exitCode, useColor } from './config.js';
import { checkHomeserverUrl, readToken } from './access.js';
import type { RoomInput } from '../facts/room-facts.js';

export interface RoomCommandOptions {
  homeserver?: string;
  tokenFile?: string;
  timeout: string;
  maxRetries: string;
  allowInsecureHttp?: boolean;
  state?: string;
  members?: string;
  published?: boolean;
  config: string[];
  useCase: string[];
  format: 'text' | 'json';
  rules: string[];
  dumpFacts?: boolean;
  verbose?: boolean;
}

export function positiveInteger(value: string, name: string): number {
  if (!/^\d+$/.test(value)) throw new InputError(`${name} must be a whole number, not "${value}"`);
  return Number(value);
}

export async function runRoom(target: string | undefined, options: RoomCommandOptions, write: (text: string) => void): Promise<number> {
  const server = options.config.length ? buildServerFacts(loadConfigFiles(options.config), options.config) : undefined;
  let input: RoomInput;
  const unknowns: string[] = [];
  if (options.state) {
    const dump = readStateDump(options.state);
    input = {
      roomId: target ?? dump.roomId,
      source: options.state,
      state: dump.state,
      members: options.members ? readMembers(options.members) : dump.members,
      published: options.published ?? dump.published,
      localServer: typeof server?.config.server_name === 'string' ? server.config.server_name : undefined,
    };
  } else {
    if (!target) throw new InputError('give a room id or alias, or --state FILE for a state dump');
    if (!options.homeserver) throw new InputError('--homeserver URL is needed to fetch a room (or use --state FILE)');
    const baseUrl = checkHomeserverUrl(options.homeserver, Boolean(options.allowInsecureHttp));
    const accessToken = readToken(options.tokenFile);
    if (!accessToken) throw new InputError('no access token: set MATRIX_ACCESS_TOKEN or use --token-file FILE');
    const { Homeserver } = await import('../sources/homeserver.js');
    const { fetchRoom } = await import('../sources/room-fetch.js');
    const hs = new Homeserver({
      baseUrl, accessToken, log: log(),
      timeoutMs: positiveInteger(options.timeout, '--timeout'),
      maxRetries: positiveInteger(options.maxRetries, '--max-retries'),
    });
    const fetched = await fetchRoom(hs, target);
    unknowns.push(...fetched.unknowns);
    input = { ...fetched, published: options.published ?? fetched.published };
    if (hs.faults.retries) log().info({ faults: hs.faults }, 'network faults survived');
  }
  const result = lintRoom(input, { useCases: options.useCase, server, ruleDirs: options.rules });
  result.warnings.push(...unknowns.map((unknown) => `could not fetch ${unknown}`));
  if (options.dumpFacts) {
    write(`${JSON.stringify({ roomId: result.roomId, facts: Object.fromEntries(Object.entries(result.facts.values).map(([path, fact]) => [path, { value: fact.value, state: fact.state, ...(fact.reason ? { reason: fact.reason } : {}) }])) }, null, 2)}\n`);
    return 0;
  }
  write(options.format === 'json' ? formatRoomJson(result) : formatRoomText(result, options.verbose));
  return exitCode(result, options.useCase.length > 0, result.useCases);
}

export function formatRoomJson(result: RoomLintResult): string {
  const report = JSON.parse(formatJson(result));
  return `${JSON.stringify({ ...report, roomId: result.roomId, classification: result.classification }, null, 2)}\n`;
}

export function formatRoomText(result: RoomLintResult, verbose?: boolean): string {
  const { fits, nearest } = result.classification;
  const lines = [`Room ${result.roomId}`];
  if (fits.length) {
    lines.push(`  fits: ${fits.map((fit) => `${fit.useCase}${fit.verdict === 'fit-with-warnings' ? ' (with warnings)' : ''}`).join(', ')}`);
    for (const reason of fits[0].reasons.slice(0, 6)) lines.push(`    ${fits[0].useCase}: ${reason}`);
  } else {
    lines.push('  fits no use case; nearest:');
    for (const near of nearest) lines.push(`    ${near.useCase}: ${near.blockers.slice(0, 3).join('; ')}`);
  }
  return `${lines.join('\n')}\n\n${formatText(result, { color: useColor(), useCases: USE_CASES, verbose })}`;
}
