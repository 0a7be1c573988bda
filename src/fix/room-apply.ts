// `mxlint room --apply`: sends a plan's events through matrix-js-sdk. The only place where mxlint
// writes to a homeserver, and only when asked with --yes (and --yes-irreversible for what cannot be
// undone). Stops at the first refusal: what was sent is listed, the rest is not tried.
import type { MatrixClient } from 'matrix-js-sdk';
import type { Homeserver } from '../sources/homeserver.js';
import type { RoomPlan, RoomStep } from './room-plan.js';

export interface ApplyConsent {
  /** Send the reversible changes. */
  yes: boolean;
  /** Send the irreversible ones too (encryption on; a new room with a tombstone on this one). */
  irreversible: boolean;
}

export interface ApplyOutcome {
  sent: string[];
  skipped: string[];
  failed?: string;
  /** The room to judge afterwards: the new room when one was created. */
  roomId: string;
  newRoomId?: string;
  /** Members who could not be invited into the new room. */
  notInvited: string[];
}

export function describeStep(step: RoomStep): string {
  return step.kind === 'directory' ? `directory visibility → ${step.visibility}` : `${step.type} state event`;
}

export async function applyRoomPlan(hs: Homeserver, plan: RoomPlan, consent: ApplyConsent): Promise<ApplyOutcome> {
  const outcome: ApplyOutcome = { sent: [], skipped: [], roomId: plan.roomId, notInvited: [] };
  if (!consent.yes) {
    outcome.skipped.push(...plan.steps.map(describeStep), ...(plan.replacement ? ['the new room'] : []));
    return outcome;
  }
  const client = await hs.matrixClient();
  for (const step of plan.steps) {
    if (step.kind === 'state' && step.irreversible && !consent.irreversible) {
      outcome.skipped.push(`${describeStep(step)} (irreversible: ${step.irreversible}; needs --yes-irreversible)`);
      continue;
    }
    try {
      if (step.kind === 'directory') {
        await hs.withRetries(`PUT directory visibility of ${plan.roomId}`, () => client.setRoomDirectoryVisibility(plan.roomId, step.visibility as never));
      } else {
        // PUT /rooms/{roomId}/state/{type}/{stateKey}: sending it twice sets the same state.
        await hs.withRetries(`PUT ${step.type} in ${plan.roomId}`, () => client.sendStateEvent(plan.roomId, step.type as never, step.content as never, step.stateKey));
      }
      outcome.sent.push(describeStep(step));
    } catch (error) {
      outcome.failed = `${describeStep(step)}: ${(error as Error).message}`;
      return outcome;
    }
  }
  if (plan.replacement) {
    if (!consent.irreversible) {
      outcome.skipped.push('the new room, with a tombstone on this one (irreversible; needs --yes-irreversible)');
      return outcome;
    }
    await replaceRoom(hs, client, plan, outcome);
  }
  return outcome;
}

async function replaceRoom(hs: Homeserver, client: MatrixClient, plan: RoomPlan, outcome: ApplyOutcome): Promise<void> {
  const replacement = plan.replacement!;
  const { user_id: me } = await hs.get('whoami', '/account/whoami');
  const body = structuredClone(replacement.createRoom);
  const version = Number(body.room_version ?? '1');
  const users = body.power_level_content_override?.users as Record<string, unknown> | undefined;
  // From room version 12 the creator outranks every level and must not be listed in users.
  if (users && Number.isFinite(version) && version >= 12) delete users[me];
  else if (users && !(me in users)) users[me] = 100;
  let newRoomId: string;
  try {
    // Never retried: a second POST /createRoom would make a second room.
    ({ room_id: newRoomId } = await client.createRoom(body as never));
  } catch (error) {
    outcome.failed = `creating the new room: ${(error as Error).message}`;
    return;
  }
  outcome.sent.push(`new room ${newRoomId}`);
  outcome.newRoomId = newRoomId;
  outcome.roomId = newRoomId;
  for (const member of replacement.invite.filter((id) => id !== me)) {
    try {
      await hs.withRetries(`invite ${member}`, () => client.invite(newRoomId, member));
    } catch {
      outcome.notInvited.push(member);
    }
  }
  outcome.sent.push(`invitations to ${replacement.invite.filter((id) => id !== me).length - outcome.notInvited.length} members`);
  try {
    await hs.withRetries(`PUT m.room.tombstone in ${plan.roomId}`, () =>
      client.sendStateEvent(plan.roomId, 'm.room.tombstone' as never, { body: replacement.tombstone.body, replacement_room: newRoomId } as never, ''));
    outcome.sent.push(`m.room.tombstone in ${plan.roomId} pointing to ${newRoomId}`);
  } catch (error) {
    outcome.failed = `tombstoning ${plan.roomId}: ${(error as Error).message}`;
    return;
  }
  if (replacement.restrictOld) {
    try {
      await hs.withRetries(`PUT m.room.power_levels in ${plan.roomId}`, () =>
        client.sendStateEvent(plan.roomId, 'm.room.power_levels' as never, replacement.restrictOld as never, ''));
      outcome.sent.push(`m.room.power_levels in ${plan.roomId}: only moderators may post or invite`);
    } catch (error) {
      outcome.skipped.push(`restricting ${plan.roomId}: ${(error as Error).message}`);
    }
  }
}
