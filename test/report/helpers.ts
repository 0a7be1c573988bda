// Shared by the output-format and policy tests: temp dirs, an async run of the built binary (the
// fake homeserver below lives in this process, so the binary must not block it), and a tiny
// Synapse admin API on loopback serving rooms from the hand-written fixtures.
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ROOT, type Run } from '../cli/run.js';

export const fixture = (path: string) => join(ROOT, 'fixtures', path);
export const temp = () => mkdtempSync(join(tmpdir(), 'mxlint-out-'));

export function mxlintAsync(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? ROOT, env: { ...process.env, NO_COLOR: '1', ...options.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export interface FakeRoom { id: string; alias?: string; name?: string; fixture: string }

/** A read-only Synapse admin API with the given rooms; the token is `secret-admin-token`. */
export async function fakeSynapse(rooms: FakeRoom[]): Promise<{ url: string; close(): Promise<void> }> {
  const states = new Map(rooms.map((room) => { const data = JSON.parse(readFileSync(fixture(room.fixture), "utf8")); return [room.id, Array.isArray(data) ? data : data.state]; }));
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (request.headers.authorization !== 'Bearer secret-admin-token') return send(401, { errcode: 'M_UNKNOWN_TOKEN', error: 'bad token' });
    const path = decodeURIComponent(url.pathname);
    if (path === '/_matrix/client/v3/account/whoami') return send(200, { user_id: '@admin:example.org' });
    if (path === '/_synapse/admin/v1/users/@admin:example.org/admin') return send(200, { admin: true });
    if (path === '/_synapse/admin/v1/rooms') {
      return send(200, {
        total_rooms: rooms.length,
        rooms: rooms.map((room) => {
          const state = states.get(room.id) as Array<{ type: string; content: Record<string, unknown> }>;
          const members = state.filter((event) => event.type === 'm.room.member' && event.content.membership === 'join').length;
          return {
            room_id: room.id, name: room.name ?? null, canonical_alias: room.alias ?? null, joined_members: members, joined_local_members: members,
            version: '10', creator: '@admin:example.org', encryption: null, federatable: true, public: false, join_rules: 'invite',
            guest_access: null, history_visibility: 'shared', state_events: state.length, room_type: null,
          };
        }),
      });
    }
    const state = /^\/_synapse\/admin\/v1\/rooms\/([^/]+)\/state$/.exec(path);
    if (state && states.has(state[1])) return send(200, { state: states.get(state[1]) });
    const messages = /^\/_synapse\/admin\/v1\/rooms\/([^/]+)\/messages$/.exec(path);
    if (messages) return send(200, { chunk: [{ type: 'm.room.message', origin_server_ts: Date.now() - 86_400_000 }] });
    // What the server keeps beyond rooms: one user, a file untouched for 400 days, a connection an hour old, no remote media.
    if (path === '/_synapse/admin/v2/users') return send(200, { users: [{ name: '@alice:example.org' }], total: 1 });
    if (path === '/_synapse/admin/v1/users/@alice:example.org/media') return send(200, { media: [{ media_id: 'old', created_ts: Date.now() - 400 * 86_400_000, last_access_ts: null }] });
    if (path === '/_synapse/admin/v1/whois/@alice:example.org') return send(200, { user_id: '@alice:example.org', devices: { '': { sessions: [{ connections: [{ last_seen: Date.now() - 3_600_000 }] }] } } });
    if (/^\/_synapse\/admin\/v1\/room\/[^/]+\/media$/.test(path)) return send(200, { local: [], remote: [] });
    const alias = /^\/_matrix\/client\/v3\/directory\/room\/(.+)$/.exec(path);
    const byAlias = alias && rooms.find((room) => room.alias === alias[1]);
    if (byAlias) return send(200, { room_id: byAlias.id });
    return send(404, { errcode: 'M_NOT_FOUND', error: `no ${path}` });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export const ADMIN_ENV = { MATRIX_ACCESS_TOKEN: 'secret-admin-token' };
