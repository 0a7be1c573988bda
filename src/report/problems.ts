// A problem is one check result (rule + option path + location, or room + event) seen across
// use cases: the report lists it once, with the level it has for each use case.
import type { Finding, Level, SourceLocation, Status } from '../types.js';

type Shown = Exclude<Level, 'off'>;

export interface Problem {
  key: string;
  ruleId: string;
  status: Status;
  /** The worst level over the use cases. */
  worst: Shown;
  levels: Record<Shown, string[]>;
  message: string;
  title: string;
  fix?: string;
  path?: string;
  location?: SourceLocation;
  room?: Finding['room'];
  findings: Finding[];
}

export interface ProblemGroup {
  /** file: a config file's lines; default: options absent from every file; room: a room's state; general: no option. */
  kind: 'file' | 'default' | 'room' | 'general';
  /** The file or room id. */
  name: string;
  problems: Problem[];
}

const RANK: Record<Shown, number> = { error: 0, warning: 1, info: 2 };

export const problemKey = (finding: Finding): string =>
  [finding.ruleId, finding.path ?? '', finding.location ? `${finding.location.file}:${finding.location.line}:${finding.location.column}` : '', finding.room?.id ?? '', finding.room?.eventType ?? ''].join('\u0000');

/** Findings folded into problems, in the order they come. */
export function problems(findings: Finding[]): Problem[] {
  const byKey = new Map<string, Problem>();
  for (const finding of findings) {
    const key = problemKey(finding);
    let problem = byKey.get(key);
    if (!problem) {
      problem = {
        key, ruleId: finding.ruleId, status: finding.status, worst: finding.level, levels: { error: [], warning: [], info: [] },
        message: finding.message, title: finding.title, fix: finding.fix, path: finding.path, location: finding.location, room: finding.room, findings: [],
      };
      byKey.set(key, problem);
    }
    problem.findings.push(finding);
    if (!problem.levels[finding.level].includes(finding.useCase)) problem.levels[finding.level].push(finding.useCase);
    if (RANK[finding.level] < RANK[problem.worst]) problem.worst = finding.level;
    // One use case unknown is enough for the problem to be "could not check".
    if (finding.status === 'unknown') problem.status = 'unknown';
  }
  return [...byKey.values()];
}

const compare = (a: Problem, b: Problem) =>
  RANK[a.worst] - RANK[b.worst]
  || (a.location?.line ?? 0) - (b.location?.line ?? 0) || (a.location?.column ?? 0) - (b.location?.column ?? 0)
  || a.ruleId.localeCompare(b.ruleId) || (a.room?.eventType ?? '').localeCompare(b.room?.eventType ?? '') || (a.path ?? '').localeCompare(b.path ?? '');

/** Grouped by file (in input order), then absent options, then rooms, then the rest; each sorted by worst level, then position. */
export function groupProblems(findings: Finding[]): ProblemGroup[] {
  const groups = new Map<string, ProblemGroup>();
  for (const problem of problems(findings)) {
    const [kind, name]: [ProblemGroup['kind'], string] = problem.location ? ['file', problem.location.file]
      : problem.room ? ['room', problem.room.id] : problem.path ? ['default', ''] : ['general', ''];
    const id = `${kind}\u0000${name}`;
    if (!groups.has(id)) groups.set(id, { kind, name, problems: [] });
    groups.get(id)!.problems.push(problem);
  }
  const order = { file: 0, default: 1, room: 2, general: 3 } as const;
  return [...groups.values()].sort((a, b) => order[a.kind] - order[b.kind]).map((group) => ({ ...group, problems: group.problems.sort(compare) }));
}

/** Failing problems by worst level, and problems that could not be checked. */
export function problemCounts(findings: Finding[]): Record<Shown | 'unknown', number> {
  const counts = { error: 0, warning: 0, info: 0, unknown: 0 };
  for (const problem of problems(findings.filter((finding) => finding.status !== 'pass'))) {
    if (problem.status === 'unknown') counts.unknown++;
    else counts[problem.worst]++;
  }
  return counts;
}
