import { expect, it } from 'vitest';
import { api, describeE2E, sandboxOrSkip } from './sandbox.js';

describeE2E('the Synapse sandbox', () => {
  it('answers the client versions endpoint', async () => {
    const { status, body } = await api<{ versions: string[] }>(undefined, 'GET', '/_matrix/client/versions');
    expect(status).toBe(200);
    expect(body.versions.length).toBeGreaterThan(0);
  });

  it('lets the admin, and only the admin, use the admin API', async () => {
    const synapse = sandboxOrSkip();
    const asAdmin = await api<{ rooms: unknown[] }>(synapse.adminToken, 'GET', '/_synapse/admin/v1/rooms');
    expect(asAdmin.status).toBe(200);
    expect(Array.isArray(asAdmin.body.rooms)).toBe(true);

    const alice = synapse.users.alice;
    if (!alice) return; // an external server given without MXLINT_SYNAPSE_USER_TOKEN
    const asAlice = await api<{ errcode: string }>(alice.token, 'GET', '/_synapse/admin/v1/rooms');
    expect(asAlice.status).toBe(403);
    expect(asAlice.body.errcode).toBe('M_FORBIDDEN');
  });

  it('lets alice create a room and read its state', async () => {
    const synapse = sandboxOrSkip();
    const alice = synapse.users.alice;
    if (!alice) return;
    const created = await api<{ room_id: string }>(alice.token, 'POST', '/_matrix/client/v3/createRoom', {
      name: 'mxlint e2e sandbox check',
      preset: 'private_chat',
    });
    expect(created.status).toBe(200);
    const roomId = created.body.room_id;
    expect(roomId).toMatch(/^!/);

    const state = await api<Array<{ type: string; content: Record<string, unknown> }>>(
      alice.token,
      'GET',
      `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state`,
    );
    expect(state.status).toBe(200);
    const types = state.body.map((event) => event.type);
    expect(types).toEqual(expect.arrayContaining(['m.room.create', 'm.room.member', 'm.room.name']));
    const joinRules = state.body.find((event) => event.type === 'm.room.join_rules');
    expect(joinRules?.content.join_rule).toBe('invite');

    const name = await api<{ name: string }>(
      alice.token,
      'GET',
      `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state/m.room.name/`,
    );
    expect(name.body.name).toBe('mxlint e2e sandbox check');
  });
});
