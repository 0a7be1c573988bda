// SARIF 2.1.0 (checked with the official validator, `sarif-multitool validate`, in the tests).
// One reportingDescriptor per rule, with a helpUri to its section of docs/rules.md; results carry
// file/line/column for config findings and stable partialFingerprints. Room findings point at a
// snapshot of the rooms written next to the SARIF file (`<output>.rooms.json`).
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { outputKind, writeFileAtomically } from '../fix/atomic-write.js';
import { redactYamlLine } from '../facts/redact.js';
import { scrubSecrets } from '../redact-text.js';
import type { Finding, Level, Rule } from '../types.js';
import { EXTRA_RULES, repoPath, ruleDocsUrl, ruleText, shownFindings, useCaseName, type AuditOutput, type Note, type RoomSnapshot, type SuppressedFinding } from './model.js';
import { findingKey, fingerprint } from './fingerprint.js';
import { colon, t } from './messages.js';
import { defineMessages, render } from '../messages/message.js';

const say = defineMessages({
  'sarif.leftOut': {
    en: '{leftOut} of {total} results left out: GitHub code scanning keeps at most {max} per run; the most severe are kept, and the other formats list them all.',
    fr: '{leftOut} résultats sur {total} laissés de côté\u00a0: l’analyse de code de GitHub en garde au plus {max} par exécution\u00a0; les plus graves sont gardés, et les autres formats les listent tous.',
  },
});

export interface SnapshotIndex {
  file: string;
  /** Room id → line of the room, and line of its first state event of each type. */
  rooms: Map<string, { line: number; events: Map<string, number> }>;
}

/** Writes the rooms' state (member events left out: they name people) with one event per line. */
export function writeRoomSnapshot(file: string, rooms: RoomSnapshot[]): SnapshotIndex {
  const lines = ['{', '  "schemaVersion": 1,', '  "comment": "Room state audited by mxlint (m.room.member events left out). SARIF results point at these lines.",', '  "rooms": ['];
  const index: SnapshotIndex = { file, rooms: new Map() };
  rooms.forEach((room, roomIndex) => {
    const events = new Map<string, number>();
    lines.push('    {');
    index.rooms.set(room.roomId, { line: lines.length + 1, events });
    lines.push(`      "roomId": ${JSON.stringify(room.roomId)},`);
    if (room.name !== undefined) lines.push(`      "name": ${JSON.stringify(room.name)},`);
    if (room.alias !== undefined) lines.push(`      "alias": ${JSON.stringify(room.alias)},`);
    const state = (room.state ?? []).filter((event) => event.type !== 'm.room.member');
    lines.push(`      "facts": ${JSON.stringify(room.facts)}${room.state ? ',' : ''}`);
    if (room.state) {
      lines.push('      "state": [');
      state.forEach((event, eventIndex) => {
        if (!events.has(event.type)) events.set(event.type, lines.length + 1);
        lines.push(`        ${JSON.stringify({ type: event.type, state_key: event.state_key, content: event.content })}${eventIndex < state.length - 1 ? ',' : ''}`);
      });
      lines.push('      ]');
    }
    lines.push(`    }${roomIndex < rooms.length - 1 ? ',' : ''}`);
  });
  lines.push('  ]', '}');
  writeFileAtomically(file, scrubSecrets(`${lines.join('\n')}\n`), outputKind('error.output.snapshot'));
  return index;
}

const SARIF_LEVEL: Record<Exclude<Level, 'off'>, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };
/** GitHub code scanning ranks security alerts by this score (high from 7, medium from 4, low). */
const SECURITY_SEVERITY: Record<Exclude<Level, 'off'>, string> = { error: '7.5', warning: '5.0', info: '2.0' };
/** GitHub code scanning stores at most 5,000 results of a run (and refuses a run of more than
 *  25,000): beyond that, the most severe are kept and a notification says how many were left out. */
export const MAX_SARIF_RESULTS = 5000;
const LEVEL_RANK: Record<string, number> = { error: 0, warning: 1, note: 2 };
const pascal = (id: string) => id.split('-').map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join('');
const sentence = (text: string) => (/[.!?]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`);

function highestLevel(rule: Rule): Exclude<Level, 'off'> {
  const levels = Object.values(rule.levels);
  return levels.includes('error') ? 'error' : levels.includes('warning') ? 'warning' : 'info';
}

export function formatSarif(output: AuditOutput, snapshot?: SnapshotIndex): string {
  const { lang } = output;
  const docsUrl = (id: string) => ruleDocsUrl(id, output.docsUrl);
  const descriptors = [
    ...output.rules.map((rule) => ({ id: rule.id, level: highestLevel(rule), rule })),
    ...EXTRA_RULES.map((rule) => ({ id: rule.id, level: rule.level, rule: undefined })),
  ];
  const ruleIndex = new Map(descriptors.map((descriptor, index) => [descriptor.id, index]));
  const rules = descriptors.map(({ id, level, rule }) => {
    const text = ruleText(output, id);
    const levels = rule ? Object.entries(rule.levels).filter(([, value]) => value !== 'off') : [];
    return {
      id,
      name: pascal(id),
      shortDescription: { text: sentence(text.title) },
      fullDescription: { text: sentence(text.rationale) },
      helpUri: docsUrl(id),
      help: {
        text: `${sentence(text.rationale)}${text.fix ? ` ${t(lang, 'label.fix')}${colon(lang)}${sentence(text.fix)}` : ''}`,
        markdown: `${text.rationale}${text.fix ? `\n\n**${t(lang, 'label.whatToChange')}${colon(lang).trimEnd()}** ${text.fix}` : ''}${levels.length ? `\n\n${t(lang, 'label.levels')}${colon(lang)}${levels.map(([useCase, value]) => `${useCase}${colon(lang)}${t(lang, `level.${value as 'error'}`)}`).join(', ')}` : ''}`,
      },
      defaultConfiguration: { level: SARIF_LEVEL[level] },
      properties: { tags: ['privacy', ...(rule?.tags ?? []), rule?.target ?? 'mxlint'], 'security-severity': SECURITY_SEVERITY[level], ...(rule ? { levels: Object.fromEntries(levels) } : {}) },
    };
  });

  const lineCache = new Map<string, string[] | null>();
  const lineOf = (file: string, line: number): string | undefined => {
    if (!lineCache.has(file)) {
      try {
        lineCache.set(file, readFileSync(file, 'utf8').split(/\r?\n/));
      } catch {
        lineCache.set(file, null);
      }
    }
    return lineCache.get(file)?.[line - 1];
  };
  const physical = (file: string, line: number, column?: number, snippet = true) => {
    // The line as written, secrets redacted: a finding on `form_secret: ...` must not quote the secret.
    const raw = snippet ? lineOf(file, line) : undefined;
    const text = raw === undefined ? undefined : scrubSecrets(redactYamlLine(raw));
    return {
      physicalLocation: {
        artifactLocation: { uri: encodeURI(repoPath(file)), uriBaseId: 'SRCROOT' },
        region: { startLine: line, ...(column ? { startColumn: column } : {}), ...(text ? { snippet: { text } } : {}) },
      },
    };
  };
  const locationsOf = (finding: Finding) => {
    // A value from the environment (env:MAS_…) has no file: a logical location names its variable.
    if (finding.location?.line === 0) return [{ logicalLocations: [{ name: finding.location.file, kind: 'variable' }] }];
    if (finding.location) return [physical(finding.location.file, finding.location.line, finding.location.column)];
    if (finding.room) {
      const room = snapshot?.rooms.get(finding.room.id);
      const logical = { logicalLocations: [{ name: finding.room.id, fullyQualifiedName: finding.room.eventType ? `${finding.room.id}/${finding.room.eventType}` : finding.room.id, kind: 'resource' }] };
      if (room && snapshot) return [{ ...physical(snapshot.file, (finding.room.eventType && room.events.get(finding.room.eventType)) || room.line, undefined, false), ...logical }];
      if (output.stateFile) return [{ ...physical(output.stateFile, 1, undefined, false), ...logical }];
      return [logical];
    }
    // An absent option (Synapse's default applies): point at the top of the config file.
    return output.anchorFiles.length ? [physical(output.anchorFiles[0], 1, 1, false)] : [];
  };

  const seenKeys = new Map<string, number>();
  const fingerprintOf = (finding: Finding) => {
    const key = findingKey(finding);
    const count = (seenKeys.get(key) ?? 0) + 1;
    seenKeys.set(key, count);
    return fingerprint(count > 1 ? `${key}#${count}` : key);
  };
  const resultOf = (finding: Finding, suppression?: SuppressedFinding) => {
    const text = ruleText(output, finding.ruleId);
    const status = finding.status === 'unknown' ? `${t(lang, 'status.unknown')}${colon(lang)}` : '';
    const message = `${sentence(text.title)} ${useCaseName(output, finding.useCase)} (${finding.useCase})${colon(lang)}${status}${sentence(finding.message)}${text.fix ? ` ${t(lang, 'label.fix')}${colon(lang)}${sentence(text.fix)}` : ''}`;
    return {
      ruleId: finding.ruleId,
      ruleIndex: ruleIndex.get(finding.ruleId),
      level: SARIF_LEVEL[finding.level],
      kind: 'fail',
      message: { text: message },
      locations: locationsOf(finding),
      partialFingerprints: { 'mxlintFindingKey/v1': fingerprintOf(finding) },
      ...(suppression ? { suppressions: [{ kind: suppression.by === 'inline' ? 'inSource' : 'external', status: 'accepted', justification: suppression.reason ?? suppression.by }] } : {}),
      ...(output.baselineUsed && !suppression ? { baselineState: 'new' } : {}),
      properties: { useCase: finding.useCase, status: finding.status, messageId: finding.messageId, ...(finding.path ? { path: finding.path } : {}), ...(finding.room ? { room: finding.room.id } : {}) },
    };
  };
  const noteResult = (note: Note) => ({
    ruleId: note.ruleId,
    ruleIndex: ruleIndex.get(note.ruleId),
    level: SARIF_LEVEL[note.level],
    kind: 'fail',
    message: { text: sentence(note.message) },
    locations: note.location ? [physical(note.location.file, note.location.line, note.location.column)] : [],
    partialFingerprints: { 'mxlintFindingKey/v1': fingerprint(`${note.ruleId}|${note.key}`) },
  });
  const allResults = [
    ...shownFindings(output).filter((finding) => finding.status !== 'pass').map((finding) => resultOf(finding)),
    ...output.suppressed.filter((entry) => entry.by !== 'baseline').map((entry) => resultOf(entry.finding, entry)),
    ...output.notes.map(noteResult),
  ].map((result) => (result.locations.length ? result : (({ locations: _locations, ...rest }) => rest)(result)));

  const results = allResults.length <= MAX_SARIF_RESULTS ? allResults
    : allResults.map((result, index) => ({ result, index })).sort((a, b) => LEVEL_RANK[a.result.level] - LEVEL_RANK[b.result.level] || a.index - b.index)
      .slice(0, MAX_SARIF_RESULTS).sort((a, b) => a.index - b.index).map(({ result }) => result);
  const leftOut = allResults.length - results.length;
  const notifications = [
    ...output.report.warnings.map((warning) => ({ level: 'warning', message: { text: sentence(warning) } })),
    ...(leftOut ? [{ level: 'warning', message: { text: render(lang, say('sarif.leftOut', { leftOut, total: allResults.length, max: MAX_SARIF_RESULTS })) } }] : []),
  ];

  const cwd = pathToFileURL(process.cwd()).href;
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'mxlint',
          version: output.report.tool.version,
          semanticVersion: output.report.tool.version,
          informationUri: docsUrl('').replace(/#$/, ''),
          language: lang,
          rules,
        },
      },
      originalUriBaseIds: { SRCROOT: { uri: cwd.endsWith('/') ? cwd : `${cwd}/` } },
      invocations: [{
        executionSuccessful: true,
        ...(notifications.length ? { toolExecutionNotifications: notifications } : {}),
      }],
      results,
      properties: { target: output.report.target, useCases: output.report.useCases, verdicts: output.report.verdicts },
    }],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}
