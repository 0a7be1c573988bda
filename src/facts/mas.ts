// MAS facts: `mas.<option>` is the effective value of a catalogued MAS option (what the merged MAS
// files say, or MAS's default when absent) with where it is written.
import masCatalogueData from '../generated/mas-catalogue.json' with { type: 'json' };
import type { Fact } from '../types.js';
import type { MergedMas } from '../sources/mas-config.js';
import { findPlaceholder, walk } from './values.js';
import { isSecret, redactValue } from './redact.js';

export interface MasOption {
  type: 'bool' | 'integer' | 'string' | 'enum' | 'list';
  default: unknown;
  values?: unknown[];
}

export const masCatalogue = masCatalogueData as { mas: string; options: Record<string, MasOption>; topLevel: string[]; sections: Record<string, string[]> };

export const MAS_PREFIX = 'mas.';

/** The fact paths of the catalogued MAS options (`mas.account.password_registration_enabled`...). */
export const masFactPaths = (): string[] => Object.keys(masCatalogue.options).map((path) => MAS_PREFIX + path);

export const NO_MAS_CONFIG = 'no MAS config was given: pass --mas-config FILE (repeatable) or set MAS_CONFIG';

/** Why MAS would refuse this value for an option of this type, or undefined when it takes it. */
function refusal(option: MasOption, value: unknown): string | undefined {
  const shown = JSON.stringify(value);
  if (option.type === 'bool' && typeof value !== 'boolean') {
    return `${shown}, which MAS refuses: it reads YAML 1.2, where only true and false are booleans (yes, no, on and off are text)`;
  }
  if (option.type === 'integer' && !Number.isInteger(value)) return `${shown}, which MAS refuses: it expects an integer`;
  if (option.type === 'string' && value !== null && typeof value !== 'string') return `${shown}, which MAS refuses: it expects text`;
  if (option.type === 'enum' && !option.values!.includes(value)) return `${shown}, which MAS refuses: it expects one of ${option.values!.map((item) => JSON.stringify(item)).join(', ')}`;
  if (option.type === 'list' && value !== null && !Array.isArray(value)) return `${shown}, which MAS refuses: it expects a list`;
  return undefined;
}

/** `mas.<path>` from the merged MAS config; unknown when no MAS config was given. Paths under a
 *  catalogued option (`mas.upstream_oauth2.providers.0.issuer`) are read as written. */
export function masFact(mas: MergedMas | undefined, path: string): Fact {
  const optionPath = path.slice(MAS_PREFIX.length);
  if (!mas) return { path, value: undefined, state: 'unknown', reason: NO_MAS_CONFIG };
  const option = masCatalogue.options[optionPath];
  const parts = optionPath.split('.');
  let { value, found } = walk(mas.config, parts);
  const nearest = parts.slice(0, found).join('.');
  if (found < parts.length) return { path, value: option?.default, state: 'default', defaultBy: 'MAS', location: nearest ? mas.positions.get(nearest) : undefined };
  const location = mas.positions.get(optionPath);
  // Placeholders are looked for before redaction; one inside a secret is not shown.
  const written = findPlaceholder(value);
  const placeholder = written && isSecret(path, value) ? 'in a secret (not shown)' : written;
  const refused = option && refusal(option, value);
  value = redactValue(path, value);
  if (placeholder) return { path, value, state: 'unknown', location, reason: `unrendered template placeholder ${placeholder}` };
  if (refused) return { path, value, state: 'unknown', location, reason: refused };
  return { path, value, state: 'set', location };
}
