import { createRequire } from 'node:module';
import type { Command } from '../command.js';
import { runDemo } from '../../demo/trade.js';

const pkg = createRequire(import.meta.url)('../../../../package.json') as { version: string };

/** `sealgate demo`: a sealed trade in miniature on this machine, with the real parts. */
export const demo: Command = {
  name: ['demo'],
  usage: '',
  summary: 'run a sealed trade in miniature on this machine (needs dockerd)',
  options: {},
  positionals: [0, 0],
  async run(ctx) {
    if (!ctx.json) ctx.stdout.write('sealgate demo: a sealed trade in miniature, with real parts\n\n');
    const steps = await runDemo(pkg.version, (r, i) => {
      if (!ctx.json)
        ctx.stdout.write(
          `${String(i).padStart(2)}. ${r.actor.padEnd(10)} ${r.step.padEnd(48)} ${r.detail}\n`,
        );
    });
    ctx.print('\nthe trade completed, and every attack was refused with its code', { steps });
  },
};
