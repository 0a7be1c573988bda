// What Synapse 1.160 answers a stranger, replayed by a loopback server for the probe's unit and CLI
// tests: CLOSED is the e2e sandbox's config (test/e2e/probe.e2e.test.ts checks each status against it).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Route = [status: number, body: unknown, type?: string];
export type Routes = Record<string, Route>;

const FORBIDDEN = { errcode: 'M_FORBIDDEN', error: 'Registration has been disabled' };
export const UNRECOGNIZED = { errcode: 'M_UNRECOGNIZED', error: 'Unrecognized request' };
const MISSING_TOKEN = { errcode: 'M_MISSING_TOKEN', error: 'Missing access token' };

/** What a Synapse with the sandbox's config answers (registration closed, no public_baseurl). */
export const CLOSED: Routes = {
  'GET /.well-known/matrix/client': [404, UNRECOGNIZED],
  'GET /.well-known/matrix/server': [404, UNRECOGNIZED],
  'GET /.well-known/matrix/support': [404, UNRECOGNIZED],
  'GET /_matrix/client/versions': [200, { versions: ['r0.6.1', 'v1.11', 'v1.12'], unstable_features: { 'org.matrix.msc3026.busy_presence': false } }],
  'POST /_matrix/client/v3/register': [403, FORBIDDEN],
  'GET /_matrix/client/v3/login': [200, { flows: [{ type: 'm.login.password' }, { type: 'm.login.application_service' }] }],
  'GET /_matrix/client/v1/auth_metadata': [404, UNRECOGNIZED],
  // Asked only when POST /register gave nothing usable (synapse/rest/client/register.py: 403 with registration off).
  'GET /_matrix/client/v3/register/available': [403, FORBIDDEN],
  // Synapse 1.120+ serves the media configuration only with a token.
  'GET /_matrix/client/v1/media/config': [401, MISSING_TOKEN],
  'GET /_matrix/client/v3/publicRooms': [401, MISSING_TOKEN],
  'GET /_matrix/client/v3/profile/': [404, { errcode: 'M_NOT_FOUND', error: 'Profile was not found' }],
  'GET /_matrix/federation/v1/version': [200, { server: { name: 'Synapse', version: '1.160.0' } }],
  'GET /_matrix/key/v2/server': [200, { server_name: 'test.local', valid_until_ts: 1_900_000_000_000, verify_keys: { 'ed25519:a_x': { key: 'k' } }, old_verify_keys: {}, signatures: {} }],
};

/** Open sign-up with a token, a captcha and terms; a client well-known advertising an identity
 *  server and unencrypted rooms; the directory and profiles public. */
export const OPEN: Routes = {
  ...CLOSED,
  'GET /.well-known/matrix/client': [200, { 'm.homeserver': { base_url: 'BASE' }, 'm.identity_server': { base_url: 'https://vector.im' }, 'io.element.e2ee': { default: false } }],
  'GET /.well-known/matrix/support': [200, { contacts: [{ role: 'm.role.admin', email_address: 'admin@example.org' }] }],
  'POST /_matrix/client/v3/register': [401, {
    session: 's', params: { 'm.login.recaptcha': { public_key: 'p' }, 'm.login.terms': { policies: {} } },
    flows: [{ stages: ['m.login.registration_token', 'm.login.recaptcha', 'm.login.terms', 'm.login.dummy'] }, { stages: ['m.login.registration_token', 'm.login.recaptcha', 'm.login.terms', 'm.login.email.identity'] }],
  }],
  'GET /_matrix/client/v3/publicRooms': [200, { chunk: [{ room_id: '!a:test.local', num_joined_members: 2, world_readable: false, guest_can_join: true }], total_room_count_estimate: 3 }],
  'GET /_matrix/client/v3/profile/': [401, MISSING_TOKEN],
  'POST /_matrix/client/v3/register?kind=guest': [200, { user_id: '@12:test.local', access_token: 'syt_guest_token_value_0123456789', device_id: 'D', home_server: 'test.local' }],
};

export class Recorded {
  readonly seen: string[] = [];
  routes: Routes = {};
  private constructor(private readonly server: Server) {}
  static async start(): Promise<Recorded> {
    let recorded!: Recorded;
    const server = createServer((req, res) => {
      const line = `${req.method} ${req.url}`;
      recorded.seen.push(line);
      req.resume();
      req.on('end', () => {
        const key = Object.keys(recorded.routes).filter((route) => line === route || line.startsWith(route.includes('?') ? route : `${route}?`) || (route.endsWith('/') && line.startsWith(route))).sort((a, b) => b.length - a.length)[0];
        const [status, body, type] = key ? recorded.routes[key] : [404, UNRECOGNIZED];
        const text = typeof body === 'string' ? body : JSON.stringify(body).replaceAll('BASE', recorded.url);
        res.writeHead(status, { 'Content-Type': type ?? 'application/json' }).end(text);
      });
    });
    recorded = new Recorded(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return recorded;
  }
  get url() { return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`; }
  close() { return new Promise((resolve) => this.server.close(resolve)); }
}

