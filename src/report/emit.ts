// Writes each requested format to its place. Pairing: the Nth --output goes with the Nth
// --format; a format without an --output (or with `--output -`) goes to stdout, and at most
// one format may. Formatters other than text and json are imported only when asked for.
import { InputError } from '../errors.js';
import { scrubSecrets } from '../redact-text.js';
import { outputKind, writeFileAtomically } from '../fix/atomic-write.js';
import type { AuditOutput } from './model.js';
import { formatText } from './text.js';
import { formatJson } from './json.js';
import { defineMessages, type MessageValue } from '../messages/message.js';

const errorMessage = defineMessages({
  'error.output.unknownFormat': { en: 'unknown format "{format}"; known: {known}', fr: 'format inconnu «\u00a0{format}\u00a0»\u00a0; formats connus\u00a0: {known}' },
  'error.output.tooMany': {
    en: '{outputs} --output for {formats} --format: the Nth --output goes with the Nth --format',
    fr: '{outputs}\u00a0--output pour {formats}\u00a0--format\u00a0: le n-ième --output va avec le n-ième --format',
  },
  'error.output.stdoutTwice': {
    en: '{formats} would all go to stdout; give each format but one an --output FILE (the Nth --output goes with the Nth --format)',
    fr: '{formats} iraient tous sur la sortie standard\u00a0; donnez à chaque format sauf un un --output FICHIER (le n-ième --output va avec le n-ième --format)',
  },
  'error.output.and': { en: '{first} and {second}', fr: '{first} et {second}' },
  'error.output.sameFile': { en: 'two formats are written to the same --output file', fr: 'deux formats sont écrits dans le même fichier --output' },
});

export const FORMATS = ['text', 'json', 'sarif', 'junit', 'github', 'gitlab', 'markdown', 'html'] as const;
export type FormatName = (typeof FORMATS)[number];

export interface OutputSpec {
  format: FormatName;
  /** undefined: stdout. */
  file?: string;
}

export function pairOutputs(formats: string[], outputs: string[]): OutputSpec[] {
  const chosen = formats.length ? formats : ['text'];
  for (const format of chosen) {
    if (!(FORMATS as readonly string[]).includes(format)) throw new InputError(errorMessage('error.output.unknownFormat', { format, known: FORMATS.join(', ') }));
  }
  if (outputs.length > chosen.length) {
    throw new InputError(errorMessage('error.output.tooMany', { outputs: outputs.length, formats: chosen.length }));
  }
  const specs = chosen.map((format, index) => ({ format: format as FormatName, file: outputs[index] === '-' ? undefined : outputs[index] }));
  const onStdout = specs.filter((spec) => spec.file === undefined);
  if (onStdout.length > 1) {
    throw new InputError(errorMessage('error.output.stdoutTwice', {
      formats: onStdout.map((spec): MessageValue => spec.format).reduce((first, second) => errorMessage('error.output.and', { first, second })),
    }));
  }
  const files = specs.map((spec) => spec.file).filter(Boolean);
  if (new Set(files).size !== files.length) throw new InputError(errorMessage('error.output.sameFile'));
  return specs;
}

/** Renderers a command provides itself (room and server add their own header and fields). */
export type CustomRenderers = Partial<Record<FormatName, (output: AuditOutput) => string>>;

export async function render(format: FormatName, audit: AuditOutput, file: string | undefined, custom: CustomRenderers = {}): Promise<string> {
  // Colours only on the terminal, never in a file.
  const output = { ...audit, color: Boolean(audit.color) && file === undefined, width: file === undefined ? audit.width : 80 };
  const own = custom[format];
  if (own) return own(output);
  switch (format) {
    case 'text':
      return formatText(output.report, {
        color: output.color, useCases: output.useCases, verbose: output.verbose, lang: output.lang,
        quiet: output.quiet, notes: output.notes, suppressed: output.suppressed, rules: output.rules, width: output.width,
      });
    case 'json':
      return formatJson({ ...output.report, findings: output.quiet ? output.report.findings.filter((finding) => finding.level === 'error') : output.report.findings },
        { notes: output.notes, suppressed: output.suppressed });
    case 'sarif': {
      const { formatSarif, writeRoomSnapshot } = await import('./sarif.js');
      const snapshot = file && output.rooms?.length ? writeRoomSnapshot(`${file}.rooms.json`, output.rooms) : undefined;
      return formatSarif(output, snapshot);
    }
    case 'junit':
      return (await import('./junit.js')).formatJunit(output);
    case 'github':
      return (await import('./github.js')).formatGithub(output);
    case 'gitlab':
      return (await import('./gitlab.js')).formatGitlab(output);
    case 'markdown':
      return (await import('./markdown.js')).formatMarkdown(output);
    case 'html':
      return (await import('./html.js')).formatHtml(output);
  }
}

export async function emit(output: AuditOutput, specs: OutputSpec[], write: (text: string) => void, custom: CustomRenderers = {}): Promise<void> {
  for (const spec of specs) {
    const text = await render(spec.format, output, spec.file, custom);
    if (spec.file === undefined) {
      write(text);
      continue;
    }
    writeFileAtomically(spec.file, scrubSecrets(text), outputKind('error.output.report', { format: spec.format }));
  }
}
