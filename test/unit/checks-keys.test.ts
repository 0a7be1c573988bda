// The structural checks (src/engine/checks/config-keys.ts), their catalogue of sections, and how a
// key Synapse does not read takes the level of the rule it defeats.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { evaluate } from '../../src/engine/evaluate.js';
import { builtInRules } from '../../src/engine/rules.js';
import { catalogue, sections } from '../../src/facts/catalogue.js';
import { buildServerFacts, type ServerFacts } from '../../src/facts/server-facts.js';
import { loadConfigFiles } from '../../src/sources/config-files.js';

function factsOf(yaml: string): ServerFacts {
  const file = join(mkdtempSync(join(tmpdir(), 'mxlint-keys-')), 'homeserver.yaml');
  writeFileSync(file, yaml);
  return buildServerFacts(loadConfigFiles([file]), [file]);
}

const findingsOf = (yaml: string, ruleId: string, useCases: string[]) =>
  evaluate(builtInRules(), factsOf(yaml), { useCases }).filter((finding) => finding.ruleId === ruleId && finding.status === 'fail');

describe('a key Synapse does not read takes the level of the rule it defeats', () => {
  it('an error where the defeated rule is an error, the rule\'s own warning elsewhere; a rule passing on the default is not defeated', () => {
    const yaml = 'retention:\n  enabled: true\n  default_policy:\n    max_lifetme: 180d\n';
    const found = findingsOf(yaml, 'known-keys', ['chatons', 'trusted-group', 'public-community']);
    expect(found.map((finding) => [finding.useCase, finding.level])).toEqual([['chatons', 'error'], ['trusted-group', 'warning'], ['public-community', 'warning']]);
    expect(found[0].message).toBe("retention.default_policy.max_lifetme is not read by Synapse: Synapse reads retention.default_policy.max_lifetime, not max_lifetme; so retention-max-lifetime fails: retention.default_policy.max_lifetime is not set (Synapse's default: none): kept forever, not at most 184d");
  });

  it('a misplaced section defeats every rule reading an option in it', () => {
    const yaml = 'database:\n  name: sqlite3\n  media_retention:\n    local_media_lifetime: 90d\n';
    const [finding] = findingsOf(yaml, 'no-misplaced-keys', ['chatons']);
    expect(finding).toMatchObject({ level: 'warning', path: 'database.media_retention', location: { line: 3 } });
    expect(finding).toMatchObject({ messageId: 'engine.defeats', data: { seen: { id: 'keys.topLevelUnder', data: { key: 'media_retention', section: 'database' } }, defeated: [{ id: 'engine.defeated', data: { rule: 'media-retention' } }] } });
  });

  it('a key near no option a rule reads keeps the rule\'s own level and message', () => {
    const [finding] = findingsOf('cache:\n  global_factor: 2\n', 'known-keys', ['chatons']);
    expect(finding).toMatchObject({ level: 'warning', messageId: 'keys.misspelt', data: { key: 'cache', replacement: 'caches' } });
  });
});

describe('the catalogue of sections', () => {
  const topOf = (pattern: string) => pattern.split('.')[0];

  it('names only top-level keys Synapse reads', () => {
    for (const pattern of Object.keys(sections)) expect(catalogue.keys[topOf(pattern)]?.status, pattern).toMatch(/^(current|legacy|undocumented)$/);
  });

  it('lists every catalogued option of a section among its keys', () => {
    for (const path of Object.keys(catalogue.options)) {
      const parts = path.split('.');
      const entry = sections[parts.slice(0, -1).join('.')];
      if (entry) expect(entry.keys, path).toContain(parts.at(-1));
    }
  });

  // Synapse's JSON Schema of its config (1.157, read in place): what it documents under a section
  // must be a sub-key we list. The catalogue was written from the code; this catches what reading missed.
  const schemaFile = join(import.meta.dirname, '../../../shared/reference/synapse-config-schema.yaml');
  it.skipIf(!existsSync(schemaFile))('lists every sub-key Synapse\'s schema documents for a section', () => {
    type Node = { properties?: Record<string, Node>; items?: Node; additionalProperties?: Node | boolean; oneOf?: Node[]; anyOf?: Node[]; allOf?: Node[] };
    const mapping = (node: Node | undefined): Node | undefined => {
      if (!node || node.properties) return node;
      for (const next of [node.items, typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined, ...(node.oneOf ?? []), ...(node.anyOf ?? []), ...(node.allOf ?? [])]) {
        const found = mapping(next);
        if (found) return found;
      }
      return undefined;
    };
    const schema = parse(readFileSync(schemaFile, 'utf8')) as Node;
    for (const [pattern, entry] of Object.entries(sections)) {
      const node = pattern.split('.').reduce<Node | undefined>((at, part) => (part === '*' ? mapping(at) : mapping(at)?.properties?.[part]), schema);
      const documented = Object.keys(mapping(node)?.properties ?? {});
      expect(documented.filter((key) => !entry.keys.includes(key) && !entry.retired?.[key]), pattern).toEqual([]);
    }
  });

  it('keeps legacy sub-keys among the keys read and removed ones out', () => {
    for (const [pattern, entry] of Object.entries(sections)) {
      for (const [key, retired] of Object.entries(entry.retired ?? {})) {
        expect(entry.keys.includes(key), `${pattern}.${key}`).toBe(retired.status === 'legacy');
      }
    }
  });

  it('judges empty sections only where Synapse reads None as absent', () => {
    const rule = builtInRules().find((candidate) => candidate.id === 'no-empty-sections')!;
    for (const section of rule.check.options!.sections as string[]) expect(sections[section]?.nullIsAbsent, section).toBe(true);
  });
});
