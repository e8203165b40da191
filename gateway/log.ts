import { pino } from 'pino';
import type { DestinationStream, Logger, LoggerOptions } from 'pino';
import { REDACTED, redactPaths } from '../policies/index.js';

/**
 * The gateway's structured logger: pino, with every field named in policies'
 * REDACTED_FIELDS replaced by `[redacted]` wherever it appears (top level or
 * one level down), so a key, token, nonce or evidence body never reaches a log.
 */
export function createLogger(options: LoggerOptions = {}, destination?: DestinationStream): Logger {
  const config: LoggerOptions = {
    level: process.env.SEALGATE_LOG_LEVEL ?? 'info',
    ...options,
    redact: { paths: redactPaths(), censor: REDACTED },
  };
  return destination ? pino(config, destination) : pino(config);
}
