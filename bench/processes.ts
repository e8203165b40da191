/**
 * Child processes for benchmarks: run a command, time it, and sample its peak
 * resident memory (VmHWM in /proc/PID/status, Linux) while it runs.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

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

/** Run `cmd args`, failing on a non-zero exit; time it and sample VmHWM every 10 ms. */
export function runChild(cmd: string, args: readonly string[]): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
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
