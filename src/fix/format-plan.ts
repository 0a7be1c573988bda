// How `mxlint room --plan` and `--apply` tell what they would send, what they sent, and the verdicts.
import type { RoomPlan } from './room-plan.js';
import type { ApplyOutcome } from './room-apply.js';
import type { RoomLintResult } from '../lint-room.js';
import { fixMessage, formatClash, section, verdictTransitions } from './format-fix.js';
import { defineMessages, render, type Message } from '../messages/message.js';
import { levelWord } from '../report/messages.js';
import type { Lang } from '../types.js';
import { showValue } from './patch.js';

const say = defineMessages({
  'plan.heading': { en: 'Plan for {room} to fit {useCases}', fr: 'Plan pour que {room} convienne à {useCases}' },
  'plan.replacement': { en: 'A new room is needed: {why}.', fr: 'Il faut un nouveau salon\u00a0: {why}.' },
  'plan.create': { en: 'create a room{version}{creation}, {visibility}, and this state:', fr: 'créer un salon{version}{creation}, {visibility}, avec cet état\u00a0:' },
  'plan.create.version': { en: ' (version {version})', fr: ' (version\u00a0{version})' },
  'plan.create.with': { en: ' with {content}', fr: ' avec {content}' },
  'plan.listed': { en: 'public in the directory', fr: 'publié dans l’annuaire' },
  'plan.unlisted': { en: 'private in the directory', fr: 'absent de l’annuaire' },
  'plan.invite': { en: 'invite the {count} members: {members}', fr: 'inviter les {count}\u00a0membres\u00a0: {members}' },
  'plan.tombstone': { en: 'send m.room.tombstone in this room: {content}', fr: 'envoyer m.room.tombstone dans ce salon\u00a0: {content}' },
  'plan.newRoom': { en: '<the new room>', fr: '<le nouveau salon>' },
  'plan.tombstone.then': {
    en: '(clients then show this room as replaced and lead its members to the new one)',
    fr: '(les clients montrent alors ce salon comme remplacé et mènent ses membres au nouveau)',
  },
  'plan.restrictOld': {
    en: 'restrict this room: m.room.power_levels with events_default 50 and invite 50 (as a room upgrade does)',
    fr: 'restreindre ce salon\u00a0: m.room.power_levels avec events_default 50 et invite 50 (comme le fait une mise à niveau de salon)',
  },
  'plan.byHand': { en: 'by hand: {task}', fr: 'à la main\u00a0: {task}' },
  'plan.replacement.irreversible': { en: 'IRREVERSIBLE: needs --apply --yes --yes-irreversible', fr: 'IRRÉVERSIBLE\u00a0: demande --apply --yes --yes-irreversible' },
  'plan.nothing': { en: 'Nothing to send.', fr: 'Rien à envoyer.' },
  'plan.directory': { en: 'room directory: {before} → {after}', fr: 'annuaire des salons\u00a0: {before} → {after}' },
  'plan.directory.public': { en: 'public', fr: 'publié' },
  'plan.directory.private': { en: 'private', fr: 'non publié' },
  'plan.directory.unknown': { en: 'unknown', fr: 'inconnu' },
  'plan.directory.how': { en: '(not a state event: {request})', fr: '(pas un événement d’état\u00a0: {request})' },
  'plan.state': { en: '{type} (state key "{stateKey}")', fr: '{type} (clé d’état «\u00a0{stateKey}\u00a0»)' },
  'plan.irreversible': { en: 'IRREVERSIBLE: {why}', fr: 'IRRÉVERSIBLE\u00a0: {why}' },
  'plan.change': { en: '{path}: {before} → {after}', fr: '{path}\u00a0: {before} → {after}' },
  'plan.wholeContent': { en: '(content)', fr: '(contenu)' },
  'plan.removed': { en: 'removed', fr: 'supprimé' },
  'plan.content': { en: 'content: {content}', fr: 'contenu\u00a0: {content}' },
  'plan.clashes': {
    en: 'Rules that want different settings (nothing planned for them, choose):',
    fr: 'Règles qui veulent des réglages différents (rien n’est prévu pour elles, à vous de choisir)\u00a0:',
  },
  'plan.stillFailing': { en: 'Still failing after the plan:', fr: 'Toujours en échec après le plan\u00a0:' },
  'plan.unknown': { en: 'Could not be checked:', fr: 'Pas pu être vérifié\u00a0:' },
  'plan.verdicts': { en: 'Verdicts (predicted)', fr: 'Verdicts (prévus)' },
  'plan.verdicts.newRoom': { en: 'Verdicts (predicted, for the new room once the members have joined)', fr: 'Verdicts (prévus, pour le nouveau salon une fois les membres entrés)' },
  'apply.sent': { en: 'Sent:', fr: 'Envoyé\u00a0:' },
  'apply.nothingSent': { en: 'Nothing sent.', fr: 'Rien n’a été envoyé.' },
  'apply.notSent': { en: 'Not sent:', fr: 'Pas envoyé\u00a0:' },
  'apply.notInvited': { en: 'Could not invite: {members}', fr: 'Pas pu inviter\u00a0: {members}' },
  'apply.stopped': { en: 'Stopped: {reason}', fr: 'Arrêté\u00a0: {reason}' },
  'apply.verdicts': { en: 'Verdicts of {room} now (judged again from the server)', fr: 'Verdicts de {room} maintenant (jugés de nouveau d’après le serveur)' },
  'apply.stillFailing': { en: 'Still failing:', fr: 'Toujours en échec\u00a0:' },
  'apply.failing': { en: '{rule} ({level}; {useCase}): {message}', fr: '{rule} ({level}\u00a0; {useCase})\u00a0: {message}' },
});

export function formatPlanText(plan: RoomPlan, lang: Lang = 'en'): string {
  const text = (message: Message) => render(lang, message);
  const lines: string[] = [text(say('plan.heading', { room: plan.roomId, useCases: plan.useCases.join(', ') }))];
  if (plan.replacement) {
    const { replacement } = plan;
    lines.push('', `${text(say('plan.replacement', { why: replacement.why }))}   [${replacement.ruleIds.join(', ')}]`);
    const create = replacement.createRoom;
    const creation = Object.entries(create.creation_content).filter(([key]) => key !== 'predecessor').map(([key, value]) => `${key} ${showValue(value)}`);
    lines.push(`  1. ${text(say('plan.create', {
      version: create.room_version ? say('plan.create.version', { version: create.room_version }) : '',
      creation: creation.length ? say('plan.create.with', { content: creation.join(', ') }) : '',
      visibility: create.visibility === 'public' ? say('plan.listed') : say('plan.unlisted'),
    }))}`);
    for (const event of create.initial_state) lines.push(`       ${event.type}: ${showValue(event.content)}`);
    if (create.power_level_content_override) lines.push(`       m.room.power_levels: ${showValue(create.power_level_content_override)}`);
    lines.push(`  2. ${text(say('plan.invite', { count: replacement.invite.length, members: `${replacement.invite.slice(0, 8).join(', ')}${replacement.invite.length > 8 ? ', …' : ''}` }))}`);
    lines.push(`  3. ${text(say('plan.tombstone', { content: `{"body": ${JSON.stringify(replacement.tombstone.body)}, "replacement_room": ${text(say('plan.newRoom'))}}` }))}`);
    lines.push(`     ${text(say('plan.tombstone.then'))}`);
    if (replacement.restrictOld) lines.push(`  4. ${text(say('plan.restrictOld'))}`);
    for (const task of replacement.byHand) lines.push(`  ${text(say('plan.byHand', { task }))}`);
    lines.push(`  ${text(say('plan.replacement.irreversible'))}`);
  } else if (plan.steps.length === 0) {
    lines.push('', text(say('plan.nothing')));
  } else {
    lines.push('');
    plan.steps.forEach((step, index) => {
      if (step.kind === 'directory') {
        const visibility = (value: 'public' | 'private' | 'unknown') => say(`plan.directory.${value}`);
        lines.push(`  ${index + 1}. ${text(say('plan.directory', { before: visibility(step.before), after: visibility(step.visibility) }))}   [${step.ruleIds.join(', ')}]`);
        lines.push(`       ${text(say('plan.directory.how', { request: 'PUT /_matrix/client/v3/directory/list/room/{roomId}' }))}`);
        return;
      }
      lines.push(`  ${index + 1}. ${text(say('plan.state', { type: step.type, stateKey: step.stateKey }))}${step.irreversible ? `   ${text(say('plan.irreversible', { why: step.irreversible }))}` : ''}   [${step.ruleIds.join(', ')}]`);
      for (const change of step.changes) {
        const path = change.path.join('.') || text(say('plan.wholeContent'));
        lines.push(`       ${text(say('plan.change', { path, before: showValue(change.before), after: change.removed ? say('plan.removed') : showValue(change.after) }))}`);
      }
      lines.push(`       ${text(say('plan.content', { content: showValue(step.content) }))}`);
    });
  }
  if (plan.clashes.length) {
    lines.push('', text(say('plan.clashes')));
    for (const clash of plan.clashes) lines.push(`  ${formatClash(clash, lang)}`);
  }
  section(lines, text(fixMessage('fix.decisions')), plan.selection.decisions, 'decide', lang);
  section(lines, text(fixMessage('fix.manual')), plan.selection.manual, 'do', lang);
  section(lines, text(say('plan.stillFailing')), plan.stillFailing, 'do', lang);
  section(lines, text(say('plan.unknown')), plan.selection.unknown, 'do', lang);
  lines.push('', text(plan.replacement ? say('plan.verdicts.newRoom') : say('plan.verdicts')));
  lines.push(...verdictTransitions(plan.before.verdicts, plan.after.verdicts, lang));
  return `${lines.join('\n')}\n`;
}

export function planJson(plan: RoomPlan) {
  return {
    schemaVersion: 1,
    roomId: plan.roomId,
    useCases: plan.useCases,
    steps: plan.steps,
    replacement: plan.replacement ?? null,
    clashes: plan.clashes,
    decisions: plan.selection.decisions,
    manual: plan.selection.manual,
    stillFailing: plan.stillFailing,
    unknown: plan.selection.unknown,
    verdicts: plan.after.verdicts.map((verdict) => ({
      useCase: verdict.useCase,
      before: plan.before.verdicts.find((candidate) => candidate.useCase === verdict.useCase)?.verdict,
      predicted: verdict.verdict,
    })),
  };
}

export function formatApplyText(plan: RoomPlan, outcome: ApplyOutcome, relinted: RoomLintResult, lang: Lang = 'en'): string {
  const text = (message: Message) => render(lang, message);
  const lines: string[] = [''];
  lines.push(text(outcome.sent.length ? say('apply.sent') : say('apply.nothingSent')));
  for (const item of outcome.sent) lines.push(`  ${item}`);
  if (outcome.skipped.length) lines.push(text(say('apply.notSent')), ...outcome.skipped.map((item) => `  ${item}`));
  if (outcome.notInvited.length) lines.push(text(say('apply.notInvited', { members: outcome.notInvited.join(', ') })));
  if (outcome.failed) lines.push(text(say('apply.stopped', { reason: outcome.failed })));
  lines.push('', text(say('apply.verdicts', { room: relinted.roomId })));
  lines.push(...verdictTransitions(plan.before.verdicts, relinted.verdicts, lang));
  const failing = relinted.findings.filter((finding) => finding.status !== 'pass' && finding.level !== 'info');
  if (failing.length) {
    lines.push('', text(say('apply.stillFailing')));
    for (const finding of failing) {
      lines.push(`  ${text(say('apply.failing', { rule: finding.ruleId, level: levelWord(lang, finding.level), useCase: finding.useCase, message: finding.message }))}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
