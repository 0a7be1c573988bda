// `mxlint room --plan` on the room dumps (fixtures/room-dumps): the events it would send, merged into
// the current content, the irreversible ones marked, a new room when nothing else can do, and once
// the plan is applied, planning again gives nothing to send.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtInRules } from '../../src/engine/rules.js';
import { lintRoom } from '../../src/lint-room.js';
import { inputAfterSteps, planRoom, type StateStep } from '../../src/fix/room-plan.js';
import { formatPlanText } from '../../src/fix/format-plan.js';
import type { RoomInput } from '../../src/facts/room-facts.js';
import type { Rule } from '../../src/types.js';

const DUMPS = resolve(import.meta.dirname, '../../fixtures/room-dumps');
const rules = builtInRules();

function dump(name: string): RoomInput {
  const data = JSON.parse(readFileSync(join(DUMPS, `${name}.json`), 'utf8'));
  const roomId = data.state.find((event: { room_id?: string }) => event.room_id)?.room_id ?? name;
  return { roomId, source: name, state: data.state, members: data.members, published: data.published, localServer: data.localServer, lastEventTs: data.lastEventTs, now: data.now };
}

const stateStep = (steps: unknown[], type: string) => steps.find((step) => (step as StateStep).type === type) as StateStep | undefined;

describe('room plans', () => {
  it('turns a public room into a trusted group in place, without breaking its IRC bridge', () => {
    const plan = planRoom(dump('public-community'), { useCases: ['trusted-group'], rules });
    expect(stateStep(plan.steps, 'm.room.join_rules')?.content).toEqual({ join_rule: 'invite' });
    expect(plan.steps).toContainEqual(expect.objectContaining({ kind: 'directory', before: 'public', visibility: 'private' }));
    // Encrypting would break the IRC bridge (an error for every use case): not planned, shown as a choice.
    expect(stateStep(plan.steps, 'm.room.encryption')).toBeUndefined();
    expect(plan.clashes).toEqual([expect.objectContaining({ path: ['m.room.encryption', 'algorithm'] })]);
    expect(plan.clashes[0].wants[1]).toEqual(expect.objectContaining({ ruleIds: ['room-not-encrypted-when-bridged-irc-xmpp'], keep: true }));
    expect(plan.selection.decisions.map((item) => item.ruleId)).toContain('federation-restricted');
  });

  it('marks turning encryption on as irreversible', () => {
    const plan = planRoom(dump('public-help'), { useCases: ['trusted-group'], rules });
    const encryption = stateStep(plan.steps, 'm.room.encryption')!;
    expect(encryption.content).toEqual({ algorithm: 'm.megolm.v1.aes-sha2' });
    expect(encryption.before).toBeNull();
    expect(encryption.irreversible).toMatch(/cannot be turned off/);
    expect(stateStep(plan.steps, 'm.room.join_rules')?.irreversible).toBeUndefined();
    expect(formatPlanText(plan)).toContain('IRREVERSIBLE: once on, encryption cannot be turned off');
  });

  it('merges a change into the current content of m.room.power_levels', () => {
    const input = dump('activist-broadcast');
    const current = input.state.find((event) => event.type === 'm.room.power_levels')!.content;
    const plan = planRoom(input, { useCases: ['public-help'], rules });
    const power = stateStep(plan.steps, 'm.room.power_levels')!;
    expect(power.ruleIds).toEqual(['everyone-posts']);
    expect(power.content).toEqual({ ...current, events_default: 0 });
    expect(power.changes).toEqual([{ path: ['events_default'], before: current.events_default, after: 0 }]);
  });

  it('plans a new room when encryption would have to be turned off', () => {
    const input = dump('trusted-group');
    const plan = planRoom(input, { useCases: ['pseudonymous'], rules, minLevel: 'info' });
    expect(plan.steps).toEqual([]);
    const replacement = plan.replacement!;
    expect(replacement.why).toEqual(['encryption cannot be turned off in a room']);
    expect(replacement.createRoom.creation_content).toEqual({ predecessor: { room_id: input.roomId } });
    expect(replacement.createRoom.initial_state.map((event) => event.type)).not.toContain('m.room.encryption');
    expect(replacement.createRoom.initial_state).toContainEqual({ type: 'm.room.join_rules', state_key: '', content: { join_rule: 'public' } });
    expect(replacement.invite).toEqual(input.members);
    expect(replacement.restrictOld).toEqual(expect.objectContaining({ events_default: 50, invite: 50 }));
    expect(formatPlanText(plan)).toMatch(/A new room is needed: encryption cannot be turned off[\s\S]*m\.room\.tombstone[\s\S]*--yes-irreversible/);
  });

  it('plans a new room for m.federate, which never changes', () => {
    const noFederation: Rule = {
      id: 'test-no-federation', target: 'room', title: { en: 'Not federated', fr: 'Non fédéré' }, rationale: { en: '-', fr: '-' },
      source: { quote: '-', where: '-' }, check: { function: 'equals', path: 'federate', options: { value: false } },
      levels: { action: 'error' }, fix: { set: { 'm.room.create': { 'm.federate': false } }, hint: { en: '-', fr: '-' } },
    };
    const input = dump('association');
    const plan = planRoom(input, { useCases: ['action'], rules: [...rules, noFederation] });
    expect(plan.replacement?.why[0]).toMatch(/m\.federate/);
    expect(plan.replacement?.createRoom.creation_content).toEqual({ 'm.federate': false, predecessor: { room_id: input.roomId } });
    expect(plan.replacement?.createRoom.room_version).toBe(input.state.find((event) => event.type === 'm.room.create')!.content.room_version);
  });

  it('needs nothing for a room that already fits', () => {
    const plan = planRoom(dump('direct'), { useCases: ['direct'], rules });
    expect(plan.steps).toEqual([]);
    expect(plan.replacement).toBeUndefined();
  });

  const names = readdirSync(DUMPS).filter((name) => name.endsWith('.json')).map((name) => name.replace(/\.json$/, ''));
  const useCases = ['direct', 'trusted-group', 'activist-exchange', 'activist-broadcast', 'association', 'public-help', 'pseudonymous', 'anonymous', 'action', 'public-community'];
  it.each(names)('%s: once a plan is applied, the verdict is the predicted one and planning again sends nothing', (name) => {
    for (const useCase of useCases) {
      const input = dump(name);
      const plan = planRoom(input, { useCases: [useCase], rules });
      if (plan.replacement) continue;
      const applied = inputAfterSteps(input, plan);
      expect(lintRoom(applied, { useCases: [useCase], rules }).verdicts, useCase).toEqual(plan.after.verdicts);
      const again = planRoom(applied, { useCases: [useCase], rules });
      expect(again.steps, `${name} as ${useCase}`).toEqual([]);
    }
  });
});
