/** Every `sealgate` command, in the order `--help` lists them. */
import type { Command } from '../command.js';
import { version } from './version.js';
import { demo } from './demo.js';
import { datasetDecrypt, datasetEncrypt } from './dataset-crypt.js';

export const commands: readonly Command[] = [
  demo,
  version,
  // the dataset envelope
  datasetEncrypt,
  datasetDecrypt,
];
