// `mxlint room`: lint one room, from a homeserver (matrix-js-sdk) or from a state dump.
import { InputError } from '../errors.js';
import { log } from '../log.js';
import { lintRoom, type RoomLintResult } from '../lint-room.js';
import { loadConfigFiles } from '../sources/config-files.js';
import { buildServerFacts } from '../facts/server-facts.js';
import { readMembers, readStateDump } from '../sources/state-dump.js';
import { formatText, textContext, wrap } from '../report/text.js';
import { jsonReport } from '../report/json.js';
import { colon, t, verdictWord } from '../report/messages.js';
import type { AuditOutput } from '../report/model.js';
import { terminalOutput } from './stdout.js';
import { checkHomeserverUrl, readToken, requestLimits } from './access.js';
import type { RoomInput } from '../facts/room-facts.js';
import type { RoomFetchPart } from '../sources/room-fetch.js';
import type { Lang } from '../types.js';
import { defineMessages, render, type Message } from '../messages/message.js';
import { auditOutput, deliver, openSession, policyRoomUseCase, settleReport, type ReportCliOptions } from '../policy/session.js';

const errorMessage = defineMessages({
  'error.room.noTarget': { en: 'give a room id or alias, or --state FILE for a state dump', fr: 'donnez un identifiant ou un alias de salon, ou --state FICHIER pour un état de salon' },
  'error.room.noHomeserver': { en: '--homeserver URL is needed to fetch a room (or use --state FILE)', fr: 'il faut --homeserver URL pour lire un salon (ou utilisez --state FICHIER)' },
  'error.room.noToken': { en: 'no access token: set MATRIX_ACCESS_TOKEN or use --token-file FILE', fr: 'aucun jeton d’accès\u00a0: définissez MATRIX_ACCESS_TOKEN ou utilisez --token-file FICHIER' },
});

const message = defineMessages({
  'room.couldNotFetch': { en: 'could not fetch {what}: {error}', fr: 'impossible de récupérer {what}\u00a0: {error}' },
  'room.fetch.members': { en: 'members', fr: 'la liste des membres' },
  'room.fetch.directory': { en: 'directory visibility', fr: 'la présence dans l’annuaire des salons' },
  'room.fetch.serverName': { en: 'own server name', fr: 'le nom de son propre serveur' },
  'room.fetch.newestEvent': { en: 'newest event', fr: 'l’évènement le plus récent' },
});

const FETCH_PARTS = {
  members: 'room.fetch.members',
  'directory visibility': 'room.fetch.directory',
  'own server name': 'room.fetch.serverName',
  'newest event': 'room.fetch.newestEvent',
} as const satisfies Record<RoomFetchPart, string>;

export interface RoomCommandOptions extends ReportCliOptions {
  homeserver?: string;
  tokenFile?: string;
  timeout: string;
  maxRetries: string;
  allowInsecureHttp?: boolean;
  state?: string;
  members?: string;
  published?: boolean;
  config: string[];
  dumpFacts?: boolean;
}

/** What a room comes from: a state dump, or a homeserver. */
export type RoomSourceOptions = Pick<RoomCommandOptions, 'state' | 'members' | 'published' | 'homeserver' | 'tokenFile' | 'timeout' | 'maxRetries' | 'allowInsecureHttp'>;

/** The room's state: from a dump (--state) or from the homeserver (read-only). */
export async function readRoom(target: string | undefined, options: RoomSourceOptions, serverName: unknown) {
  if (options.state) {
    const dump = readStateDump(options.state);
    const members = options.members ? readMembers(options.members) : undefined;
    const input: RoomInput = {
      roomId: target ?? dump.roomId,
      source: options.state,
      state: dump.state,
      members: members ? members.members : dump.members,
      published: options.published ?? dump.published,
      localServer: dump.localServer ?? (typeof serverName === 'string' ? serverName : undefined),
      lastEventTs: dump.lastEventTs,
      now: dump.now,
    };
    return { input, hs: undefined, unknowns: [] as Message[], warnings: [...dump.warnings, ...(members?.warnings ?? [])] };
  }
  if (!target) throw new InputError(errorMessage('error.room.noTarget'));
  if (!options.homeserver) throw new InputError(errorMessage('error.room.noHomeserver'));
  const baseUrl = checkHomeserverUrl(options.homeserver, Boolean(options.allowInsecureHttp));
  const limits = requestLimits(options);
  const accessToken = readToken(options.tokenFile);
  if (!accessToken) throw new InputError(errorMessage('error.room.noToken'));
  const { Homeserver } = await import('../sources/homeserver.js');
  const { fetchRoom } = await import('../sources/room-fetch.js');
  const hs = await Homeserver.open({ baseUrl, accessToken, log: log(), ...limits });
  const { unknowns, warnings, ...fetched } = await fetchRoom(hs, target);
  const input: RoomInput = { ...fetched, published: options.published ?? fetched.published };
  // What was refused, as messages: the command renders them in the report's language.
  const refused = unknowns.map(({ what, error }) => message('room.couldNotFetch', { what: message(FETCH_PARTS[what]), error }));
  return { input, hs, unknowns: refused, warnings };
}

export async function runRoom(target: string | undefined, options: RoomCommandOptions, write: (text: string) => void): Promise<number> {
  const session = openSession(options, 'room');
  const server = options.config.length ? buildServerFacts(loadConfigFiles(options.config), options.config) : undefined;
  const serverName = server?.config.server_name;
  const { input, hs, unknowns, warnings } = await readRoom(target, options, serverName);
  if (hs?.faults.retries) log().info({ faults: hs.faults }, 'network faults survived');
  // Declared use cases: -u, else the policy file's rooms (by id, the alias asked for, or the canonical alias).
  const alias = input.state.find((event) => event.type === 'm.room.canonical_alias')?.content.alias;
  const mapped = policyRoomUseCase(session.policy, [input.roomId, target, typeof alias === 'string' ? alias : undefined]);
  const declared = options.useCase.length ? options.useCase : mapped ? [mapped] : [];
  const result = lintRoom(input, { useCases: declared, server, rules: session.rules, lang: session.lang });
  result.warnings.push(...[...warnings, ...unknowns].map((said) => render(session.lang, said)));
  if (options.dumpFacts) {
    write(dumpFacts(result, session.lang));
    return 0;
  }
  const configFiles = server?.files.map((file) => file.path) ?? [];
  const settled = settleReport(result, session, configFiles);
  const facts = Object.fromEntries(Object.entries(result.facts.values).map(([path, fact]) => [path, fact.value]));
  const best = result.classification.fits[0];
  const output = auditOutput(result, session, settled, {
    anchorFiles: configFiles, stateFile: options.state, ...terminalOutput(),
    serverName: typeof server?.config.server_name === 'string' ? server.config.server_name : undefined,
    rooms: [{ roomId: result.roomId, name: (facts['room.name'] as string | null) ?? null, alias: (facts['alias.canonical'] as string | null) ?? null, facts, state: input.state }],
    roomVerdicts: [{
      roomId: result.roomId, label: result.roomId, declared: declared.length > 0,
      useCase: declared[0] ?? best?.useCase ?? null,
      verdict: declared.length ? result.verdicts[0].verdict : best?.verdict ?? 'unclassified',
      fits: result.classification.fits.map((fit) => fit.useCase),
    }],
  });
  return deliver(output, session, write, {
    text: (shown) => formatRoomText(result, shown),
    json: (shown) => formatRoomJson(result, shown),
  }, declared.length > 0);
}

/** --dump-facts: every room fact with its state, and why it is unknown in the report's language. */
function dumpFacts(result: RoomLintResult, lang: Lang): string {
  const facts = Object.fromEntries(Object.entries(result.facts.values).map(([path, fact]) =>
    [path, { value: fact.value, state: fact.state, ...(fact.reason ? { reason: render(lang, fact.reason) } : {}) }]));
  return `${JSON.stringify({ roomId: result.roomId, facts }, null, 2)}\n`;
}

export function formatRoomJson(result: RoomLintResult, output?: AuditOutput): string {
  const findings = output?.quiet ? result.findings.filter((finding) => finding.level === 'error') : result.findings;
  const report = jsonReport({ ...result, findings }, { notes: output?.notes, suppressed: output?.suppressed });
  return `${JSON.stringify({ ...report, roomId: result.roomId, classification: result.classification }, null, 2)}\n`;
}

export function formatRoomText(result: RoomLintResult, output: AuditOutput): string {
  const { lang } = output;
  const ctx = textContext({ lang, color: Boolean(output.color), width: output.width });
  const { fits, nearest } = result.classification;
  const lines = wrap(`${t(lang, 'label.room')} ${result.roomId}`, ctx.width, '').map((line) => ctx.paint('bold', line));
  if (fits.length) {
    lines.push(...wrap(`${t(lang, 'table.fits')}${colon(lang)}${fits.map((fit) => `${fit.useCase}${fit.verdict === 'fit-with-warnings' ? ` (${verdictWord(lang, fit.verdict)})` : ''}`).join(', ')}`, ctx.width, '  ', '    '));
    for (const reason of fits[0].reasons.slice(0, 6)) lines.push(...wrap(`${fits[0].useCase}${colon(lang)}${reason}`, ctx.width, '    ', '      '));
  } else {
    lines.push(...wrap(`${t(lang, 'label.fitsNone')}${t(lang, 'summary.separator')}${t(lang, 'label.nearest')}${colon(lang).trimEnd()}`, ctx.width, '  '));
    for (const near of nearest) lines.push(...wrap(`${near.useCase}${colon(lang)}${near.blockers.slice(0, 3).join(t(lang, 'summary.separator'))}`, ctx.width, '    ', '      '));
  }
  return `${lines.join('\n')}\n\n${formatText(result, {
    color: Boolean(output.color), useCases: output.useCases, verbose: output.verbose, lang, quiet: output.quiet,
    notes: output.notes, suppressed: output.suppressed, rules: output.rules, width: output.width,
  })}`;
}
