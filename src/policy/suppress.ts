// Taking findings out of a report, each way saying why: inline comments in homeserver.yaml,
// ignores in the policy file (with an expiry date), and a baseline of known findings.
import { scrubSecrets } from '../redact-text.js';
import { resolve } from 'node:path';
import { InputError } from '../errors.js';
import { outputKind, writeFileAtomically } from '../fix/atomic-write.js';
import { readBounded, fileKind } from '../sources/read-bounded.js';
import { LIMITS } from '../sources/yaml-file.js';

/** A baseline entry is ~200 bytes: 64 MiB holds far more findings than any server makes. */
const MAX_BASELINE_BYTES = 64 * 1024 * 1024;
import type { Finding, Lang } from '../types.js';
import { findingKey } from '../report/finding-key.js';
import { t } from '../report/messages.js';
import { repoPath, type Note, type SuppressedFinding } from '../report/model.js';
import type { Policy } from './load.js';
import { VERSION } from '../version.js';
import { defineMessages } from '../messages/message.js';

const errorMessage = defineMessages({
  'error.baseline.notFound': { en: 'baseline file not found (write one with --write-baseline FILE)', fr: 'fichier de référence introuvable (écrivez-en un avec --write-baseline FICHIER)' },
  // {reason}: JSON.parse's words, not ours.
  'error.baseline.notJson': { en: 'not a baseline file: {reason}', fr: 'pas un fichier de référence\u00a0: {reason}' },
  'error.baseline.notMxlint': { en: 'not an mxlint baseline (schemaVersion 1 with entries[].key)', fr: 'pas une référence mxlint (schemaVersion 1 avec entries[].key)' },
});

export interface Outcome {
  kept: Finding[];
  suppressed: SuppressedFinding[];
  notes: Note[];
}

const DIRECTIVE = /^[ \t]*#[ \t]*mxlint-disable-next-line\b(.*)$/;

export interface Directive {
  file: string;
  /** The comment's line. */
  line: number;
  /** The line it applies to: the next line that is neither blank nor a comment. */
  target: number;
  rules: string[];
  reason?: string;
}

/** Directives of one file, read from its raw text (the YAML loader blanks comment lines). */
export function readDirectives(file: string): Directive[] {
  let text: string;
  try {
    text = readBounded(file, LIMITS.maxFileBytes, fileKind('error.file.yaml')).bytes.toString('utf8');
  } catch {
    return [];
  }
  if (!text.includes('mxlint-disable')) return [];
  const lines = text.split(/\r?\n/);
  const directives: Directive[] = [];
  lines.forEach((content, index) => {
    const match = DIRECTIVE.exec(content);
    if (!match) return;
    const [rulesPart, ...reasonParts] = match[1].split(/[ \t]--(?:[ \t]|$)/);
    const reason = reasonParts.join(' -- ').trim() || undefined;
    let target = index + 1;
    while (target < lines.length && /^[ \t]*(#.*)?$/.test(lines[target])) target += 1;
    directives.push({
      file, line: index + 1, target: target + 1, reason,
      rules: rulesPart.split(',').map((rule) => rule.trim()).filter(Boolean),
    });
  });
  return directives;
}

/** `# mxlint-disable-next-line RULE[,RULE] -- reason` silences those rules' findings on the next line. */
export function applyInlineSuppressions(findings: Finding[], files: string[], knownRules: string[], lang: Lang): Outcome {
  const directives = [...new Set(files.map((file) => resolve(file)))].flatMap(readDirectives);
  const notes: Note[] = [];
  const active: Array<Directive & { used: Set<string> }> = [];
  for (const directive of directives) {
    const location = { file: directive.file, line: directive.line, column: 1 };
    const rule = directive.rules.join(',') || 'RULE';
    if (!directive.reason || directive.rules.length === 0) {
      notes.push({ ruleId: 'invalid-suppression', level: 'warning', message: t(lang, 'note.suppressionWithoutReason', { rule }), key: `${rule}@${repoPath(directive.file)}:${directive.line}`, location });
      continue;
    }
    for (const unknown of directive.rules.filter((id) => !knownRules.includes(id))) {
      notes.push({ ruleId: 'invalid-suppression', level: 'warning', message: t(lang, 'note.unknownRuleSuppression', { rule: unknown }), key: `${unknown}@${repoPath(directive.file)}:${directive.line}`, location });
    }
    active.push({ ...directive, rules: directive.rules.filter((id) => knownRules.includes(id)), used: new Set() });
  }
  const kept: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  for (const finding of findings) {
    const directive = finding.status === 'pass' || !finding.location ? undefined
      : active.find((candidate) => candidate.rules.includes(finding.ruleId) && candidate.target === finding.location!.line && candidate.file === resolve(finding.location!.file));
    if (!directive) {
      kept.push(finding);
      continue;
    }
    directive.used.add(finding.ruleId);
    suppressed.push({ finding, by: 'inline', reason: directive.reason, location: { file: directive.file, line: directive.line, column: 1 } });
  }
  for (const directive of active) {
    for (const rule of directive.rules.filter((id) => !directive.used.has(id))) {
      notes.push({
        ruleId: 'unused-suppression', level: 'warning',
        message: t(lang, 'note.unusedSuppression', { rule, where: `${repoPath(directive.file)}:${directive.target}` }),
        key: `${rule}@${repoPath(directive.file)}:${directive.line}`,
        location: { file: directive.file, line: directive.line, column: 1 },
      });
    }
  }
  return { kept, suppressed, notes };
}

/** Today as YYYY-MM-DD (UTC); SOURCE_DATE_EPOCH or MXLINT_TODAY fix it for reproducible runs. */
export function today(env: NodeJS.ProcessEnv = process.env): string {
  if (env.MXLINT_TODAY && /^\d{4}-\d{2}-\d{2}$/.test(env.MXLINT_TODAY)) return env.MXLINT_TODAY;
  return new Date().toISOString().slice(0, 10);
}

/** The policy's `ignore` entries: active ones suppress, expired ones let the findings back with a note. */
export function applyPolicyIgnores(findings: Finding[], policy: Policy | undefined, lang: Lang, date = today(), aliasOf?: (roomId: string) => string | undefined): Outcome {
  if (!policy?.ignore.length) return { kept: findings, suppressed: [], notes: [] };
  const notes: Note[] = [];
  const expired = new Set(policy.ignore.filter((entry) => entry.until && entry.until < date));
  for (const entry of expired) {
    notes.push({ ruleId: 'expired-ignore', level: 'info', message: t(lang, 'note.expiredIgnore', { rule: entry.rule, until: entry.until! }), key: `${entry.rule}@${entry.until}`, location: entry.location });
  }
  const kept: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  for (const finding of findings) {
    const entry = finding.status === 'pass' ? undefined : policy.ignore.find((candidate) => candidate.rule === finding.ruleId
      && (!candidate.useCases || candidate.useCases.includes(finding.useCase))
      && (!candidate.rooms || (finding.room !== undefined && (candidate.rooms.includes(finding.room.id) || candidate.rooms.includes(aliasOf?.(finding.room.id) ?? '')))));
    if (!entry) kept.push(finding);
    else if (expired.has(entry)) kept.push({ ...finding, message: `${finding.message} [${t(lang, 'note.expiredFinding', { until: entry.until! })}]` });
    else suppressed.push({ finding, by: 'policy', reason: entry.reason, location: entry.location });
  }
  return { kept, suppressed, notes };
}

export interface BaselineEntry { key: string; ruleId: string; useCase: string; level: string; file?: string; path?: string; room?: string }
export interface Baseline { schemaVersion: 1; tool: { name: 'mxlint'; version: string }; entries: BaselineEntry[] }

export function makeBaseline(findings: Finding[]): Baseline {
  const entries = new Map<string, BaselineEntry>();
  for (const finding of findings) {
    if (finding.status === 'pass') continue;
    const key = findingKey(finding);
    entries.set(key, {
      key, ruleId: finding.ruleId, useCase: finding.useCase, level: finding.level,
      ...(finding.location ? { file: repoPath(finding.location.file) } : {}),
      ...(finding.path ? { path: finding.path } : {}),
      ...(finding.room ? { room: finding.room.id } : {}),
    });
  }
  return { schemaVersion: 1, tool: { name: 'mxlint', version: VERSION }, entries: [...entries.values()].sort((a, b) => a.key.localeCompare(b.key)) };
}

export function writeBaseline(file: string, findings: Finding[]): void {
  writeFileAtomically(file, scrubSecrets(`${JSON.stringify(makeBaseline(findings), null, 2)}\n`), outputKind('error.output.baseline'));
}

export function readBaseline(file: string): Baseline {
  let data: any;
  try {
    data = JSON.parse(readBounded(file, MAX_BASELINE_BYTES, fileKind('error.file.baseline')).bytes.toString('utf8'));
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? errorMessage('error.baseline.notFound') : errorMessage('error.baseline.notJson', { reason: (error as Error).message.split('\n')[0] }), { file });
  }
  if (data?.schemaVersion !== 1 || !Array.isArray(data.entries) || !data.entries.every((entry: any) => typeof entry?.key === 'string')) {
    throw new InputError(errorMessage('error.baseline.notMxlint'), { file });
  }
  return data as Baseline;
}

/** Only findings not in the baseline stay; baseline entries no finding matches are listed as stale. */
export function applyBaseline(findings: Finding[], baseline: Baseline | undefined, lang: Lang, file?: string): Outcome {
  if (!baseline) return { kept: findings, suppressed: [], notes: [] };
  const known = new Set(baseline.entries.map((entry) => entry.key));
  const seen = new Set<string>();
  const kept: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  for (const finding of findings) {
    const key = finding.status === 'pass' ? undefined : findingKey(finding);
    if (key && known.has(key)) {
      seen.add(key);
      suppressed.push({ finding, by: 'baseline' });
    } else {
      kept.push(finding);
    }
  }
  const notes: Note[] = baseline.entries.filter((entry) => !seen.has(entry.key)).map((entry) => ({
    ruleId: 'stale-baseline' as const, level: 'info' as const, message: t(lang, 'note.staleBaseline', { key: entry.key }), key: entry.key,
    ...(file ? { location: { file, line: 1, column: 1 } } : {}),
  }));
  return { kept, suppressed, notes };
}
