// Mistakes Synapse ignores without a word: unknown, misspelt or misplaced keys, duplicate keys,
// deprecated keys, files and sections it reads as nothing.
import type { CheckResult, SourceLocation } from '../../types.js';
import type { ServerFacts } from '../../facts/server-facts.js';
import { catalogue, sections, type KeyEntry, type SectionEntry } from '../../facts/catalogue.js';
import { closest } from './did-you-mean.js';
import type { CheckFunction } from './types.js';

const server = (facts: unknown): ServerFacts => facts as ServerFacts;
const orPass = (results: CheckResult[], message: string): CheckResult | CheckResult[] =>
  (results.length ? results : { status: 'pass', message });

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
      results.push({ status: 'fail', message: `${key} is not read by Synapse (a wrong name${entry.note ? `: ${entry.note}` : ''}); did you mean ${entry.replacement}?`, path: key, location, intended: entry.replacement });
    } else if (!entry && !ownerOfStray(key)) {
      const suggestion = closest(key, [...readTopLevel]) ?? flattened.get(closest(key, [...flattened.keys()]) ?? '');
      results.push({ status: 'fail', message: `${key} is not a Synapse option; Synapse ignores it${suggestion ? `; did you mean ${suggestion}?` : ''}`, path: key, location, intended: suggestion });
    }
  }
  for (const { section, key, entry } of strayKeys(server(facts))) {
    if (readTopLevel.has(key)) continue; // a top-level option written too deep: noMisplacedKeys
    const path = `${section}.${key}`;
    const suggestion = closest(key, entry.keys);
    const intended = suggestion && `${section}.${suggestion}`;
    const message = suggestion
      ? `${path} is not read by Synapse: Synapse reads ${intended}, not ${key}`
      : `${path} is not read by Synapse: ${section} has no ${key} (it reads ${entry.keys.length > 8 ? `${entry.keys.slice(0, 8).join(', ')}... ${entry.keys.length} keys` : entry.keys.join(', ')})`;
    results.push({ status: 'fail', message, path, location: get(path).location ?? get(section).location, intended });
  }
  return orPass(results, 'every key is one Synapse reads');
};

export const noMisplacedKeys: CheckFunction = (_fact, { facts }) => {
  const { topLevelKeys, get } = server(facts);
  const results: CheckResult[] = [];
  for (const { section, key } of strayKeys(server(facts))) {
    if (!readTopLevel.has(key)) continue;
    const path = `${section}.${key}`;
    results.push({ status: 'fail', message: `${key} is a top-level option, but it is written under ${section}, where nobody reads it: move it to the top level (no indentation)`, path, location: get(path).location, intended: key });
  }
  for (const { key, location } of topLevelKeys) {
    const owner = ownerOfStray(key);
    if (owner) results.push({ status: 'fail', message: `${key} at the top level is read by nobody: it belongs under ${owner} (${owner}.${key})`, path: key, location, intended: `${owner}.${key}` });
  }
  return orPass(results, 'every key is where Synapse reads it');
};

export const noDuplicateKeys: CheckFunction = (_fact, { facts }) => {
  const results = server(facts).files.flatMap((file) => file.duplicates.map((duplicate): CheckResult => ({
    status: 'fail',
    message: `${duplicate.path} is set twice in ${file.path} (lines ${duplicate.first.line} and ${duplicate.last.line}): Synapse keeps the value on line ${duplicate.last.line} and ignores line ${duplicate.first.line}`,
    path: duplicate.path,
    location: duplicate.last,
  })));
  return orPass(results, 'no key is set twice in the same file');
};

export const noSkippedFiles: CheckFunction = (_fact, { facts }) => {
  // A file Synapse cannot read at all stops it: synapseStarts reports that one.
  const results = server(facts).files.filter((file) => file.data === null && !file.unreadableBySynapse).map((file): CheckResult => ({
    status: 'fail',
    message: `${file.path} is not used: ${file.skipped}`,
    location: { file: file.path, line: 1, column: 1 },
  }));
  return orPass(results, 'every file given is read');
};

/** options.sections: the sections to judge (those holding settings the rules care about). */
export const noEmptySections: CheckFunction = (_fact, { facts, options }) => {
  const { config, get } = server(facts);
  const judged = new Set<string>(options.sections);
  const results = writtenSections(config).filter(({ path, entry, value }) => value === null && entry.nullIsAbsent && judged.has(path)).map(({ path }): CheckResult => ({
    status: 'fail',
    message: `${path} is written with no value (None): Synapse reads it as absent, so every ${path}.* option has its default`,
    path,
    location: get(path).location,
  }));
  return orPass(results, 'no section is written empty');
};

/** None, [] or {}: a retired key holding nothing has nothing to lose or to move. */
const holdsNothing = (value: unknown): boolean =>
  value === null || (Array.isArray(value) && value.length === 0) || (isMapping(value) && Object.keys(value).length === 0);

/** A legacy key (still read) or a removed one (ignored), with its replacement. */
function retiredKey(path: string, entry: Omit<KeyEntry, 'effect'>, location: SourceLocation | undefined): CheckResult {
  const removed = entry.status === 'removed';
  const what = removed ? `was removed${entry.since ? ` in Synapse ${entry.since}` : ''} and is ignored` : `is deprecated (Synapse ${catalogue.synapse} still reads it)`;
  const message = `${path} ${what}${entry.replacement ? `; use ${entry.replacement}` : ''}${entry.note ? ` (${entry.note})` : ''}`;
  return { status: 'fail', message, path, location, intended: removed ? entry.replacement : undefined };
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
  return orPass(results, 'no deprecated or removed key');
};
