// `mxlint room --plan` / `--apply` against a real Synapse: rooms made with the client API are planned,
// applied step by step (nothing without --yes, nothing irreversible without --yes-irreversible), and
// judged again until they fit the use case they are declared for.
import { expect, it } from 'vitest';
import { mxlint } from '../cli/run.js';
import { api, describeE2E, sandboxOrSkip } from './sandbox.js';

const enc = encodeURIComponent;

interface PlanJson {
  steps: Array<{ kind: string; type?: string; irreversible?: string; visibility?: string }>;
  replacement: { why: string[]; invite: string[] } | null;
  verdicts: Array<{ useCase: string; before: string; predicted: string }>;
  applied?: { sent: string[]; skipped: string[]; failed?: string; newRoomId?: string; roomId: string } | null;
  relinted?: { roomId: string; verdicts: Array<{ useCase: string; verdict: string }> };
}

function room(args: string[], token: string) {
  const { baseUrl } = sandboxOrSkip();
  return mxlint(['room', ...args, '--homeserver', baseUrl, '-f', 'json'], { env: { MATRIX_ACCESS_TOKEN: token } });
}

async function state(token: string, roomId: string, type: string): Promise<Record<string, unknown> | undefined> {
  const response = await api(token, 'GET', `/_matrix/client/v3/rooms/${enc(roomId)}/state/${enc(type)}/`);
  return response.status === 200 ? response.body : undefined;
}

async function roomWithBob(alice: string, bob: { token: string; userId: string }, body: Record<string, unknown>): Promise<string> {
  const created = await api<{ room_id: string }>(alice, 'POST', '/_matrix/client/v3/createRoom', { ...body, invite: [bob.userId] });
  expect(created.status).toBe(200);
  const roomId = created.body.room_id;
  expect((await api(bob.token, 'POST', `/_matrix/client/v3/rooms/${enc(roomId)}/join`, {})).status).toBe(200);
  return roomId;
}

describeE2E('room --plan and --apply on a real Synapse', () => {
  it('brings a public room to the trusted-group use case, asking before each kind of change', async () => {
    const synapse = sandboxOrSkip();
    const { alice, bob } = synapse.users;
    if (!alice || !bob) return;
    const roomId = await roomWithBob(alice.token, bob, { name: 'mxlint plan e2e', preset: 'public_chat', visibility: 'public' });

    const planned = room([roomId, '-u', 'trusted-group', '--plan'], alice.token);
    expect(planned.stderr).toBe('');
    const plan = JSON.parse(planned.stdout) as PlanJson;
    expect(plan.steps.map((step) => step.type ?? step.kind)).toEqual(expect.arrayContaining(['m.room.encryption', 'm.room.join_rules', 'directory']));
    expect(plan.steps.find((step) => step.type === 'm.room.encryption')?.irreversible).toMatch(/cannot be turned off/);
    expect(plan.verdicts[0]).toEqual(expect.objectContaining({ useCase: 'trusted-group', before: 'unfit' }));

    // --apply alone sends nothing.
    const refused = room([roomId, '-u', 'trusted-group', '--apply'], alice.token);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/nothing sent: add --yes/);
    expect((await state(alice.token, roomId, 'm.room.join_rules'))?.join_rule).toBe('public');

    // --yes: the reversible changes, not encryption.
    const reversible = JSON.parse(room([roomId, '-u', 'trusted-group', '--apply', '--yes'], alice.token).stdout) as PlanJson;
    expect(reversible.applied?.failed).toBeUndefined();
    expect(reversible.applied?.skipped.join(' ')).toMatch(/m\.room\.encryption .*--yes-irreversible/);
    expect((await state(alice.token, roomId, 'm.room.join_rules'))?.join_rule).toBe('invite');
    expect((await api<{ visibility: string }>(alice.token, 'GET', `/_matrix/client/v3/directory/list/room/${enc(roomId)}`)).body.visibility).toBe('private');
    expect(await state(alice.token, roomId, 'm.room.encryption')).toBeUndefined();

    // --yes-irreversible: encryption too; judged again from the server, the room now fits.
    const applied = room([roomId, '-u', 'trusted-group', '--apply', '--yes', '--yes-irreversible'], alice.token);
    const done = JSON.parse(applied.stdout) as PlanJson;
    expect(done.applied?.sent).toEqual(['m.room.encryption state event']);
    expect((await state(alice.token, roomId, 'm.room.encryption'))?.algorithm).toBe('m.megolm.v1.aes-sha2');
    expect(done.relinted?.verdicts[0].verdict).toMatch(/^fit/);
    expect(applied.code).toBe(0);

    // Nothing more to send.
    const again = JSON.parse(room([roomId, '-u', 'trusted-group', '--plan'], alice.token).stdout) as PlanJson;
    expect(again.steps).toEqual([]);
  });

  it('moves an encrypted room to a new unencrypted one for guests: new room, invitations, tombstone', async () => {
    const synapse = sandboxOrSkip();
    const { alice, bob } = synapse.users;
    if (!alice || !bob) return;
    const roomId = await roomWithBob(alice.token, bob, {
      name: 'mxlint replacement e2e', preset: 'private_chat',
      initial_state: [{ type: 'm.room.encryption', state_key: '', content: { algorithm: 'm.megolm.v1.aes-sha2' } }],
    });
    const args = [roomId, '-u', 'pseudonymous', '--fix-level', 'info'];
    const plan = JSON.parse(room([...args, '--plan'], alice.token).stdout) as PlanJson;
    expect(plan.replacement?.why).toEqual(['encryption cannot be turned off in a room']);
    expect(plan.replacement?.invite.sort()).toEqual([alice.userId, bob.userId].sort());

    // --yes alone does not replace a room.
    const partial = JSON.parse(room([...args, '--apply', '--yes'], alice.token).stdout) as PlanJson;
    expect(partial.applied?.newRoomId).toBeUndefined();
    expect(await state(alice.token, roomId, 'm.room.tombstone')).toBeUndefined();

    const done = JSON.parse(room([...args, '--apply', '--yes', '--yes-irreversible'], alice.token).stdout) as PlanJson;
    const newRoomId = done.applied!.newRoomId!;
    expect(newRoomId).toMatch(/^!/);
    expect(done.applied?.failed).toBeUndefined();
    expect(await state(alice.token, roomId, 'm.room.tombstone')).toEqual(expect.objectContaining({ replacement_room: newRoomId }));
    expect(await state(alice.token, newRoomId, 'm.room.encryption')).toBeUndefined();
    expect((await state(alice.token, newRoomId, 'm.room.join_rules'))?.join_rule).toBe('public');
    expect((await state(alice.token, newRoomId, 'm.room.create'))?.predecessor).toEqual(expect.objectContaining({ room_id: roomId }));
    const bobInvited = await api<{ membership: string }>(alice.token, 'GET', `/_matrix/client/v3/rooms/${enc(newRoomId)}/state/m.room.member/${enc(bob.userId)}`);
    expect(bobInvited.body.membership).toBe('invite');
    expect(done.relinted?.roomId).toBe(newRoomId);

    // Bob follows the tombstone; the new room then fits its use case.
    expect((await api(bob.token, 'POST', `/_matrix/client/v3/rooms/${enc(newRoomId)}/join`, {})).status).toBe(200);
    const relinted = room([newRoomId, '-u', 'pseudonymous'], alice.token);
    const report = JSON.parse(relinted.stdout) as { verdicts: Array<{ useCase: string; verdict: string }> };
    expect(report.verdicts[0].verdict).toMatch(/^fit/);
  });
});
