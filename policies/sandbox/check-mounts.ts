/**
 * Mounts: the only host paths are the profile's read-only binds, and plaintext has
 * tmpfs (memory) to live in, never a volume or a writable bind on the host's disk.
 * The top-level `Mounts` list is what Docker actually set up, whatever the request
 * used (`Binds`, `HostConfig.Mounts`, `VolumesFrom`, or a `VOLUME` in the image);
 * tmpfs mounts requested through `HostConfig.Tmpfs` are listed only there.
 */
import { violation, type SandboxViolation } from './errors.js';
import { member, type ContainerInspect } from './inspect.js';
import type { SandboxProfile } from './profile.js';

/** Propagation modes that let no mount event cross between host and container (mount_namespaces(7)). */
const PRIVATE_PROPAGATION: ReadonlySet<string> = new Set(['', 'private', 'rprivate']);

/** Allowed read-only binds only, the profile's tmpfs mounts exactly, and no volumes shared from elsewhere. */
export function checkMounts(inspect: ContainerInspect, profile: SandboxProfile): SandboxViolation[] {
  const out: SandboxViolation[] = [];
  const bindTargets = profile.binds.map((b) => b.target);
  const tmpfsTargets = profile.tmpfs.map((m) => m.target);
  const tmpfsSeen = new Set<string>();
  const tmpfsAt = (target: string, path: string): void => {
    tmpfsSeen.add(target);
    if (tmpfsTargets.includes(target)) return;
    out.push(violation('SANDBOX_TMPFS', path, tmpfsTargets, target, `unexpected tmpfs at ${target}`));
  };

  inspect.Mounts.forEach((mount, i) => {
    const path = `Mounts[${i}]`;
    const target = mount.Destination;
    if (mount.Type === 'tmpfs') {
      tmpfsAt(target, `${path}.Destination`);
    } else if (mount.Type !== 'bind') {
      out.push(
        violation(
          'SANDBOX_HOST_MOUNT',
          `${path}.Type`,
          'bind',
          mount.Type,
          `a ${mount.Type} mount at ${target} keeps data on the host`,
        ),
      );
    } else if (!bindTargets.includes(target)) {
      out.push(
        violation(
          'SANDBOX_HOST_MOUNT',
          `${path}.Destination`,
          bindTargets,
          target,
          `a host path is bound at ${target}`,
        ),
      );
    } else {
      if (mount.RW) {
        out.push(
          violation('SANDBOX_HOST_MOUNT', `${path}.RW`, false, true, `the bind at ${target} is writable`),
        );
      }
      if (!PRIVATE_PROPAGATION.has(mount.Propagation)) {
        out.push(
          violation(
            'SANDBOX_HOST_MOUNT',
            `${path}.Propagation`,
            'rprivate',
            mount.Propagation,
            `the bind at ${target} shares mount events`,
          ),
        );
      }
    }
  });

  for (const target of Object.keys(inspect.HostConfig.Tmpfs ?? {}).sort()) {
    tmpfsAt(target, `HostConfig.Tmpfs${member(target)}`);
  }
  for (const target of tmpfsTargets.filter((t) => !tmpfsSeen.has(t))) {
    out.push(
      violation(
        'SANDBOX_TMPFS',
        'HostConfig.Tmpfs',
        target,
        undefined,
        `no tmpfs at ${target} for plaintext`,
      ),
    );
  }
  (inspect.HostConfig.VolumesFrom ?? []).forEach((source, i) => {
    out.push(
      violation(
        'SANDBOX_HOST_MOUNT',
        `HostConfig.VolumesFrom[${i}]`,
        'none',
        source,
        `volumes are shared from ${source}`,
      ),
    );
  });
  return out;
}
