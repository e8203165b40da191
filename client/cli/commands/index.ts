/** Every `sealgate` command, in the order `--help` lists them. */
import type { Command } from '../command.js';
import { version } from './version.js';

export const commands: readonly Command[] = [version];
