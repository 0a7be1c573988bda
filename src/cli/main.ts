// The mxlint command line: declares commands and options, imports each command's code only
// when it runs, and turns errors into exit codes (README "Exit codes").
import { Argument, Command, CommanderError, Option } from 'commander';
import { VERSION } from '../version.js';
import { InputError, EXIT, printable } from '../errors.js';
import { defineMessages, render } from '../messages/message.js';
import { setupLogger } from '../log.js';
import { TOKEN_ON_ARGV } from './access.js';
import { writeStderr, writeStdout } from './stdout.js';
import { argvLang, usageLine } from './usage-errors.js';

const message = defineMessages({
  'error.useCase.unknown': { en: 'unknown use case "{useCase}"; known: {known}', fr: 'cas d’usage inconnu «\u00a0{useCase}\u00a0»\u00a0; cas connus\u00a0: {known}' },
  'error.published.contradiction': { en: '--published and --not-published contradict each other', fr: '--published et --not-published se contredisent' },
  'error.internal': { en: 'internal error: {reason}', fr: 'erreur interne\u00a0: {reason}' },
});

const unknownUseCase = (useCase: string, known: readonly string[]) => message('error.useCase.unknown', { useCase, known: known.join(', ') });

const collect = (value: string, previous: string[]) => [...previous, value];
const write = writeStdout;

/** Options of every command that talks to a homeserver. */
function withNetworkOptions(command: Command, tokenHelp: string): Command {
  return command
    .option('--homeserver <url>', `homeserver base URL (${tokenHelp} from MATRIX_ACCESS_TOKEN or --token-file)`)
    .option('--token-file <file>', `file holding ${tokenHelp}`)
    .addOption(new Option('--token <token>').hideHelp())
    .addOption(new Option('--access-token <token>').hideHelp())
    .option('--timeout <ms>', 'timeout of each request in milliseconds', '30000')
    .option('--max-retries <n>', 'retries after a 429, a 5xx, a timeout or a connection fault', '3')
    .option('--allow-insecure-http', 'allow a plain-http homeserver that is not on this machine')
    .hook('preAction', (_program, action) => {
      const options = action.opts();
      if (options.token !== undefined || options.accessToken !== undefined) throw new InputError(TOKEN_ON_ARGV);
    });
}

const FORMATS = ['text', 'json', 'sarif', 'junit', 'github', 'gitlab', 'markdown', 'html'];

/** Output, policy and exit options of every command that reports findings (README "Output formats and CI"). */
function withOutputOptions(command: Command): Command {
  return command
    .addOption(new Option('-f, --format <format>', `output format, repeatable: ${FORMATS.join(', ')}`).argParser(collect).default([], 'text'))
    .addOption(new Option('-o, --output <file>', 'write the Nth --format to this file (repeatable; - is stdout)').argParser(collect).default([], 'stdout'))
    .addOption(new Option('--lang <lang>', 'language of the report (default: from LC_ALL/LANG)').choices(['en', 'fr']))
    .option('--policy <file>', 'policy file (default: the nearest .mxlint.yaml upward)')
    .option('--no-policy', 'ignore any .mxlint.yaml')
    .option('--no-inline-suppressions', 'ignore # mxlint-disable-next-line comments (for CI)')
    .option('--baseline <file>', 'report only findings not in this baseline, and list its stale entries')
    .option('--write-baseline <file>', 'record the current findings as a baseline')
    .option('--max-warnings <n>', 'exit 1 when more warnings than this fail')
    .addOption(new Option('--fail-on <level>', 'lowest level that makes mxlint exit 1').choices(['error', 'warning', 'info']).default('error'))
    .option('-q, --quiet', 'print only error-level findings');
}

/** Options of every command that reports findings. */
function withReportOptions(command: Command, useCaseHelp: string): Command {
  return withOutputOptions(command)
    .option('-u, --use-case <id>', useCaseHelp, collect, [])
    .option('--rules <dir>', 'add a folder of rule files (repeatable)', collect, [])
    .hook('preAction', async (_program, action) => {
      const requested: string[] = action.opts().useCase ?? [];
      const { USE_CASE_IDS } = await import('../engine/rules.js');
      const unknown = requested.filter((id) => !USE_CASE_IDS.includes(id));
      if (unknown.length) throw new InputError(unknownUseCase(unknown[0], USE_CASE_IDS));
    });
}

export async function main(argv: string[]): Promise<number> {
  // The language of errors, known before parsing: commander itself may refuse the options.
  const lang = argvLang(argv);
  let exit: number = EXIT.ok;
  const program = new Command('mxlint')
    .description('Audit Synapse homeservers and Matrix rooms against privacy policies, per use case.')
    .version(VERSION, '-V, --version')
    .addOption(new Option('--log-level <level>', 'log level on stderr').choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('warn'))
    .exitOverride()
    // Commander's usage errors are printed in the catch below, in the run's language.
    .configureOutput({ writeOut: writeStdout, writeErr: writeStderr, outputError: () => {} })
    .hook('preAction', (command) => { setupLogger(command.opts().logLevel); });

  // Commander builds every option of every command it is given: when the first word names a
  // command, only that one is declared (start-up, issue #2); otherwise all are, for help and errors.
  const commands: Record<string, () => void> = {
    config: () => {
      withReportOptions(program.command('config'), 'judge only this use case (repeatable)')
        .description('lint a Synapse config: homeserver.yaml files and conf.d directories, merged as Synapse does')
        .argument('[paths...]', 'config files and directories, in the order Synapse is given them')
        .option('--dump-facts', 'print the effective value and origin of every catalogued option')
        .option('--mas-config <file>', "Matrix Authentication Service config file, in the order MAS is given them (repeatable; default: MAS_CONFIG's colon-separated list)", collect, [])
        .option('-v, --verbose', 'show passing checks too')
        .option('--fix', 'fix the files for the use cases given with -u (README "Fixing")')
        .option('--fix-dry-run', 'print the fix as a unified diff (lines showing a secret left out); change nothing')
        .option('--patch-file <file>', 'with --fix-dry-run: also write the whole patch, secret lines included, to this file (mode 0600)')
        .option('--fix-target <file>', 'with --fix: where keys no file sets are added (default: the first file)')
        .option('--fix-in-place', 'with --fix: rewrite in place (not atomically) a file a rename cannot replace (a bind mount, a hard link, a directory mxlint cannot create files in) instead of refusing')
        .addOption(new Option('--fix-level <level>', 'with --fix: the lowest level fixed').choices(['error', 'warning', 'info']).default('warning'))
        .action(async (paths: string[], options) => {
          if (options.fix || options.fixDryRun) {
            const { runFix } = await import('./fix.js');
            exit = await runFix(paths, options, write);
            return;
          }
          const { runConfig } = await import('./config.js');
          exit = await runConfig(paths, options, write);
        });
    },
    room: () => {
      withReportOptions(withNetworkOptions(program.command('room'), 'an access token'), 'the use case(s) this room is meant for (repeatable)')
        .description('lint one room: fetched from a homeserver (read-only), or from a state dump')
        .argument('[room]', 'room id (!...) or alias (#...)')
        .option('--state <file>', 'lint a state dump (the JSON array GET /rooms/{roomId}/state returns) instead')
        .option('--members <file>', 'with --state: joined members (array of user ids or a joined_members response)')
        .option('--published', 'with --state: the room is published in the room directory')
        .option('--not-published', 'with --state: the room is not published in the room directory')
        .option('-c, --config <path>', 'the server\'s homeserver.yaml or conf.d (repeatable), for rules that need both', collect, [])
        .option('--dump-facts', 'print the room facts the rules read')
        .option('-v, --verbose', 'show passing checks too')
        .option('--plan', 'print the state events that would bring the room to its use case (-u); send nothing')
        .option('--apply', 'send the plan (only with --yes; the only mode in which mxlint writes to a homeserver)')
        .option('--yes', 'with --apply: send the changes that can be undone')
        .option('--yes-irreversible', 'with --apply --yes: also what cannot be undone (encryption on, a new room replacing this one)')
        .addOption(new Option('--fix-level <level>', 'with --plan/--apply: the lowest level planned').choices(['error', 'warning', 'info']).default('warning'))
        .action(async (room: string | undefined, options) => {
          if (options.published && options.notPublished) throw new InputError(message('error.published.contradiction'));
          const published = options.published ? true : options.notPublished ? false : undefined;
          if (options.plan || options.apply) {
            const { runPlan } = await import('./plan.js');
            exit = await runPlan(room, { ...options, published }, write);
            return;
          }
          const { runRoom } = await import('./room.js');
          exit = await runRoom(room, { ...options, published }, write);
        });
    },
    server: () => {
      withOutputOptions(withNetworkOptions(program.command('server'), 'a server admin\'s access token'))
        .description('audit a whole server: its config and every room, through the Synapse admin API (read-only)')
        .option('-c, --config <path>', 'the server\'s homeserver.yaml or conf.d (repeatable)', collect, [])
        .option('--rooms <filter>', 'audit only these rooms: ids, aliases, or one search term (repeatable, or comma-separated)', collect, [])
        .option('--room-use-case <room=useCase>', 'declare what a room is for (repeatable)', collect, [])
        .option('--concurrency <n>', 'rooms read at once', '8')
        .option('--summary', 'print only the summary (constant memory)')
        .option('--rules <dir>', 'add a folder of rule files (repeatable)', collect, [])
        .action(async (options) => {
          const { runServer } = await import('./server.js');
          exit = await runServer(options, write);
        });
    },
    probe: () => {
      withReportOptions(program.command('probe'), 'judge only this use case (repeatable)')
        .description('judge a running homeserver from outside, without its config or a token: discovery, sign-up, what is public (read-only)')
        .argument('<server>', 'server name (example.org) or URL (https://matrix.example.org)')
        .option('--timeout <ms>', 'timeout of each request in milliseconds', '10000')
        .option('--max-retries <n>', 'retries after a 429, a 5xx, a timeout or a connection fault', '2')
        .option('--allow-insecure-http', 'allow a plain-http server that is not on this machine')
        .option('--allow-private', 'follow a well-known delegation to a loopback or private address')
        .option('--try-guest', 'register a guest account to see whether guests are allowed (this creates an account)')
        .option('--federation', 'also ask the public rooms over federation (GET /_matrix/federation/v1/publicRooms)')
        .option('-c, --config <path>', 'the server\'s homeserver.yaml or conf.d (repeatable): report each option the running server shows otherwise', collect, [])
        .option('-v, --verbose', 'show passing checks too')
        .action(async (server: string, options) => {
          const { runProbe } = await import('./probe.js');
          exit = await runProbe(server, options, write);
        });
    },
    diff: () => {
      program.command('diff')
        .description('compare two configs (before and after a change): each use case\'s verdict, findings that appear or disappear; exit 1 when a verdict gets worse')
        .argument('[configs...]', 'OLD NEW: a homeserver.yaml or a conf.d directory each (or use --old/--new)')
        .option('--old <path>', 'the config before the change (repeatable: a file, then its conf.d)', collect, [])
        .option('--new <path>', 'the config after the change (repeatable)', collect, [])
        .option('-u, --use-case <id>', 'compare only this use case (repeatable)', collect, [])
        .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json', 'markdown']).default('text'))
        .option('--rules <dir>', 'add a folder of rule files (repeatable)', collect, [])
        .addOption(new Option('--lang <lang>', 'language of the report (default: from LC_ALL/LANG)').choices(['en', 'fr']))
        .option('--policy <file>', 'policy file (default: the nearest .mxlint.yaml upward)')
        .option('--no-policy', 'ignore any .mxlint.yaml')
        .action(async (configs: string[], options) => {
          const { USE_CASE_IDS } = await import('../engine/rules.js');
          const unknown = (options.useCase as string[]).filter((id) => !USE_CASE_IDS.includes(id));
          if (unknown.length) throw new InputError(unknownUseCase(unknown[0], USE_CASE_IDS));
          const { runDiff } = await import('./diff.js');
          exit = runDiff(configs, options, write);
        });
    },
    'use-cases': () => {
      program.command('use-cases')
        .description('list the use cases mxlint judges')
        .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
        .addOption(new Option('--lang <lang>', 'language of the names and descriptions (default: from LC_ALL/LANG)').choices(['en', 'fr']))
        .action(async (options) => {
          const { USE_CASES } = await import('../engine/rules.js');
          const { chooseLang } = await import('../report/messages.js');
          const lang = chooseLang(options.lang);
          write(options.format === 'json' ? `${JSON.stringify(USE_CASES, null, 2)}\n`
            : USE_CASES.map((useCase) => `${useCase.id.padEnd(18)} ${useCase.name[lang]}\n${' '.repeat(19)}${useCase.description[lang]}\n`).join(''));
        });
    },
    rules: () => {
      program.command('rules')
        .description('list the rules with their level per use case')
        .option('--rules <dir>', 'add a folder of rule files (repeatable)', collect, [])
        .addOption(new Option('--lang <lang>', 'language of the titles (default: from LC_ALL/LANG)').choices(['en', 'fr']))
        .action(async (options) => {
          const { loadRules } = await import('../engine/rules.js');
          const { listRules } = await import('../report/explain.js');
          write(listRules(loadRules(options.rules), options.lang));
        });
    },
    explain: () => {
      program.command('explain')
        .description('explain a rule: why, the guide\'s passage, what to change, its level per use case')
        .argument('<rule>', 'rule id (see mxlint rules)')
        .option('--rules <dir>', 'add a folder of rule files (repeatable)', collect, [])
        .addOption(new Option('--lang <lang>', 'language (default: from LC_ALL/LANG)').choices(['en', 'fr']))
        .option('--policy <file>', 'policy file whose level overrides to show (default: the nearest .mxlint.yaml upward)')
        .option('--no-policy', 'ignore any .mxlint.yaml')
        .action(async (ruleId: string, options) => {
          const { explainText } = await import('../report/explain.js');
          write(await explainText(ruleId, options));
        });
    },
    schema: () => {
      program.command('schema')
        .description('print a JSON Schema: json (the --format json report), policy (.mxlint.yaml) or homeserver (homeserver.yaml, for editors)')
        .addArgument(new Argument('<name>', 'which schema').choices(['json', 'policy', 'homeserver']))
        .action(async (name: 'json' | 'policy' | 'homeserver') => {
          if (name === 'homeserver') {
            const [{ homeserverSchema }, { builtInRules }] = await Promise.all([import('../report/homeserver-schema.js'), import('../engine/rules.js')]);
            write(`${JSON.stringify(homeserverSchema(builtInRules()), null, 2)}\n`);
            return;
          }
          const { schemaText } = await import('../report/explain.js');
          write(await schemaText(name));
        });
    },
  };
  const named = argv.slice(2).find((arg) => !arg.startsWith('-'));
  for (const [name, declare] of Object.entries(commands)) if (!(named && named in commands) || name === named) declare();

  try {
    await program.parseAsync(argv);
    return exit;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.exitCode === 0) return EXIT.ok;
      writeStderr(`mxlint: ${usageLine(error, lang)}\n`);
      return EXIT.input;
    }
    if (error instanceof InputError || (error as Error)?.name === 'NetworkError') {
      writeStderr(`mxlint: ${(error as InputError).oneLine(lang)}\n`);
      return (error as InputError).exitCode;
    }
    // A bug in mxlint: one line, no stack (set MXLINT_DEBUG=1 to see it).
    writeStderr(`mxlint: ${printable(render(lang, message('error.internal', { reason: (error as Error)?.message ?? String(error) })))}\n`);
    if (process.env.MXLINT_DEBUG) writeStderr(`${(error as Error)?.stack}\n`);
    return EXIT.internal;
  }
}
