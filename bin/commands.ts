/**
 * The service commands, which need gateway/ or enclave-runtime/ and so cannot
 * live in client/ (DESIGN.md section 3). Like client's table, names, usage
 * and examples live here and each implementation is imported only when it
 * runs. `node start` (issue 4) and `ledger verify` (the ledger) join here.
 */
import type { Command } from '../client/cli/index.js';
import { lazyCommand } from '../client/cli/index.js';

export const serviceCommands: readonly Command[] = [
  lazyCommand(
    {
      name: ['gateway', 'start'],
      usage: '[--data DIR] [--host HOST] [--port N] [--node-port N]',
      summary: 'run the gateway until SIGINT or SIGTERM; prints the URL it listens on',
      options: {
        data: { type: 'string' },
        host: { type: 'string' },
        port: { type: 'string' },
        'node-port': { type: 'string' },
      },
      optionHelp: {
        data: 'data directory: database, blobs, keys (default $SEALGATE_HOME/gateway)',
        host: 'interface to listen on (default 127.0.0.1)',
        port: 'public API port; 0 picks a free one (default 7700)',
        'node-port': "reserved for the nodes' mTLS API (issue 4); accepted, not yet served",
      },
      positionals: [0, 0],
      example: 'sealgate gateway start --data /var/lib/sealgate --host 0.0.0.0 --port 7700',
    },
    async () => (await import('./commands/gateway-start.js')).runGatewayStart,
  ),
];
