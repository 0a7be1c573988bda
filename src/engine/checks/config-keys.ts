// Mistakes Synapse ignores without a word: unknown, misspelt or misplaced keys, duplicate keys,
// deprecated keys, files and sections it reads as nothing.
import type { CheckResult, SourceLocation } from '../../types.js';
import type { ServerFacts } from '../../facts/server-facts.js';
import { catalogue, sections, type KeyEntry, type SectionEntry } from '../../facts/catalogue.js';
import { closest } from './did-you-mean.js';
import type { CheckFunction } from './types.js';
import { defineMessages, type Message } from '../../messages/message.js';

const message = defineMessages({
  'keys.misspelt': { en: '{key} is not read by Synapse (a wrong name); did you mean {replacement}?', fr: '{key} n’est pas lu par Synapse (nom erroné)\u00a0; vouliez-vous dire {replacement}\u00a0?' },
  'keys.misspeltNote': {
    en: '{key} is not read by Synapse (a wrong name: {note}); did you mean {replacement}?',
    fr: '{key} n’est pas lu par Synapse (nom erroné\u00a0: {note})\u00a0; vouliez-vous dire {replacement}\u00a0?',
  },
  'keys.unknown': { en: '{key} is not a Synapse option; Synapse ignores it', fr: '{key} n’est pas une option de Synapse\u00a0; Synapse l’ignore' },
  'keys.unknownDidYouMean': { en: '{key} is not a Synapse option; Synapse ignores it; did you mean {suggestion}?', fr: '{key} n’est pas une option de Synapse\u00a0; Synapse l’ignore. Vouliez-vous dire {suggestion}\u00a0?' },
  'keys.subKeyMisspelt': { en: '{path} is not read by Synapse: Synapse reads {intended}, not {key}', fr: '{path} n’est pas lu par Synapse\u00a0: Synapse lit {intended}, pas {key}' },
  'keys.subKeyUnknown': { en: '{path} is not read by Synapse: {section} has no {key} (it reads {keys})', fr: '{path} n’est pas lu par Synapse\u00a0: {section} n’a pas de clé {key} (il lit {keys})' },
  'keys.manyKeys': { en: '{keys}... {count} keys', fr: '{keys}… {count} clés' },
  'keys.allKnown': { en: 'every key is one Synapse reads', fr: 'Synapse lit chacune des clés' },
  'keys.topLevelUnder': {
    en: '{key} is a top-level option, but it is written under {section}, where nobody reads it: move it to the top level (no indentation)',
    fr: '{key} est une option de premier niveau, mais elle est écrite sous {section}, où personne ne la lit\u00a0: remontez-la au premier niveau (sans indentation)',
  },
  'keys.belongsUnder': {
    en: '{key} at the top level is read by nobody: it belongs under {section} ({path})',
    fr: '{key} au premier niveau n’est lu par personne\u00a0: sa place est sous {section} ({path})',
  },
  'keys.allPlaced': { en: 'every key is where Synapse reads it', fr: 'chaque clé est là où Synapse la lit' },
  'keys.duplicate': {
    en: '{path} is set twice in {file} (lines {first} and {last}): Synapse keeps the value on line {last} and ignores line {first}',
    fr: '{path} est renseigné deux fois dans {file} (lignes {first} et {last})\u00a0: Synapse garde la valeur de la ligne {last} et ignore la ligne {first}',
  },
  'keys.noDuplicate': { en: 'no key is set twice in the same file', fr: 'aucune clé n’est renseignée deux fois dans un même fichier' },
  'keys.fileNotUsed': { en: '{file} is not used: {why}', fr: '{file} n’est pas utilisé\u00a0: {why}' },
  'keys.allFilesRead': { en: 'every file given is read', fr: 'chaque fichier donné est lu' },
  'keys.emptySection': {
    en: '{path} is written with no value (None): Synapse reads it as absent, so every {path}.* option has its default',
    fr: '{path} est écrit sans valeur (None)\u00a0: Synapse le lit comme absent, et chaque option {path}.* garde sa valeur par défaut',
  },
  'keys.noEmptySection': { en: 'no section is written empty', fr: 'aucune section n’est écrite vide' },
  'keys.removed': { en: '{path} was removed and is ignored', fr: '{path} a été supprimé et est ignoré' },
  'keys.removedIn': { en: '{path} was removed in Synapse {version} and is ignored', fr: '{path} a été supprimé dans Synapse {version} et est ignoré' },
  'keys.deprecated': { en: '{path} is deprecated (Synapse {version} still reads it)', fr: '{path} est obsolète (Synapse {version} le lit encore)' },
  'keys.use': { en: '{seen}; use {replacement}', fr: '{seen}\u00a0; utilisez {replacement}' },
  'keys.note': { en: '{seen} ({note})', fr: '{seen} ({note})' },
  'keys.noDeprecated': { en: 'no deprecated or removed key', fr: 'aucune clé obsolète ou supprimée' },
});

const server = (facts: unknown): ServerFacts => facts as ServerFacts;
const orPass = (results: CheckResult[], said: Message): CheckResult | CheckResult[] =>
  (results.length ? results : { status: 'pass', message: said });

const isMapping = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);

/** Top-level names Synapse 1.160 reads: what a key can be a mistake for. */
const readTopLevel = new Set(Object.entries(catalogue.keys).filter(([, entry]) => entry.status !== 'misspelt' && entry.status !== 'removed').map(([key]) => key));

/** Every prefix of a catalogued section path: where the walk may go down. */
const sectionPrefixes = new Set(Object.keys(sections).flatMap((pattern) => pattern.split('.').map((_, index, parts) => parts.slice(0, index + 1).join('.'))));

/** `presence_enabled` → `presence.enabled`: every sub-key of a one-mapping section, flattened. */
const flattened = new Map(Object.entries(sections).filter(([pattern]) => !pattern.includes('*'))
  .flatMap(([pattern, entry]) => entry.keys.map((key): [string, string] => [`${pattern}.${key}`.replaceAll('.', '_'), `${pattern}.${key}`])));

/** Sub-key → the one section that has it, null when several do (then it says nothing). */
const soleOwner = new Map<string, string | null>();
for (const [pattern, entry] of Object.entries(sections)) {
  for (const key of entry.keys) soleOwner.set(key, soleOwner.has(key) ? null : pattern);
}

interface WrittenSection { path: string; entry: SectionEntry; value: unknown }

/** Every catalogued section written in the config (null ones too), outermost first. */
function writtenSections(config: Record<string, unknown>): WrittenSection[] {
  const found: WrittenSection[] = [];
  const visit = (value: unknown, path: string, pattern: string): void => {
    if (sections[pattern]) found.push({ path, entry: sections[pattern], value });
    const children: Array<[string, unknown, string]> = Array.isArray(value)
      ? value.map((item, index) => [String(index), item, `${pattern}.*`])
      : isMapping(value) ? Object.entries(value).map(([key, child]) => [key, child, `${pattern}.${key}`]) : [];
    for (const [key, child, named] of children) {
      // A map of freely named sections (databases.main) is catalogued as `databases.*`.
      const next = sectionPrefixes.has(named) ? named : isMapping(value) && sectionPrefixes.has(`${pattern}.*`) ? `${pattern}.*` : undefined;
      if (next) visit(child, `${path}.${key}`, next);
    }
  };
  for (const [key, value] of Object.entries(config)) if (sectionPrefixes.has(key)) visit(value, key, key);
  return found;
}

/** Each sub-key of a written section that the section does not read. */
function strayKeys(facts: ServerFacts): Array<{ section: string; key: string; entry: SectionEntry }> {
  return writtenSections(facts.config).flatMap(({ path, entry, value }) => (isMapping(value)
    ? Object.keys(value).filter((key) => !entry.keys.includes(key) && !entry.retired?.[key]).map((key) => ({ section: path, key, entry }))
    : []));
}

/** A top-level key Synapse does not read there, that a single section reads. */
const ownerOfStray = (key: string): string | undefined => {
  const owner = catalogue.keys[key] ? undefined : soleOwner.get(key);
  return owner && !owner.includes('*') ? owner : undefined; // "under each listener" is no place to point at
};

export const knownKeys: CheckFunction = (_fact, { facts }) => {
  const { topLevelKeys, get } = server(facts);
  const results: CheckResult[] = [];
  for (const { key, location } of topLevelKeys) {
    const entry = catalogue.keys[key];
    if (entry?.status === 'misspelt') {
      const replacement = entry.replacement ?? '';
      const said = entry.note ? message('keys.misspeltNote', { key, note: entry.note, replacement }) : message('keys.misspelt', { key, replacement });
      results.push({ status: 'fail', message: said, path: key, location, intended: entry.replacement });
    } else if (!entry && !ownerOfStray(key)) {
      const suggestion = closest(key, [...readTopLevel]) ?? flattened.get(closest(key, [...flattened.keys()]) ?? '');
      const said = suggestion ? message('keys.unknownDidYouMean', { key, suggestion }) : message('keys.unknown', { key });
      results.push({ status: 'fail', message: said, path: key, location, intended: suggestion });
    }
  }
  for (const { section, key, entry } of strayKeys(server(facts))) {
    if (readTopLevel.has(key)) continue; // a top-level option written too deep: noMisplacedKeys
    const path = `${section}.${key}`;
    const suggestion = closest(key, entry.keys);
    const intended = suggestion && `${section}.${suggestion}`;
    const keys = entry.keys.length > 8 ? message('keys.manyKeys', { keys: entry.keys.slice(0, 8).join(', '), count: entry.keys.length }) : entry.keys.join(', ');
    const said = intended ? message('keys.subKeyMisspelt', { path, intended, key }) : message('keys.subKeyUnknown', { path, section, key, keys });
    results.push({ status: 'fail', message: said, path, location: get(path).location ?? get(section).location, intended });
  }
  return orPass(results, message('keys.allKnown'));
};

export const noMisplacedKeys: CheckFunction = (_fact, { facts }) => {
  const { topLevelKeys, get } = server(facts);
  const results: CheckResult[] = [];
  for (const { section, key } of strayKeys(server(facts))) {
    if (!readTopLevel.has(key)) continue;
    const path = `${section}.${key}`;
    results.push({ status: 'fail', message: message('keys.topLevelUnder', { key, section }), path, location: get(path).location, intended: key });
  }
  for (const { key, location } of topLevelKeys) {
    const owner = ownerOfStray(key);
    if (owner) results.push({ status: 'fail', message: message('keys.belongsUnder', { key, section: owner, path: `${owner}.${key}` }), path: key, location, intended: `${owner}.${key}` });
  }
  return orPass(results, message('keys.allPlaced'));
};

export const noDuplicateKeys: CheckFunction = (_fact, { facts }) => {
  const results = server(facts).files.flatMap((file) => file.duplicates.map((duplicate): CheckResult => ({
    status: 'fail',
    message: message('keys.duplicate', { path: duplicate.path, file: file.path, first: duplicate.first.line, last: duplicate.last.line }),
    path: duplicate.path,
    location: duplicate.last,
  })));
  return orPass(results, message('keys.noDuplicate'));
};

export const noSkippedFiles: CheckFunction = (_fact, { facts }) => {
  // A file Synapse cannot read at all stops it: synapseStarts reports that one.
  const results = server(facts).files.filter((file) => file.data === null && !file.unreadableBySynapse).map((file): CheckResult => ({
    status: 'fail',
    message: message('keys.fileNotUsed', { file: file.path, why: file.skipped ?? '' }),
    location: { file: file.path, line: 1, column: 1 },
  }));
  return orPass(results, message('keys.allFilesRead'));
};

/** options.sections: the sections to judge (those holding settings the rules care about). */
export const noEmptySections: CheckFunction = (_fact, { facts, options }) => {
  const { config, get } = server(facts);
  const judged = new Set<string>(options.sections);
  const results = writtenSections(config).filter(({ path, entry, value }) => value === null && entry.nullIsAbsent && judged.has(path)).map(({ path }): CheckResult => ({
    status: 'fail',
    message: message('keys.emptySection', { path }),
    path,
    location: get(path).location,
  }));
  return orPass(results, message('keys.noEmptySection'));
};

/** None, [] or {}: a retired key holding nothing has nothing to lose or to move. */
const holdsNothing = (value: unknown): boolean =>
  value === null || (Array.isArray(value) && value.length === 0) || (isMapping(value) && Object.keys(value).length === 0);

/** A legacy key (still read) or a removed one (ignored), with its replacement. */
function retiredKey(path: string, entry: Omit<KeyEntry, 'effect'>, location: SourceLocation | undefined): CheckResult {
  const removed = entry.status === 'removed';
  const what = !removed ? message('keys.deprecated', { path, version: catalogue.synapse })
    : entry.since ? message('keys.removedIn', { path, version: entry.since }) : message('keys.removed', { path });
  const replaced = entry.replacement ? message('keys.use', { seen: what, replacement: entry.replacement }) : what;
  return { status: 'fail', message: entry.note ? message('keys.note', { seen: replaced, note: entry.note }) : replaced, path, location, intended: removed ? entry.replacement : undefined };
}

export const noDeprecatedKeys: CheckFunction = (_fact, { facts }) => {
  const { topLevelKeys, config, get } = server(facts);
  const results: CheckResult[] = [];
  for (const { key, location } of topLevelKeys) {
    const entry = catalogue.keys[key];
    if (entry && !holdsNothing(config[key]) && (entry.status === 'legacy' || (entry.status === 'removed' && entry.effect !== 'refuses-to-start'))) results.push(retiredKey(key, entry, location));
  }
  for (const { path: section, entry, value } of writtenSections(config)) {
    for (const [key, retired] of Object.entries(entry.retired ?? {})) {
      if (isMapping(value) && Object.hasOwn(value, key) && !holdsNothing(value[key])) results.push(retiredKey(`${section}.${key}`, retired, get(`${section}.${key}`).location));
    }
  }
  return orPass(results, message('keys.noDeprecated'));
};
