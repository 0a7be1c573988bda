// The room pipeline: state (dump or server) → RoomFacts → findings → verdicts → classification.
import type { Finding, Lang, Report, Rule, UseCaseVerdict } from './types.js';
import { buildRoomFacts, type RoomFacts, type RoomInput } from './facts/room-facts.js';
import type { ServerFacts } from './facts/server-facts.js';
import { evaluate } from './engine/evaluate.js';
import { judgedReport, verdicts } from './engine/verdicts.js';
import { blockerMessage, classify, type Classification } from './engine/classify.js';
import { loadRules, USE_CASES } from './engine/rules.js';
import { defineMessages, render } from './messages/message.js';
import extraRules from './report/extra-rules.json' with { type: 'json' };
import { setFlagsFromString } from 'node:v8';

// Linting rooms makes much short-lived garbage (parsed state, responses, 430 findings a room): V8
// then grows its young generation to ~100 MB, most of the peak memory of `mxlint server` (250 MB
// for 1,800 rooms, 145 MB without the growth) and 45 MB of `room --state` on 100,000 members, for
// no gain in time. Set when a room command loads the pipeline (not by the library API).
setFlagsFromString('--semi-space-growth-factor=1');

const message = defineMessages({
  'room.declaredUndecided': {
    en: 'declared {useCase}: whether its settings fit it cannot be known: {unknowns}',
    fr: 'déclaré {useCase}\u00a0: impossible de savoir si ses réglages lui conviennent\u00a0: {unknowns}',
  },
  'room.declaredFitsOthers': { en: 'declared {useCase}, but its settings fit {fits}', fr: 'déclaré {useCase}, mais ses réglages conviennent à {fits}' },
  'room.declaredFitsNone': { en: 'declared {useCase}, but its settings fit no use case', fr: 'déclaré {useCase}, mais ses réglages ne conviennent à aucun cas d’usage' },
});

const MISMATCH_RULE = 'room-fits-declared-use-case';
const MISMATCH_TITLE = extraRules.find((rule) => rule.id === MISMATCH_RULE)!.title;

export interface LintRoomOptions {
  /** Declared use cases; none = judge every room use case and classify. */
  useCases?: string[];
  server?: ServerFacts;
  rules?: Rule[];
  ruleDirs?: string[];
  lang?: Lang;
}

export interface RoomLintResult extends Report {
  roomId: string;
  facts: RoomFacts;
  classification: Classification;
}

export const ROOM_USE_CASES = (): string[] => USE_CASES.filter((useCase) => useCase.scope.includes('room')).map((useCase) => useCase.id);

export function lintRoom(input: RoomInput, options: LintRoomOptions = {}): RoomLintResult {
  const facts = buildRoomFacts(input, options.server);
  const rules = (options.rules ?? loadRules(options.ruleDirs)).filter((rule) => rule.target === 'room');
  // Classification needs every use case judged, whatever the user declared.
  const all = ROOM_USE_CASES();
  const allFindings = evaluate(rules, facts, { useCases: all, lang: options.lang });
  const allVerdicts = verdicts(allFindings, all);
  const lang = options.lang ?? 'en';
  const classification = classify(allVerdicts, allFindings, lang);
  const declared = options.useCases?.length ? options.useCases : undefined;
  const useCases = declared ?? all;
  const findings: Finding[] = allFindings.filter((finding) => useCases.includes(finding.useCase));
  if (declared) findings.push(...mismatchFindings(declared, classification, allVerdicts, allFindings, input.roomId, lang));
  return {
    ...judgedReport('room', [input.source], useCases, findings, []),
    roomId: input.roomId,
    facts,
    classification,
  };
}

/** A room declared as one use case whose settings fit others is a finding in itself. When what
 *  decides the use case cannot be known (a dump without directory information), that is unknown,
 *  naming what to give: never a mismatch. */
function mismatchFindings(declared: string[], classification: Classification, judged: UseCaseVerdict[], findings: Finding[], roomId: string, lang: Lang): Finding[] {
  return declared.filter((useCase) => !classification.fits.some((fit) => fit.useCase === useCase)).map((useCase) => {
    const undecided = judged.find((verdict) => verdict.useCase === useCase)?.verdict === 'unknown';
    const unknowns = findings.filter((finding) => finding.useCase === useCase && finding.level === 'error' && finding.status === 'unknown');
    const said = undecided
      ? message('room.declaredUndecided', { useCase, unknowns: unknowns.map(blockerMessage) })
      : classification.fits.length
        ? message('room.declaredFitsOthers', { useCase, fits: classification.fits.map((fit) => fit.useCase).join(', ') })
        : message('room.declaredFitsNone', { useCase });
    return {
      ruleId: MISMATCH_RULE,
      useCase,
      level: 'error',
      status: undecided ? 'unknown' : 'fail',
      title: MISMATCH_TITLE[lang],
      message: render(lang, said),
      messageId: said.id,
      data: said.data,
      room: { id: roomId },
    };
  });
}
