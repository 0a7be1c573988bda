// A tiny fault-injecting HTTP proxy on 127.0.0.1, in front of the sandbox Synapse: the e2e tests
// point mxlint at it and tell it, per request path pattern, to answer 429 (with or without
// retry_after_ms), 5xx, to wait beyond --timeout, to reset the connection, to cut the body short,
// to answer an HTML page instead of JSON, or to hide a path behind a 404 (a reverse proxy that does
// not route /_synapse); and to misbehave (issue 18): rewrite Synapse's answer, redirect, send a gzip
// bomb, quote the Authorization header in an error. It records every request (method and path, never headers: no token is kept).
import { createServer, request as httpRequest, Agent, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gzipSync } from 'node:zlib';

export type FaultKind =
  /** 429 M_LIMIT_EXCEEDED; the body carries retry_after_ms when given, and a Retry-After header
   *  (seconds; the spec lets it win over the body) when retryAfterSeconds is given. */
  | { kind: 'rate-limit'; retryAfterMs?: number; retryAfterSeconds?: number }
  /** An error status: a Matrix JSON error (json), a proxy's HTML page (html), or nothing (empty). */
  | { kind: 'status'; status: number; body?: 'json' | 'html' | 'empty' }
  /** Wait this long before forwarding (longer than mxlint's --timeout: a timeout on its side). */
  | { kind: 'delay'; ms: number }
  /** Forward, send the headers and part of the body, then stall this long (a body that never ends). */
  | { kind: 'stall-body'; ms: number }
  /** Close the connection with a TCP reset, answering nothing. */
  | { kind: 'reset' }
  /** Forward, then send only half the body (Content-Length promises all of it) and close. */
  | { kind: 'truncate' }
  /** 200 with an HTML page instead of the JSON (a captive portal, a misrouted proxy). */
  | { kind: 'html' }
  /** Forward, then answer what `edit` makes of Synapse's JSON answer (a server that misbehaves). */
  | { kind: 'rewrite'; edit: (answer: any) => unknown }
  /** A redirect to `location`. */
  | { kind: 'redirect'; status: number; location: string }
  /** 200 with a small gzip body that inflates to 1 GiB of spaces. */
  | { kind: 'gzip-bomb' }
  /** An error whose text quotes the request's Authorization header (the token), as some proxies do. */
  | { kind: 'echo-authorization'; status: number };

export type Fault = FaultKind & {
  /** Which requests: a RegExp tested against "METHOD /path?query", or a substring of it. */
  match: RegExp | string;
  /** Let this many matching requests through untouched first. */
  after?: number;
  /** Apply to this many matching requests (after `after`), then let them through; default: all. */
  times?: number;
};

export interface RecordedRequest {
  method: string;
  /** Path and query as sent (percent-encoded as the client sent it). */
  path: string;
  /** What the client got: a status, or the fault that answered instead. */
  outcome: number | 'reset' | 'truncated' | 'stalled' | 'aborted';
  fault?: FaultKind['kind'];
}

interface ActiveFault { fault: Fault; seen: number; applied: number }

const HTML_PAGE = '<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>\n';

export class FaultProxy {
  /** Every request received, in order. */
  readonly requests: RecordedRequest[] = [];
  private faults: ActiveFault[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });
  private dead = false;
  private dieAfter?: { match: RegExp | string; remaining: number };

  private constructor(private readonly server: Server, readonly target: URL) {}

  /** Start a proxy to `target` (the Synapse base URL) on a free loopback port. */
  static async start(target: string): Promise<FaultProxy> {
    let proxy!: FaultProxy;
    const server = createServer((req, res) => proxy.handle(req, res));
    proxy = new FaultProxy(server, new URL(target));
    server.on('connection', (socket) => {
      proxy.sockets.add(socket);
      socket.on('close', () => proxy.sockets.delete(socket));
      if (proxy.dead) socket.resetAndDestroy();
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return proxy;
  }

  get url(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** Add a fault; faults are tried in the order they were added, the first that applies wins. */
  add(fault: Fault): this {
    this.faults.push({ fault, seen: 0, applied: 0 });
    return this;
  }

  /** The server "dies": once `count` requests matching `match` have been forwarded, every later
   *  request (and every new connection) is reset. */
  dieAfterRequests(match: RegExp | string, count: number): this {
    this.dieAfter = { match, remaining: count };
    return this;
  }

  /** Forget the faults, the death and the recorded requests. */
  reset(): void {
    this.faults = [];
    this.dead = false;
    this.dieAfter = undefined;
    this.requests.length = 0;
  }

  /** Recorded requests matching a pattern (as for faults). */
  matching(match: RegExp | string): RecordedRequest[] {
    return this.requests.filter((request) => matches(match, `${request.method} ${request.path}`));
  }

  count(match: RegExp | string): number {
    return this.matching(match).length;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    this.agent.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = req.url ?? '/';
    const line = `${req.method} ${path}`;
    const record: RecordedRequest = { method: req.method ?? 'GET', path, outcome: 'aborted' };
    this.requests.push(record);
    if (this.dead) {
      record.outcome = 'reset';
      req.socket.resetAndDestroy();
      return;
    }
    const active = this.faults.find((entry) => {
      if (!matches(entry.fault.match, line)) return false;
      entry.seen += 1;
      if (entry.seen <= (entry.fault.after ?? 0)) return false;
      if (entry.fault.times !== undefined && entry.applied >= entry.fault.times) return false;
      entry.applied += 1;
      return true;
    });
    const fault = active?.fault;
    if (fault) record.fault = fault.kind;
    if (this.dieAfter && matches(this.dieAfter.match, line)) {
      this.dieAfter.remaining -= 1;
      if (this.dieAfter.remaining <= 0) {
        this.dieAfter = undefined;
        this.dead = true;
      }
    }
    // Read the request body (createRoom and other POSTs) before deciding what to do.
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      switch (fault?.kind) {
        case 'rate-limit': {
          const payload: Record<string, unknown> = { errcode: 'M_LIMIT_EXCEEDED', error: 'Too Many Requests' };
          const headers: Record<string, string> = { 'Content-Type': 'application/json' };
          if (fault.retryAfterMs !== undefined) payload.retry_after_ms = fault.retryAfterMs;
          if (fault.retryAfterSeconds !== undefined) headers['Retry-After'] = String(fault.retryAfterSeconds);
          return this.reply(res, record, 429, headers, JSON.stringify(payload));
        }
        case 'status': {
          const kind = fault.body ?? 'json';
          if (kind === 'html') return this.reply(res, record, fault.status, { 'Content-Type': 'text/html' }, HTML_PAGE.replace(/502 Bad Gateway/g, `${fault.status} Error`));
          if (kind === 'empty') return this.reply(res, record, fault.status, {}, '');
          return this.reply(res, record, fault.status, { 'Content-Type': 'application/json' },
            JSON.stringify({ errcode: fault.status === 404 ? 'M_UNRECOGNIZED' : 'M_UNKNOWN', error: `injected ${fault.status}` }));
        }
        case 'html':
          return this.reply(res, record, 200, { 'Content-Type': 'text/html; charset=utf-8' }, HTML_PAGE);
        case 'redirect':
          return this.reply(res, record, fault.status, { Location: fault.location }, '');
        case 'gzip-bomb':
          record.outcome = 200;
          res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', 'Content-Length': String(gzipBomb().length) });
          res.end(gzipBomb());
          return;
        case 'echo-authorization':
          return this.reply(res, record, fault.status, { 'Content-Type': 'application/json' },
            JSON.stringify({ errcode: 'M_UNKNOWN_TOKEN', error: `token refused: Authorization: ${req.headers.authorization ?? ''}` }));
        case 'reset':
          record.outcome = 'reset';
          req.socket.resetAndDestroy();
          return;
        case 'delay': {
          const timer = setTimeout(() => this.forward(req, res, body, record), fault.ms);
          res.on('close', () => clearTimeout(timer));
          return;
        }
        default:
          return this.forward(req, res, body, record, fault);
      }
    });
  }

  private reply(res: ServerResponse, record: RecordedRequest, status: number, headers: Record<string, string>, body: string): void {
    record.outcome = status;
    res.writeHead(status, { ...headers, 'Content-Length': String(Buffer.byteLength(body)) });
    res.end(body);
  }

  private forward(req: IncomingMessage, res: ServerResponse, body: Buffer, record: RecordedRequest, fault?: Fault): void {
    if (res.destroyed) return;
    const headers = { ...req.headers, host: this.target.host };
    delete headers['content-length'];
    const upstream = httpRequest({
      host: this.target.hostname, port: this.target.port, method: req.method, path: req.url, agent: this.agent,
      headers: { ...headers, ...(body.length ? { 'content-length': String(body.length) } : {}) },
    }, (answer) => {
      const parts: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => parts.push(chunk));
      answer.on('end', () => {
        const full = Buffer.concat(parts);
        const out = { ...answer.headers };
        delete out['transfer-encoding'];
        delete out.connection;
        out['content-length'] = String(full.length);
        if (fault?.kind === 'truncate' || fault?.kind === 'stall-body') {
          res.writeHead(answer.statusCode ?? 502, out);
          res.write(full.subarray(0, Math.floor(full.length / 2)));
          if (fault.kind === 'truncate') {
            record.outcome = 'truncated';
            // Let the half body leave before the connection goes.
            setTimeout(() => req.socket.destroy(), 20);
          } else {
            record.outcome = 'stalled';
            const timer = setTimeout(() => req.socket.destroy(), fault.ms);
            res.on('close', () => clearTimeout(timer));
          }
          return;
        }
        if (fault?.kind === 'rewrite') {
          const edited = Buffer.from(JSON.stringify(fault.edit(JSON.parse(full.toString('utf8')))));
          return this.reply(res, record, answer.statusCode ?? 502, { 'Content-Type': 'application/json' }, edited.toString('utf8'));
        }
        record.outcome = answer.statusCode ?? 502;
        res.writeHead(answer.statusCode ?? 502, out);
        res.end(full);
      });
    });
    upstream.on('error', () => {
      record.outcome = 502;
      if (!res.headersSent) res.writeHead(502, { 'Content-Type': 'text/plain' });
      res.end('upstream error');
    });
    upstream.end(body);
  }
}

let bomb: Buffer | undefined;
/** 16 gzip members of 64 MiB of spaces each: 1 MB that inflates to 1 GiB. */
function gzipBomb(): Buffer {
  bomb ??= Buffer.concat(Array(16).fill(gzipSync(Buffer.alloc(64 * 1024 * 1024, ' '), { level: 9 })));
  return bomb;
}

function matches(match: RegExp | string, line: string): boolean {
  return typeof match === 'string' ? line.includes(match) : match.test(line);
}

/** A loopback port with nothing listening (bound, then closed). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
