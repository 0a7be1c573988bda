// `mxlint server`: the config and every room of a server, through the admin API.
import { InputError, EXIT } from '../errors.js';
import { log } from '../log.js';
import { lintConfig } from '../lint-config.js';
import { loadRules, USE_CASES, USE_CASE_IDS } from '../engine/rules.js';
import { formatText } from '../report/text.js';
import { Progress } from '../report/progress.js';
import { AuditSummary, auditServer, type RoomFailure, type RoomRecord } from '../audit-server.js';
import { checkHomeserverUrl, readToken } from './access.js';
import { exitCode, useColor } from './config.js';
import { positiveInteger } from './room.js';
import { VERSION } from '../version.js';

export interface ServerCommandOptions {
  homeserver?: string;
  tokenFile?: string;
  timeout: string;
  maxRetries: string;
  concurrency: string;
  allowInsecureHttp?: boolean;
  config: string[];
  rooms: string[];
  roomUseCase: string[];
  format: 'text' | 'json';
  summary?: boolean;
  rules: string[];
}

export async function runServer(options: ServerCommandOptions, write: (text: string) => void): Promise<number> {
  if (!options.homeserver) throw new InputError('--homeserver URL is needed');
  const baseUrl = checkHomeserverUrl(options.homeserver, Boolean(options.allowInsecureHttp));
  const accessToken = readToken(options.tokenFile);
  if (!accessToken) throw new InputError('no access token: set MATRIX_ACCESS_TOKEN (a server admin\'s token) or use --token-file FILE');
  const declared = new Map<string, string>();
  for (const pair of options.roomUseCase) {
    const [room, useCase] = pair.split('=');
    if (!room || !useCase || !USE_CASE_IDS.includes(useCase)) throw new InputError(`--room-use-case takes ROOM=USE_CASE with a known use case, not "${pair}"`);
    declared.set(room, useCase);
  }
  const concurrency = positiveInteger(options.concurrency, '--concurrency');
  if (concurrency < 1 || concurrency > 64) throw new InputError('--concurrency must be between 1 and 64');
  const rules = loadRules(options.rules);
  const configReport = options.config.length ? lintConfig(options.config, { rules }) : undefined;

  const { Homeserver } = await import('../sources/homeserver.js');
  const { checkAdmin } = await import('../sources/admin-api.js');
  const { resolveRoomId } = await import('../sources/room-fetch.js');
  const hs = new Homeserver({ baseUrl, accessToken, log: log(), timeoutMs: positiveInteger(options.timeout, '--timeout'), maxRetries: positiveInteger(options.maxRetries, '--max-retries') });
  const adminId = await checkAdmin(hs);
  const localServer = adminId.slice(adminId.indexOf(':') + 1);

  // --rooms: ids and aliases select rooms; anything else is the admin API's search term.
  const selectors = options.rooms.flatMap((value) => value.split(',')).map((value) => value.trim()).filter(Boolean);
  const searchTerms = selectors.filter((value) => !value.startsWith('!') && !value.startsWith('#'));
  if (searchTerms.length > 1) throw new InputError('--rooms takes one search term at most (plus any room ids and aliases)');
  const named = selectors.filter((value) => value.startsWith('!') || value.startsWith('#'));
  const roomIds = named.length ? new Set(await Promise.all(named.map((value) => resolveRoomId(hs, value)))) : undefined;
  for (const [room, useCase] of [...declared]) if (room.startsWith('#')) declared.set(await resolveRoomId(hs, room), useCase);

  const summary = new AuditSummary();
  const records: RoomRecord[] = [];
  const failures: RoomFailure[] = [];
  const progress = new Progress('rooms');
  const json = options.format === 'json';
  let firstRoom = true;
  if (json) {
    write(`{"schemaVersion":1,"tool":${JSON.stringify({ name: 'mxlint', version: VERSION })},"target":"server","homeserver":${JSON.stringify(baseUrl)},`);
    if (configReport) write(`"config":${JSON.stringify({ inputs: configReport.inputs, verdicts: configReport.verdicts, findings: configReport.findings.filter((f) => f.status !== 'pass') })},`);
    write('"rooms":[');
  }
  const counts = await auditServer({
    hs, localServer, server: configReport?.facts, rules, declared, concurrency,
    searchTerm: searchTerms[0], roomIds, withFacts: json && !options.summary,
    onTotal: (total) => progress.setTotal(total),
    onRoom: (record) => {
      progress.tick();
      summary.add(record);
      if (json && !options.summary) {
        write(`${firstRoom ? '' : ','}\n${JSON.stringify(record)}`);
        firstRoom = false;
      } else if (!options.summary) {
        records.push(record);
      }
    },
    onFailure: (failure) => { progress.tick(); failures.push(failure); },
  });
  progress.finish();
  const incomplete = counts.failed > 0;
  const audit = { ...counts, incomplete, faults: hs.faults };
  if (json) {
    write(`],\n"failures":${JSON.stringify(failures)},"audit":${JSON.stringify(audit)},"summary":${JSON.stringify(summary)}}\n`);
  } else {
    write(formatServerText(baseUrl, configReport ? formatText(configReport, { color: useColor(), useCases: USE_CASES }) : '', records, failures, summary, audit, Boolean(options.summary)));
  }
  if (incomplete) return EXIT.network;
  const configExit = configReport ? exitCode(configReport, false, configReport.useCases) : EXIT.ok;
  const declaredUnfit = [...summary.perUseCase.values()].some((row) => row.unfit > 0) && declared.size > 0;
  return configExit === EXIT.findings || declaredUnfit ? EXIT.findings : EXIT.ok;
}

function formatServerText(baseUrl: string, configText: string, records: RoomRecord[], failures: RoomFailure[], summary: AuditSummary,
  audit: { total: number; audited: number; failed: number; skipped: number; incomplete: boolean }, summaryOnly: boolean): string {
  const lines: string[] = [`mxlint ${VERSION}: server ${baseUrl}`];
  if (configText) lines.push('', 'Config', configText.trimEnd());
  const name = (id: string) => USE_CASES.find((useCase) => useCase.id === id)?.name.en ?? id;
  const label = (record: RoomRecord) => `${record.roomId}${record.alias ? ` ${record.alias}` : ''}${record.name ? ` "${record.name}"` : ''} (${record.members} members)`;
  if (!summaryOnly) {
    const byUseCase = new Map<string, RoomRecord[]>();
    for (const record of records) byUseCase.set(record.useCase ?? '', [...(byUseCase.get(record.useCase ?? '') ?? []), record]);
    for (const useCase of [...USE_CASE_IDS, '']) {
      const rooms = byUseCase.get(useCase);
      if (!rooms) continue;
      lines.push('', useCase ? `${useCase} (${name(useCase)}): ${rooms.length} room(s)` : `fitting no use case: ${rooms.length} room(s)`);
      for (const record of rooms.sort((a, b) => a.roomId.localeCompare(b.roomId))) {
        const verdict = record.verdict === 'fit-with-warnings' ? 'fit with warnings' : record.verdict;
        lines.push(`  ${label(record)}: ${record.declared ? 'declared, ' : ''}${verdict}`);
        for (const finding of record.findings.filter((f) => useCase || f.status === 'fail').slice(0, useCase ? 20 : 3)) {
          lines.push(`    ${finding.status === 'unknown' ? '?' : finding.level === 'error' ? '✗' : finding.level === 'warning' ? '!' : 'i'} ${finding.ruleId}${useCase ? '' : ` (${finding.useCase})`}: ${finding.message}`);
        }
      }
    }
  }
  if (failures.length) {
    lines.push('', `could not audit ${failures.length} room(s) (reported as unknown, not as passing):`);
    for (const failure of failures) lines.push(`  ${failure.roomId}: ${failure.reason}`);
  }
  const table = summary.toJSON();
  lines.push('', 'Summary', `  ${'use case'.padEnd(20)} rooms  fit  warnings  unfit  unknown`);
  for (const row of table.useCases) {
    lines.push(`  ${row.useCase.padEnd(20)} ${String(row.rooms).padStart(5)}  ${String(row.fit).padStart(3)}  ${String(row.warnings).padStart(8)}  ${String(row.unfit).padStart(5)}  ${String(row.unknown).padStart(7)}`);
  }
  lines.push(`  ${'(no use case fits)'.padEnd(20)} ${String(table.unclassified).padStart(5)}`);
  if (table.topFindings.length) {
    lines.push('', 'Top findings (rooms)');
    for (const { ruleId, rooms } of table.topFindings) lines.push(`  ${String(rooms).padStart(5)}  ${ruleId}`);
  }
  lines.push('', `audited ${audit.audited} of ${audit.total} room(s), ${audit.skipped} skipped, ${audit.failed} failed${audit.incomplete ? ': the audit is INCOMPLETE' : ''}`);
  return `${lines.join('\n')}\n`;
}
