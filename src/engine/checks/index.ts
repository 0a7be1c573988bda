// Every check function a rule can name, by name.
import * as generic from './generic.js';
import * as structure from './config-structure.js';
import * as keys from './config-keys.js';
import * as config from './config.js';
import * as registration from './registration.js';
import * as room from './room.js';
import * as hygiene from './hygiene.js';
import type { CheckFunction } from './types.js';

export const checkFunctions: Record<string, CheckFunction> = { ...generic, ...structure, ...keys, ...config, ...registration, ...room, ...hygiene };
