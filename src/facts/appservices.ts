// Appservice (bridge) registrations named by app_service_config_files: which networks they bridge.
import { existsSync } from 'node:fs';
import { readBounded, fileKind } from '../sources/read-bounded.js';
import { LIMITS } from '../sources/yaml-file.js';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parsePyYaml } from '../sources/pyyaml.js';
import { redactSecretText } from '../redact-text.js';
import { rememberSecrets } from './redact.js';
import type { Fact } from '../types.js';
import type { YamlFile } from '../sources/yaml-file.js';
import { defineMessages, type Message } from '../messages/message.js';

const message = defineMessages({
  'appservices.dimension': { en: 'the Dimension integration manager (widgets and bots), not a bridge', fr: 'le gestionnaire d’intégrations Dimension (widgets et bots), pas une passerelle' },
  'appservices.doublePuppet': { en: 'a double-puppeting helper, not a bridge', fr: 'un assistant de double puppeting, pas une passerelle' },
  'appservices.maubot': { en: 'a maubot bot host, not a bridge', fr: 'un hébergeur de bots maubot, pas une passerelle' },
  'appservices.nullUrl': { en: 'an appservice with a null url, which receives no events, so not a bridge', fr: 'un appservice dont l’url est nulle, qui ne reçoit aucun événement, donc pas une passerelle' },
  'appservices.notFound': { en: 'registration file not found here', fr: 'fichier d’enregistrement introuvable ici' },
  'appservices.notMapping': { en: 'not a YAML mapping', fr: 'ce n’est pas un dictionnaire YAML' },
  'appservices.unreadable': { en: 'cannot read: {error}', fr: 'illisible\u00a0: {error}' },
});

export interface AppserviceFacts {
  file: string;
  /** Where the file was found (absolute), when it was. */
  foundAt?: string;
  /** false when the registration file could not be read here. */
  read: boolean;
  problem?: Message;
  id?: string;
  senderLocalpart?: string;
  /** The registration's url; null means Synapse pushes no events to it. */
  url?: string | null;
  userRegexes: string[];
  aliasRegexes: string[];
  /** Networks this registration bridges to, guessed from its id, bot name, url and namespaces. */
  networks: string[];
  /** Set when the appservice is recognisably not a bridge: what it is instead. */
  notBridge?: Message;
}

/** Keywords that name a bridged network in bridge ids, bot names, urls and namespaces. */
export const NETWORK_KEYWORDS: Array<[string, RegExp]> = [
  ['whatsapp', /whatsapp|\bwa_|_wa\b/i],
  ['signal', /signal/i],
  ['telegram', /telegram|_tg_|\btg_/i],
  ['irc', /\birc|_irc|irc_|heisenbridge|libera|oftc/i],
  ['xmpp', /xmpp|jabber|bifrost/i],
  ['slack', /slack/i],
  ['discord', /discord/i],
  ['mattermost', /mattermost/i],
  ['gitter', /gitter/i],
  ['teams', /teams/i],
  ['facebook', /facebook|messenger|\bfb_|\bmeta(\b|_)/i],
  ['instagram', /instagram|\big_/i],
  ['email', /email|mail/i],
  ['sms', /\bsms|gmessages|android/i],
  ['imessage', /imessage|bluebubbles/i],
  ['linkedin', /linkedin/i],
  ['twitter', /twitter/i],
  ['bluesky', /bluesky/i],
  ['googlechat', /googlechat|hangouts/i],
  ['webhooks', /hookshot|webhook/i],
];

/** Appservices that talk only to Matrix: what they are, recognised the same way. */
export const NOT_BRIDGES: Array<[Message, RegExp]> = [
  [message('appservices.dimension'), /dimension|\b_neb/i],
  [message('appservices.doublePuppet'), /double.?puppet/i],
  [message('appservices.maubot'), /maubot/i],
];

export function guessNetworks(...texts: Array<string | undefined>): string[] {
  const haystack = texts.filter(Boolean).join(' ');
  return NETWORK_KEYWORDS.filter(([, pattern]) => pattern.test(haystack)).map(([name]) => name);
}

/** What a registration is when it is no bridge; a null url receives no events, so it bridges nothing. */
export function guessNotBridge(url: string | null | undefined, ...texts: Array<string | undefined>): Message | undefined {
  const haystack = texts.filter(Boolean).join(' ');
  const known = NOT_BRIDGES.find(([, pattern]) => pattern.test(haystack));
  if (known) return known[0];
  return url === null ? message('appservices.nullUrl') : undefined;
}

/** Directories a relative registration path is looked up in: the config file's own directory first, then the working directory (Synapse's). */
function baseDirectories(fact: Fact, files: YamlFile[]): string[] {
  const dirs = [fact.location ? dirname(fact.location.file) : undefined, process.cwd(), ...files.map((file) => dirname(file.path))];
  return [...new Set(dirs.filter((dir): dir is string => Boolean(dir)))];
}

export function readAppservices(fact: Fact, files: YamlFile[]): AppserviceFacts[] {
  if (!Array.isArray(fact.value) || fact.state === 'unknown') return [];
  const baseDirs = baseDirectories(fact, files);
  return fact.value.filter((entry): entry is string => typeof entry === 'string').map((file) => {
    const candidates = isAbsolute(file) ? [file] : baseDirs.map((dir) => resolve(dir, file));
    const found = candidates.find((candidate) => existsSync(candidate));
    const unread = (problem: Message): AppserviceFacts =>
      ({ file, foundAt: found, read: false, problem, userRegexes: [], aliasRegexes: [], networks: guessNetworks(file), notBridge: guessNotBridge(undefined, file) });
    if (!found) return unread(message('appservices.notFound'));
    try {
      const source = readBounded(found, LIMITS.maxFileBytes, fileKind('error.file.appservice')).bytes.toString('utf8');
      const registration = parsePyYaml(source, found).data as Record<string, any>;
      if (!registration || typeof registration !== 'object') return unread(message('appservices.notMapping'));
      rememberSecrets('', registration);
      const regexes = (kind: string): string[] =>
        Array.isArray(registration.namespaces?.[kind])
          ? registration.namespaces[kind].map((item: any) => String(item?.regex ?? '')).filter(Boolean)
          : [];
      const text = (value: unknown): string | undefined => (value === undefined || value === null ? undefined : String(value));
      const userRegexes = regexes('users');
      const aliasRegexes = regexes('aliases');
      const id = text(registration.id);
      const senderLocalpart = text(registration.sender_localpart);
      const rawUrl = text(registration.url);
      const url = registration.url === null ? null : rawUrl === undefined ? undefined : redactSecretText(rawUrl);
      const protocols = Array.isArray(registration.protocols) ? registration.protocols.join(' ') : undefined;
      const clues = [id, senderLocalpart, protocols, ...userRegexes, ...aliasRegexes];
      const notBridge = guessNotBridge(url, ...clues, file);
      return {
        file, foundAt: found, read: true, id, senderLocalpart, url, userRegexes, aliasRegexes,
        networks: notBridge ? [] : guessNetworks(...clues, url ?? undefined, file),
        notBridge,
      };
    } catch (error) {
      return unread(message('appservices.unreadable', { error: (error as Error).message.split('\n')[0] }));
    }
  });
}
