/**
 * `grep -F -f PATTERNS` timed in CPU, its automaton build apart from its
 * scan (bench/guard.ts). One grep process reads its patterns and then the
 * egress from a pipe; whenever it waits on the pipe (asleep, its CPU time no
 * longer moving) its user + system time is read from /proc/PID/stat. So the
 * build is what it spent before the first byte, and the scan is what a pass
 * over the egress added: both measured, not the difference of two noisy wall
 * times of 45 s runs. Linux only (/proc).
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** What a resident grep spent, in CPU milliseconds. */
export interface GrepCpu {
  /** Reading the patterns and building the automaton, before any input. */
  readonly buildMs: number;
  /** The first pass over the egress (what one `grep -F -f PATTERNS EGRESS` adds to its build). */
  readonly firstPassMs: number;
  /** One more pass over the same egress, the mean of `passes - 1` (the steady scan). */
  readonly passMs: number;
  /** Peak resident set in MiB. */
  readonly peakMiB: number;
  /** How many times the egress was fed. */
  readonly passes: number;
}

interface ProcState {
  readonly state: string;
  readonly cpuMs: number;
  readonly hwmMiB: number;
}

const ticksPerSecond = (): number => {
  const out = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  const hz = Number(out.stdout?.trim());
  return Number.isInteger(hz) && hz > 0 ? hz : 100;
};

function procState(pid: number, hz: number): ProcState {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // proc(5): fields after the command name in parentheses; state is field 3, utime 14, stime 15.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const hwm = /^VmHWM:\s+(\d+) kB/m.exec(status);
  return {
    state: f[0],
    cpuMs: ((Number(f[11]) + Number(f[12])) * 1000) / hz,
    hwmMiB: hwm ? Number(hwm[1]) / 1024 : 0,
  };
}

// Wait until the process sleeps with its CPU time unchanged for `still` polls: it is blocked on the pipe.
async function whenIdle(pid: number, hz: number, still = 6): Promise<ProcState> {
  let last = procState(pid, hz);
  let same = 0;
  for (;;) {
    await sleep(25);
    const now = procState(pid, hz);
    same = now.state === 'S' && now.cpuMs === last.cpuMs ? same + 1 : 0;
    last = now;
    if (same >= still) return now;
  }
}

/** Run `grep -F -c -f patternsFile` resident and feed it `egress` `passes` times (at least 2). */
export async function grepResident(patternsFile: string, egress: Buffer, passes: number): Promise<GrepCpu> {
  if (passes < 2) throw new TypeError('passes must be at least 2');
  const hz = ticksPerSecond();
  const child = spawn('grep', ['-F', '-c', '-f', patternsFile], { stdio: ['pipe', 'ignore', 'ignore'] });
  const exited = once(child, 'exit');
  const pid = child.pid;
  if (pid === undefined) throw new Error('grep did not start');
  try {
    const feed = async (times: number): Promise<void> => {
      for (let i = 0; i < times; i++) if (!child.stdin.write(egress)) await once(child.stdin, 'drain');
    };
    const built = await whenIdle(pid, hz);
    await feed(1);
    const first = await whenIdle(pid, hz);
    await feed(passes - 1);
    const last = await whenIdle(pid, hz);
    return {
      buildMs: built.cpuMs,
      firstPassMs: first.cpuMs - built.cpuMs,
      passMs: (last.cpuMs - first.cpuMs) / (passes - 1),
      peakMiB: last.hwmMiB,
      passes,
    };
  } finally {
    child.stdin.end();
    child.kill();
    await exited;
  }
}
