// The README's example outputs are the built binary's real output (npm run readme rewrites them).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './run.js';
// @ts-expect-error: a plain .mjs script, no types
import { renderReadme } from '../../scripts/readme-examples.mjs';

describe('README examples', () => {
  it('are what mxlint prints today (run `npm run readme` to regenerate them)', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(readme).toMatch(/```console\n\$ mxlint config fixtures\/examples\/homeserver\.yaml --use-case chatons\n/);
    expect(renderReadme(readme)).toBe(readme);
  });
});
