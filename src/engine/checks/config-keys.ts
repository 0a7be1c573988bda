// Mistakes Synapse ignores without a word: unknown or misspelt keys, duplicate keys, deprecated
// keys, files it skips.
import type { CheckResult } from '../../types.js';
import type { ServerFacts } from '../../facts/server-facts.js';
import { catalogue } from '../../facts/catalogue.js';
import { closest } from './did-you-mean.js';
import type { CheckFunction } from './types.js';

const server = (facts: unknown): ServerFacts => facts as ServerFacts;
const pass = (message: string): CheckResult => ({ status: 'pass', message });

export const noDuplicateKeys: CheckFunction = (_fact, { facts }) => {
  const results = server(facts).files.flatMap((file) => file.duplicates.map((duplicate): CheckResult => ({
    status: 'fail',
    message: `${duplicate.path} is set twice (lines ${duplicate.first.line} and ${duplicate.last.line}); Synapse keeps the last one`,
    path: duplicate.path,
    location: duplicate.last,
  })));
  return results.length ? results : pass('no key is set twice in the same file');
};

export const noSkippedFiles: CheckFunction = (_fact, { facts }) => {
  const results = server(facts).files.filter((file) => file.data === null).map((file): CheckResult => ({
    status: 'fail',
    message: `${file.path} is not used: ${file.skipped}`,
    location: { file: file.path, line: 1, column: 1 },
  }));
  return results.length ? results : pass('every file given is read');
};

/** Sections whose sub-keys the catalogue knows well enough to suggest a correction. */
function knownChildren(): Map<string, Set<string>> {
  const children = new Map<string, Set<string>>();
  for (const path of Object.keys(catalogue.options)) {
    const parts = path.split('.');
    for (let depth = 1; depth < parts.length; depth += 1) {
      const parent = parts.slice(0, depth).join('.');
      if (!children.has(parent)) children.set(parent, new Set());
      children.get(parent)!.add(parts[depth]);
    }
  }
  return children;
}

export const knownKeys: CheckFunction = (_fact, { facts }) => {
  const { topLevelKeys, get } = server(facts);
  const topNames = Object.keys(catalogue.keys);
  const results: CheckResult[] = [];
  for (const { key, location } of topLevelKeys) {
    const entry = catalogue.keys[key];
    if (entry?.status === 'misspelt') {
      results.push({ status: 'fail', message: `${key} is not read by Synapse (a wrong name from old docs); did you mean ${entry.replacement}?`, path: key, location });
    } else if (!entry) {
      const suggestion = closest(key, topNames);
      results.push({ status: 'fail', message: `${key} is not a Synapse option; Synapse ignores it${suggestion ? `; did you mean ${suggestion}?` : ''}`, path: key, location });
    }
  }
  // Nested keys: only flagged when they are a near miss of a key the catalogue knows.
  for (const [parent, names] of knownChildren()) {
    const section = get(parent);
    if (section.state !== 'set' || !section.value || typeof section.value !== 'object' || Array.isArray(section.value)) continue;
    for (const child of Object.keys(section.value)) {
      if (names.has(child)) continue;
      const suggestion = closest(child, [...names]);
      if (suggestion) {
        const path = `${parent}.${child}`;
        results.push({ status: 'fail', message: `${path} is not read by Synapse; did you mean ${parent}.${suggestion}?`, path, location: get(path).location });
      }
    }
  }
  return results.length ? results : pass('every key is one Synapse reads');
};

export const noDeprecatedKeys: CheckFunction = (_fact, { facts }) => {
  const results: CheckResult[] = [];
  for (const { key, location } of server(facts).topLevelKeys) {
    const entry = catalogue.keys[key];
    if (!entry || (entry.status !== 'legacy' && !(entry.status === 'removed' && entry.effect !== 'refuses-to-start'))) continue;
    const what = entry.status === 'legacy' ? 'is deprecated' : `was removed${entry.since ? ` in Synapse ${entry.since}` : ''} and is ignored`;
    results.push({ status: 'fail', message: `${key} ${what}${entry.replacement ? `; use ${entry.replacement}` : ''}${entry.note ? ` (${entry.note})` : ''}`, path: key, location });
  }
  return results.length ? results : pass('no deprecated or removed key');
};
