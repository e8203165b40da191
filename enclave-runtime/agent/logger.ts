import { pino } from 'pino';
import type { DestinationStream, Logger, LoggerOptions } from 'pino';
import { REDACTED, redactPaths } from '../../policies/index.js';

/**
 * The agent's structured logger: pino, redacting every field policies'
 * REDACTED_FIELDS names (keys, tokens, nonces, evidence, wrapped keys), as
 * the gateway's does, so neither service logs a secret.
 */
export function createAgentLogger(options: LoggerOptions = {}, destination?: DestinationStream): Logger {
  const config: LoggerOptions = {
    level: process.env.SEALGATE_LOG_LEVEL ?? 'info',
    name: 'node',
    ...options,
    redact: { paths: redactPaths(), censor: REDACTED },
  };
  return destination ? pino(config, destination) : pino(config);
}

/** A logger that writes nothing (the default when none is given). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
