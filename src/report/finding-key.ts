// The stable identity of a finding: the same problem keeps its key across runs and line moves
// (baselines; hashed into SARIF partialFingerprints and GitLab fingerprints).
import type { Finding } from '../types.js';
import { repoPath } from './model.js';

/** rule + use case + room id for room findings; rule + use case + file + key path for config findings. */
export function findingKey(finding: Finding, cwd = process.cwd()): string {
  if (finding.room) return [finding.ruleId, finding.useCase, `room:${finding.room.id}`].join('|');
  const file = finding.location ? repoPath(finding.location.file, cwd) : '';
  return [finding.ruleId, finding.useCase, file, finding.path ?? ''].join('|');
}
