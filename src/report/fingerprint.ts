// Hashes of finding keys for SARIF and GitLab (node:crypto is loaded only by those formatters).
import { createHash } from 'node:crypto';

export { findingKey } from './finding-key.js';

export function fingerprint(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}
