// npm run bench: every benchmark, each against a baseline measured in the same run.
import { benchConfig } from './config.mjs';

console.log(`node ${process.version} on ${process.platform}/${process.arch}`);
benchConfig();
