/** Every `sealgate` command, in the order `--help` lists them. */
import type { Command } from '../command.js';
import { version } from './version.js';
import { datasetDecrypt, datasetEncrypt } from './dataset-crypt.js';

export const commands: readonly Command[] = [
  version,
  // the dataset envelope
  datasetEncrypt,
  datasetDecrypt,
];
