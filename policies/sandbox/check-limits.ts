/**
 * Resource limits: each must be present and within the profile's maximum. These
 * are the values dockerd kept: where the kernel lacks a cgroup controller dockerd
 * drops the limit at create time (moby `verifyContainerResources`), and inspect
 * then shows it missing.
 */
import { violation, type SandboxViolation } from './errors.js';
import type { ContainerInspect } from './inspect.js';
import type { SandboxProfile } from './profile.js';

/** The CFS period Docker uses when only a quota is given (Linux sched-bwc: 100 ms). */
const DEFAULT_CFS_PERIOD_US = 100_000;

/** Pids, memory (with no swap beyond it) and CPU limits. */
export function checkLimits(inspect: ContainerInspect, profile: SandboxProfile): SandboxViolation[] {
  const host = inspect.HostConfig;
  const max = profile.limits;
  const out: SandboxViolation[] = [];

  const pids = host.PidsLimit;
  if (pids === null || pids <= 0) {
    out.push(
      missing(
        'HostConfig.PidsLimit',
        `1 to ${max.pids}`,
        pids,
        'no process limit: a fork bomb can exhaust the host',
      ),
    );
  } else if (pids > max.pids) {
    out.push(
      exceeded('HostConfig.PidsLimit', max.pids, pids, `the process limit ${pids} is above ${max.pids}`),
    );
  }

  if (host.Memory <= 0) {
    out.push(missing('HostConfig.Memory', `1 to ${max.memoryBytes}`, host.Memory, 'no memory limit'));
  } else {
    if (host.Memory > max.memoryBytes) {
      out.push(
        exceeded(
          'HostConfig.Memory',
          max.memoryBytes,
          host.Memory,
          `memory ${host.Memory} is above ${max.memoryBytes}`,
        ),
      );
    }
    // MemorySwap is memory plus swap: equal to Memory means no swap, so tmpfs plaintext never reaches a disk.
    if (host.MemorySwap <= 0) {
      out.push(missing('HostConfig.MemorySwap', host.Memory, host.MemorySwap, 'swap is unlimited'));
    } else if (host.MemorySwap > host.Memory) {
      out.push(
        exceeded(
          'HostConfig.MemorySwap',
          host.Memory,
          host.MemorySwap,
          'the container may swap: plaintext could reach a disk',
        ),
      );
    }
  }

  // Linux sched-bwc: a quota of Q us per period P us is Q/P CPUs. Dockerd refuses NanoCpus with a quota,
  // so a document with both is not Docker's; the larger of the two is judged.
  const fromQuota =
    host.CpuQuota > 0
      ? (host.CpuQuota * 1e9) / (host.CpuPeriod > 0 ? host.CpuPeriod : DEFAULT_CFS_PERIOD_US)
      : 0;
  const cpu = Math.max(host.NanoCpus, fromQuota);
  const cpuPath = host.NanoCpus >= fromQuota ? 'HostConfig.NanoCpus' : 'HostConfig.CpuQuota';
  if (cpu <= 0) {
    out.push(
      missing(
        'HostConfig.NanoCpus',
        `1 to ${max.nanoCpus}`,
        host.NanoCpus,
        'no CPU limit (neither NanoCpus nor CpuQuota)',
      ),
    );
  } else if (cpu > max.nanoCpus) {
    out.push(
      exceeded(cpuPath, max.nanoCpus, cpu, `the CPU limit ${cpu / 1e9} CPUs is above ${max.nanoCpus / 1e9}`),
    );
  }
  return out;
}

function missing(path: string, expected: unknown, actual: unknown, message: string): SandboxViolation {
  return violation('SANDBOX_LIMIT_MISSING', path, expected, actual, message);
}

function exceeded(path: string, max: number, actual: number, message: string): SandboxViolation {
  return violation('SANDBOX_LIMIT_EXCEEDED', path, `at most ${max}`, actual, message);
}
