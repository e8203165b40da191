/**
 * Child processes for benchmarks: run a command, time it, and sample its peak
 * resident memory (VmHWM in /proc/PID/status, Linux) while it runs.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** The built `sealgate` CLI. */
export const CLI = fileURLToPath(new URL('../bin/sealgate.js', import.meta.url));

export interface ChildRun {
  readonly ms: number;
  /** Peak resident set in MiB, or undefined where /proc is unavailable. */
  readonly peakMiB: number | undefined;
}

function vmHwmKiB(pid: number): number | undefined {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Run `cmd args` (in `env`, default this process's), failing on a non-zero exit; time it and sample VmHWM every 10 ms. */
export function runChild(
  cmd: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], env });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let peak: number | undefined;
    const sample = (): void => {
      const kib = child.pid === undefined ? undefined : vmHwmKiB(child.pid);
      if (kib !== undefined) peak = Math.max(peak ?? 0, kib);
    };
    const timer = setInterval(sample, 10);
    child.on('error', (err) => {
      clearInterval(timer);
      reject(err);
    });
    child.on('exit', (code) => {
      const ms = performance.now() - t;
      clearInterval(timer);
      if (code !== 0) reject(new Error(`${cmd} exited ${code}: ${stderr.trim()}`));
      else resolve({ ms, peakMiB: peak === undefined ? undefined : peak / 1024 });
    });
  });
}

/** True when `cmd` runs (`cmd --version` exits 0). */
export function hasCommand(cmd: string): boolean {
  return spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * Make sure `age` is installed: install the Debian package when missing and
 * running as root; false when it is still missing.
 */
export function ensureAge(log: (line: string) => void): boolean {
  if (hasCommand('age')) return true;
  if (process.getuid?.() !== 0) return false;
  log('installing the Debian package age');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'ignore', env });
  spawnSync('apt-get', ['install', '-y', '-qq', 'age'], { stdio: 'ignore', env });
  return hasCommand('age');
}

/** A timed operation and the file it writes. */
export interface Op {
  readonly out: string;
  run(): Promise<void>;
}

/** The best wall time of an operation, and the median CPU time this process spent on it. */
export interface Timing {
  readonly ms: number;
  /** CPU of this process and its threads (not of child processes), median over the rounds. */
  readonly cpuMs: number;
}

/**
 * Time each operation over `reps` rounds, run in turn round by round so drift
 * hits every side alike. Before each run, untimed, its output is removed and
 * dirty pages are flushed (`sync`), so no run pays for another's writeback or
 * for replacing an existing file (ext4 flushes a file renamed over another).
 */
export async function interleaved<K extends string>(
  reps: number,
  ops: Record<K, Op>,
): Promise<Record<K, Timing>> {
  const walls = new Map<K, number[]>();
  const cpus = new Map<K, number[]>();
  for (let i = 0; i < reps; i++) {
    for (const [name, op] of Object.entries(ops) as [K, Op][]) {
      await rm(op.out, { force: true });
      spawnSync('sync');
      const cpu = process.cpuUsage();
      const t = performance.now();
      await op.run();
      const wall = performance.now() - t;
      const used = process.cpuUsage(cpu);
      walls.set(name, [...(walls.get(name) ?? []), wall]);
      cpus.set(name, [...(cpus.get(name) ?? []), (used.user + used.system) / 1000]);
    }
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
  const out = {} as Record<K, Timing>;
  for (const [name, ws] of walls) out[name] = { ms: Math.min(...ws), cpuMs: median(cpus.get(name) ?? []) };
  return out;
}
