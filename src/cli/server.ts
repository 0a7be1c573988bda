// `mxlint server`: the config and every room of a server, through the admin API.
import { InputError, EXIT } from '../errors.js';
import { log } from '../log.js';
import { lintConfig } from '../lint-config.js';
import { USE_CASES, USE_CASE_IDS } from '../engine/rules.js';
import { verdicts } from '../engine/verdicts.js';
import { formatText } from '../report/text.js';
import { Progress } from '../report/progress.js';
import { AuditSummary, auditServer, type RoomFailure, type RoomRecord } from '../audit-server.js';
import { checkHomeserverUrl, readToken, requestLimits, wholeNumber } from './access.js';
import { terminalOutput } from './stdout.js';
import { closeSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { auditOutput, deliver, openSession, Settler, type ReportCliOptions } from '../policy/session.js';
import { exitStatus } from '../policy/gate.js';
import { formatServerText, roomLabel, roomSnapshots, serverReport } from '../report/server.js';
import { VERSION } from '../version.js';
import { JSON_SCHEMA_VERSION, jsonFinding, jsonSuppressed } from '../report/json.js';
import { scrubSecrets } from '../redact-text.js';
import { evaluate } from '../engine/evaluate.js';
import { buildKeptFacts } from '../facts/server-kept.js';
import { keptRows, type RetentionSummary } from '../report/kept-summary.js';
import type { Finding } from '../types.js';
import { defineMessages } from '../messages/message.js';

const errorMessage = defineMessages({
  'error.server.noHomeserver': { en: '--homeserver URL is needed', fr: 'il faut --homeserver URL' },
  'error.server.noToken': {
    en: "no access token: set MATRIX_ACCESS_TOKEN (a server admin's token) or use --token-file FILE",
    fr: 'aucun jeton d’accès\u00a0: définissez MATRIX_ACCESS_TOKEN (le jeton d’un administrateur du serveur) ou utilisez --token-file FICHIER',
  },
  'error.server.roomUseCase': {
    en: '--room-use-case takes ROOM=USE_CASE with a known use case, not "{pair}"',
    fr: '--room-use-case attend SALON=CAS_D_USAGE avec un cas d’usage connu, pas «\u00a0{pair}\u00a0»',
  },
  'error.server.searchTerms': {
    en: '--rooms takes one search term at most (plus any room ids and aliases)',
    fr: '--rooms accepte un seul terme de recherche au plus (en plus d’identifiants et d’alias de salons)',
  },
  'error.server.cannotWrite': { en: 'cannot write the json report ({reason})', fr: 'écriture du rapport json impossible ({reason})' },
});

export interface ServerCommandOptions extends Omit<ReportCliOptions, 'useCase'> {
  homeserver?: string;
  tokenFile?: string;
  timeout: string;
  maxRetries: string;
  concurrency: string;
  allowInsecureHttp?: boolean;
  config: string[];
  rooms: string[];
  roomUseCase: string[];
  summary?: boolean;
}

export async function runServer(options: ServerCommandOptions, write: (text: string) => void): Promise<number> {
  const streams: StreamedFile[] = [];
  try {
    return await audit(options, write, streams);
  } finally {
    // An audit that did not end (network failure, bad input, a bug) leaves the user's file as it was.
    for (const stream of streams) stream.abandon();
  }
}

async function audit(options: ServerCommandOptions, write: (text: string) => void, streams: StreamedFile[]): Promise<number> {
  if (!options.homeserver) throw new InputError(errorMessage('error.server.noHomeserver'));
  const baseUrl = checkHomeserverUrl(options.homeserver, Boolean(options.allowInsecureHttp));
  const limits = requestLimits(options);
  const accessToken = readToken(options.tokenFile);
  if (!accessToken) throw new InputError(errorMessage('error.server.noToken'));
  const session = openSession({ ...options, useCase: [] }, 'server');
  // What each room is for: the policy file's rooms, then --room-use-case (which wins).
  const declared = new Map<string, string>(Object.entries(session.policy?.rooms ?? {}));
  for (const pair of options.roomUseCase) {
    const [room, useCase] = pair.split('=');
    if (!room || !useCase || !USE_CASE_IDS.includes(useCase)) throw new InputError(errorMessage('error.server.roomUseCase', { pair }));
    declared.set(room, useCase);
  }
  const concurrency = wholeNumber(options.concurrency, '--concurrency', 1, 64);
  const rules = session.rules;
  const configReport = options.config.length ? lintConfig(options.config, { rules, useCases: session.useCases, lang: session.lang }) : undefined;
  const aliases = new Map<string, string>();
  const settler = new Settler(session, (roomId) => aliases.get(roomId));
  const configFiles = configReport?.facts.files.map((file) => file.path) ?? [];
  if (configReport) {
    configReport.findings = settler.settle(configReport.findings, configFiles);
    configReport.verdicts = verdicts(configReport.findings, configReport.useCases);
  }
  // json streams (constant memory); text and the other formats need the records.
  const jsonSpec = session.outputs.find((spec) => spec.format === 'json');
  const others = session.outputs.filter((spec) => spec.format !== 'json');
  const keepRecords = others.some((spec) => spec.format !== 'text' || !options.summary);
  const jsonFile = jsonSpec?.file ? new StreamedFile(jsonSpec.file) : undefined;
  if (jsonFile) streams.push(jsonFile);
  // Each piece is a whole record, so a secret is never split between two writes.
  const jsonWrite = jsonFile === undefined ? write : (text: string) => jsonFile.write(scrubSecrets(text));

  const { Homeserver } = await import('../sources/homeserver.js');
  const { checkAdmin } = await import('../sources/admin-api.js');
  const { resolveRoomId } = await import('../sources/room-fetch.js');
  const hs = await Homeserver.open({ baseUrl, accessToken, log: log(), ...limits });
  const adminId = await checkAdmin(hs);
  const localServer = adminId.slice(adminId.indexOf(':') + 1);

  // --rooms: ids and aliases select rooms; anything else is the admin API's search term.
  const selectors = options.rooms.flatMap((value) => value.split(',')).map((value) => value.trim()).filter(Boolean);
  const searchTerms = selectors.filter((value) => !value.startsWith('!') && !value.startsWith('#'));
  if (searchTerms.length > 1) throw new InputError(errorMessage('error.server.searchTerms'));
  const named = selectors.filter((value) => value.startsWith('!') || value.startsWith('#'));
  const roomIds = named.length ? new Set(await Promise.all(named.map((value) => resolveRoomId(hs, value)))) : undefined;
  for (const [room, useCase] of [...declared]) if (room.startsWith('#')) declared.set(await resolveRoomId(hs, room), useCase);

  // What the server keeps beyond rooms (media, IPs, deleted messages): measured once, judged
  // against the config's lifetimes, so only with --config.
  let kept: { findings: Finding[]; requests: number } | undefined;
  if (configReport) {
    const { measureKept } = await import('../server-kept.js');
    const measurement = await measureKept(hs, { concurrency });
    const keptFacts = buildKeptFacts(measurement.kept, configReport.facts);
    kept = { findings: settler.settle(evaluate(rules.filter((rule) => rule.target === 'server'), keptFacts, { useCases: configReport.useCases, lang: session.lang })), requests: measurement.requests };
  }
  const summary = new AuditSummary();
  const records: RoomRecord[] = [];
  const failures: RoomFailure[] = [];
  const progress = new Progress(session.lang);
  const json = Boolean(jsonSpec);
  let firstRoom = true;
  if (json) {
    jsonWrite(`{"schemaVersion":${JSON_SCHEMA_VERSION},"tool":${JSON.stringify({ name: 'mxlint', version: VERSION })},"target":"server","homeserver":${JSON.stringify(baseUrl)},`);
    if (configReport) jsonWrite(`"config":${JSON.stringify({ inputs: configReport.inputs, verdicts: configReport.verdicts, findings: configReport.findings.filter((f) => f.status !== 'pass' && (!options.quiet || f.level === 'error')).map(jsonFinding) })},`);
    jsonWrite('"rooms":[');
  }
  const counts = await auditServer({
    hs, localServer, server: configReport?.facts, rules, declared, concurrency, lang: session.lang,
    searchTerm: searchTerms[0], roomIds, withFacts: (json && !options.summary) || others.some((spec) => spec.format === 'sarif' || spec.format === 'html'),
    onTotal: (total) => progress.setTotal(total),
    onRoom: (record) => {
      progress.tick();
      if (record.alias) aliases.set(record.roomId, record.alias);
      const kept = settler.settle(record.findings);
      if (kept.length !== record.findings.length && record.useCase) {
        record.verdict = verdicts(kept.filter((f) => f.useCase === record.useCase), [record.useCase])[0].verdict;
      }
      record.findings = kept;
      summary.add(record);
      if (json && !options.summary) {
        const findings = (options.quiet ? record.findings.filter((f) => f.level === 'error') : record.findings).map(jsonFinding);
        jsonWrite(`${firstRoom ? '' : ','}\n${JSON.stringify({ ...record, findings })}`);
        firstRoom = false;
      }
      if (keepRecords) records.push(json && !options.summary && !others.some((spec) => spec.format === 'sarif' || spec.format === 'html') ? { ...record, facts: undefined } : record);
    },
    onFailure: (failure) => { progress.tick(); failures.push(failure); },
  });
  progress.finish();
  const incomplete = counts.failed > 0;
  const audit = { ...counts, incomplete, faults: hs.faults };
  const settled = settler.finish();
  const retention: RetentionSummary = {
    rooms: summary.toJSON().useCases.map(({ useCase, rooms, retention: counts }) => ({ useCase, rooms, ...counts })),
    server: keptRows(configReport?.findings ?? [], kept?.findings ?? []),
  };
  if (json) {
    const keptJson = kept ? `,"kept":${JSON.stringify({ requests: kept.requests, findings: kept.findings.filter((f) => !options.quiet || f.level === 'error').map(jsonFinding), retention })}` : '';
    const extras = `${settled.notes.length ? `,"notes":${JSON.stringify(settled.notes)}` : ''}${settled.suppressed.length ? `,"suppressed":${JSON.stringify(jsonSuppressed(settled.suppressed))}` : ''}`;
    jsonWrite(`],\n"failures":${JSON.stringify(failures)},"audit":${JSON.stringify(audit)},"summary":${JSON.stringify(summary)}${keptJson}${extras}}\n`);
    jsonFile?.complete();
  }
  if (others.length) {
    const report = serverReport({ baseUrl, version: VERSION, config: configReport, records, failures, kept: kept?.findings });
    const output = auditOutput(report, { ...session, outputs: others }, settled, {
      anchorFiles: configFiles, ...terminalOutput(), serverName: typeof configReport?.facts.config.server_name === 'string' ? configReport.facts.config.server_name : localServer,
      rooms: roomSnapshots(records), retention,
      roomVerdicts: records.map((record) => ({ roomId: record.roomId, label: roomLabel(record, session.lang), useCase: record.useCase, verdict: record.verdict, declared: record.declared, fits: record.fits })),
    });
    await deliver(output, { ...session, outputs: others }, write, {
      text: (shown) => formatServerText({
        baseUrl, version: VERSION, records, failures, summary, retention, audit, summaryOnly: Boolean(options.summary), lang: session.lang, useCases: USE_CASES, notes: settled.notes, color: shown.color, width: shown.width,
        configText: configReport ? formatText(configReport, { color: Boolean(shown.color), useCases: USE_CASES, lang: session.lang, quiet: options.quiet, rules, verbose: options.verbose, width: shown.width }) : '',
      }),
    });
  }
  if (incomplete) return EXIT.network;
  // The config (and what the server keeps against it): counted as `mxlint config` counts it; rooms: only declared ones, at the --fail-on level.
  const configExit = configReport ? exitStatus([...configReport.findings, ...(kept?.findings ?? [])], configReport.useCases, settled.notes, { ...session.gate, selected: session.useCases.length > 0 }) : EXIT.ok;
  const declaredFailing = [...summary.perUseCase.values()].some((row) => row.unfit > 0 || (session.gate.failOn !== 'error' && row.warnings > 0)) && declared.size > 0;
  return configExit === EXIT.findings || declaredFailing ? EXIT.findings : EXIT.ok;
}

/** The json report streams into a temporary file beside the one asked for, which takes its name
 *  only once the report is whole: the user's file is never left truncated or half written. */
class StreamedFile {
  private readonly temp: string;
  private fd: number | undefined;
  constructor(private readonly file: string) {
    this.temp = join(dirname(file), `.${basename(file)}.mxlint-${process.pid}.tmp`);
    try {
      this.fd = openSync(this.temp, 'wx');
    } catch (error) {
      throw new InputError(errorMessage('error.server.cannotWrite', { reason: (error as NodeJS.ErrnoException).code ?? String(error) }), { file });
    }
  }

  /** All of it: writeSync may write less than it is given. */
  write(text: string): void {
    const bytes = Buffer.from(text, 'utf8');
    for (let offset = 0; offset < bytes.length;) offset += writeSync(this.fd!, bytes, offset);
  }

  complete(): void {
    closeSync(this.fd!);
    this.fd = undefined;
    try {
      renameSync(this.temp, this.file);
    } catch (error) {
      this.abandon();
      throw new InputError(errorMessage('error.server.cannotWrite', { reason: (error as NodeJS.ErrnoException).code ?? String(error) }), { file: this.file });
    }
  }

  abandon(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    try { unlinkSync(this.temp); } catch { /* renamed, or never made */ }
  }
}
