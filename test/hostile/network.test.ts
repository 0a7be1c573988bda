// Hostile homeservers (issue 18), faked on 127.0.0.1 (fake-homeserver.ts), against the built
// binary: `mxlint room` and `mxlint server` each meet one misbehaving endpoint and must end in
// bounded time and memory with exit 3 and one line naming what happened — never a crash, a hang,
// or a report that passes on data the server did not really give.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { FakeHomeserver, TOKEN, adminRoom, json, roomState, type Handler } from './fake-homeserver.js';
import { measure, oneErrorLine, record, table, tempDir, type Measured } from './measure.js';

const fakes: FakeHomeserver[] = [];
const fake = async (overrides: Array<[RegExp, Handler]> = [], rooms?: number) => {
  const server = await FakeHomeserver.start(overrides, rooms);
  fakes.push(server);
  return server;
};
afterAll(async () => {
  await Promise.all(fakes.map((server) => server.close()));
  process.stdout.write(table('hostile homeservers'));
});

/** Cases run, per class of fault, for the summary. */
const cases: Record<string, number> = {};
afterAll(() => { process.stdout.write(`hostile homeserver cases: ${JSON.stringify(cases)}\n`); });

const QUICK = { seconds: 30, rssMb: 250 };
/** An answer read up to the 256 MiB bound: measured 375–382 MB for one, 430–444 MB for eight at once
 *  (3–6 s alone, 18 s beside the other cases on the loaded 2-core machine). */
const LARGE = { seconds: 60, rssMb: 500 };

async function mxlint(name: string, kind: string, args: string[], server: FakeHomeserver, bounds = QUICK): Promise<Measured> {
  cases[kind] = (cases[kind] ?? 0) + 1;
  const run = record(name, await measure([args[0], '--max-retries', '1', ...args.slice(1), '--homeserver', server.url, '--no-policy'], { env: { MATRIX_ACCESS_TOKEN: TOKEN } }));
  expect(run.seconds, `took ${run.seconds.toFixed(1)} s`).toBeLessThan(bounds.seconds);
  if (!Number.isNaN(run.peakRssMb)) expect(run.peakRssMb, `peak RSS ${run.peakRssMb.toFixed(0)} MB`).toBeLessThan(bounds.rssMb);
  expect(run.stderr).not.toMatch(/\n\s+at |Warning|internal error/);
  return run;
}
const room = (name: string, kind: string, server: FakeHomeserver, extra: string[] = [], bounds?: typeof QUICK) =>
  mxlint(`room: ${name}`, kind, ['room', '!room0:fake.test', '--format', 'json', ...extra], server, bounds);
const audit = (name: string, kind: string, server: FakeHomeserver, extra: string[] = [], bounds?: typeof QUICK) =>
  mxlint(`server: ${name}`, kind, ['server', '--format', 'json', '--concurrency', '2', ...extra], server, bounds);

/** Exit 3 and one "mxlint: " line on stderr. */
function networkLine(run: Measured): string {
  const lines = run.stderr.trimEnd().split('\n');
  if (run.code !== 3 || lines.length !== 1 || !lines[0].startsWith('mxlint: ')) {
    throw new Error(`expected exit 3 and one "mxlint: " line, got exit ${run.code}\nstderr: ${run.stderr.slice(0, 1500)}\nstdout: ${run.stdout.slice(0, 300)}`);
  }
  return lines[0];
}

interface ServerJson { rooms: Array<{ roomId: string }>; failures: Array<{ roomId: string; reason: string }>; audit: { total: number; audited: number; failed: number; incomplete: boolean } }
const report = (run: Measured): ServerJson => JSON.parse(run.stdout) as ServerJson;

/** A gzip body of `members` members, each inflating to 64 MiB of spaces (valid JSON whitespace). */
function gzipBomb(members: number): Buffer {
  const member = gzipSync(Buffer.alloc(64 * 1024 * 1024, ' '), { level: 9 });
  return Buffer.concat(Array.from({ length: members }, () => member));
}
const BOMB = gzipBomb(16);
const sendBomb: Handler = (_req, res) => {
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', 'Content-Length': String(BOMB.length) });
  res.end(BOMB);
};
/** Spaces without end, as fast as the client reads (stops when it hangs up, or after 2 GiB). */
const endlessSpaces: Handler = (_req, res) => {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  const chunk = Buffer.alloc(1 << 20, ' ');
  let sent = 0;
  const pump = (): void => {
    while (!res.destroyed && sent < 2048) {
      sent += 1;
      if (!res.write(chunk)) { res.once('drain', pump); return; }
    }
    res.end();
  };
  res.on('close', () => { sent = Infinity; });
  pump();
};

describe.concurrent('answers too large: bounded after decompression, one line, exit 3', () => {
  it(`a ${(BOMB.length / 1024 / 1024).toFixed(1)} MB gzip body inflating to 1 GiB, on a room's state`, async () => {
    // Eight rooms read at once, each a bomb: the bound is shared by the answers in flight.
    const server = await fake([[/\/rooms\/[^/]+\/state$/, sendBomb]], 8);
    const [roomRun, serverRun] = await Promise.all([
      room('state: 1 MB gzip inflating to 1 GiB', 'too large', server, [], LARGE),
      audit('state of 8 rooms at once: 1 MB gzip inflating to 1 GiB', 'too large', server, ['--concurrency', '8'], LARGE),
    ]);
    expect(networkLine(roomRun)).toMatch(/\/state: answer too large: more than 268435456 bytes \(256 MiB\) once decompressed/);
    expect(serverRun.code).toBe(3);
    expect(report(serverRun).failures).toHaveLength(8);
    for (const failure of report(serverRun).failures) expect(failure.reason).toMatch(/\/state: answer too large: /);
  }, 60_000);

  it('a body of spaces that never ends', async () => {
    const server = await fake([[/\/account\/whoami$/, endlessSpaces]]);
    const run = await audit('whoami: endless spaces', 'too large', server, ['--timeout', '60000'], LARGE);
    expect(networkLine(run)).toMatch(/whoami: answer too large/);
  }, 60_000);
});

/** A route answering 200 with `body`. */
const answer = (pattern: RegExp, body: unknown): [RegExp, Handler] => [pattern, (_req, res) => json(res, 200, body)];
const WHOAMI = /\/account\/whoami$/;
const ADMIN_STATE = /^\/_synapse\/admin\/v1\/rooms\/[^/]+\/state$/;
const CLIENT = (path: string) => new RegExp(`^/_matrix/client/v3/rooms/[^/]+/${path}$`);

describe.concurrent('answers of the wrong shape: exit 3 naming the endpoint, never used as data', () => {
  const wrong = 'an answer of the wrong shape';
  it.each([
    ['whoami with a number as user_id', [answer(WHOAMI, { user_id: 42 })], /GET \/_matrix\/client\/v3\/account\/whoami: an answer of the wrong shape \(user_id must be string\)$/],
    ['joined_members a string', [answer(CLIENT('joined_members'), { joined: '@a:b @c:d' })], /joined_members: an answer of the wrong shape \(joined must be object\)$/],
    ['origin_server_ts as text', [answer(CLIENT('messages'), { chunk: [{ origin_server_ts: 'yesterday' }] })], /\/messages: an answer of the wrong shape \(chunk\.0\.origin_server_ts must be integer\)$/],
    ['a state answer that is not a list', [answer(CLIENT('state'), { events: [] })], /\/state: an answer of the wrong shape \(the answer must be array\)$/],
    ['a state event whose content is a string', [answer(CLIENT('state'), [{ type: 'm.room.join_rules', state_key: '', content: 'public' }])], /\/state: an answer of the wrong shape \(0\.content must be object\)$/],
    ['directory visibility a number', [answer(/\/directory\/list\/room\//, { visibility: 1 })], /an answer of the wrong shape \(visibility must be equal to one of the allowed values\)$/],
  ] as Array<[string, Array<[RegExp, Handler]>, RegExp]>)('room: %s', async (name, routes, message) => {
    const run = await room(name, 'wrong shape', await fake(routes));
    expect(networkLine(run)).toMatch(message);
  });

  it.each([
    ['an error text that is an object', { errcode: 'M_FORBIDDEN', error: { toString: 1 } }, /forbidden \(403 M_FORBIDDEN: \(the server's error text is not text but object\)\)$/],
    ['an errcode that is an object', { errcode: { toString: 1 }, error: 'no' }, /forbidden \(403 M_UNKNOWN: no\)$/],
    ['an error answer that is a list', [1, 2], /forbidden \(403\)$/],
  ])('server: %s, on whoami: the status said, no "Cannot convert object"', async (name, body, message) => {
    const run = await audit(`403 with ${name}`, 'wrong shape', await fake([[WHOAMI, (_req, res) => json(res, 403, body)]]));
    expect(networkLine(run)).toMatch(message);
  });

  it('room by alias: the alias resolves to a number', async () => {
    const server = await fake([answer(/\/directory\/room\//, { room_id: 7 })]);
    cases['wrong shape'] = (cases['wrong shape'] ?? 0) + 1;
    const run = record('room: alias resolving to a number', await measure(['room', '#x:fake.test', '--homeserver', server.url, '--no-policy'], { env: { MATRIX_ACCESS_TOKEN: TOKEN } }));
    expect(networkLine(run)).toMatch(/directory\/room\/%23x%3Afake\.test: an answer of the wrong shape \(room_id must be string\)$/);
  });

  it.each([
    ['whoami with a number as user_id', [answer(WHOAMI, { user_id: 42 })], /whoami: an answer of the wrong shape \(user_id must be string\)$/],
    ['admin flag a string', [answer(/\/users\/[^/]+\/admin$/, { admin: 'yes' })], /\/admin: an answer of the wrong shape \(admin must be boolean\)$/],
  ] as Array<[string, Array<[RegExp, Handler]>, RegExp]>)('server: %s', async (name, routes, message) => {
    const run = await audit(name, 'wrong shape', await fake(routes));
    expect(networkLine(run)).toMatch(message);
  });

  it.each([
    ['a room list whose joined_members is text', [answer(/\/admin\/v1\/rooms$/, { rooms: [{ ...adminRoom(0), joined_members: 'two' }], total_rooms: 1 })], /\(room list\)/, /rooms\.0\.joined_members must be integer/],
    ['a room list without total_rooms', [answer(/\/admin\/v1\/rooms$/, { rooms: [adminRoom(0)] })], /\(room list\)/, /must have required property 'total_rooms'/],
    ['an admin state answer that is a list', [answer(ADMIN_STATE, roomState(0))], /^!room0/, /\/state: an answer of the wrong shape \(the answer must be object\)/],
    ['origin_server_ts as text on the admin messages', [answer(/\/admin\/v1\/rooms\/[^/]+\/messages$/, { chunk: [{ origin_server_ts: '1736935200000' }] })], /^!room0/, /chunk\.0\.origin_server_ts must be integer/],
  ] as Array<[string, Array<[RegExp, Handler]>, RegExp, RegExp]>)('server: %s — a failure in the report, exit 3', async (name, routes, roomId, reason) => {
    const run = await audit(name, 'wrong shape', await fake(routes));
    expect(run.code, run.stderr).toBe(3);
    const { failures, audit: counts } = report(run);
    expect(counts.incomplete).toBe(true);
    expect(failures.find((failure) => roomId.test(failure.roomId))?.reason, JSON.stringify(failures)).toMatch(reason);
    expect(failures.every((failure) => failure.reason.includes(wrong))).toBe(true);
  });
});

/** A room list answering `page(from, count)` (count: how many times it was asked). */
const listing = (page: (from: number, count: number) => unknown): [RegExp, Handler] =>
  [/^\/_synapse\/admin\/v1\/rooms$/, (_req, res, url, count) => json(res, 200, page(Number(url.searchParams.get('from')), count))];
const rows = (from: number, count: number) => Array.from({ length: count }, (_, index) => adminRoom(from + index));

describe.concurrent('room listings that never end, or do not add up: stopped, exit 3, incomplete', () => {
  it.each([
    ['next_batch that does not advance', listing((from) => ({ rooms: rows(from, 2), total_rooms: 10, next_batch: from })), /lists !room0:fake\.test again|next_batch 0 does not advance past 0/],
    ['next_batch that goes back (a page repeated)', listing((from) => ({ rooms: rows(from, 2), total_rooms: 10, next_batch: from ? 0 : 2 })), /next_batch 0 does not advance past 2/],
    ['next_batch that is not a number', listing((from) => ({ rooms: rows(from, 2), total_rooms: 10, next_batch: 'more' })), /next_batch must be integer,null/],
    ['next_batch advancing over the same rooms', listing((from) => ({ rooms: rows(0, 2), total_rooms: 10, next_batch: from + 2 })), /the page from 2 lists !room0:fake\.test again/],
    ['fresh rooms past total_rooms', listing((from) => ({ rooms: rows(from, 2), total_rooms: 3, next_batch: from + 2 })), /more rooms listed \(4\) than the 3 announced by total_rooms/],
    ['empty pages that ask for more', listing((from) => ({ rooms: from ? [] : rows(0, 2), total_rooms: 10, next_batch: from + 500 })), /an empty page \(from 500\) with a next_batch/],
    ['1000 rooms announced, 2 listed', listing(() => ({ rooms: rows(0, 2), total_rooms: 1000 })), /the listing ended after 2 rooms, but total_rooms announced 1000/],
  ] as Array<[string, [RegExp, Handler], RegExp]>)('%s', async (name, route, reason) => {
    const server = await fake([route]);
    const run = await audit(name, 'paging', server);
    expect(run.code, run.stderr).toBe(3);
    const { failures, audit: counts } = report(run);
    expect(counts.incomplete).toBe(true);
    const list = failures.find((failure) => failure.roomId === '(room list)');
    expect(list?.reason, JSON.stringify(failures)).toMatch(reason);
    // Stopped at once: a few pages, not thousands.
    expect(server.count(/^\/_synapse\/admin\/v1\/rooms\?/)).toBeLessThanOrEqual(3);
  });

  it('the text report says it: incomplete, and why', async () => {
    const server = await fake([listing(() => ({ rooms: rows(0, 2), total_rooms: 1000 }))]);
    const run = await mxlint('server: 1000 rooms announced, 2 listed (text)', 'paging', ['server'], server);
    expect(run.code).toBe(3);
    // The text report wraps at 80 columns: read its lines joined.
    expect(run.stdout.replace(/\n +/g, ' ')).toMatch(/\(room list\): cannot list the rooms after 2: .*the listing ended after 2 rooms, but total_rooms announced 1000: the audit is incomplete/);
    expect(run.stdout).toMatch(/incomplete/i);
  });
});

/** A redirect to `location(url)`. */
const redirect = (pattern: RegExp, location: (url: URL) => string | undefined, status = 302): [RegExp, Handler] => [pattern, (_req, res, url) => {
  const target = location(url);
  res.writeHead(status, target === undefined ? {} : { Location: target });
  res.end();
}];

describe.concurrent('redirects: followed only within the homeserver\'s origin, and said exactly', () => {
  it('to another origin: not followed, no request reaches it, the user told how to name it', async () => {
    const elsewhere = await fake();
    const server = await fake([redirect(WHOAMI, () => `${elsewhere.url}/_matrix/client/v3/account/whoami`)]);
    const [serverRun, roomRun] = await Promise.all([audit('whoami redirected to another origin', 'redirect', server), room('whoami redirected to another origin', 'redirect', server)]);
    for (const run of [serverRun, roomRun]) {
      expect(networkLine(run)).toMatch(new RegExp(`account/whoami: redirected \\(302\\) from /_matrix/client/v3/account/whoami to another origin, ${elsewhere.url}: not followed .*give --homeserver ${elsewhere.url}$`));
    }
    expect(elsewhere.requests).toEqual([]);
  });

  it.each([
    ['to a file: URL', redirect(WHOAMI, () => 'file:///etc/passwd', 301), /redirected \(301\) from \/_matrix\/client\/v3\/account\/whoami to a file: URL: mxlint follows redirects only within the homeserver's origin, over http\(s\)$/],
    ['in a loop', redirect(/\/account\/whoami$/, (url) => (url.searchParams.has('again') ? '/_matrix/client/v3/account/whoami' : '/_matrix/client/v3/account/whoami?again=1'), 307), /redirect loop: \/_matrix\/client\/v3\/account\/whoami → \/_matrix\/client\/v3\/account\/whoami\?again=1 → \/_matrix\/client\/v3\/account\/whoami$/],
    ['without end (a new URL each time)', redirect(WHOAMI, (url) => `/_matrix/client/v3/account/whoami?hop=${Number(url.searchParams.get('hop') ?? 0) + 1}`), /more than 5 redirects$/],
    ['without a Location', redirect(WHOAMI, () => undefined), /redirected \(302\) from \/_matrix\/client\/v3\/account\/whoami without a Location header$/],
  ] as Array<[string, [RegExp, Handler], RegExp]>)('%s: one line, exit 3, not "cannot reach the server"', async (name, route, message) => {
    const server = await fake([route]);
    const run = await audit(`whoami redirected ${name}`, 'redirect', server);
    expect(networkLine(run)).toMatch(message);
    expect(server.count(WHOAMI)).toBeLessThanOrEqual(7);
  });

  it('within the origin: followed, with the token, and the audit completes', async () => {
    const server = await fake([redirect(/^\/_matrix\/client\/v3\/account\/whoami$/, () => '/moved/whoami', 308), [/^\/moved\/whoami$/, (_req, res) => json(res, 200, { user_id: '@admin:fake.test' })]]);
    const run = await audit('whoami redirected within the origin', 'redirect', server);
    expect(run.code, run.stderr).toBe(0);
    expect(report(run).audit).toMatchObject({ audited: 3, failed: 0, incomplete: false });
    expect(server.requests.find((request) => request.path === '/moved/whoami')?.authorized).toBe(true);
  });
});

/** Token-shaped strings a server may echo besides our own token: none may be printed or written. */
const OTHER_TOKENS = ['syt_b3RoZXI_otherOTHERother0123_1a2b3c', 'mat_0123456789abcdefABCDEF012345_xyz', 'mct_ZZZZZZZZZZZZZZZZZZZZZZZZ_0', 'MDAxY2xvY2F0aW9uIGZha2UudGVzdAowMDEzaWRlbnRpZmllciBrZXkKMDAxMGNpZCBnZW4gPSAx'];
const ECHO = (status: number): Handler => (req, res) => json(res, status, {
  errcode: status === 401 ? 'M_UNKNOWN_TOKEN' : 'M_FORBIDDEN',
  error: `refused: Authorization: ${req.headers.authorization}; also ${OTHER_TOKENS.join(' ')}; Bearer 0123456789abcdef0123456789abcdef`,
});
const SECRETS = [TOKEN, ...OTHER_TOKENS, '0123456789abcdef0123456789abcdef'];
const leaks = (text: string) => SECRETS.filter((secret) => text.includes(secret));

describe.concurrent('secrets echoed by the server: scrubbed from every text before it is printed or written', () => {
  it('a 401 quoting the Authorization header, on whoami and the state: stderr of room and server', async () => {
    const server = await fake([[WHOAMI, ECHO(401)], [CLIENT('state'), ECHO(401)]]);
    const [roomRun, serverRun] = await Promise.all([room('401 quoting the token', 'secrets', server), audit('401 quoting the token', 'secrets', server)]);
    for (const run of [roomRun, serverRun]) {
      const line = networkLine(run);
      expect(line).toMatch(/the access token was refused \(401 M_UNKNOWN_TOKEN: refused: Authorization: Bearer \[redacted\]; also \[redacted\] \[redacted\] \[redacted\] \[redacted\]; Bearer \[redacted\]\)$/);
      expect(leaks(run.stderr + run.stdout)).toEqual([]);
    }
  });

  it('a 403 quoting the token on every room\'s state, and the token in room names: not in JSON, SARIF, text nor stderr', async () => {
    const named: Handler = (_req, res, url) => {
      const from = Number(url.searchParams.get('from') ?? 0);
      json(res, 200, { rooms: rows(from, 3).map((row, index) => ({ ...row, name: index ? `team ${OTHER_TOKENS[index]}` : `room of ${TOKEN}` })), total_rooms: 3 });
    };
    const server = await fake([[ADMIN_STATE, ECHO(403)], [/^\/_synapse\/admin\/v1\/rooms$/, named]]);
    const dir = tempDir('secrets');
    const [jsonFile, sarifFile] = [join(dir, 'report.json'), join(dir, 'report.sarif')];
    const run = await mxlint('server: 403 quoting the token, token in room names', 'secrets',
      ['server', '-f', 'json', '-o', jsonFile, '-f', 'sarif', '-o', sarifFile, '-f', 'text', '-o', '-', '--log-level', 'debug'], server);
    expect(run.code, run.stderr).toBe(3);
    const written = { json: readFileSync(jsonFile, 'utf8'), sarif: readFileSync(sarifFile, 'utf8'), stdout: run.stdout, stderr: run.stderr };
    expect(JSON.parse(written.json).failures).toHaveLength(3);
    expect(JSON.parse(written.json).failures[0].reason).toMatch(/forbidden \(403 M_FORBIDDEN: refused: Authorization: Bearer \[redacted\]/);
    expect(written.sarif).toContain('Bearer [redacted]');
    for (const [where, text] of Object.entries(written)) expect(leaks(text), where).toEqual([]);
  });

  it('an audit that fails leaves the -o file the user had as it was, and no temporary file', async () => {
    const elsewhere = await fake();
    const server = await fake([redirect(WHOAMI, () => `${elsewhere.url}/login`)]);
    const dir = tempDir('kept-output');
    const jsonFile = join(dir, 'report.json');
    writeFileSync(jsonFile, 'last week\'s report\n');
    const run = await audit('failing audit, -o kept', 'writes', server, ['-o', jsonFile]);
    expect(run.code, run.stderr).toBe(3);
    expect(readFileSync(jsonFile, 'utf8')).toBe('last week\'s report\n');
    expect(readdirSync(dir)).toEqual(['report.json']);
  });

  it('a redirect whose Location carries the token: not in the error', async () => {
    const elsewhere = await fake();
    const server = await fake([redirect(WHOAMI, () => `${elsewhere.url}/login?access_token=${TOKEN}&next=${OTHER_TOKENS[0]}`)]);
    const run = await audit('redirect carrying the token', 'secrets', server);
    expect(networkLine(run)).toMatch(/to another origin/);
    expect(leaks(run.stderr + run.stdout)).toEqual([]);
  });

  it('a refused optional request quoting the token: the room\'s warning is scrubbed', async () => {
    const server = await fake([[CLIENT('joined_members'), ECHO(403)]]);
    const run = await room('403 quoting the token on joined_members', 'secrets', server);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).warnings.join('\n')).toMatch(/could not fetch members: .*Bearer \[redacted\]/);
    expect(leaks(run.stderr + run.stdout)).toEqual([]);
  });
});

/** whoami: a 429 with this advice the first time, then the answer. */
const rateLimitedOnce = (advice: { body?: unknown; header?: string }): [RegExp, Handler] => [WHOAMI, (_req, res, _url, count) => {
  if (count > 1) return json(res, 200, { user_id: '@admin:fake.test' });
  json(res, 429, { errcode: 'M_LIMIT_EXCEEDED', error: 'Too Many Requests', ...(advice.body === undefined ? {} : { retry_after_ms: advice.body }) }, advice.header === undefined ? {} : { 'Retry-After': advice.header });
}];

describe.concurrent('429 advice that is negative, absurd or not a number: bounded and sanitised, no Node warning', () => {
  it.each([
    ['retry_after_ms negative', { body: -5000 }],
    ['retry_after_ms a fraction', { body: 1.5 }],
    ['retry_after_ms text', { body: 'soon' }],
    ['Retry-After negative', { header: '-3' }],
    ['Retry-After a date in the past', { header: 'Thu, 01 Jan 1970 00:00:00 GMT' }],
    ['Retry-After garbage', { header: 'whenever' }],
  ])('%s: the usual back-off, then the answer', async (name, advice) => {
    const server = await fake([rateLimitedOnce(advice)]);
    const run = await audit(`429 ${name}`, 'retry advice', server);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    expect(server.count(WHOAMI)).toBe(2);
    expect(run.seconds).toBeLessThan(10);
  });

  it.each([
    ['retry_after_ms 1e300', { body: 1e300 }],
    ['Retry-After 99999999999 s', { header: '99999999999' }],
  ])('%s: given up at once, in one line', async (name, advice) => {
    const server = await fake([rateLimitedOnce(advice)]);
    const run = await audit(`429 ${name}`, 'retry advice', server);
    expect(networkLine(run)).toMatch(/whoami: rate limited: the server asks to wait more than a day, longer than mxlint waits \(60 s\) \(429 M_LIMIT_EXCEEDED: Too Many Requests\)$/);
    expect(server.count(WHOAMI)).toBe(1);
  });
});

describe.concurrent('--timeout and --max-retries out of range: one line, exit 2, before any request', () => {
  it.each([
    ['--timeout', '0'], ['--timeout', '-1'], ['--timeout', '2147483648'], ['--timeout', '3600001'], ['--timeout', '1e3'], ['--timeout', 'soon'],
    ['--max-retries', '11'], ['--max-retries', '99999999999999999999'],
  ])('%s %s', async (option, value) => {
    const server = await fake();
    for (const command of [['server'], ['room', '!room0:fake.test']]) {
      const run = await mxlint(`${command[0]}: ${option} ${value}`, 'options', [...command, option, value], server);
      const [min, max] = option === '--timeout' ? [1, 3600000] : [0, 10];
      expect(oneErrorLine(run)).toBe(`mxlint: ${option} must be a whole number from ${min} to ${max}, not "${value}"`);
    }
    expect(server.requests).toEqual([]);
  });
});

describe.concurrent('state that repeats itself, from a server: the last event used, both named', () => {
  const repeated = (index: number) => {
    const state = roomState(index);
    // A public join rule first, then the invite-only one of roomState: the order must not matter.
    return [{ ...state[1], content: { join_rule: 'public' }, event_id: '$public' }, ...state];
  };
  it('mxlint room: the client API\'s state', async () => {
    const server = await fake([[CLIENT('state'), (_req, res) => json(res, 200, repeated(0))]]);
    const run = await room('state with two m.room.join_rules', 'repeats', server, ['--dump-facts']);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).facts.joinRule.value).toBe('invite');
    const lint = await room('state with two m.room.join_rules (report)', 'repeats', server);
    expect(JSON.parse(lint.stdout).warnings).toContain('GET /_matrix/client/v3/rooms/!room0%3Afake.test/state: events 0 ($public) and 2 ($m.room.join_rules) are both m.room.join_rules with state_key "": the last one is used, as a server keeps only one');
  });

  it('mxlint server: the admin API\'s state, in JSON and text', async () => {
    const server = await fake([[ADMIN_STATE, (_req, res, url) => json(res, 200, { state: repeated(Number(/room(\d+)/.exec(decodeURIComponent(url.pathname))![1])) })]]);
    const [jsonRun, textRun] = await Promise.all([
      audit('admin state with two m.room.join_rules', 'repeats', server),
      mxlint('server: admin state with two m.room.join_rules (text)', 'repeats', ['server'], server),
    ]);
    expect(jsonRun.code, jsonRun.stderr).toBe(0);
    const rooms = (report(jsonRun) as unknown as { rooms: Array<{ warnings?: string[]; fits: string[] }> }).rooms;
    expect(rooms).toHaveLength(3);
    for (const each of rooms) expect(each.warnings?.[0]).toMatch(/^GET \/_synapse\/admin\/v1\/rooms\/!room\d%3Afake\.test\/state: events 0 \(\$public\) and 2 .* the last one is used/);
    expect(textRun.stdout).toMatch(/warning: GET \/_synapse\/admin\/v1\/rooms\/!room0%3Afake\.test\/state: events 0/);
  });
});
