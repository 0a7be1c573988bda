// A rule's `fix.set` read as a JSON Merge Patch (RFC 7396): a mapping merges into what is there,
// null removes the key, anything else (scalar, list) replaces it. Config rules name their keys with
// dotted paths (`retention.default_policy.max_lifetime`); room rules name event types, whose dots
// are part of the name (`m.room.encryption`). Nested mappings are never split at dots, so a key
// such as `io.element.e2ee` can be reached by nesting.

/** One change at one place: set a value (never a mapping) or remove the key. */
export interface Leaf {
  path: string[];
  /** Absent when remove is true. */
  value?: unknown;
  remove?: boolean;
}

export const isMapping = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);

/** The leaves of a fix.set; `splitTopLevel` splits its own keys at dots (config paths). */
export function leavesOf(set: Record<string, unknown>, splitTopLevel: boolean): Leaf[] {
  const leaves: Leaf[] = [];
  const visit = (path: string[], value: unknown): void => {
    if (value === null) leaves.push({ path, remove: true });
    else if (isMapping(value)) for (const [key, child] of Object.entries(value)) visit([...path, key], child);
    else leaves.push({ path, value });
  };
  for (const [key, value] of Object.entries(set)) visit(splitTopLevel ? key.split('.') : [key], value);
  return leaves;
}

export const pathKey = (path: string[]): string => path.join('\u0000');
export const showPath = (path: string[]): string => path.join('.');

/** Deep equality of JSON-like values (dates by time; key order does not matter). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, index) => sameValue(item, b[index]));
  if (isMapping(a) && isMapping(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && sameValue(a[key], b[key]));
  }
  return typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b);
}

export function getIn(root: unknown, path: string[]): { found: boolean; value: unknown } {
  let value = root;
  for (const part of path) {
    if (!isMapping(value) || !Object.hasOwn(value, part)) return { found: false, value: undefined };
    value = value[part];
  }
  return { found: true, value };
}

/** Whether the leaf already holds in `root` (the value is there, or the key is already gone). */
export function leafHolds(root: unknown, leaf: Leaf): boolean {
  const { found, value } = getIn(root, leaf.path);
  return leaf.remove ? !found : found && sameValue(value, leaf.value);
}

export function cloneValue<T>(value: T): T {
  if (Array.isArray(value)) return value.map(cloneValue) as T;
  if (isMapping(value)) return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, cloneValue(child)])) as T;
  return value;
}

/** Applies leaves to a copy of `root`: missing or non-mapping parents become mappings, as in RFC 7396. */
export function applyLeaves<T extends Record<string, unknown>>(root: T, leaves: Leaf[]): T {
  const copy = cloneValue(root);
  for (const leaf of leaves) {
    let node: Record<string, unknown> = copy;
    const parents = leaf.path.slice(0, -1);
    let reachable = true;
    for (const part of parents) {
      if (!isMapping(node[part])) {
        if (leaf.remove) {
          reachable = false;
          break;
        }
        node[part] = {};
      }
      node = node[part] as Record<string, unknown>;
    }
    if (!reachable) continue;
    const last = leaf.path[leaf.path.length - 1];
    if (leaf.remove) delete node[last];
    else node[last] = cloneValue(leaf.value);
  }
  return copy;
}

/** Two leaves touch the same place (one path is the other or contains it) and want different things. */
export function leavesClash(a: Leaf, b: Leaf): boolean {
  const shorter = a.path.length <= b.path.length ? a : b;
  const longer = shorter === a ? b : a;
  if (!shorter.path.every((part, index) => longer.path[index] === part)) return false;
  if (shorter.path.length === longer.path.length) return Boolean(a.remove) !== Boolean(b.remove) || (!a.remove && !sameValue(a.value, b.value));
  // A removal under something removed is no clash; anything else under a replaced or removed key is.
  return !(shorter.remove && longer.remove);
}

/** Short one-line rendering of a value for plans and summaries. */
export function showValue(value: unknown): string {
  if (value === undefined) return 'absent';
  const text = JSON.stringify(value instanceof Date ? value.toISOString() : value);
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}
