// `mxlint room --plan` and `--apply`: what to send to bring a room to its declared use case, and,
// with --apply --yes, sending it. Imported only when one of them is given.
import { InputError, EXIT } from '../errors.js';
import { lintRoom } from '../lint-room.js';
import { loadConfigFiles } from '../sources/config-files.js';
import { buildServerFacts } from '../facts/server-facts.js';
import { openSession, policyRoomUseCase, settleReport, type ReportCliOptions } from '../policy/session.js';
import { planRoom } from '../fix/room-plan.js';
import { formatApplyText, formatPlanText, planJson } from '../fix/format-plan.js';
import type { FixLevel } from '../fix/select.js';
import type { Lang, Report } from '../types.js';
import { exitCode, fixFormat } from './fix.js';
import { readRoom, type RoomCommandOptions } from './room.js';
import { defineMessages, render } from '../messages/message.js';

const errorMessage = defineMessages({
  'error.plan.applyState': {
    en: '--apply sends events to a homeserver: a state dump cannot be changed (use --plan with --state)',
    fr: '--apply envoie des événements à un serveur\u00a0: un état de salon lu dans un fichier ne peut pas être modifié (utilisez --plan avec --state)',
  },
  'error.plan.irreversibleAlone': { en: '--yes-irreversible goes with --yes', fr: '--yes-irreversible s’emploie avec --yes' },
  'error.plan.noUseCase': {
    en: '--plan and --apply need the use case the room is meant for: -u USE_CASE (see mxlint use-cases)',
    fr: '--plan et --apply ont besoin du cas d’usage auquel le salon est destiné\u00a0: -u CAS_D_USAGE (voir mxlint use-cases)',
  },
});

const say = defineMessages({
  'apply.needsYes': { en: 'nothing sent: add --yes to send {changes}{irreversible}', fr: 'rien n’a été envoyé\u00a0: ajouter --yes pour envoyer {changes}{irreversible}' },
  'apply.thisChange': { en: 'this change', fr: 'ce changement' },
  'apply.theseChanges': { en: 'these {count} changes', fr: 'ces {count}\u00a0changements' },
  'apply.needsYes.irreversible': {
    en: ' (and --yes-irreversible for the {count} that cannot be undone)',
    fr: ' (et --yes-irreversible pour les {count} qui ne peuvent pas être défaits)',
  },
});

/** room's options, plus the plan and apply switches. */
export interface PlanCommandOptions extends Omit<RoomCommandOptions, 'dumpFacts'> {
  plan?: boolean;
  apply?: boolean;
  yes?: boolean;
  yesIrreversible?: boolean;
  fixLevel?: FixLevel;
}

export async function runPlan(target: string | undefined, options: PlanCommandOptions, write: (text: string) => void): Promise<number> {
  const format = fixFormat(options.format, options.apply ? '--apply' : '--plan');
  if (options.apply && options.state) throw new InputError(errorMessage('error.plan.applyState'));
  if (options.yesIrreversible && !options.yes) throw new InputError(errorMessage('error.plan.irreversibleAlone'));
  const session = openSession({ ...options, format: [], output: [] }, 'room');
  const server = options.config.length ? buildServerFacts(loadConfigFiles(options.config), options.config) : undefined;
  const { input, hs } = await readRoomForPlan(target, options, server?.config.server_name, session.lang);
  const alias = input.state.find((event) => event.type === 'm.room.canonical_alias')?.content.alias;
  const mapped = policyRoomUseCase(session.policy, [input.roomId, target, typeof alias === 'string' ? alias : undefined]);
  const useCases = options.useCase.length ? options.useCase : mapped ? [mapped] : [];
  if (useCases.length === 0) throw new InputError(errorMessage('error.plan.noUseCase'));
  const configFiles = server?.files.map((file) => file.path) ?? [];
  const settle = (report: Report) => { settleReport(report, { ...session, options: { ...session.options, writeBaseline: undefined } }, configFiles); };
  const plan = planRoom(input, { useCases, rules: session.rules, server, minLevel: options.fixLevel ?? 'warning', lang: session.lang, settle });

  if (!options.apply) {
    write(format === 'json' ? `${JSON.stringify(planJson(plan), null, 2)}\n` : formatPlanText(plan, session.lang));
    return exitCode(plan.before, true, useCases);
  }
  if (format === 'text') write(formatPlanText(plan, session.lang));
  const irreversible = plan.steps.filter((step) => step.kind === 'state' && step.irreversible).length + (plan.replacement ? 1 : 0);
  if (!options.yes) {
    const count = plan.steps.length + (plan.replacement ? 1 : 0);
    if (format === 'json') write(`${JSON.stringify({ ...planJson(plan), applied: null }, null, 2)}\n`);
    if (count === 0) return exitCode(plan.before, true, useCases);
    const consent = render(session.lang, say('apply.needsYes', {
      changes: count === 1 ? say('apply.thisChange') : say('apply.theseChanges', { count }),
      irreversible: irreversible ? say('apply.needsYes.irreversible', { count: irreversible }) : '',
    }));
    process.stderr.write(`mxlint: ${consent}\n`);
    return EXIT.input;
  }
  const { applyRoomPlan } = await import('../fix/room-apply.js');
  const { fetchRoom } = await import('../sources/room-fetch.js');
  const outcome = await applyRoomPlan(hs!, plan, { yes: true, irreversible: Boolean(options.yesIrreversible), lang: session.lang });
  const fetched = await fetchRoom(hs!, outcome.roomId);
  const relinted = lintRoom({ ...fetched, published: fetched.published }, { useCases, server, rules: session.rules, lang: session.lang });
  settle(relinted);
  write(format === 'json'
    ? `${JSON.stringify({ ...planJson(plan), applied: outcome, relinted: { roomId: relinted.roomId, verdicts: relinted.verdicts, findings: relinted.findings.filter((finding) => finding.status !== 'pass') } }, null, 2)}\n`
    : formatApplyText(plan, outcome, relinted, session.lang));
  if (outcome.failed) return EXIT.network;
  return exitCode(relinted, true, useCases);
}

/** The room's state (see readRoom in room.ts); what repeats and what could not be fetched is said on stderr. */
async function readRoomForPlan(target: string | undefined, options: PlanCommandOptions, serverName: unknown, lang: Lang) {
  const { input, hs, unknowns, warnings } = await readRoom(target, options, serverName);
  for (const warning of warnings) process.stderr.write(`mxlint: ${render(lang, warning)}\n`);
  for (const unknown of unknowns) process.stderr.write(`mxlint: ${render(lang, unknown)}\n`);
  return { input, hs };
}
