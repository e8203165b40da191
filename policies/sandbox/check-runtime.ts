/**
 * How the container's process is placed: its namespaces, the OCI runtime that
 * starts it, and (when the profile names one) its entrypoint.
 */
import { violation, type SandboxViolation } from './errors.js';
import type { ContainerInspect, InspectHostConfig } from './inspect.js';
import { firstJsonDifference } from './json-diff.js';
import type { SandboxProfile } from './profile.js';

type NamespaceField = 'PidMode' | 'IpcMode' | 'UTSMode' | 'UsernsMode' | 'CgroupnsMode' | 'Cgroup';

/**
 * The values each namespace field may take: the container's own namespace. `host`
 * and `container:<id>` share one; IPC `shareable` lets other containers join it; an
 * empty IPC or cgroup mode leaves the choice to the daemon's configuration (on
 * cgroup v1 hosts Docker's default cgroup namespace is the host's).
 */
const PRIVATE_NAMESPACES: Readonly<Record<NamespaceField, readonly string[]>> = {
  PidMode: ['', 'private'],
  IpcMode: ['private', 'none'],
  UTSMode: ['', 'private'],
  UsernsMode: ['', 'private'],
  CgroupnsMode: ['private'],
  Cgroup: [''],
};

/** Every namespace private to the container. */
export function checkNamespaces(inspect: ContainerInspect): SandboxViolation[] {
  const host: InspectHostConfig = inspect.HostConfig;
  const out: SandboxViolation[] = [];
  for (const [field, allowed] of Object.entries(PRIVATE_NAMESPACES) as [
    NamespaceField,
    readonly string[],
  ][]) {
    const value = host[field];
    if (allowed.includes(value)) continue;
    out.push(
      violation(
        'SANDBOX_NAMESPACE',
        `HostConfig.${field}`,
        allowed.map((a) => (a === '' ? '(empty)' : a)).join(' or '),
        value,
        `${field} ${value === '' ? '(empty)' : value} does not give the container its own namespace`,
      ),
    );
  }
  return out;
}

/** An allowed OCI runtime, and the profile's entrypoint when it names one. */
export function checkRuntime(inspect: ContainerInspect, profile: SandboxProfile): SandboxViolation[] {
  const out: SandboxViolation[] = [];
  const runtime = inspect.HostConfig.Runtime;
  if (runtime === undefined || !profile.runtimes.includes(runtime)) {
    out.push(
      violation(
        'SANDBOX_RUNTIME',
        'HostConfig.Runtime',
        profile.runtimes.join(' or '),
        runtime,
        `runtime ${runtime ?? '(absent)'} is not allowed`,
      ),
    );
  }
  const entrypoint = inspect.Config.Entrypoint;
  if (profile.entrypoint !== undefined && firstJsonDifference(profile.entrypoint, entrypoint) !== undefined) {
    out.push(
      violation(
        'SANDBOX_ENTRYPOINT',
        'Config.Entrypoint',
        profile.entrypoint,
        entrypoint,
        'the entrypoint is not the supervisor',
      ),
    );
  }
  return out;
}
