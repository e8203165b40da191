import t from 'tap';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { grepResident } from '../../bench/grep-resident.js';

// The resident grep of the guard benchmark: it must feed every pass and read the CPU figures
// apart. No timing is asserted (only that the figures are figures).
t.test('grepResident feeds each pass and reports its CPU figures', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sg-grep-resident-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const patterns = join(dir, 'patterns.txt');
  await writeFile(patterns, 'Sami Dvorak,7488942686\nBruno Jansen,8081458708\n');
  const egress = Buffer.from('step 1 loss 0.5\nleak Sami Dvorak,7488942686 here\n'.repeat(1000));
  const g = await grepResident(patterns, egress, 3);
  t.equal(g.passes, 3);
  for (const v of [g.buildMs, g.firstPassMs, g.passMs])
    t.ok(Number.isFinite(v) && v >= 0, `${v} is a CPU time`);
  t.ok(g.peakMiB > 0, 'the peak resident set was read');
});

t.test('grepResident needs two passes', async (t) => {
  await t.rejects(grepResident('/nonexistent', Buffer.alloc(0), 1), TypeError);
});
