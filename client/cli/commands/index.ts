/**
 * Every client `sealgate` command, in the order `--help` lists them. Names,
 * usage, summaries and examples live here; a command's implementation is
 * imported only when it runs (`lazyCommand`), so start-up stays quick as
 * commands grow. The service commands (`gateway start`, ...) are added by the
 * composition root, bin/commands.ts.
 */
import type { Command } from '../command.js';
import { lazyCommand } from '../command.js';
import { version } from './version.js';

/** Options of `dataset encrypt|decrypt`. */
const datasetOptions = {
  out: { type: 'string', short: 'o' },
  'key-file': { type: 'string', short: 'k' },
} as const;

export const commands: readonly Command[] = [
  lazyCommand(
    {
      name: ['demo'],
      usage: '',
      summary: 'run a sealed trade in miniature on this machine (needs dockerd)',
      options: {},
      positionals: [0, 0],
      example: 'sealgate demo --json',
    },
    async () => (await import('./demo.js')).runDemoCommand,
  ),
  version,
  // accounts
  lazyCommand(
    {
      name: ['account', 'create'],
      usage: '--role ROLE [--role ROLE] [--name NAME]',
      summary: "make this home's account key and register it with the gateway; prints the id",
      options: { role: { type: 'string', multiple: true }, name: { type: 'string' } },
      optionHelp: {
        role: 'seller, buyer, publisher or miner',
        name: 'a display name, 1 to 64 characters',
      },
      positionals: [0, 0],
      example: 'sealgate account create --role seller --role buyer --name alice',
    },
    async () => (await import('./account.js')).runAccountCreate,
  ),
  lazyCommand(
    {
      name: ['account', 'show'],
      usage: '[ID]',
      summary: "show this home's account (signed), or the public profile of account ID",
      options: {},
      positionals: [0, 1],
      example: 'sealgate account show --json',
    },
    async () => (await import('./account.js')).runAccountShow,
  ),
  // the dataset envelope
  lazyCommand(
    {
      name: ['dataset', 'encrypt'],
      usage: 'FILE --out OUT --key-file KEY',
      summary: 'encrypt FILE into an envelope at OUT (creates KEY, mode 0600, when missing)',
      options: datasetOptions,
      optionHelp: { out: 'where the envelope goes', 'key-file': 'the data key file (made when missing)' },
      positionals: [1, 1],
      example: 'sealgate dataset encrypt people.csv --out people.env --key-file people.key',
    },
    async () => (await import('./dataset-crypt.js')).runDatasetEncrypt,
  ),
  lazyCommand(
    {
      name: ['dataset', 'decrypt'],
      usage: 'FILE --key-file KEY --out OUT',
      summary: 'decrypt the envelope FILE into OUT; nothing is written unless all of it authenticates',
      options: datasetOptions,
      optionHelp: { out: 'where the plaintext goes', 'key-file': 'the data key file' },
      positionals: [1, 1],
      example: 'sealgate dataset decrypt people.env --key-file people.key --out people.csv',
    },
    async () => (await import('./dataset-crypt.js')).runDatasetDecrypt,
  ),
];
