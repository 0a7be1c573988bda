// The baseline of bench/server.mjs: what `mxlint server` must fetch, fetched with plain fetch and
// nothing else — whoami, the admin check, the paginated room list, and per room its state and
// newest event (admin API), CONCURRENCY rooms at once, like mxlint's --concurrency default.
//   MATRIX_ACCESS_TOKEN=... node bench/bare-server-client.mjs BASE_URL [CONCURRENCY]
// Prints one line: how many rooms were read.
const [baseUrl, concurrencyArg = '8'] = process.argv.slice(2);
const token = process.env.MATRIX_ACCESS_TOKEN;
if (!baseUrl || !token) {
  process.stderr.write('usage: MATRIX_ACCESS_TOKEN=... node bench/bare-server-client.mjs BASE_URL [CONCURRENCY]\n');
  process.exit(2);
}
const concurrency = Number(concurrencyArg);
const headers = { Authorization: `Bearer ${token}`, Accept: 'application/json' };
const enc = encodeURIComponent;
const ADMIN = `${baseUrl}/_synapse/admin/v1`;

async function get(url) {
  const response = await fetch(url, { headers });
  if (!response.ok) throw new Error(`${url.replace(/\?.*/, '')}: HTTP ${response.status}`);
  return response.json();
}

const { user_id: userId } = await get(`${baseUrl}/_matrix/client/v3/account/whoami`);
const { admin } = await get(`${ADMIN}/users/${enc(userId)}/admin`);
if (!admin) throw new Error(`${userId} is not an admin`);

let read = 0;
const running = new Set();
let from = 0;
while (from !== undefined) {
  const page = await get(`${ADMIN}/rooms?from=${from}&limit=500&order_by=name&dir=f`);
  for (const room of page.rooms) {
    const task = Promise.all([
      get(`${ADMIN}/rooms/${enc(room.room_id)}/state`),
      get(`${ADMIN}/rooms/${enc(room.room_id)}/messages?dir=b&limit=1`),
      get(`${ADMIN}/rooms/${enc(room.room_id)}/messages?dir=f&limit=50&filter=${enc('{"not_types":["m.room.member"]}')}`),
    ]).then(() => { read += 1; }).finally(() => running.delete(task));
    running.add(task);
    if (running.size >= concurrency) await Promise.race(running);
  }
  from = page.next_batch === undefined || page.next_batch === null ? undefined : Number(page.next_batch);
}
await Promise.all(running);
process.stdout.write(`${read} rooms read\n`);
