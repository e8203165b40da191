/**
 * Every `sealgate` command, in the order `--help` lists them. Names, usage and
 * summaries live here; a command's implementation is imported only when it
 * runs (`lazyCommand`), so start-up stays quick as commands grow.
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
    },
    async () => (await import('./demo.js')).runDemoCommand,
  ),
  version,
  // the dataset envelope
  lazyCommand(
    {
      name: ['dataset', 'encrypt'],
      usage: 'FILE --out OUT --key-file KEY',
      summary: 'encrypt FILE into an envelope at OUT (creates KEY, mode 0600, when missing)',
      options: datasetOptions,
      positionals: [1, 1],
    },
    async () => (await import('./dataset-crypt.js')).runDatasetEncrypt,
  ),
  lazyCommand(
    {
      name: ['dataset', 'decrypt'],
      usage: 'FILE --key-file KEY --out OUT',
      summary: 'decrypt the envelope FILE into OUT; nothing is written unless all of it authenticates',
      options: datasetOptions,
      positionals: [1, 1],
    },
    async () => (await import('./dataset-crypt.js')).runDatasetDecrypt,
  ),
];
