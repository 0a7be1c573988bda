// `mxlint config [paths...]`: lint a homeserver.yaml (and conf.d fragments) per use case.
import { relative } from 'node:path';
import { findDefaultConfig, noConfigFound } from '../sources/config-files.js';
import { lintConfig } from '../lint-config.js';
import { catalogue } from '../facts/catalogue.js';
import { DERIVED_FACTS } from '../facts/derived.js';
import { masFactPaths } from '../facts/mas.js';
import { masConfigPaths } from '../sources/mas-config.js';
import { InputError, EXIT } from '../errors.js';
import { log } from '../log.js';
import { terminalOutput } from './stdout.js';
import { defineMessages, render } from '../messages/message.js';
import type { Lang } from '../types.js';

const say = defineMessages({
  'cli.usingConfig': { en: 'using {files}', fr: 'fichiers lus\u00a0: {files}' },
});

/** "mxlint: using homeserver.yaml + conf.d" when no config was given and the default was found. */
export const usingConfig = (lang: Lang, files: string[]): string => `mxlint: ${render(lang, say('cli.usingConfig', { files: files.join(' + ') }))}\n`;
import type { Finding, Report, Rule } from '../types.js';
import type { ServerFacts } from '../facts/server-facts.js';
import { auditOutput, deliver, openSession, settleReport, type ReportCliOptions } from '../policy/session.js';

export interface ConfigCommandOptions extends ReportCliOptions {
  dumpFacts?: boolean;
  masConfig?: string[];
}

export async function runConfig(paths: string[], options: ConfigCommandOptions, write: (text: string) => void): Promise<number> {
  const session = openSession(options, 'config');
  let inputs = paths;
  if (inputs.length === 0) {
    const found = findDefaultConfig();
    if (!found) {
      throw new InputError(noConfigFound());
    }
    inputs = found;
    process.stderr.write(usingConfig(session.lang, found));
  }
  log().debug({ inputs }, 'loading config');
  const masConfig = masConfigPaths(options.masConfig, process.env.MAS_CONFIG);
  const report = lintConfig(inputs, { useCases: session.useCases, rules: session.rules, lang: session.lang, masConfig, ...masSources(inputs) });
  if (options.dumpFacts) {
    write(session.outputs[0].format === 'json' ? `${JSON.stringify(dumpFacts(report.facts), null, 2)}\n` : formatFactsText(report.facts));
    return EXIT.ok;
  }
  const files = report.facts.files.map((file) => file.path);
  const settled = settleReport(report, session, files);
  const serverName = typeof report.facts.config.server_name === 'string' ? report.facts.config.server_name : undefined;
  return deliver(auditOutput(report, session, settled, { anchorFiles: files, serverName, ...terminalOutput() }), session, write);
}

/** Where MAS's config is looked for when none is given (MXLINT_MAS_SEARCH_ROOT prefixes the system
 *  locations, for tests), and the environment its MAS_* variables come from. */
export const masSources = (inputs: string[]) => ({ masSearch: { beside: inputs, systemRoot: process.env.MXLINT_MAS_SEARCH_ROOT }, environment: process.env });

/** 1 when an error-level check fails (or cannot be checked) for the selected use cases; with none selected, only
 *  failures that are errors for every use case (a config Synapse would not start with) count. */
export function exitCode(report: Report, selected: boolean, useCases: string[]): number {
  const errors = report.findings.filter((finding) => finding.status === 'fail' && finding.level === 'error');
  // For a use case the user asked about, "could not check" at error level is not a pass either.
  if (selected) return errors.length || report.verdicts.some((verdict) => verdict.verdict === 'unknown') ? EXIT.findings : EXIT.ok;
  const useCasesByRule = new Map<string, Set<string>>();
  for (const finding of errors) {
    if (!useCasesByRule.has(finding.ruleId)) useCasesByRule.set(finding.ruleId, new Set());
    useCasesByRule.get(finding.ruleId)!.add(finding.useCase);
  }
  return [...useCasesByRule.values()].some((set) => set.size === useCases.length) ? EXIT.findings : EXIT.ok;
}

export function dumpFacts(facts: ServerFacts) {
  const where = (location?: { file: string; line: number; column: number }) =>
    // A value from the environment (MAS_*) has no line: its variable's name is where it is.
    location ? (location.line === 0 ? location.file : `${location.file}:${location.line}:${location.column}`) : 'default';
  const options: Record<string, unknown> = {};
  const paths = [...new Set([...Object.keys(catalogue.options), ...Object.keys(DERIVED_FACTS)])].sort();
  // MAS's options after Synapse's, and only when a MAS config was given.
  for (const path of [...paths, ...(facts.mas ? masFactPaths() : [])]) {
    const fact = facts.get(path);
    options[path] = {
      value: fact.value ?? null,
      origin: fact.state === 'default' ? 'default' : where(fact.location),
      ...(fact.from ? { from: fact.from } : {}),
      // The dump is for machines and bug reports: the reason in English, as a string.
      ...(fact.state === 'unknown' ? { unknown: fact.reason ? render('en', fact.reason) : 'unknown' } : {}),
    };
  }
  return {
    schemaVersion: 1,
    files: facts.files.map((file) => ({ path: file.path, used: file.data !== null, ...(file.skipped ? { skipped: render('en', file.skipped) } : {}) })),
    ...(facts.mas ? { masFiles: facts.mas.files } : {}),
    options,
  };
}

function formatFactsText(facts: ServerFacts): string {
  const dump = dumpFacts(facts);
  const lines = Object.entries(dump.options).map(([path, fact]: [string, any]) =>
    `${path} = ${JSON.stringify(fact.value)}  (${fact.origin === 'default' ? 'default' : relative(process.cwd(), fact.origin)}${fact.unknown ? `; unknown: ${fact.unknown}` : ''})`);
  return `${lines.join('\n')}\n`;
}

export type { Finding, Rule };
