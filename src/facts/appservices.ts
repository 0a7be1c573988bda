// Appservice (bridge) registrations named by app_service_config_files: which networks they bridge.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse } from 'yaml';
import type { Fact } from '../types.js';
import type { YamlFile } from '../sources/yaml-file.js';

export interface AppserviceFacts {
  file: string;
  /** false when the registration file could not be read here. */
  read: boolean;
  problem?: string;
  id?: string;
  senderLocalpart?: string;
  userRegexes: string[];
  aliasRegexes: string[];
  /** Networks this registration bridges to, guessed from its id, bot name and namespaces. */
  networks: string[];
}

/** Keywords that name a bridged network in bridge ids, bot names and namespaces. */
export const NETWORK_KEYWORDS: Array<[string, RegExp]> = [
  ['whatsapp', /whatsapp|wa_|_wa\b/i],
  ['signal', /signal/i],
  ['telegram', /telegram|_tg_|\btg_/i],
  ['irc', /\birc|_irc|irc_/i],
  ['xmpp', /xmpp|jabber|bifrost/i],
  ['slack', /slack/i],
  ['discord', /discord/i],
  ['mattermost', /mattermost/i],
  ['gitter', /gitter/i],
  ['teams', /teams/i],
  ['facebook', /facebook|messenger|\bfb_/i],
  ['instagram', /instagram|\big_/i],
  ['email', /email|mail/i],
  ['sms', /\bsms|gmessages|android/i],
  ['imessage', /imessage|bluebubbles/i],
  ['linkedin', /linkedin/i],
  ['twitter', /twitter/i],
  ['googlechat', /googlechat|hangouts/i],
];

export function guessNetworks(...texts: Array<string | undefined>): string[] {
  const haystack = texts.filter(Boolean).join(' ');
  return NETWORK_KEYWORDS.filter(([, pattern]) => pattern.test(haystack)).map(([name]) => name);
}

export function readAppservices(fact: Fact, files: YamlFile[]): AppserviceFacts[] {
  if (!Array.isArray(fact.value) || fact.state === 'unknown') return [];
  const baseDirs = [...new Set([fact.location ? dirname(fact.location.file) : undefined, process.cwd(), ...files.map((f) => dirname(f.path))])]
    .filter((dir): dir is string => Boolean(dir));
  return fact.value.filter((entry): entry is string => typeof entry === 'string').map((file) => {
    const candidates = isAbsolute(file) ? [file] : baseDirs.map((dir) => resolve(dir, file));
    const found = candidates.find((candidate) => existsSync(candidate));
    if (!found) {
      return { file, read: false, problem: 'registration file not found here', userRegexes: [], aliasRegexes: [], networks: guessNetworks(file) };
    }
    try {
      const registration = parse(readFileSync(found, 'utf8'), { version: '1.1', uniqueKeys: false }) as Record<string, any>;
      const regexes = (kind: string): string[] =>
        Array.isArray(registration?.namespaces?.[kind])
          ? registration.namespaces[kind].map((item: any) => String(item?.regex ?? '')).filter(Boolean)
          : [];
      const userRegexes = regexes('users');
      const aliasRegexes = regexes('aliases');
      const id = registration?.id === undefined ? undefined : String(registration.id);
      const senderLocalpart = registration?.sender_localpart === undefined ? undefined : String(registration.sender_localpart);
      const protocols = Array.isArray(registration?.protocols) ? registration.protocols.join(' ') : '';
      return {
        file, read: true, id, senderLocalpart, userRegexes, aliasRegexes,
        networks: guessNetworks(id, senderLocalpart, protocols, ...userRegexes, ...aliasRegexes, file),
      };
    } catch (error) {
      return { file, read: false, problem: `cannot read: ${(error as Error).message.split('\n')[0]}`, userRegexes: [], aliasRegexes: [], networks: guessNetworks(file) };
    }
  });
}
