// Which fixes to make, for config and room alike: the failing rules of the selected use cases,
// sorted into mechanical fixes (fix.set), decisions (fix.decide: never guessed) and manual work
// (a hint only); then their leaves, with clashes between use cases settled by trying each value
// and keeping one that satisfies every rule involved, or left to a person when none does.
import type { Finding, Lang, Level, Rule } from '../types.js';
import { defineMessages, render } from '../messages/message.js';
import { applyLeaves, getIn, leafHolds, leavesClash, leavesOf, pathKey, sameValue, type Leaf } from './patch.js';

export type FixLevel = Exclude<Level, 'off'>;

const say = defineMessages({
  'fix.todo.byHand': { en: 'check it by hand', fr: 'le vérifier à la main' },
  'fix.todo.noFix': { en: 'no fix is known for this rule', fr: 'aucune correction n’est connue pour cette règle' },
});
const RANK: Record<FixLevel, number> = { error: 0, warning: 1, info: 2 };

/** A failing rule, for the use cases where it fails. */
export interface FailingRule {
  rule: Rule;
  useCases: string[];
  level: FixLevel;
  status: 'fail' | 'unknown';
  message: string;
}

/** Something mxlint lists instead of doing: a decision, manual work, a check it could not make. */
export interface ToDo {
  ruleId: string;
  useCases: string[];
  level: FixLevel;
  title: string;
  message: string;
  /** fix.decide for decisions; the hint otherwise. */
  what: string;
  hint?: string;
}

export interface Selection {
  mechanical: FailingRule[];
  decisions: ToDo[];
  manual: ToDo[];
  unknown: ToDo[];
}

/** A leaf with the rules that want it. */
export interface PlannedLeaf extends Leaf {
  ruleIds: string[];
}

export interface Clash {
  path: string[];
  /** keep: the rule wants the value as it is (a fix for another rule would break it). */
  wants: Array<{ ruleIds: string[]; useCases: string[]; remove?: boolean; value?: unknown; keep?: boolean }>;
}

export function selectFixes(findings: Finding[], rules: Rule[], useCases: string[], minLevel: FixLevel, lang: Lang = 'en'): Selection {
  const byId = new Map(rules.map((rule) => [rule.id, rule]));
  const failing = new Map<string, FailingRule>();
  for (const finding of findings) {
    if (finding.status === 'pass' || !useCases.includes(finding.useCase) || RANK[finding.level] > RANK[minLevel]) continue;
    const rule = byId.get(finding.ruleId);
    if (!rule) continue;
    const known = failing.get(rule.id);
    if (!known) {
      failing.set(rule.id, { rule, useCases: [finding.useCase], level: finding.level, status: finding.status, message: finding.message });
      continue;
    }
    if (!known.useCases.includes(finding.useCase)) known.useCases.push(finding.useCase);
    if (RANK[finding.level] < RANK[known.level]) known.level = finding.level;
    if (finding.status === 'fail') known.status = 'fail';
  }
  const sorted = [...failing.values()].sort((a, b) => RANK[a.level] - RANK[b.level] || a.rule.id.localeCompare(b.rule.id));
  const todo = (item: FailingRule, what: string): ToDo => ({
    ruleId: item.rule.id, useCases: item.useCases, level: item.level, title: item.rule.title[lang], message: item.message, what,
    hint: item.rule.fix?.hint[lang],
  });
  const selection: Selection = { mechanical: [], decisions: [], manual: [], unknown: [] };
  for (const item of sorted) {
    const fix = item.rule.fix;
    if (item.status === 'unknown') selection.unknown.push(todo(item, fix?.hint[lang] ?? render(lang, say('fix.todo.byHand'))));
    else if (fix?.decide) selection.decisions.push(todo(item, fix.decide[lang]));
    else if (fix?.set && Object.keys(fix.set).length) selection.mechanical.push(item);
    else selection.manual.push(todo(item, fix?.hint[lang] ?? render(lang, say('fix.todo.noFix'))));
  }
  return selection;
}

/**
 * The leaves to apply to `base`. `failsWith(document, ruleIds)` evaluates the document and says
 * which of the given rules still fail for the selected use cases; it settles clashes.
 */
export function planLeaves(
  mechanical: FailingRule[],
  base: Record<string, unknown>,
  splitTopLevel: boolean,
  failsWith: (document: Record<string, unknown>, ruleIds: string[]) => string[],
): { leaves: PlannedLeaf[]; clashes: Clash[] } {
  // Identical leaves from several rules become one.
  const merged: PlannedLeaf[] = [];
  for (const { rule } of mechanical) {
    for (const leaf of leavesOf(rule.fix!.set!, splitTopLevel)) {
      const same = merged.find((known) => pathKey(known.path) === pathKey(leaf.path) && Boolean(known.remove) === Boolean(leaf.remove) && sameValue(known.value, leaf.value));
      if (same) {
        if (!same.ruleIds.includes(rule.id)) same.ruleIds.push(rule.id);
      } else {
        merged.push({ ...leaf, ruleIds: [rule.id] });
      }
    }
  }
  // Groups of leaves that clash with one another (transitively).
  const groups: PlannedLeaf[][] = [];
  for (const leaf of merged) {
    const touching = groups.filter((group) => group.some((other) => leavesClash(other, leaf)));
    const group = [leaf, ...touching.flat()];
    for (const old of touching) groups.splice(groups.indexOf(old), 1);
    groups.push(group);
  }
  const accepted = groups.filter((group) => group.length === 1).map((group) => group[0]);
  const clashes: Clash[] = [];
  for (const group of groups.filter((candidates) => candidates.length > 1)) {
    group.sort((a, b) => merged.indexOf(a) - merged.indexOf(b));
    const ruleIds = [...new Set(group.flatMap((leaf) => leaf.ruleIds))];
    const chosen = group
      .map((candidate) => [candidate, ...group.filter((other) => other !== candidate && !leavesClash(other, candidate))])
      .find((set) => failsWith(applyLeaves(base, [...accepted, ...set]), ruleIds).length === 0);
    if (chosen) {
      // The rules whose own leaf lost are satisfied by the chosen one: they are part of the fix too.
      const losers = group.filter((leaf) => !chosen.includes(leaf)).flatMap((leaf) => leaf.ruleIds);
      chosen[0].ruleIds = [...new Set([...chosen[0].ruleIds, ...losers])];
      accepted.push(...chosen);
    } else {
      const useCasesOf = (ids: string[]) => [...new Set(mechanical.filter((item) => ids.includes(item.rule.id)).flatMap((item) => item.useCases))];
      clashes.push({
        path: group[0].path,
        wants: group.map((leaf) => ({ ruleIds: leaf.ruleIds, useCases: useCasesOf(leaf.ruleIds), ...(leaf.remove ? { remove: true } : { value: leaf.value }) })),
      });
    }
  }
  // Keep the rules' order, and drop what already holds (fixing twice changes nothing).
  const leaves = merged.filter((leaf) => accepted.includes(leaf) && !leafHolds(base, leaf));
  return { leaves, clashes };
}

export interface FixedPoint {
  /** Every leaf to apply, in order; a later leaf at the same path replaces an earlier one. */
  leaves: PlannedLeaf[];
  clashes: Clash[];
  /** The rules fixed mechanically over all passes. */
  fixed: FailingRule[];
  /** The document with every leaf applied. */
  document: Record<string, unknown>;
}

/**
 * Fixes in passes until nothing more is to be done (at most `maxPasses`), like a linter's --fix:
 * a fix can make another rule apply (turning retention on brings in the retention limits).
 * `findingsOf(document)` judges a document for the selected use cases.
 */
export function fixToFixedPoint(
  base: Record<string, unknown>,
  splitTopLevel: boolean,
  findingsOf: (document: Record<string, unknown>) => Finding[],
  context: { rules: Rule[]; useCases: string[]; minLevel: FixLevel; lang?: Lang },
  maxPasses = 5,
): FixedPoint {
  let document = base;
  const leaves: PlannedLeaf[] = [];
  const clashes = new Map<string, Clash>();
  const failing = new Map<string, FailingRule>();
  /** Paths two passes disagreed on: left as they are. */
  const frozen: PlannedLeaf[] = [];
  const failsWith = (candidate: Record<string, unknown>, ruleIds: string[]) =>
    [...new Set(findingsOf(candidate).filter((finding) => finding.status !== 'pass' && ruleIds.includes(finding.ruleId)).map((finding) => finding.ruleId))];
  const want = (leaf: PlannedLeaf) => ({
    ruleIds: leaf.ruleIds,
    useCases: [...new Set(leaf.ruleIds.flatMap((id) => failing.get(id)?.useCases ?? []))],
    ...(leaf.remove ? { remove: true } : { value: leaf.value }),
  });
  for (let pass = 0; pass < maxPasses; pass += 1) {
    const { mechanical } = selectFixes(findingsOf(document), context.rules, context.useCases, context.minLevel, context.lang);
    for (const item of mechanical) if (!failing.has(item.rule.id)) failing.set(item.rule.id, item);
    const round = planLeaves(mechanical, document, splitTopLevel, failsWith);
    for (const clash of round.clashes) clashes.set(pathKey(clash.path), clash);
    let progress = false;
    for (const leaf of round.leaves) {
      if (frozen.some((known) => leavesClash(known, leaf) || pathKey(known.path) === pathKey(leaf.path))) continue;
      // A later pass undoing an earlier one: fixing for one use case broke a rule of another.
      const earlier = leaves.findIndex((known) => leavesClash(known, leaf));
      if (earlier !== -1) {
        clashes.set(pathKey(leaf.path), { path: leaf.path, wants: [want(leaves[earlier]), want(leaf)] });
        frozen.push(leaves[earlier], leaf);
        leaves.splice(earlier, 1);
        progress = true;
        continue;
      }
      leaves.push(leaf);
      progress = true;
    }
    if (!progress) break;
    document = applyLeaves(base, leaves);
  }
  for (const clash of withoutRegressions(base, leaves, findingsOf, failing, context.minLevel)) clashes.set(pathKey(clash.path), clash);
  document = applyLeaves(base, leaves);
  const fixed = [...failing.values()].filter((item) => leaves.some((leaf) => leaf.ruleIds.includes(item.rule.id)));
  return { leaves, clashes: [...clashes.values()], fixed, document };
}

/** Worst failing level of each rule (fail or unknown) among the findings. */
function failingLevels(findings: Finding[], minLevel: FixLevel): Map<string, FixLevel> {
  const levels = new Map<string, FixLevel>();
  for (const finding of findings) {
    if (finding.status === 'pass' || RANK[finding.level] > RANK[minLevel]) continue;
    const known = levels.get(finding.ruleId);
    if (!known || RANK[finding.level] < RANK[known]) levels.set(finding.ruleId, finding.level);
  }
  return levels;
}

/**
 * A fix must not make a rule fail that passed before, when that rule is at least as serious
 * (encrypting a room breaks its IRC bridge): such a fix is taken out (from `leaves`, in place)
 * and becomes a clash for a person to settle, the broken rule wanting the value kept.
 */
function withoutRegressions(
  base: Record<string, unknown>, leaves: PlannedLeaf[], findingsOf: (document: Record<string, unknown>) => Finding[],
  failing: Map<string, FailingRule>, minLevel: FixLevel,
): Clash[] {
  const clashes: Clash[] = [];
  const before = failingLevels(findingsOf(base), minLevel);
  for (let round = 0; round < 10 && leaves.length; round += 1) {
    const findings = findingsOf(applyLeaves(base, leaves));
    const regressed = [...failingLevels(findings, minLevel)].filter(([ruleId]) => !before.has(ruleId));
    if (regressed.length === 0) break;
    const [brokenId, brokenLevel] = regressed[0];
    const brokenUseCases = [...new Set(findings.filter((finding) => finding.ruleId === brokenId && finding.status !== 'pass').map((finding) => finding.useCase))];
    // The fix whose removal mends the broken rule, latest first.
    const fixers = [...new Set(leaves.flatMap((leaf) => leaf.ruleIds))].reverse();
    const culprit = fixers.find((ruleId) => {
      const level = failing.get(ruleId)?.level ?? 'info';
      if (RANK[brokenLevel] > RANK[level]) return false;
      const kept = leaves.filter((leaf) => !leaf.ruleIds.includes(ruleId));
      return !findingsOf(applyLeaves(base, kept)).some((finding) => finding.ruleId === brokenId && finding.status !== 'pass');
    });
    if (!culprit) break;
    for (const leaf of leaves.filter((candidate) => candidate.ruleIds.includes(culprit))) {
      leaves.splice(leaves.indexOf(leaf), 1);
      const current = getIn(base, leaf.path);
      clashes.push({
        path: leaf.path,
        wants: [
          { ruleIds: leaf.ruleIds, useCases: [...new Set(leaf.ruleIds.flatMap((id) => failing.get(id)?.useCases ?? []))], ...(leaf.remove ? { remove: true } : { value: leaf.value }) },
          { ruleIds: [brokenId], useCases: brokenUseCases, keep: true, ...(current.found ? { value: current.value } : { remove: true }) },
        ],
      });
    }
  }
  return clashes;
}
