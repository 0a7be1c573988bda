// Errors say a message by id: `.message` is its English rendering, oneLine(lang) the line printed
// in the run's language; a network error never shows a token, in any language.
import { describe, expect, it } from 'vitest';
import { CommanderError } from 'commander';
import { InputError } from '../../src/errors.js';
import { NetworkError } from '../../src/sources/homeserver.js';
import { argvLang, usageMessage } from '../../src/cli/usage-errors.js';
import { TOKEN_ON_ARGV } from '../../src/cli/access.js';
import '../../src/sources/state-dump.js';

describe('InputError and NetworkError by id', () => {
  it('keeps the id and data; .message is English, oneLine(lang) adds file:line:col', () => {
    const error = new InputError({ id: 'error.state.timestamp', data: { field: 'now' } }, { file: 'dump.json', line: 3 });
    expect(error.detail).toEqual({ id: 'error.state.timestamp', data: { field: 'now' } });
    expect(error.message).toBe('"now" must be a timestamp in milliseconds');
    expect(error.oneLine()).toBe('dump.json:3: "now" must be a timestamp in milliseconds');
    expect(error.oneLine('fr')).toBe('dump.json:3: «\u00a0now\u00a0» doit être un horodatage en millisecondes');
    expect(new InputError(TOKEN_ON_ARGV).oneLine('fr')).toMatch(/^les jetons d’accès ne sont pas acceptés/);
  });

  it('a network error scrubs a token the server echoed, in both languages', () => {
    const error = new NetworkError({ id: 'error.network.refused', data: { base: 'https://hs', what: 'GET /x', reason: 'bad Bearer syt_c2VjcmV0_abcdefghijklmnop_0' } }, 401);
    for (const line of [error.message, error.oneLine('en'), error.oneLine('fr')]) expect(line).not.toContain('syt_c2VjcmV0');
    expect(error.oneLine('fr')).toMatch(/^https:\/\/hs\u00a0: GET \/x\u00a0: bad Bearer \[redacted\]$/);
  });
});

describe('the language of errors, and commander\'s refusals', () => {
  it('--lang from argv (last one wins, = form too), else the locale', () => {
    expect(argvLang(['node', 'mxlint', 'config', '--lang', 'fr'], {})).toBe('fr');
    expect(argvLang(['node', 'mxlint', '--lang=fr', '--lang', 'en'], { LANG: 'fr_FR.UTF-8' })).toBe('en');
    expect(argvLang(['node', 'mxlint', '--lang', 'de'], { LANG: 'fr_FR.UTF-8' })).toBe('fr');
    expect(argvLang(['node', 'mxlint'], {})).toBe('en');
  });

  it('maps commander\'s error texts to ids with their data', () => {
    const said = (code: string, text: string) => usageMessage(new CommanderError(2, code, text));
    expect(said('commander.unknownOption', "error: unknown option '--x=secret'\n(Did you mean one of --y, --z?)"))
      .toEqual({ id: 'error.usage.didYouMean', data: { said: { id: 'error.usage.unknownOption', data: { option: '--x' } }, similar: '--y, --z' } });
    expect(said('commander.optionMissingArgument', "error: option '--timeout <ms>' argument missing")).toMatchObject({ data: { option: '--timeout <ms>' } });
    expect(said('commander.excessArguments', "error: too many arguments for 'explain'. Expected 1 argument but got 2: a, b."))
      .toMatchObject({ id: 'error.usage.excessArguments', data: { expected: 1, received: 2, arguments: 'a, b' } });
    expect(said('commander.somethingNew', 'error: who knows')).toBeUndefined();
  });
});
