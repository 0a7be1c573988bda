// The hand-written MAS fixtures are MAS configs as MAS's own schema (MAS 1.22, read in place from
// ../shared/reference/mas) describes them: each key's type and value is one MAS accepts. The root's
// required sections (secrets, matrix) are not asked for: the fixtures hold only what the rules read.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { loadMasConfig } from '../../src/sources/mas-config.js';
import { masCatalogue } from '../../src/facts/mas.js';

const ROOT = join(import.meta.dirname, '../..');
const schema = JSON.parse(readFileSync(join(ROOT, '../shared/reference/mas/config.schema.json'), 'utf8'));
const validate = new Ajv({ strict: false, allErrors: true }).compile({ ...schema, required: [] });

/** Every directory fixture with a mas/ folder: rule/case → its MAS files. */
const cases = readdirSync(join(ROOT, 'fixtures/config')).flatMap((rule) => readdirSync(join(ROOT, 'fixtures/config', rule))
  .filter((name) => existsSync(join(ROOT, 'fixtures/config', rule, name, 'mas')))
  .map((name) => {
    const folder = join(ROOT, 'fixtures/config', rule, name, 'mas');
    return [`${rule}/${name}`, readdirSync(folder).sort().map((file) => join(folder, file))] as const;
  }));

describe("MAS fixtures against MAS's own schema", () => {
  it('finds the MAS fixtures', () => expect(cases.length).toBeGreaterThan(20));

  it.each(cases)('%s', (name, files) => {
    const valid = validate(loadMasConfig(files)!.config);
    // This case is there to show a YAML 1.1 boolean MAS refuses.
    expect(valid, JSON.stringify(validate.errors)).toBe(name !== 'no-google-recaptcha/unknown-mas-yes');
  });

  it('catalogues only options something reads (a rule, or the sign-up facts and MAS checks)', () => {
    const readers = [join(ROOT, 'src/facts/signup.ts'), join(ROOT, 'src/engine/checks/mas.ts'), ...readdirSync(join(ROOT, 'rules/config')).map((name) => join(ROOT, 'rules/config', name))]
      .map((file) => readFileSync(file, 'utf8')).join('\n');
    for (const path of Object.keys(masCatalogue.options)) expect(readers, path).toContain(`mas.${path}`);
  });

  it("types each catalogued option as MAS's schema does", () => {
    const jsonType = { bool: 'boolean', integer: 'integer', string: 'string', list: 'array' } as const;
    for (const [path, option] of Object.entries(masCatalogue.options)) {
      const [section, key] = path.split('.');
      const sectionSchema = schema.definitions[schema.properties[section].allOf?.[0]?.$ref?.split('/').pop() ?? ''] ?? schema.properties[section];
      const property = sectionSchema.properties[key];
      expect(property, path).toBeDefined();
      if (option.type in jsonType) expect([property.type].flat(), path).toContain(jsonType[option.type as keyof typeof jsonType]);
    }
  });
});
