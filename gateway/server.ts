/**
 * `startGateway(options)`: the gateway as a long-lived service. It builds the
 * app (`buildApp`), logs with pino, listens on the public port and hands back
 * the URL it listens on and a graceful `close()`: fastify stops accepting
 * connections, waits for in-flight requests, then the store closes (its
 * onClose hook). `sealgate gateway start` (bin/) is its one caller; tests use
 * `buildApp` and `app.inject()` instead.
 */
import { isIP, type AddressInfo } from 'node:net';
import { pino } from 'pino';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { SealgateError } from '../attest/index.js';
import { buildApp } from './app.js';
import type { GatewayContext } from './context.js';
import { createLogger } from './log.js';
import { buildNodeApp } from './nodes/app.js';
import type { GatewayOptions } from './options.js';

/** Codes of failures to start the gateway service. */
export type ServerErrorCode = 'SERVER_LISTEN' | 'SERVER_DATA_LOCKED' | 'SERVER_DATA_UNUSABLE';

/** The gateway service could not start. */
export class ServerError extends SealgateError<ServerErrorCode> {}

/** What `startGateway` takes: the app's options, where to listen, and the logger. */
export interface StartGatewayOptions extends Omit<GatewayOptions, 'logger'> {
  /** Interface to listen on (default 127.0.0.1). */
  readonly host?: string;
  /** Public API port; 0 picks a free one (default 7700). */
  readonly port?: number;
  /** The nodes' mTLS API port (0 picks one); absent: the node API is not served. */
  readonly nodePort?: number;
  /** The service's logger (default: pino JSON lines on stderr, redacting secrets). */
  readonly logger?: Logger;
}

/** A listening gateway. */
export interface RunningGateway {
  /** The public API's base URL, with the port actually chosen, e.g. `http://127.0.0.1:7700`. */
  readonly url: string;
  /** The nodes' mTLS API (`https://…`), when a node port was given. */
  readonly nodeUrl?: string;
  readonly logger: Logger;
  /** The gateway's services (store, scheduler, ...), for in-process callers such as end-to-end tests. */
  readonly context: GatewayContext;
  /** Stop accepting work, finish in-flight requests, close the store. Safe to call twice. */
  close(): Promise<void>;
}

/** The default public API port, and the CLI's default gateway URL's port. */
export const DEFAULT_GATEWAY_PORT = 7700;

/**
 * Build the gateway over `options.dataDir` and listen.
 * Throws ServerError: SERVER_DATA_LOCKED when another gateway holds the data
 * directory, SERVER_DATA_UNUSABLE when it cannot be created or read,
 * SERVER_LISTEN when the address cannot be bound.
 *
 * @example
 * const gw = await startGateway({ dataDir: '/var/lib/sealgate', port: 0 });
 * console.log(gw.url); // http://127.0.0.1:40123
 * await gw.close();
 */
export async function startGateway(options: StartGatewayOptions): Promise<RunningGateway> {
  const { host = '127.0.0.1', port = DEFAULT_GATEWAY_PORT, nodePort, ...appOptions } = options;
  for (const p of nodePort === undefined ? [port] : [port, nodePort]) {
    if (!Number.isInteger(p) || p < 0 || p > 65535) throw new TypeError('ports must be 0..65535');
  }
  const logger =
    options.logger ?? createLogger({ name: 'gateway' }, pino.destination({ dest: 2, sync: true }));
  // The nodes' listener certificate names the host it listens on (the node CA is made on first use).
  const isIp = isIP(host) !== 0;
  const nodeNames = {
    nodeIpAddresses: [
      ...new Set(['127.0.0.1', ...(isIp ? [host] : []), ...(appOptions.nodeIpAddresses ?? [])]),
    ],
    nodeDnsNames: [...new Set(['localhost', ...(isIp ? [] : [host]), ...(appOptions.nodeDnsNames ?? [])])],
  };
  let app: FastifyInstance;
  try {
    app = await buildApp({ ...appOptions, ...nodeNames, logger });
  } catch (err) {
    throw openFailure(options.dataDir, err);
  }
  const url = urlOf(await listen(app, host, port));
  let nodes: { app: FastifyInstance; url: string } | undefined;
  if (nodePort !== undefined) {
    try {
      const nodeApp = await buildNodeApp(app.gateway);
      nodes = { app: nodeApp, url: urlOf(await listen(nodeApp, host, nodePort), 'https') };
    } catch (err) {
      await app.close();
      throw err;
    }
  }
  let closing: Promise<void> | undefined;
  return {
    url,
    ...(nodes ? { nodeUrl: nodes.url } : {}),
    logger,
    context: app.gateway,
    close() {
      closing ??= (async () => {
        await nodes?.app.close();
        await app.close();
      })();
      return closing;
    },
  };
}

// Listen on host:port, or close `app` and say why in one line (SERVER_LISTEN).
async function listen(app: FastifyInstance, host: string, port: number): Promise<AddressInfo> {
  try {
    await app.listen({ host, port });
  } catch (err) {
    await app.close();
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new ServerError('SERVER_LISTEN', `cannot listen on ${host}:${port} (${code})`, { cause: err });
  }
  return app.server.address() as AddressInfo;
}

// RFC 3986 section 3.2.2: an IPv6 literal in a URL is written in brackets.
function urlOf(address: AddressInfo, scheme = 'http'): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `${scheme}://${host}:${address.port}`;
}

function openFailure(dataDir: string, err: unknown): unknown {
  if (err instanceof SealgateError || err instanceof TypeError) return err;
  const causeCode = (err as { cause?: { code?: unknown } }).cause?.code;
  if (causeCode === 'LEVEL_LOCKED') {
    return new ServerError(
      'SERVER_DATA_LOCKED',
      `${dataDir} is in use by another gateway; stop it or pass another --data`,
      { cause: err },
    );
  }
  const code = (err as NodeJS.ErrnoException).code ?? (typeof causeCode === 'string' ? causeCode : 'error');
  return new ServerError('SERVER_DATA_UNUSABLE', `cannot open the data directory ${dataDir} (${code})`, {
    cause: err,
  });
}
