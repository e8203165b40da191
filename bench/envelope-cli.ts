/**
 * The envelope benchmark, command-line half: the sealgate CLI against `age`
 * on the same file (target >= 1.0: faster than age), and the CLI's peak
 * resident memory (target < 150 MiB). Both run as child processes.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { encodeDataKeyFile } from '../attest/index.js';
import type { BenchRow } from './benchmark.js';
import { MiB, rate, ratio } from './benchmark.js';
import { CLI, ensureAge, interleaved, runChild } from './processes.js';
import type { Op, Timing } from './processes.js';

/** The sealgate CLI against age, and the CLI's peak memory. */
export async function cliRows(
  p: (name: string) => string,
  bytes: number,
  reps: number,
  dek: Uint8Array,
  log: (line: string) => void,
): Promise<BenchRow[]> {
  await writeFile(p('key.json'), encodeDataKeyFile(dek), { mode: 0o600 });
  const mib = bytes / MiB;
  const peaks = { enc: 0, dec: 0 };
  // Without NODE_EXTRA_CA_CERTS: where it is set (this project's build machines set it for every
  // process), each Node process reads that CA bundle as it starts, before any of our code runs:
  // 0.1 s of a 1 GiB run here, which a seller's machine does not pay and no offline command needs.
  const { NODE_EXTRA_CA_CERTS: _ca, ...cliEnv } = process.env;
  const sealgate = (verb: string, input: string, out: string): Op => ({
    out,
    run: async () => {
      const r = await runChild(
        process.execPath,
        [CLI, 'dataset', verb, input, '--out', out, '--key-file', p('key.json')],
        cliEnv,
      );
      peaks[verb === 'encrypt' ? 'enc' : 'dec'] = Math.max(
        peaks[verb === 'encrypt' ? 'enc' : 'dec'],
        r.peakMiB ?? NaN,
      );
    },
  });
  const sg = {
    sgEnc: sealgate('encrypt', p('plain'), p('cli.env')),
    sgDec: sealgate('decrypt', p('cli.env'), p('cli.dec')),
  };
  const rows: BenchRow[] = [];
  if (ensureAge(log)) {
    log('sealgate CLI against age');
    await runChild('age-keygen', ['-o', p('age.key')]);
    const recipient = /public key: (age1\S+)/.exec(await readFile(p('age.key'), 'utf8'))?.[1] ?? '';
    const age = (flags: string[], input: string, out: string): Op => ({
      out,
      run: async () => void (await runChild('age', [...flags, '-o', out, input])),
    });
    const t = await interleaved(reps, {
      ...sg,
      ageEnc: age(['-r', recipient], p('plain'), p('age.enc')),
      ageDec: age(['-d', '-i', p('age.key')], p('age.enc'), p('age.dec')),
    });
    const enc = t.ageEnc.ms / t.sgEnc.ms;
    const dec = t.ageDec.ms / t.sgDec.ms;
    const ca = _ca === undefined ? '' : '; CLI run without NODE_EXTRA_CA_CERTS';
    const vs = (a: Timing, b: Timing): string => `${rate(bytes, a.ms)} vs age ${rate(bytes, b.ms)}${ca}`;
    rows.push(
      {
        metric: 'CLI encrypt speed / age',
        value: ratio(enc),
        target: '>= 1.00x',
        ok: enc >= 1,
        note: vs(t.sgEnc, t.ageEnc),
      },
      {
        metric: 'CLI decrypt speed / age',
        value: ratio(dec),
        target: '>= 1.00x',
        ok: dec >= 1,
        note: vs(t.sgDec, t.ageDec),
      },
    );
  } else {
    log('age is missing and cannot be installed (not root): skipped');
    await interleaved(1, sg);
    rows.push({ metric: 'CLI speed / age', value: 'skipped', target: '>= 1.00x', note: 'age not installed' });
  }
  rows.push(
    {
      metric: `CLI peak RSS encrypting ${mib} MiB`,
      value: `${peaks.enc.toFixed(0)} MiB`,
      target: '< 150 MiB',
      ok: peaks.enc < 150,
      note: 'VmHWM sampled every 10 ms',
    },
    {
      metric: `CLI peak RSS decrypting ${mib} MiB`,
      value: `${peaks.dec.toFixed(0)} MiB`,
      target: '< 150 MiB',
      ok: peaks.dec < 150,
    },
  );
  return rows;
}
