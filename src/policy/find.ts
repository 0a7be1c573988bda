// Where the policy file is: the nearest .mxlint.yaml (or .mxlint.yml) from the working
// directory up. Kept apart from the loader so a run without a policy file never loads it.
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export const POLICY_FILE_NAMES = ['.mxlint.yaml', '.mxlint.yml'];

export function findPolicyFile(start = process.cwd()): string | undefined {
  let dir = resolve(start);
  for (;;) {
    for (const name of POLICY_FILE_NAMES) {
      const candidate = join(dir, name);
      if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** --policy FILE, else the nearest .mxlint.yaml; `false` (--no-policy) turns it off. */
export function policyFileFor(option: string | boolean | undefined, cwd = process.cwd()): string | undefined {
  if (option === false) return undefined;
  return typeof option === 'string' ? option : findPolicyFile(cwd);
}
