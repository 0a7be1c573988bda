// How `mxlint room --plan` and `--apply` tell what they would send, what they sent, and the verdicts.
import type { RoomPlan } from './room-plan.js';
import type { ApplyOutcome } from './room-apply.js';
import type { RoomLintResult } from '../lint-room.js';
import { formatClash, section, verdictTransitions } from './format-fix.js';
import { showValue } from './patch.js';

export function formatPlanText(plan: RoomPlan): string {
  const lines: string[] = [`Plan for ${plan.roomId} to fit ${plan.useCases.join(', ')}`];
  if (plan.replacement) {
    const { replacement } = plan;
    lines.push('', `A new room is needed: ${replacement.why.join('; ')}.   [${replacement.ruleIds.join(', ')}]`);
    const create = replacement.createRoom;
    const creation = Object.entries(create.creation_content).filter(([key]) => key !== 'predecessor').map(([key, value]) => `${key} ${showValue(value)}`);
    lines.push(`  1. create a room${create.room_version ? ` (version ${create.room_version})` : ''}${creation.length ? ` with ${creation.join(', ')}` : ''}, ${create.visibility} in the directory, and this state:`);
    for (const event of create.initial_state) lines.push(`       ${event.type}: ${showValue(event.content)}`);
    if (create.power_level_content_override) lines.push(`       m.room.power_levels: ${showValue(create.power_level_content_override)}`);
    lines.push(`  2. invite the ${replacement.invite.length} members: ${replacement.invite.slice(0, 8).join(', ')}${replacement.invite.length > 8 ? ', …' : ''}`);
    lines.push(`  3. send m.room.tombstone in this room: {"body": ${JSON.stringify(replacement.tombstone.body)}, "replacement_room": <the new room>}`);
    lines.push('     (clients then show this room as replaced and lead its members to the new one)');
    if (replacement.restrictOld) lines.push('  4. restrict this room: m.room.power_levels with events_default 50 and invite 50 (as a room upgrade does)');
    for (const task of replacement.byHand) lines.push(`  by hand: ${task}`);
    lines.push('  IRREVERSIBLE: needs --apply --yes --yes-irreversible');
  } else if (plan.steps.length === 0) {
    lines.push('', 'Nothing to send.');
  } else {
    lines.push('');
    plan.steps.forEach((step, index) => {
      if (step.kind === 'directory') {
        lines.push(`  ${index + 1}. room directory: ${step.before === 'unknown' ? 'unknown' : step.before} → ${step.visibility}   [${step.ruleIds.join(', ')}]`);
        lines.push('       (not a state event: PUT /_matrix/client/v3/directory/list/room/{roomId})');
        return;
      }
      lines.push(`  ${index + 1}. ${step.type} (state key "${step.stateKey}")${step.irreversible ? `   IRREVERSIBLE: ${step.irreversible}` : ''}   [${step.ruleIds.join(', ')}]`);
      for (const change of step.changes) {
        lines.push(`       ${change.path.join('.') || '(content)'}: ${showValue(change.before)} → ${change.removed ? 'removed' : showValue(change.after)}`);
      }
      lines.push(`       content: ${showValue(step.content)}`);
    });
  }
  if (plan.clashes.length) {
    lines.push('', 'Rules that want different settings (nothing planned for them, choose):');
    for (const clash of plan.clashes) lines.push(`  ${formatClash(clash)}`);
  }
  section(lines, 'Decisions for you (mxlint does not guess them):', plan.selection.decisions, 'decide');
  section(lines, 'To do by hand (no mechanical fix):', plan.selection.manual, 'do');
  section(lines, 'Still failing after the plan:', plan.stillFailing, 'do');
  section(lines, 'Could not be checked:', plan.selection.unknown, 'do');
  lines.push('', `Verdicts (predicted${plan.replacement ? ', for the new room once the members have joined' : ''})`);
  lines.push(...verdictTransitions(plan.before.verdicts, plan.after.verdicts));
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

export function formatApplyText(plan: RoomPlan, outcome: ApplyOutcome, relinted: RoomLintResult): string {
  const lines: string[] = [''];
  lines.push(outcome.sent.length ? 'Sent:' : 'Nothing sent.');
  for (const item of outcome.sent) lines.push(`  ${item}`);
  if (outcome.skipped.length) lines.push('Not sent:', ...outcome.skipped.map((item) => `  ${item}`));
  if (outcome.notInvited.length) lines.push(`Could not invite: ${outcome.notInvited.join(', ')}`);
  if (outcome.failed) lines.push(`Stopped: ${outcome.failed}`);
  lines.push('', `Verdicts of ${relinted.roomId} now (judged again from the server)`);
  lines.push(...verdictTransitions(plan.before.verdicts, relinted.verdicts));
  const failing = relinted.findings.filter((finding) => finding.status !== 'pass' && finding.level !== 'info');
  if (failing.length) {
    lines.push('', 'Still failing:');
    for (const finding of failing) lines.push(`  ${finding.ruleId} (${finding.level}; ${finding.useCase}): ${finding.message}`);
  }
  return `${lines.join('\n')}\n`;
}
