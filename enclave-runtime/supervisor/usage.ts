/**
 * CPU time of the run for the usage receipt (docs/node-protocol.md section 4):
 * the container's cgroup when it can be read (v2 `cpu.stat` usage_usec, v1
 * `cpuacct.usage` in ns), else the supervisor's reaped children's user and
 * system time from /proc/self/stat (proc(5) fields 16 and 17, cutime and
 * cstime, in clock ticks of 1/100 s on Linux).
 */
import { readFile } from 'node:fs/promises';

const CLOCK_TICKS = 100;

async function readText(path: string): Promise<string | undefined> {
  return readFile(path, 'utf8').catch(() => undefined);
}

/** Seconds of CPU the container (or at least the model) used; 0 when nothing can be read. */
export async function cpuSeconds(root = '/'): Promise<number> {
  const v2 = await readText(`${root}sys/fs/cgroup/cpu.stat`);
  const usec = v2 === undefined ? undefined : /^usage_usec (\d+)$/m.exec(v2)?.[1];
  if (usec !== undefined) return Number(usec) / 1e6;
  for (const dir of ['cpuacct', 'cpu,cpuacct']) {
    const ns = (await readText(`${root}sys/fs/cgroup/${dir}/cpuacct.usage`))?.trim();
    if (ns !== undefined && /^\d+$/.test(ns)) return Number(ns) / 1e9;
  }
  return childSeconds(await readText(`${root}proc/self/stat`));
}

/** cutime + cstime of a /proc/PID/stat line, in seconds. */
export function childSeconds(stat: string | undefined): number {
  if (stat === undefined) return 0;
  // Field 2 (comm) may hold spaces and parentheses: count fields after its last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state), so field n is fields[n - 3].
  const cutime = Number(fields[13]);
  const cstime = Number(fields[14]);
  return Number.isFinite(cutime) && Number.isFinite(cstime) ? (cutime + cstime) / CLOCK_TICKS : 0;
}
