// mxlint's own catalogue of Synapse options (catalogue/synapse-options.yaml, built into JSON).
import catalogueData from '../generated/catalogue.json' with { type: 'json' };
import sectionData from '../generated/sections.json' with { type: 'json' };

export type OptionType =
  | 'bool' | 'strictbool' | 'strtobool' | 'truthy' | 'duration' | 'size' | 'string' | 'url'
  | 'enum' | 'number' | 'integer' | 'list' | 'map' | 'any';

export interface OptionEntry {
  type: OptionType;
  default?: unknown;
  values?: unknown[];
  secret?: boolean;
  pathTwin?: string;
}

export type KeyStatus = 'current' | 'legacy' | 'removed' | 'misspelt' | 'undocumented';
export interface KeyEntry {
  status: KeyStatus;
  replacement?: string;
  effect?: 'ignored' | 'refuses-to-start';
  since?: string;
  note?: string;
}

export interface Catalogue {
  synapse: string;
  keys: Record<string, KeyEntry>;
  options: Record<string, OptionEntry>;
  /** Secrets that are no single option (inside lists, `*` for any key or index) → why. */
  secretPaths: Record<string, string>;
}

function normalise(raw: { synapse: string; keys: Record<string, string | KeyEntry>; options: Record<string, OptionEntry>; secretPaths?: Record<string, string> }): Catalogue {
  const keys: Record<string, KeyEntry> = {};
  for (const [key, entry] of Object.entries(raw.keys)) {
    keys[key] = typeof entry === 'string' ? { status: entry as KeyStatus } : entry;
  }
  return { synapse: raw.synapse, keys, options: raw.options, secretPaths: raw.secretPaths ?? {} };
}

export const catalogue: Catalogue = normalise(catalogueData as never);

/** A section whose sub-keys Synapse reads by name, ignoring any other (catalogue/synapse-sections.yaml). */
export interface SectionEntry {
  keys: string[];
  /** Written with no value (None), the section is read as absent. */
  nullIsAbsent?: boolean;
  /** Sub-keys on their way out (legacy, still read) or gone (removed, read no more). */
  retired?: Record<string, Omit<KeyEntry, 'effect'>>;
}

/** Dotted section path (`*` for each list item or map value) → its entry. */
export const sections: Record<string, SectionEntry> = sectionData as Record<string, SectionEntry>;

/** Synapse's default for a dotted option path, when the catalogue knows it. */
export function defaultOf(path: string): { known: boolean; value: unknown } {
  const entry = catalogue.options[path];
  return entry && 'default' in entry ? { known: true, value: entry.default } : { known: false, value: undefined };
}
