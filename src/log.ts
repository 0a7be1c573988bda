// pino logs go to stderr only, never mixed with the report on stdout.
import pino, { type Logger } from 'pino';

let logger: Logger | undefined;

export function setupLogger(level: string): Logger {
  logger = pino(
    { level, base: undefined, redact: { paths: ['*.token', '*.accessToken', '*.password', 'headers.authorization', '*.headers.authorization'], censor: '<redacted>' } },
    pino.destination({ fd: 2, sync: true }),
  );
  return logger;
}

export function log(): Logger {
  return logger ?? setupLogger('warn');
}
