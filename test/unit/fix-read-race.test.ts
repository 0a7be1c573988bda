// `config --fix` reads each file twice: once to lint it (the findings), once to edit it. A file
// changed in between is refused with exit 2 naming it, instead of an edit computed from the old
// findings (or an internal error). The second read is made to see an appended line.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it, vi } from 'vitest';
import { loadRules } from '../../src/engine/rules.js';
import { InputError } from '../../src/errors.js';
import { planConfigFix } from '../../src/fix/config-fix.js';

const race = vi.hoisted(() => ({ file: '', reads: 0, appended: 'admin_contact: "mailto:admin@example.org"\n' }));
vi.mock('../../src/sources/read-bounded.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/sources/read-bounded.js')>();
  return {
    ...real,
    readBounded: (...args: Parameters<typeof real.readBounded>) => {
      const result = real.readBounded(...args);
      if (args[0] !== race.file || (race.reads += 1) === 1) return result;
      return { ...result, bytes: Buffer.concat([result.bytes, Buffer.from(race.appended)]) };
    },
  };
});

const dir = mkdtempSync(join(tmpdir(), 'mxlint-fix-race-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('a file changed between the lint and the edit is refused, naming it', () => {
  race.file = join(dir, 'homeserver.yaml');
  writeFileSync(race.file, 'server_name: example.org\nreport_stats: "yes"\n');
  const plan = () => {
    race.reads = 0;
    return planConfigFix([race.file], { useCases: ['chatons'], rules: loadRules() });
  };
  const refusal = (() => {
    try {
      plan();
    } catch (error) {
      return error;
    }
  })();
  expect(refusal).toBeInstanceOf(InputError);
  expect((refusal as InputError).oneLine()).toBe(`${race.file}: changed while mxlint read it (someone else is editing it?): run the fix again; nothing was written`);
  race.appended = '';
  expect(plan().files.map((file) => file.path)).toEqual([race.file]);
});
