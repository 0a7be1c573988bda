// The baseline of bench/probe.mjs: the requests `mxlint probe` makes, in the same three rounds,
// with plain fetch and nothing else (no schema, no facts, no report).
//   node bench/bare-probe-client.mjs BASE_URL
// Prints one line: how many requests were made.
const [baseUrl] = process.argv.slice(2);
if (!baseUrl) {
  process.stderr.write('usage: node bench/bare-probe-client.mjs BASE_URL\n');
  process.exit(2);
}
const client = `${baseUrl}/_matrix/client/v3`;
let requests = 0;
const ask = async (url, method = 'GET') => {
  requests += 1;
  const response = await fetch(url, { method, headers: { Accept: 'application/json', ...(method === 'POST' ? { 'Content-Type': 'application/json' } : {}) }, body: method === 'POST' ? '{}' : undefined });
  const text = await response.text();
  try { return JSON.parse(text); } catch { return undefined; }
};
await Promise.all(['client', 'server', 'support'].map((name) => ask(`${baseUrl}/.well-known/matrix/${name}`)));
const [, , , , , , keys] = await Promise.all([
  ask(`${baseUrl}/_matrix/client/versions`), ask(`${client}/register`, 'POST'), ask(`${client}/login`),
  ask(`${baseUrl}/_matrix/client/v1/auth_metadata`), ask(`${client}/publicRooms?limit=20`),
  ask(`${baseUrl}/_matrix/federation/v1/version`), ask(`${baseUrl}/_matrix/key/v2/server`),
  ask(`${baseUrl}/_matrix/client/v1/media/config`),
]);
await ask(`${client}/profile/${encodeURIComponent(`@mxlint-probe:${keys?.server_name}`)}`);
process.stdout.write(`${requests} requests\n`);
