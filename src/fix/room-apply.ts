// `mxlint room --apply`: sends a plan's events through matrix-js-sdk. The only place where mxlint
// writes to a homeserver, and only when asked with --yes (and --yes-irreversible for what cannot be
// undone). Stops at the first refusal: what was sent is listed, the rest is not tried.
import type { MatrixClient } from 'matrix-js-sdk';
import type { Homeserver } from '../sources/homeserver.js';
import type { RoomPlan, RoomStep } from './room-plan.js';
import type { Lang } from '../types.js';
import { defineMessages, render } from '../messages/message.js';

const say = defineMessages({
  'apply.step.directory': { en: 'directory visibility → {visibility}', fr: 'visibilité dans l’annuaire → {visibility}' },
  'apply.step.state': { en: '{type} state event', fr: 'événement d’état {type}' },
  'apply.newRoom': { en: 'the new room', fr: 'le nouveau salon' },
  'apply.needsIrreversible': { en: '{step} (irreversible: {why}; needs --yes-irreversible)', fr: '{step} (irréversible\u00a0: {why}\u00a0; demande --yes-irreversible)' },
  'apply.failed': { en: '{step}: {error}', fr: '{step}\u00a0: {error}' },
  'apply.replacementNeedsIrreversible': {
    en: 'the new room, with a tombstone on this one (irreversible; needs --yes-irreversible)',
    fr: 'le nouveau salon, avec une pierre tombale sur celui-ci (irréversible\u00a0; demande --yes-irreversible)',
  },
  'apply.createFailed': { en: 'creating the new room: {error}', fr: 'création du nouveau salon\u00a0: {error}' },
  'apply.created': { en: 'new room {room}', fr: 'nouveau salon {room}' },
  'apply.invited': { en: 'invitations to {count} members', fr: 'invitations à {count}\u00a0membres' },
  'apply.tombstone': { en: 'm.room.tombstone in {room} pointing to {newRoom}', fr: 'm.room.tombstone dans {room}, qui pointe vers {newRoom}' },
  'apply.tombstoneFailed': { en: 'tombstoning {room}: {error}', fr: 'pose de m.room.tombstone dans {room}\u00a0: {error}' },
  'apply.restricted': { en: 'm.room.power_levels in {room}: only moderators may post or invite', fr: 'm.room.power_levels dans {room}\u00a0: seuls les modérateurs peuvent écrire ou inviter' },
  'apply.restrictFailed': { en: 'restricting {room}: {error}', fr: 'restriction de {room}\u00a0: {error}' },
});

export interface ApplyConsent {
  /** Send the reversible changes. */
  yes: boolean;
  /** Send the irreversible ones too (encryption on; a new room with a tombstone on this one). */
  irreversible: boolean;
  /** The language of what the outcome lists. */
  lang?: Lang;
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

export function describeStep(step: RoomStep, lang: Lang = 'en'): string {
  return render(lang, step.kind === 'directory' ? say('apply.step.directory', { visibility: step.visibility }) : say('apply.step.state', { type: step.type }));
}

export async function applyRoomPlan(hs: Homeserver, plan: RoomPlan, consent: ApplyConsent): Promise<ApplyOutcome> {
  const lang = consent.lang ?? 'en';
  const text = (message: Parameters<typeof render>[1]) => render(lang, message);
  const outcome: ApplyOutcome = { sent: [], skipped: [], roomId: plan.roomId, notInvited: [] };
  if (!consent.yes) {
    outcome.skipped.push(...plan.steps.map((step) => describeStep(step, lang)), ...(plan.replacement ? [text(say('apply.newRoom'))] : []));
    return outcome;
  }
  const client = await hs.matrixClient();
  for (const step of plan.steps) {
    if (step.kind === 'state' && step.irreversible && !consent.irreversible) {
      outcome.skipped.push(text(say('apply.needsIrreversible', { step: describeStep(step, lang), why: step.irreversible })));
      continue;
    }
    try {
      if (step.kind === 'directory') {
        await hs.withRetries(`PUT directory visibility of ${plan.roomId}`, () => client.setRoomDirectoryVisibility(plan.roomId, step.visibility as never));
      } else {
        // PUT /rooms/{roomId}/state/{type}/{stateKey}: sending it twice sets the same state.
        await hs.withRetries(`PUT ${step.type} in ${plan.roomId}`, () => client.sendStateEvent(plan.roomId, step.type as never, step.content as never, step.stateKey));
      }
      outcome.sent.push(describeStep(step, lang));
    } catch (error) {
      outcome.failed = text(say('apply.failed', { step: describeStep(step, lang), error: (error as Error).message }));
      return outcome;
    }
  }
  if (plan.replacement) {
    if (!consent.irreversible) {
      outcome.skipped.push(text(say('apply.replacementNeedsIrreversible')));
      return outcome;
    }
    await replaceRoom(hs, client, plan, outcome, lang);
  }
  return outcome;
}

async function replaceRoom(hs: Homeserver, client: MatrixClient, plan: RoomPlan, outcome: ApplyOutcome, lang: Lang): Promise<void> {
  const text = (message: Parameters<typeof render>[1]) => render(lang, message);
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
    outcome.failed = text(say('apply.createFailed', { error: (error as Error).message }));
    return;
  }
  outcome.sent.push(text(say('apply.created', { room: newRoomId })));
  outcome.newRoomId = newRoomId;
  outcome.roomId = newRoomId;
  for (const member of replacement.invite.filter((id) => id !== me)) {
    try {
      await hs.withRetries(`invite ${member}`, () => client.invite(newRoomId, member));
    } catch {
      outcome.notInvited.push(member);
    }
  }
  outcome.sent.push(text(say('apply.invited', { count: replacement.invite.filter((id) => id !== me).length - outcome.notInvited.length })));
  try {
    await hs.withRetries(`PUT m.room.tombstone in ${plan.roomId}`, () =>
      client.sendStateEvent(plan.roomId, 'm.room.tombstone' as never, { body: replacement.tombstone.body, replacement_room: newRoomId } as never, ''));
    outcome.sent.push(text(say('apply.tombstone', { room: plan.roomId, newRoom: newRoomId })));
  } catch (error) {
    outcome.failed = text(say('apply.tombstoneFailed', { room: plan.roomId, error: (error as Error).message }));
    return;
  }
  if (replacement.restrictOld) {
    try {
      await hs.withRetries(`PUT m.room.power_levels in ${plan.roomId}`, () =>
        client.sendStateEvent(plan.roomId, 'm.room.power_levels' as never, replacement.restrictOld as never, ''));
      outcome.sent.push(text(say('apply.restricted', { room: plan.roomId })));
    } catch (error) {
      outcome.skipped.push(text(say('apply.restrictFailed', { room: plan.roomId, error: (error as Error).message })));
    }
  }
}
