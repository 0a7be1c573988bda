// pino logs go to stderr only, never mixed with the report on stdout. pino is loaded on the
// first log line at or above the chosen level, so a quiet run never pays for it.
import { createRequire } from 'node:module';
import { scrubSecrets } from './redact-text.js';
import type { Logger } from 'pino';

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
let level = 'warn';
let logger: Logger | undefined;

export function setupLogger(chosen: string): void {
  level = chosen;
  logger = undefined;
}

function realLogger(): Logger {
  if (!logger) {
    const pino = createRequire(import.meta.url)('pino') as typeof import('pino');
    logger = pino.default(
      { level, base: undefined, redact: { paths: ['*.token', '*.accessToken', '*.password', 'headers.authorization', '*.headers.authorization'], censor: '<redacted>' } },
      scrubbed(pino.default.destination({ fd: 2, sync: true })),
    );
  }
  return logger;
}

/** pino's own stderr writer (it retries a full pipe), fed lines scrubbed of every secret read. */
function scrubbed(destination: { write(line: string): unknown }): { write(line: string): void } {
  return { write: (line) => { destination.write(scrubSecrets(line)); } };
}

const enabled = (wanted: string) => level !== 'silent' && LEVELS.indexOf(wanted as never) >= LEVELS.indexOf(level as never);

/** A logger with pino's interface that loads pino only when a line is really written. */
export function log(): Logger {
  const lazy: any = {};
  for (const name of LEVELS) lazy[name] = (...args: unknown[]) => { if (enabled(name)) (realLogger() as any)[name](...args); };
  lazy.isLevelEnabled = enabled;
  lazy.child = () => lazy;
  return lazy as Logger;
}
