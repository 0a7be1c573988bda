// `mxlint schema homeserver`: a JSON Schema of homeserver.yaml from mxlint's own catalogue, for
// editors (yaml-language-server): every top-level key Synapse knows (any other is flagged), the
// type and default of each catalogued option, deprecated and misspelt keys with what replaces
// them, and on each option the advice of the rules that read or set it.
import { catalogue, type KeyEntry, type OptionEntry } from '../facts/catalogue.js';
import type { CheckNode, Rule } from '../types.js';

type Schema = Record<string, unknown> & { properties?: Record<string, Schema> };

const TYPES: Partial<Record<OptionEntry['type'], Schema>> = {
  bool: { type: 'boolean' },
  strictbool: { type: 'boolean' },
  integer: { type: 'integer' },
  number: { type: 'number' },
  string: { type: 'string' },
  url: { type: 'string' },
  // Synapse reads "30d" or a number of milliseconds (durations), "10M" or bytes (sizes).
  duration: { type: ['string', 'integer'] },
  size: { type: ['string', 'integer'] },
  list: { type: ['array', 'null'] },
  map: { type: ['object', 'null'] },
};

function checkPaths(node: CheckNode): string[] {
  return [...(node.path ? [node.path] : []), ...(node.allOf ?? []).flatMap(checkPaths), ...(node.anyOf ?? []).flatMap(checkPaths)];
}

/** Option path → the advice of the config rules that check or set it. */
function adviceByPath(rules: Rule[]): Map<string, string[]> {
  const advice = new Map<string, string[]>();
  for (const rule of rules.filter((candidate) => candidate.target === 'config')) {
    const line = `mxlint ${rule.id}: ${rule.title.en}.${rule.fix ? ` Fix: ${rule.fix.hint.en}.` : ''}`;
    for (const path of new Set([...checkPaths(rule.check), ...Object.keys(rule.fix?.set ?? {})])) {
      advice.set(path, [...(advice.get(path) ?? []), line]);
    }
  }
  return advice;
}

function keyNote(key: string, entry: KeyEntry): string | undefined {
  if (entry.status === 'current' || entry.status === 'undocumented') return undefined;
  const instead = entry.replacement ? `; use ${entry.replacement}` : '';
  const what = entry.status === 'misspelt' ? 'Synapse does not read this key (misspelt)'
    : entry.status === 'removed' ? `removed from Synapse${entry.since ? ` in ${entry.since}` : ''}${entry.effect === 'refuses-to-start' ? ': Synapse refuses to start with it' : ': ignored'}`
    : 'a legacy form Synapse still reads';
  return `${key}: ${what}${instead}${entry.note ? ` (${entry.note})` : ''}.`;
}

export function homeserverSchema(rules: Rule[]): Schema {
  const advice = adviceByPath(rules);
  const root: Schema = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: `Synapse homeserver.yaml (Synapse ${catalogue.synapse}, from mxlint's catalogue)`,
    type: 'object',
    properties: {},
    additionalProperties: false,
  };
  for (const [key, entry] of Object.entries(catalogue.keys)) {
    const note = keyNote(key, entry);
    root.properties![key] = note ? { description: note, deprecated: true, deprecationMessage: note } : {};
  }
  for (const [path, option] of Object.entries(catalogue.options)) {
    let node = root;
    for (const part of path.split('.')) {
      node.properties ??= {};
      node = node.properties[part] ??= {};
    }
    Object.assign(node, TYPES[option.type] ?? {});
    if (option.type === 'enum' && option.values) node.enum = option.values;
    if (option.default !== undefined && option.default !== null && !option.secret) node.default = option.default;
    const lines = advice.get(path);
    if (lines) node.description = [node.description, ...lines].filter(Boolean).join('\n\n');
  }
  return root;
}
