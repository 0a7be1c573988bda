// GitHub runs this file (action.yml); the action's logic is in main.mjs.
import { run } from './main.mjs';

await run();
