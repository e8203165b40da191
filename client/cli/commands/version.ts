import { createRequire } from 'node:module';
import type { Command } from '../command.js';

/** The installed sealgate's version, from package.json. */
export const packageVersion = (
  createRequire(import.meta.url)('../../../../package.json') as { version: string }
).version;

/** `sealgate version`: the installed version. */
export const version: Command = {
  name: ['version'],
  usage: '',
  summary: 'print the version of sealgate',
  options: {},
  positionals: [0, 0],
  example: 'sealgate version --json',
  run(ctx) {
    ctx.print(`sealgate ${packageVersion}`, { version: packageVersion });
    return Promise.resolve();
  },
};
