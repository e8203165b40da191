import type { CommandContext } from '../command.js';
import { runDemo } from '../../demo/trade.js';
import { packageVersion } from './version.js';

/** `sealgate demo`: a sealed trade in miniature on this machine, with the real parts. */
export async function runDemoCommand(ctx: CommandContext): Promise<void> {
  if (!ctx.json) ctx.stdout.write('sealgate demo: a sealed trade in miniature, with real parts\n\n');
  const steps = await runDemo(packageVersion, (r, i) => {
    if (!ctx.json)
      ctx.stdout.write(`${String(i).padStart(2)}. ${r.actor.padEnd(10)} ${r.step.padEnd(48)} ${r.detail}\n`);
  });
  ctx.print('\nthe trade completed, and every attack was refused with its code', { steps });
}
