import { createRequire } from 'node:module';
import type { Command } from '../command.js';

const pkg = createRequire(import.meta.url)('../../../../package.json') as { version: string };

/** `sealgate version`: the installed version. */
export const version: Command = {
  name: ['version'],
  usage: '',
  summary: 'print the version of sealgate',
  options: {},
  positionals: [0, 0],
  run(ctx) {
    ctx.print(`sealgate ${pkg.version}`, { version: pkg.version });
    return Promise.resolve();
  },
};
