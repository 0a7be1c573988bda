// What the formatters receive: the report, plus what the policy layer did to it (suppressed
// findings, notes) and what a format needs to explain a finding (rules, use cases, language).
import { relative, sep } from 'node:path';
import type { Finding, Lang, Level, Report, Rule, SourceLocation, Text, UseCase } from '../types.js';
import extraRuleData from './extra-rules.json' with { type: 'json' };

/** Findings taken out of the report, and why. */
export interface SuppressedFinding {
  finding: Finding;
  by: 'inline' | 'policy' | 'baseline';
  reason?: string;
  /** The comment or policy entry that did it. */
  location?: SourceLocation;
}

/** Something the run itself has to say: an unused suppression, an expired ignore, a stale baseline entry. */
export interface Note {
  /** An id of src/report/extra-rules.json. */
  ruleId: 'unused-suppression' | 'invalid-suppression' | 'expired-ignore' | 'stale-baseline' | 'config-differs';
  level: Exclude<Level, 'off'>;
  message: string;
  /** What the note is about, the same in every language (its fingerprint in SARIF and GitLab). */
  key: string;
  location?: SourceLocation;
}

/** A room as the SARIF snapshot records it (member events left out: they name people). */
export interface RoomSnapshot {
  roomId: string;
  name?: string | null;
  alias?: string | null;
  facts: Record<string, unknown>;
  state?: Array<{ type: string; state_key: string; content: unknown }>;
}

export interface AuditOutput {
  report: Report;
  suppressed: SuppressedFinding[];
  notes: Note[];
  lang: Lang;
  rules: Rule[];
  useCases: UseCase[];
  generatedAt: Date;
  /** server_name of the config, or the homeserver URL. */
  serverName?: string;
  /** Rooms for the SARIF snapshot and the Markdown rooms table. */
  rooms?: RoomSnapshot[];
  /** Per-room outcome (room and server audits). */
  roomVerdicts?: Array<{ roomId: string; label: string; useCase: string | null; verdict: string; declared: boolean; fits: string[] }>;
  /** `mxlint server`: retention configured / applied, rooms per use case and server-wide measures. */
  retention?: import('./kept-summary.js').RetentionSummary;
  /** Files to anchor findings without a location to (the config files given). */
  anchorFiles: string[];
  /** A --state dump given to `mxlint room`. */
  stateFile?: string;
  /** Show passing checks (text). */
  verbose?: boolean;
  /** Only error-level findings are printed. */
  quiet?: boolean;
  color?: boolean;
  /** Columns of the text report. */
  width?: number;
  policyFile?: string;
  /** Base URL of docs/rules.md (policy docsUrl). */
  docsUrl?: string;
  /** --baseline was given: what is left is new. */
  baselineUsed?: boolean;
}

export interface ExtraRule {
  id: string;
  target: 'config' | 'room';
  level: Exclude<Level, 'off'>;
  title: Text;
  rationale: Text;
  fix: { hint: Text };
}

export const EXTRA_RULES: ExtraRule[] = extraRuleData as ExtraRule[];

/** Title, rationale and fix hint of a rule or of one of mxlint's own checks, in `lang`. */
export function ruleText(output: Pick<AuditOutput, 'rules' | 'lang'>, ruleId: string): { title: string; rationale: string; fix?: string } {
  const rule = output.rules.find((candidate) => candidate.id === ruleId) ?? EXTRA_RULES.find((candidate) => candidate.id === ruleId);
  if (!rule) return { title: ruleId, rationale: '' };
  return { title: rule.title[output.lang], rationale: rule.rationale[output.lang], fix: rule.fix?.hint[output.lang] };
}

/** Ids of every rule a report can mention: the rules, then mxlint's own checks. */
export function allRuleIds(rules: Rule[]): string[] {
  return [...rules.map((rule) => rule.id), ...EXTRA_RULES.map((rule) => rule.id)];
}

/** A path as CI systems want it: relative to the working directory, forward slashes. */
export function repoPath(file: string, cwd = process.cwd()): string {
  // A probe's facts come from URLs, which are no paths.
  if (/^https?:\/\//.test(file)) return file;
  const rel = relative(cwd, file) || file;
  return rel.split(sep).join('/');
}

export function useCaseName(output: Pick<AuditOutput, 'useCases' | 'lang'>, id: string): string {
  return output.useCases.find((useCase) => useCase.id === id)?.name[output.lang] ?? id;
}

/** Findings the report shows: not passing (unless verbose), errors only when quiet. */
export function shownFindings(output: AuditOutput): Finding[] {
  return output.report.findings.filter((finding) => (output.verbose || finding.status !== 'pass') && (!output.quiet || finding.level === 'error'));
}

export const RULE_DOCS_URL = 'https://mxlint.invalid/docs/rules.md';
export const ruleDocsUrl = (ruleId: string, base = process.env.MXLINT_DOCS_URL || RULE_DOCS_URL): string => `${base}#${ruleId}`;
