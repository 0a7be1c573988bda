// `mxlint diff OLD NEW` (or --old PATH... --new PATH...): lint both configs and print what the
// change does to each use case's verdict. Exit 1 when a verdict gets worse (for CI, before deploying).
import { lintConfig } from '../lint-config.js';
import { InputError, EXIT } from '../errors.js';
import { openSession, settleReport, type ReportCliOptions } from '../policy/session.js';
import { diffReports, formatDiffJson, formatDiffMarkdown, formatDiffText } from '../fix/verdict-diff.js';
import { defineMessages } from '../messages/message.js';

const errorMessage = defineMessages({
  'error.diff.both': { en: 'give the two configs either as OLD NEW or with --old and --new, not both', fr: 'donnez les deux configurations soit en ANCIENNE NOUVELLE, soit avec --old et --new, pas les deux' },
  'error.diff.together': {
    en: '--old and --new go together (each repeatable: a file, then its conf.d directory)',
    fr: '--old et --new vont ensemble (chacune répétable\u00a0: un fichier, puis son dossier conf.d)',
  },
  'error.diff.two': {
    en: 'give two configs: mxlint diff OLD NEW (a file or a conf.d directory each), or --old PATH... --new PATH...',
    fr: 'donnez deux configurations\u00a0: mxlint diff ANCIENNE NOUVELLE (un fichier ou un dossier conf.d chacune), ou --old CHEMIN… --new CHEMIN…',
  },
});

export interface DiffCommandOptions extends Pick<ReportCliOptions, 'useCase' | 'rules' | 'lang' | 'policy' | 'inlineSuppressions'> {
  old: string[];
  new: string[];
  format: 'text' | 'json' | 'markdown';
}

export function runDiff(positional: string[], options: DiffCommandOptions, write: (text: string) => void): number {
  let oldPaths = options.old;
  let newPaths = options.new;
  if (oldPaths.length || newPaths.length) {
    if (positional.length) throw new InputError(errorMessage('error.diff.both'));
    if (!oldPaths.length || !newPaths.length) throw new InputError(errorMessage('error.diff.together'));
  } else {
    if (positional.length !== 2) throw new InputError(errorMessage('error.diff.two'));
    [oldPaths, newPaths] = [[positional[0]], [positional[1]]];
  }
  const session = openSession({ ...options, format: [], output: [] }, 'config');
  const lint = (paths: string[]) => {
    const report = lintConfig(paths, { useCases: session.useCases, rules: session.rules, lang: session.lang });
    settleReport(report, session, report.inputs);
    return report;
  };
  const diff = diffReports(lint(oldPaths), lint(newPaths));
  write(options.format === 'json' ? formatDiffJson(diff) : options.format === 'markdown' ? formatDiffMarkdown(diff, session.lang) : formatDiffText(diff, session.lang));
  return diff.worse ? EXIT.findings : EXIT.ok;
}
