// The server summary's "retention configured / applied" per use case: counted from each room's
// record, valid against the JSON report schema, shown in the text report in both languages.
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { AuditSummary, type RoomRecord } from '../../src/audit-server.js';
import { USE_CASES } from '../../src/engine/rules.js';
import { formatServerText } from '../../src/report/server.js';
import schema from '../../src/report/report.schema.json' with { type: 'json' };
import type { Status } from '../../src/types.js';

const record = (roomId: string, useCase: string | null, configured: Status | null, applied: Status | null): RoomRecord => ({
  roomId, name: null, alias: null, members: 2, useCase, declared: false, verdict: useCase ? 'fit' : 'unclassified', fits: useCase ? [useCase] : [], findings: [],
  retention: { configured, applied },
});

describe('retention configured / applied in the server summary', () => {
  const summary = new AuditSummary();
  for (const room of [
    record('!a:x', 'association', 'pass', 'pass'),
    record('!b:x', 'association', 'pass', 'fail'),
    record('!c:x', 'association', 'fail', 'fail'),
    record('!d:x', 'association', 'pass', 'unknown'),
    record('!e:x', 'direct', null, null),
    record('!f:x', null, 'pass', 'pass'),
  ]) summary.add(room);

  it('counts, per use case, the rooms configured within the limit and those really applied', () => {
    const rows = summary.toJSON().useCases;
    expect(rows.find((row) => row.useCase === 'association')!.retention).toEqual({ configured: 3, applied: 1, notApplied: 2, unknown: 1 });
    expect(rows.find((row) => row.useCase === 'direct')!.retention).toEqual({ configured: 0, applied: 0, notApplied: 0, unknown: 0 });
  });

  it('is what the JSON report schema says', () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    ajv.addSchema(schema);
    const validate = (pointer: string, value: unknown) => {
      const check = ajv.getSchema(`${schema.$id}#/definitions/${pointer}`)!;
      return check(value) ? [] : check.errors;
    };
    expect(validate('serverReport/properties/summary', JSON.parse(JSON.stringify(summary)))).toEqual([]);
    expect(validate('roomRecord', record('!a:x', 'association', 'pass', null))).toEqual([]);
    expect(validate('serverReport/properties/summary', { ...summary.toJSON(), useCases: [{ useCase: 'direct', rooms: 1, fit: 1, warnings: 0, unfit: 0, unknown: 0 }] })).not.toEqual([]);
  });

  it('shows one line per use case in the text report, in English and in French', () => {
    const text = (lang: 'en' | 'fr') => formatServerText({
      baseUrl: 'https://example.org', version: '0', configText: '', records: [], failures: [], summary,
      audit: { total: 6, audited: 6, failed: 0, skipped: 0, incomplete: false }, summaryOnly: true, lang, useCases: USE_CASES, notes: [],
    });
    expect(text('en')).toMatch(/Retention \(rooms\): configured within the limit \/ really applied\n {2}direct +0 \/ 0 \(0 not applied, 0 not measured\)\n {2}association +3 \/ 1 \(2 not applied, 1 not measured\)\n/);
    expect(text('fr')).toMatch(/Rétention \(salons\)\u00a0: configurée dans la limite \/ réellement appliquée\n {2}direct +0 \/ 0 .*\n {2}association +3 \/ 1 \(2 non appliquée, 1 non mesurée\)/);
  });
});
