// pino logs go to stderr only, never mixed with the report on stdout. pino is loaded on the
// first log line at or above the chosen level, so a quiet run never pays for it.
import { writeSync } from 'node:fs';
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
      // Written synchronously to stderr, scrubbed of every secret this run has read.
      { write: (line: string) => { writeSync(2, scrubSecrets(line)); } },
    );
  }
  return logger;
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
