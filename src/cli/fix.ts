// `mxlint config --fix` and `--fix-dry-run`: fix the config files for the selected use cases.
// Imported only when one of them is given (`mxlint config` alone never loads the fix code).
import { closeSync, fchmodSync, openSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { findDefaultConfig, noConfigFound } from '../sources/config-files.js';
import { lintConfig } from '../lint-config.js';
import { constants } from 'node:os';
import { InputError, EXIT, printable } from '../errors.js';
import { openSession, settleReport, type ReportCliOptions } from '../policy/session.js';
import { masConfigPaths } from '../sources/mas-config.js';
import { masSources } from './config.js';
import { NO_USE_CASE, planConfigFix, previewConfigFix, writeConfigFix } from '../fix/config-fix.js';
import { formatFixJson, formatFixText, unifiedDiff } from '../fix/format-fix.js';
import type { FixLevel } from '../fix/select.js';
import type { Lang, Report } from '../types.js';
import { defineMessages, render } from '../messages/message.js';
import { usingConfig } from './config.js';

const errorMessage = defineMessages({
  'error.fix.format': {
    en: '{command} prints text or json (--format {formats} is not supported)',
    fr: '{command} écrit du texte ou du json (--format {formats} n’est pas pris en charge)',
  },
  'error.fix.patchFileAlone': { en: '--patch-file goes with --fix-dry-run', fr: '--patch-file s’emploie avec --fix-dry-run' },
  'error.fix.patchOverConfig': { en: '--patch-file would overwrite a config file mxlint reads', fr: '--patch-file écraserait un fichier de configuration que mxlint lit' },
  'error.fix.interrupted': { en: 'interrupted by {signal}, {when}', fr: 'interrompu par {signal}, {when}' },
  'error.fix.afterWritten': { en: 'after every file was written', fr: 'après l’écriture de tous les fichiers' },
  'error.fix.afterFailed': { en: 'after the write failed ({reason})', fr: 'après l’échec de l’écriture ({reason})' },
  'error.fix.internal': { en: 'internal error', fr: 'erreur interne' },
  'error.fix.cannotWritePatch': { en: 'cannot write the patch ({reason})', fr: 'écriture du correctif impossible ({reason})' },
});

const say = defineMessages({
  'fix.inPlace': { en: '{file}: rewritten in place, not replaced atomically ({reason})', fr: '{file}\u00a0: réécrit sur place, pas remplacé de façon atomique ({reason})' },
});

export interface FixCommandOptions extends ReportCliOptions {
  fix?: boolean;
  fixDryRun?: boolean;
  /** With --fix-dry-run: the whole patch, secret lines included, goes to this file (mode 0600). */
  patchFile?: string;
  fixTarget?: string;
  fixInPlace?: boolean;
  fixLevel?: FixLevel;
  masConfig?: string[];
}

/** Use cases are always chosen here: 1 when an error-level check fails, or cannot be made, for one of them. */
export function exitCode(report: Report, _selected = true, _useCases: string[] = report.useCases): number {
  const failing = report.findings.some((finding) => finding.status === 'fail' && finding.level === 'error');
  return failing || report.verdicts.some((verdict) => verdict.verdict === 'unknown') ? EXIT.findings : EXIT.ok;
}

/** text or json: a fix is read by a person or a script, not uploaded as SARIF. */
export function fixFormat(formats: string[] | string | undefined, what: string): 'text' | 'json' {
  const list = (Array.isArray(formats) ? formats : formats ? [formats] : []).filter((format, index, all) => all.indexOf(format) === index);
  if (list.length > 1 || (list[0] && !['text', 'json'].includes(list[0]))) throw new InputError(errorMessage('error.fix.format', { command: what, formats: list.join(', ') }));
  return (list[0] ?? 'text') as 'text' | 'json';
}

export async function runFix(paths: string[], options: FixCommandOptions, write: (text: string) => void): Promise<number> {
  const format = fixFormat(options.format, options.fixDryRun ? '--fix-dry-run' : '--fix');
  if (options.patchFile !== undefined && !options.fixDryRun) throw new InputError(errorMessage('error.fix.patchFileAlone'));
  const session = openSession({ ...options, format: [], output: [] }, 'config');
  if (session.useCases.length === 0) throw new InputError(NO_USE_CASE);
  let inputs = paths;
  if (inputs.length === 0) {
    const found = findDefaultConfig();
    if (!found) throw new InputError(noConfigFound());
    inputs = found;
    process.stderr.write(usingConfig(session.lang, found));
  }
  const settle = (report: Report) => { settleReport(report, { ...session, options: { ...session.options, writeBaseline: undefined } }, report.inputs); };
  const fix = planConfigFix(inputs, {
    useCases: session.useCases, rules: session.rules, target: options.fixTarget, minLevel: options.fixLevel ?? 'warning', lang: session.lang, settle,
    masConfig: masConfigPaths(options.masConfig, process.env.MAS_CONFIG), ...masSources(inputs),
  });
  if (options.fixDryRun) {
    for (const line of previewConfigFix(fix, { inPlace: options.fixInPlace })) process.stderr.write(`mxlint: ${printable(render(session.lang, line))}\n`);
    if (options.patchFile !== undefined) writePatchFile(options.patchFile, unifiedDiff(fix, true).text, fix.before.inputs);
    const diff = unifiedDiff(fix);
    write(format === 'json' ? formatFixJson(fix, 'dry-run') : `${diff.text}${fix.files.length ? '\n' : ''}${formatFixText(fix, 'dry-run', fix.after, diff.omitted, session.lang)}`);
    return exitCode(fix.after, true, fix.useCases);
  }
  if (fix.files.length) {
    const written = await uninterrupted(() => writeConfigFix(fix, { inPlace: options.fixInPlace }), session.lang);
    for (const file of written.filter((one) => one.how === 'in-place')) {
      process.stderr.write(`mxlint: ${printable(render(session.lang, say('fix.inPlace', { file: file.path, reason: file.reason! })))}\n`);
    }
  }
  // Judged again from the disk: what Synapse will read now.
  const after = lintConfig(inputs, { useCases: session.useCases, rules: session.rules, lang: session.lang });
  settle(after);
  write(format === 'json' ? formatFixJson(fix, 'written', after) : formatFixText(fix, 'written', after, 0, session.lang));
  return exitCode(after, true, after.useCases);
}

/** The whole patch holds secret lines: only its owner may read it, even when the file existed. */
function writePatchFile(file: string, text: string, configFiles: string[]): void {
  if (configFiles.some((config) => resolve(config) === resolve(file))) throw new InputError(errorMessage('error.fix.patchOverConfig'), { file });
  let fd: number | undefined;
  try {
    fd = openSync(file, 'w', 0o600);
    fchmodSync(fd, 0o600);
    writeSync(fd, text);
  } catch (error) {
    throw new InputError(errorMessage('error.fix.cannotWritePatch', { reason: (error as NodeJS.ErrnoException).code ?? String(error) }), { file });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

const DEFERRED = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Runs a synchronous write that a signal must not cut in the middle (some files replaced, the
 * others not, temporary files left): a signal that comes meanwhile waits until the write is over,
 * all or nothing, then ends mxlint as it would have (exit 128 + its number), saying which it was.
 */
async function uninterrupted<T>(work: () => T, lang: Lang): Promise<T> {
  const received: NodeJS.Signals[] = [];
  const note = (signal: NodeJS.Signals) => { received.push(signal); };
  for (const signal of DEFERRED) process.on(signal, note);
  let outcome: { value: T } | { error: unknown };
  try {
    outcome = { value: work() };
  } catch (error) {
    outcome = { error };
  }
  // A signal caught during the write is handed to JavaScript on the next turn of the event loop.
  await new Promise((resolve) => setImmediate(resolve));
  for (const signal of DEFERRED) process.off(signal, note);
  if (received.length) {
    const when = 'value' in outcome ? errorMessage('error.fix.afterWritten')
      : errorMessage('error.fix.afterFailed', { reason: outcome.error instanceof InputError ? outcome.error.oneLine(lang) : errorMessage('error.fix.internal') });
    process.stderr.write(`mxlint: ${printable(render(lang, errorMessage('error.fix.interrupted', { signal: received[0], when })))}\n`);
    process.exit(128 + constants.signals[received[0]]);
  }
  if ('error' in outcome) throw outcome.error;
  return outcome.value;
}
