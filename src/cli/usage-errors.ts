// The language errors are printed in, known before the options are parsed (an error can come from
// the parsing itself), and commander's own usage errors (unknown option, missing argument…) said
// as mxlint's messages, in that language: commander writes them in English only.
import type { CommanderError } from 'commander';
import { printable } from '../errors.js';
import { defineMessages, render, type Message } from '../messages/message.js';
import { chooseLang } from '../report/messages.js';
import { scrubSecrets } from '../sources/scrub.js';
import type { Lang } from '../types.js';

/** --lang as given on the command line (`--lang fr`, `--lang=fr`; the last one wins), else the locale. */
export function argvLang(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Lang {
  let given: string | undefined;
  argv.forEach((arg, index) => {
    if (arg === '--lang') given = argv[index + 1];
    else if (arg.startsWith('--lang=')) given = arg.slice('--lang='.length);
  });
  return chooseLang(given, env);
}

const message = defineMessages({
  'error.usage.unknownOption': { en: "unknown option '{option}'", fr: 'option inconnue «\u00a0{option}\u00a0»' },
  'error.usage.unknownCommand': { en: "unknown command '{command}'", fr: 'commande inconnue «\u00a0{command}\u00a0»' },
  'error.usage.didYouMean': { en: '{said} (did you mean {similar}?)', fr: '{said} (vouliez-vous dire {similar}\u00a0?)' },
  'error.usage.missingArgument': { en: "missing required argument '{argument}'", fr: 'argument obligatoire manquant\u00a0: «\u00a0{argument}\u00a0»' },
  'error.usage.optionMissingArgument': { en: "option '{option}' argument missing", fr: 'l’option «\u00a0{option}\u00a0» attend une valeur' },
  'error.usage.missingMandatoryOption': { en: "required option '{option}' not specified", fr: 'l’option obligatoire «\u00a0{option}\u00a0» manque' },
  'error.usage.invalidOptionValue': {
    en: "option '{option}' argument '{value}' is invalid. Allowed choices are {choices}.",
    fr: 'la valeur «\u00a0{value}\u00a0» de l’option «\u00a0{option}\u00a0» n’est pas valide. Valeurs possibles\u00a0: {choices}.',
  },
  'error.usage.invalidArgumentValue': {
    en: "command-argument value '{value}' is invalid for argument '{argument}'. Allowed choices are {choices}.",
    fr: 'la valeur «\u00a0{value}\u00a0» n’est pas valide pour l’argument «\u00a0{argument}\u00a0». Valeurs possibles\u00a0: {choices}.',
  },
  'error.usage.excessArguments': {
    en: 'too many arguments{command}. Expected {expected} argument(s) but got {received}: {arguments}.',
    fr: 'trop d’arguments{command}\u00a0: {expected} attendu(s), {received} reçu(s)\u00a0: {arguments}.',
  },
  'error.usage.forCommand': { en: " for '{command}'", fr: ' pour «\u00a0{command}\u00a0»' },
});

/** An option as typed, without what follows `=` (`--tokn=syt_…` is a token given to a typo). */
const flagOnly = (flag: string) => flag.replace(/=.*$/s, '');

/** Commander's error as a message, or undefined when its text is not one we know (then shown as is). */
export function usageMessage(error: CommanderError): Message | undefined {
  const [first, ...rest] = error.message.replace(/^error: /, '').split('\n');
  const similar = /^\(Did you mean (?:one of )?(.*)\?\)$/.exec(rest.join(' ').trim())?.[1];
  const withSuggestion = (said: Message) => (similar ? message('error.usage.didYouMean', { said, similar }) : said);
  let match: RegExpExecArray | null;
  switch (error.code) {
    case 'commander.unknownOption':
      if ((match = /^unknown option '(.*)'$/s.exec(first))) return withSuggestion(message('error.usage.unknownOption', { option: flagOnly(match[1]) }));
      break;
    case 'commander.unknownCommand':
      if ((match = /^unknown command '(.*)'$/s.exec(first))) return withSuggestion(message('error.usage.unknownCommand', { command: match[1] }));
      break;
    case 'commander.missingArgument':
      if ((match = /^missing required argument '(.*)'$/s.exec(first))) return message('error.usage.missingArgument', { argument: match[1] });
      break;
    case 'commander.optionMissingArgument':
      if ((match = /^option '(.*)' argument missing$/s.exec(first))) return message('error.usage.optionMissingArgument', { option: match[1] });
      break;
    case 'commander.missingMandatoryOptionValue':
      if ((match = /^required option '(.*)' not specified$/s.exec(first))) return message('error.usage.missingMandatoryOption', { option: match[1] });
      break;
    case 'commander.invalidArgument':
      if ((match = /^option '(.*)' argument '(.*)' is invalid\. Allowed choices are (.*)\.$/s.exec(first))) {
        return message('error.usage.invalidOptionValue', { option: match[1], value: match[2], choices: match[3] });
      }
      if ((match = /^command-argument value '(.*)' is invalid for argument '(.*)'\. Allowed choices are (.*)\.$/s.exec(first))) {
        return message('error.usage.invalidArgumentValue', { value: match[1], argument: match[2], choices: match[3] });
      }
      break;
    case 'commander.excessArguments':
      if ((match = /^too many arguments(?: for '(.*)')?\. Expected (\d+) arguments? but got (\d+): (.*)\.$/s.exec(first))) {
        return message('error.usage.excessArguments', {
          command: match[1] === undefined ? '' : message('error.usage.forCommand', { command: match[1] }),
          expected: Number(match[2]),
          received: Number(match[3]),
          arguments: match[4],
        });
      }
      break;
  }
  return undefined;
}

/** Commander's error as one printable line in `lang` (its own English text when usageMessage
 *  does not know it); what the user typed may be a token given in the wrong place: scrubbed. */
export function usageLine(error: CommanderError, lang: Lang): string {
  const said = usageMessage(error);
  return printable(scrubSecrets(said ? render(lang, said) : error.message.replace(/^error: /, '').replace(/\n/g, ' ')));
}
