/**
 * The service commands, which need gateway/ or enclave-runtime/ and so cannot
 * live in client/ (DESIGN.md section 3). Like client's table, names, usage
 * and examples live here and each implementation is imported only when it
 * runs. `node start` (issue 4) and `ledger verify` (the ledger) join here.
 */
import type { Command } from '../client/cli/index.js';
import { lazyCommand } from '../client/cli/index.js';

// --- the demo: docs/demo.md ---
/** `sealgate demo`, the README's first command: listed first by `--help` (bin/sealgate.ts). */
export const demoCommand: Command = lazyCommand(
  {
    name: ['demo'],
    usage: '',
    summary:
      'run a whole sealed trade on this machine in 9 steps (a gateway and a node on loopback; needs dockerd)',
    options: {},
    positionals: [0, 0],
    example: 'sealgate demo --json',
  },
  async () => (await import('./commands/demo.js')).runDemo,
);
// --- end demo ---

export const serviceCommands: readonly Command[] = [
  lazyCommand(
    {
      name: ['gateway', 'start'],
      usage:
        '[--data DIR] [--host HOST] [--port N] [--node-port N [--supervisor-digest D]] [--economics FILE] [--max-gpus N] [--config FILE]',
      summary: 'run the gateway until SIGINT or SIGTERM; prints the URL it listens on',
      options: {
        data: { type: 'string' },
        host: { type: 'string' },
        port: { type: 'string' },
        'node-port': { type: 'string' },
        'supervisor-digest': { type: 'string' },
        economics: { type: 'string' },
        'max-gpus': { type: 'string' },
        config: { type: 'string' },
      },
      optionHelp: {
        data: 'data directory: database, blobs, keys (default $SEALGATE_HOME/gateway)',
        host: 'interface to listen on (default 127.0.0.1)',
        port: 'public API port; 0 picks a free one (default 7700)',
        'node-port': "port of the nodes' mTLS API (0 picks one); printed as a second line, nodes: URL",
        'supervisor-digest': "the node supervisor the key broker accepts (default: this installation's)",
        economics:
          'a JSON file of economics parameters, e.g. {"bonds":{"minimumBond":"0"}} (SEALGATE_GATEWAY_ECONOMICS; docs/operations.md)',
        'max-gpus': 'most GPUs a sealed container may hold and still get its key, 0..16 (default 8)',
        config: 'a JSON file of settings (SEALGATE_CONFIG); flags and environment win (docs/operations.md)',
      },
      positionals: [0, 0],
      example: 'sealgate gateway start --data /var/lib/sealgate --host 0.0.0.0 --port 7700',
    },
    async () => (await import('./commands/gateway-start.js')).runGatewayStart,
  ),
  // --- node agent: docs/node-agent.md ---
  lazyCommand(
    {
      name: ['node', 'start'],
      usage: '--gateway URL [--token TOKEN] [--data DIR] [--max-gpus N] [--config FILE]',
      summary: 'run the node agent until SIGINT or SIGTERM; prints node: ID once connected',
      options: {
        token: { type: 'string' },
        data: { type: 'string' },
        'max-gpus': { type: 'string' },
        config: { type: 'string' },
      },
      optionHelp: {
        gateway: "the gateway's nodes URL (https://…, printed by gateway start --node-port)",
        token: 'a one-time enrollment token (sealgate admin enroll-token); needed on first start only',
        data: 'node data directory: node key, certificate, job directories (default $SEALGATE_HOME/node)',
        'max-gpus': 'GPUs to offer and seal containers with, 0..64 (default: every GPU nvidia-smi lists)',
        config: 'a JSON file of settings (SEALGATE_CONFIG); flags and environment win (docs/operations.md)',
      },
      positionals: [0, 0],
      example:
        'sealgate node start --gateway https://gw.example:7701 --token sgn1.… --data /var/lib/sealgate-node',
    },
    async () => (await import('./commands/node-start.js')).runNodeStart,
  ),
  // --- end node agent ---
  // --- the ledger, offline (and balance online): docs/cli.md ---
  lazyCommand(
    {
      name: ['ledger', 'balance'],
      usage: '[--data DIR [--account A]]',
      summary: "your balance (signed); with --data, a stopped gateway's balances, offline",
      options: { data: { type: 'string' }, account: { type: 'string' } },
      optionHelp: {
        data: "a stopped gateway's data directory: read its cached balances offline",
        account: 'with --data: one account (acct_… or a ledger account such as platform)',
      },
      positionals: [0, 0],
      example: 'sealgate ledger balance --data /var/lib/sealgate --account platform --json',
    },
    async () => (await import('./commands/ledger-balance.js')).runLedgerBalance,
  ),
  lazyCommand(
    {
      name: ['ledger', 'verify'],
      usage: '(--data DIR | --export FILE --public-key B64)',
      summary: 'check the whole ledger offline: chain, blocks, signatures, balances',
      options: { data: { type: 'string' }, export: { type: 'string' }, 'public-key': { type: 'string' } },
      optionHelp: {
        data: "a stopped gateway's data directory (its key: DIR/gateway.pub)",
        export: 'a ledger export (sealgate ledger export)',
        'public-key': "the gateway's Ed25519 public key, base64 (its gateway.pub), for --export",
      },
      positionals: [0, 0],
      example: 'sealgate ledger verify --export ledger.jsonl --public-key "$(cat gateway.pub)"',
    },
    async () => (await import('./commands/ledger-verify.js')).runLedgerVerify,
  ),
  lazyCommand(
    {
      name: ['ledger', 'export'],
      usage: '--data DIR --out FILE',
      summary: "write a stopped gateway's ledger as JSON lines, to verify elsewhere",
      options: { data: { type: 'string' }, out: { type: 'string' } },
      optionHelp: {
        data: "a stopped gateway's data directory",
        out: 'where the export goes (not overwritten)',
      },
      positionals: [0, 0],
      example: 'sealgate ledger export --data /var/lib/sealgate --out ledger.jsonl',
    },
    async () => (await import('./commands/ledger-verify.js')).runLedgerExport,
  ),
  // --- end ledger ---
  // --- model images: docs/supervisor.md ---
  lazyCommand(
    {
      name: ['model', 'build'],
      usage: 'DIR [--tag T] [--archive FILE]',
      summary: 'build a model image FROM scratch from DIR (model.json + code); prints its image id',
      options: { tag: { type: 'string' }, archive: { type: 'string' } },
      optionHelp: {
        tag: 'the image tag (default sealgate-model/NAME:VERSION from model.json)',
        archive: 'also write the image as a docker save tarball, for model publish --archive',
      },
      positionals: [1, 1],
      example: 'sealgate model build ./my-model --archive my-model.tar --json',
    },
    async () => (await import('./commands/model-build.js')).runModelBuild,
  ),
  // --- end model images ---
];
