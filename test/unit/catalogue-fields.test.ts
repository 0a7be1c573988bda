// Every field of the option catalogue is read by mxlint: the entries are wrapped so that reading a
// field is recorded, then every config check runs over every config fixture and over a config that
// sets every catalogued key and option. A field nothing reads is a field to delete.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogue } from '../../src/facts/catalogue.js';
import { checks } from '../../src/engine/checks/index.js';
import { buildServerFacts } from '../../src/facts/server-facts.js';
import { loadConfigFiles } from '../../src/sources/config-files.js';
import { dumpFacts } from '../../src/cli/config.js';
import type { FactSource } from '../../src/types.js';

const read = { options: new Set<string>(), keys: new Set<string>() };
const present = { options: new Set<string>(), keys: new Set<string>() };
for (const kind of ['options', 'keys'] as const) {
  const entries = catalogue[kind] as unknown as Record<string, Record<string, unknown>>;
  for (const [name, entry] of Object.entries(entries)) {
    Object.keys(entry).forEach((field) => present[kind].add(field));
    entries[name] = new Proxy(entry, {
      get: (target, field, receiver) => { if (typeof field === 'string') read[kind].add(field); return Reflect.get(target, field, receiver); },
      has: (target, field) => { if (typeof field === 'string') read[kind].add(field); return Reflect.has(target, field); },
    });
  }
}

/** A config where every catalogued key and option is written (a leaf gets "x"). */
function everything(): Record<string, unknown> {
  const config: Record<string, any> = {};
  for (const key of Object.keys(catalogue.keys)) config[key] = null;
  for (const path of Object.keys(catalogue.options)) {
    const parts = path.split('.');
    let node = config;
    for (const part of parts.slice(0, -1)) node = node[part] = node[part] && typeof node[part] === 'object' ? node[part] : {};
    if (!(parts[parts.length - 1] in node) || node[parts[parts.length - 1]] === null) node[parts[parts.length - 1]] = 'x';
  }
  return config;
}

const fixtureRoot = join(import.meta.dirname, '../../fixtures/config');
const cases = readdirSync(fixtureRoot).flatMap((rule) => readdirSync(join(fixtureRoot, rule)).map((name) => join(fixtureRoot, rule, name)));

describe('option catalogue', () => {
  it('has no field that nothing reads', () => {
    const sources: FactSource[] = [
      ...cases.map((path) => buildServerFacts(loadConfigFiles([path]), [path])),
      buildServerFacts({ files: [], config: everything(), ownerOf: new Map() }, []),
    ];
    for (const facts of sources) {
      // The functions that take a path read the rule's fact, not the catalogue.
      for (const check of Object.values(checks)) if (check.target === 'config' && check.path === 'none') check.run({ path: '', value: undefined, state: 'default' }, { facts, options: {} });
      dumpFacts(facts as never);
    }
    for (const kind of ['options', 'keys'] as const) {
      expect([...present[kind]].filter((field) => !read[kind].has(field)), `${kind} fields nothing reads`).toEqual([]);
    }
  });
});
