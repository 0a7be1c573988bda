// A fake homeserver on 127.0.0.1 for the hostile network tests: a small healthy world (an admin,
// a few rooms, their state) that a test makes misbehave one endpoint at a time. It stops by
// itself: after MAX_REQUESTS requests it resets every connection, and it closes after LIFETIME_MS.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export const TOKEN = 'syt_YWRtaW4_fakeFAKEfake0123456789_0AbCdE';
export const SERVER_NAME = 'fake.test';
const MAX_REQUESTS = 5000;
const LIFETIME_MS = 120_000;

/** Answers one request; `url` is the parsed request URL, `count` how many requests this route had. */
export type Handler = (req: IncomingMessage, res: ServerResponse, url: URL, count: number) => void;

export const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
};

export const roomId = (index: number) => `!room${index}:${SERVER_NAME}`;
const ev = (type: string, content: object, stateKey = '') => ({ type, state_key: stateKey, sender: `@admin:${SERVER_NAME}`, content, origin_server_ts: 1_736_935_200_000, event_id: `$${type}${stateKey}` });

/** A private, encrypted room: the state a healthy server answers. */
export const roomState = (index: number) => [
  ev('m.room.create', { room_version: '10', creator: `@admin:${SERVER_NAME}` }),
  ev('m.room.join_rules', { join_rule: 'invite' }),
  ev('m.room.history_visibility', { history_visibility: 'joined' }),
  ev('m.room.encryption', { algorithm: 'm.megolm.v1.aes-sha2' }),
  ev('m.room.power_levels', { users: { [`@admin:${SERVER_NAME}`]: 100 }, events_default: 0, invite: 50 }),
  ev('m.room.name', { name: `room ${index}` }),
  ev('m.room.member', { membership: 'join' }, `@admin:${SERVER_NAME}`),
  ev('m.room.member', { membership: 'join' }, `@bob:${SERVER_NAME}`),
];

export const adminRoom = (index: number) => ({
  room_id: roomId(index), name: `room ${index}`, canonical_alias: null, joined_members: 2, joined_local_members: 2, version: '10',
  creator: `@admin:${SERVER_NAME}`, encryption: 'm.megolm.v1.aes-sha2', federatable: true, public: false, join_rules: 'invite',
  guest_access: null, history_visibility: 'joined', state_events: 8, room_type: null,
});

/** The healthy answers, by path pattern; `rooms` rooms in pages of the asked limit. */
export function healthyRoutes(rooms = 3): Array<[RegExp, Handler]> {
  const roomIndex = (url: URL) => Number(/room(\d+)/.exec(decodeURIComponent(url.pathname))?.[1] ?? 0);
  return [
    [/^\/_matrix\/client\/v3\/account\/whoami$/, (_req, res) => json(res, 200, { user_id: `@admin:${SERVER_NAME}` })],
    [/^\/_synapse\/admin\/v1\/users\/[^/]+\/admin$/, (_req, res) => json(res, 200, { admin: true })],
    [/^\/_synapse\/admin\/v1\/rooms$/, (_req, res, url) => {
      const from = Number(url.searchParams.get('from') ?? 0);
      const limit = Number(url.searchParams.get('limit') ?? 100);
      const page = Array.from({ length: Math.max(0, Math.min(limit, rooms - from)) }, (_, index) => adminRoom(from + index));
      json(res, 200, { rooms: page, offset: from, total_rooms: rooms, ...(from + limit < rooms ? { next_batch: from + limit } : {}) });
    }],
    [/^\/_synapse\/admin\/v1\/rooms\/[^/]+\/state$/, (_req, res, url) => json(res, 200, { state: roomState(roomIndex(url)) })],
    [/^\/_synapse\/admin\/v1\/rooms\/[^/]+\/messages$/, (_req, res) => json(res, 200, { chunk: [{ type: 'm.room.message', origin_server_ts: Date.now() - 3_600_000 }] })],
    [/^\/_synapse\/admin\/v1\/rooms\/[^/]+$/, (_req, res, url) => json(res, 200, adminRoom(roomIndex(url)))],
    [/^\/_matrix\/client\/v3\/directory\/room\/[^/]+$/, (_req, res) => json(res, 200, { room_id: roomId(0), servers: [SERVER_NAME] })],
    [/^\/_matrix\/client\/v3\/rooms\/[^/]+\/state$/, (_req, res, url) => json(res, 200, roomState(roomIndex(url)))],
    [/^\/_matrix\/client\/v3\/rooms\/[^/]+\/joined_members$/, (_req, res) => json(res, 200, { joined: { [`@admin:${SERVER_NAME}`]: {}, [`@bob:${SERVER_NAME}`]: {} } })],
    [/^\/_matrix\/client\/v3\/directory\/list\/room\/[^/]+$/, (_req, res) => json(res, 200, { visibility: 'private' })],
    [/^\/_matrix\/client\/v3\/rooms\/[^/]+\/messages$/, (_req, res) => json(res, 200, { chunk: [{ type: 'm.room.message', origin_server_ts: Date.now() - 3_600_000 }] })],
  ];
}

export class FakeHomeserver {
  /** Every request: method, path and query, and whether it carried our token. */
  readonly requests: Array<{ path: string; authorized: boolean }> = [];
  private readonly sockets = new Set<Socket>();
  private readonly counts = new Map<Handler, number>();

  private constructor(private readonly server: Server, private readonly routes: Array<[RegExp, Handler]>) {}

  /** `overrides` are tried before the healthy routes. */
  static async start(overrides: Array<[RegExp, Handler]> = [], rooms = 3): Promise<FakeHomeserver> {
    let fake!: FakeHomeserver;
    const server = createServer((req, res) => fake.handle(req, res));
    fake = new FakeHomeserver(server, [...overrides, ...healthyRoutes(rooms)]);
    server.on('connection', (socket) => { fake.sockets.add(socket); socket.on('close', () => fake.sockets.delete(socket)); });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    setTimeout(() => { void fake.close(); }, LIFETIME_MS).unref();
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  count(pattern: RegExp): number {
    return this.requests.filter((request) => pattern.test(request.path)).length;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    this.requests.push({ path: `${url.pathname}${url.search}`, authorized: req.headers.authorization === `Bearer ${TOKEN}` });
    if (this.requests.length > MAX_REQUESTS) { req.socket.resetAndDestroy(); return; }
    const route = this.routes.find(([pattern]) => pattern.test(url.pathname));
    if (!route) return json(res, 404, { errcode: 'M_UNRECOGNIZED', error: 'Unrecognized request' });
    const count = (this.counts.get(route[1]) ?? 0) + 1;
    this.counts.set(route[1], count);
    route[1](req, res, url, count);
  }
}
