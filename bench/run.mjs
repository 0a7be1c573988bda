// npm run bench: every benchmark, each against a baseline measured in the same run.
import { benchConfig } from './config.mjs';
import { benchRoom } from './room.mjs';
import { benchServer } from './server.mjs';
import { benchProbe } from './probe.mjs';

console.log(`node ${process.version} on ${process.platform}/${process.arch}`);
benchConfig();
await benchRoom();
await benchServer();
await benchProbe();
