// What every outcome of a hostile or mutated input must look like: a result, or one controlled
// InputError (one line, naming the file, and the line when the parser knows it). Anything else —
// a TypeError, a RangeError, an InputError spanning lines — is a crash the fuzzers report.
import { InputError, printable } from '../../src/errors.js';
import type { Finding } from '../../src/types.js';

export interface Tally {
  inputs: number;
  accepted: number;
  inputErrors: number;
  /** Distinct InputError messages (numbers and paths blanked), to see what the fuzzers reached. */
  kinds: Map<string, number>;
  /** Checks that threw on an odd value: the engine contains it (the finding is "unknown", never a
   *  pass), so it is no crash, but it is counted here, by rule and message. */
  checkErrors: Map<string, number>;
}

export const newTally = (): Tally => ({ inputs: 0, accepted: 0, inputErrors: 0, kinds: new Map(), checkErrors: new Map() });

export function summary(name: string, tally: Tally, seed: number): string {
  const kinds = [...tally.kinds.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([kind, count]) => `    ${String(count).padStart(5)}  ${kind}`);
  const checkErrors = [...tally.checkErrors.entries()].sort((a, b) => b[1] - a[1]).map(([what, count]) => `    ${String(count).padStart(5)}  ${what}`);
  return `fuzz ${name}: seed ${seed}, ${tally.inputs} inputs: ${tally.accepted} linted, ${tally.inputErrors} InputError, 0 uncaught`
    + `, ${[...tally.checkErrors.values()].reduce((sum, count) => sum + count, 0)} contained check errors\n${kinds.join('\n')}\n${checkErrors.length ? `  contained check errors (finding "unknown"):\n${checkErrors.join('\n')}\n` : ''}`;
}

const kindOf = (message: string) => printable(message).replace(/\/tmp\/\S+/g, 'FILE').replace(/\d+/g, 'N').replace(/"[^"]*"/g, '"…"').slice(0, 90);

/** Runs `action`; returns 'ok' or 'input-error', and throws a descriptive Error on anything else. */
export function controlled(action: () => void, files: string[], tally: Tally, describe: () => string): 'ok' | 'input-error' {
  tally.inputs += 1;
  try {
    action();
    tally.accepted += 1;
    return 'ok';
  } catch (error) {
    if (!(error instanceof InputError)) {
      throw new Error(`uncaught ${(error as Error)?.name}: ${(error as Error)?.message}\n${(error as Error)?.stack}\ninput: ${describe()}`);
    }
    checkInputError(error, files, describe);
    tally.inputErrors += 1;
    const kind = kindOf(error.message);
    tally.kinds.set(kind, (tally.kinds.get(kind) ?? 0) + 1);
    return 'input-error';
  }
}

export function checkInputError(error: InputError, files: string[], describe: () => string): void {
  const line = error.oneLine();
  const fail = (why: string) => { throw new Error(`${why}: ${JSON.stringify(line)}\ninput: ${describe()}`); };
  if (/[\r\n\u2028\u2029]/.test(line)) fail('an InputError spans several lines');
  if (line.length > 2000) fail('an InputError is too long');
  if (!error.location?.file) fail('an InputError does not name its file');
  if (!files.some((file) => error.location!.file === file || error.location!.file.startsWith(`${file}/`))) fail('an InputError names another file');
  // A YAML or JSON syntax error knows its line (alias bombs and nesting are about the whole file).
  const syntax = /^invalid (YAML: (?!nested too deeply)|JSON: )/.test(error.message);
  if (syntax && error.location?.line === undefined) fail('a syntax error without its line');
}

const STATUSES = new Set(['pass', 'fail', 'unknown']);
const LEVELS = new Set(['error', 'warning', 'info']);
const VERDICTS = new Set(['fit', 'fit-with-warnings', 'unfit', 'unknown']);

/** A report that came out must be well formed, and serialisable. */
export function checkReport(report: { findings: Finding[]; verdicts: Array<{ useCase: string; verdict: string }> }, describe: () => string, tally?: Tally): void {
  for (const finding of report.findings) {
    const contained = /^rule (\S+) could not run: (.*)$/.exec(finding.message);
    if (contained && tally) {
      const what = `${contained[1]}: ${contained[2].slice(0, 80)}`;
      tally.checkErrors.set(what, (tally.checkErrors.get(what) ?? 0) + 1);
      if (finding.status !== 'unknown') throw new Error(`a check that could not run is not "unknown": ${JSON.stringify(finding)}\ninput: ${describe()}`);
    }
    if (!STATUSES.has(finding.status) || !LEVELS.has(finding.level) || typeof finding.message !== 'string' || !finding.ruleId) {
      throw new Error(`malformed finding ${JSON.stringify(finding).slice(0, 400)}\ninput: ${describe()}`);
    }
  }
  for (const verdict of report.verdicts) {
    if (!VERDICTS.has(verdict.verdict)) throw new Error(`malformed verdict ${JSON.stringify(verdict)}\ninput: ${describe()}`);
  }
  JSON.stringify(report.findings);
}
