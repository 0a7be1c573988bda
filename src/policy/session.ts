// What the reporting commands share: the options that shape a run (policy file, language,
// formats, suppressions, baseline, exit gate), the rule set the policy makes, and the last steps
// of every run (take suppressed findings out, write the outputs, choose the exit code).
import { verdicts } from '../engine/verdicts.js';
import { loadRules, USE_CASES, USE_CASE_IDS } from '../engine/rules.js';
import { InputError } from '../errors.js';
import type { Finding, Lang, Report, Rule } from '../types.js';
import { chooseLang } from '../report/messages.js';
import { allRuleIds, type AuditOutput, type Note, type SuppressedFinding } from '../report/model.js';
import { emit, pairOutputs, type CustomRenderers, type OutputSpec } from '../report/emit.js';
import { loadPolicy, type Policy } from './load.js';
import { policyFileFor } from './find.js';
import { applyPolicyToRules } from './rules.js';
import { applyBaseline, applyInlineSuppressions, applyPolicyIgnores, readBaseline, writeBaseline, type Baseline } from './suppress.js';
import { findingKey } from '../report/finding-key.js';
import { exitStatus, type FailOn, type Gate } from './gate.js';
import { defineMessages } from '../messages/message.js';

const errorMessage = defineMessages({
  'error.option.maxWarnings': { en: '--max-warnings must be a whole number, not "{value}"', fr: '--max-warnings doit être un nombre entier, pas «\u00a0{value}\u00a0»' },
});

/** The options withReportOptions (src/cli/main.ts) declares. */
export interface ReportCliOptions {
  useCase: string[];
  rules: string[];
  format: string[];
  output: string[];
  lang?: Lang;
  /** --policy FILE, or false with --no-policy. */
  policy?: string | boolean;
  /** false with --no-inline-suppressions. */
  inlineSuppressions?: boolean;
  baseline?: string;
  writeBaseline?: string;
  maxWarnings?: string;
  failOn?: FailOn;
  quiet?: boolean;
  verbose?: boolean;
}

export interface Session {
  options: ReportCliOptions;
  lang: Lang;
  policy?: Policy;
  rules: Rule[];
  /** Use cases chosen with -u, else the policy's (config scope only); empty: all. */
  useCases: string[];
  outputs: OutputSpec[];
  gate: Gate;
  baseline?: Baseline;
}

export function openSession(options: ReportCliOptions, scope: 'config' | 'room' | 'server'): Session {
  const lang = chooseLang(options.lang);
  const policyFile = policyFileFor(options.policy);
  const policy = policyFile ? loadPolicy(policyFile) : undefined;
  const rules = applyPolicyToRules(loadRules([...(policy?.ruleDirs ?? []), ...(options.rules ?? [])]), policy, USE_CASE_IDS);
  const fromPolicy = scope === 'room' ? [] : (policy?.useCases ?? []).filter((id) => USE_CASES.find((useCase) => useCase.id === id)?.scope.includes('config'));
  const useCases = options.useCase?.length ? options.useCase : fromPolicy;
  if (options.maxWarnings !== undefined && !/^\d+$/.test(options.maxWarnings)) throw new InputError(errorMessage('error.option.maxWarnings', { value: options.maxWarnings }));
  return {
    options,
    lang,
    policy,
    rules,
    useCases,
    outputs: pairOutputs(options.format ?? [], options.output ?? []),
    gate: { failOn: options.failOn ?? 'error', maxWarnings: options.maxWarnings === undefined ? undefined : Number(options.maxWarnings), selected: useCases.length > 0 },
    baseline: options.baseline ? readBaseline(options.baseline) : undefined,
  };
}

/** The use case the policy file declares for a room, by id or alias. */
export function policyRoomUseCase(policy: Policy | undefined, names: Array<string | null | undefined>): string | undefined {
  if (!policy) return undefined;
  for (const name of names) if (name && policy.rooms[name]) return policy.rooms[name];
  return undefined;
}

export interface Settled {
  suppressed: SuppressedFinding[];
  notes: Note[];
}

/**
 * Takes suppressed findings out, batch by batch (a config, then each room of a server), and
 * says at the end what it did: the suppressed findings, the notes (unused suppressions, expired
 * ignores, stale baseline entries). --write-baseline is written at the end, with every batch.
 */
export class Settler {
  readonly suppressed: SuppressedFinding[] = [];
  readonly notes: Note[] = [];
  private readonly recorded: Finding[] = [];
  private readonly baselineSeen = new Set<string>();
  private expiredNoted = false;

  constructor(private readonly session: Session, private readonly aliasOf?: (roomId: string) => string | undefined) {}

  /** The findings that stay; `configFiles` are read for inline suppressions. */
  settle(findings: Finding[], configFiles: string[] = []): Finding[] {
    const { options, lang, policy } = this.session;
    const inline = options.inlineSuppressions === false || configFiles.length === 0
      ? { kept: findings, suppressed: [], notes: [] }
      : applyInlineSuppressions(findings, configFiles, allRuleIds(this.session.rules), lang);
    const ignored = applyPolicyIgnores(inline.kept, policy, lang, undefined, this.aliasOf);
    this.recorded.push(...ignored.kept);
    const base = applyBaseline(ignored.kept, this.session.baseline, lang, options.baseline);
    for (const entry of base.suppressed) this.baselineSeen.add(findingKey(entry.finding));
    this.suppressed.push(...inline.suppressed, ...ignored.suppressed, ...base.suppressed);
    this.notes.push(...inline.notes, ...(this.expiredNoted ? [] : ignored.notes));
    this.expiredNoted = true;
    return base.kept;
  }

  /** Writes --write-baseline; lists baseline entries no batch matched. */
  finish(): Settled {
    const { options, baseline, lang } = this.session;
    if (options.writeBaseline) writeBaseline(options.writeBaseline, this.recorded);
    if (baseline) {
      const stale = applyBaseline([], { ...baseline, entries: baseline.entries.filter((entry) => !this.baselineSeen.has(entry.key)) }, lang, options.baseline);
      this.notes.push(...stale.notes);
    }
    return { suppressed: this.suppressed, notes: this.notes };
  }
}

/** Settles a whole report in place: its findings and verdicts afterwards are what is reported. */
export function settleReport(report: Report, session: Session, configFiles: string[]): Settled {
  const settler = new Settler(session);
  report.findings = settler.settle(report.findings, configFiles);
  report.verdicts = verdicts(report.findings, report.useCases);
  return settler.finish();
}

export function auditOutput(report: Report, session: Session, settled: Settled, extra: Partial<AuditOutput> & { anchorFiles: string[] }): AuditOutput {
  return {
    report,
    suppressed: settled.suppressed,
    notes: settled.notes,
    lang: session.lang,
    rules: session.rules,
    useCases: USE_CASES,
    generatedAt: generatedAt(),
    verbose: session.options.verbose,
    quiet: session.options.quiet,
    policyFile: session.policy?.file,
    docsUrl: session.policy?.docsUrl,
    baselineUsed: Boolean(session.baseline),
    ...extra,
  };
}

/** SOURCE_DATE_EPOCH (reproducible builds' convention) fixes the report date. */
export function generatedAt(env: NodeJS.ProcessEnv = process.env): Date {
  const epoch = Number(env.SOURCE_DATE_EPOCH);
  return env.SOURCE_DATE_EPOCH && Number.isFinite(epoch) ? new Date(epoch * 1000) : new Date();
}

/** Writes every output and returns the exit code. */
export async function deliver(output: AuditOutput, session: Session, write: (text: string) => void, custom: CustomRenderers = {}, selected = session.gate.selected): Promise<number> {
  await emit(output, session.outputs, write, custom);
  return exitStatus(output.report.findings, output.report.useCases, output.notes, { ...session.gate, selected });
}
