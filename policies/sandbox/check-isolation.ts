/**
 * The container's own powers: network, privileged mode, the root filesystem,
 * capabilities and the user it runs as (DESIGN.md section 7.1).
 */
import { violation, type SandboxViolation } from './errors.js';
import { member, type ContainerInspect } from './inspect.js';
import type { SandboxProfile } from './profile.js';

/** Network mode `none` and no network attached but `none` (NetworkDisabled leaves none at all). */
export function checkNetwork(inspect: ContainerInspect, profile: SandboxProfile): SandboxViolation[] {
  const out: SandboxViolation[] = [];
  const mode = inspect.HostConfig.NetworkMode;
  if (mode !== profile.network) {
    out.push(
      violation(
        'SANDBOX_NETWORK',
        'HostConfig.NetworkMode',
        profile.network,
        mode,
        `network mode is ${mode}, not none`,
      ),
    );
  }
  const networks = Object.keys(inspect.NetworkSettings?.Networks ?? {}).sort();
  for (const name of networks.filter((n) => n !== profile.network)) {
    out.push(
      violation(
        'SANDBOX_NETWORK',
        `NetworkSettings.Networks${member(name)}`,
        'no network',
        name,
        `attached to network ${name}`,
      ),
    );
  }
  return out;
}

/** Not privileged, a read-only root filesystem, and every capability dropped with none added back. */
export function checkPowers(inspect: ContainerInspect, profile: SandboxProfile): SandboxViolation[] {
  const out: SandboxViolation[] = [];
  const host = inspect.HostConfig;
  if (host.Privileged !== profile.privileged) {
    out.push(
      violation(
        'SANDBOX_PRIVILEGED',
        'HostConfig.Privileged',
        false,
        host.Privileged,
        'privileged mode grants every capability and host device and turns off seccomp, AppArmor, SELinux and masked paths',
      ),
    );
  }
  if (host.ReadonlyRootfs !== profile.readonlyRootfs) {
    out.push(
      violation(
        'SANDBOX_ROOT_WRITABLE',
        'HostConfig.ReadonlyRootfs',
        true,
        host.ReadonlyRootfs,
        'the root filesystem is writable',
      ),
    );
  }
  const drop = host.CapDrop ?? [];
  if (!drop.some((cap) => cap.toUpperCase() === profile.capDrop)) {
    out.push(
      violation(
        'SANDBOX_CAPABILITY_KEPT',
        'HostConfig.CapDrop',
        [profile.capDrop],
        drop,
        "Docker's default capabilities are kept",
      ),
    );
  }
  (host.CapAdd ?? []).forEach((cap, i) => {
    out.push(
      violation(
        'SANDBOX_CAPABILITY_KEPT',
        `HostConfig.CapAdd[${i}]`,
        'none',
        cap,
        `capability ${cap} is added`,
      ),
    );
  });
  return out;
}

/**
 * A numeric, non-root `uid:gid` and no root supplementary group. Names are refused:
 * they resolve through the image's own /etc/passwd and /etc/group, which a hostile
 * image writes (its "nobody" can be uid 0), and a bare uid takes the image's group.
 */
export function checkUser(inspect: ContainerInspect): SandboxViolation[] {
  const out: SandboxViolation[] = [];
  const user = inspect.Config.User;
  const ids = /^(\d+):(\d+)$/.exec(user);
  if (ids === null || Number(ids[1]) === 0 || Number(ids[2]) === 0) {
    const actual = user === '' ? '(empty: the image user, root unless it says otherwise)' : user;
    out.push(
      violation(
        'SANDBOX_ROOT_USER',
        'Config.User',
        'numeric non-root uid:gid',
        actual,
        `the container user ${user === '' ? '(empty)' : user} may be root`,
      ),
    );
  }
  (inspect.HostConfig.GroupAdd ?? []).forEach((group, i) => {
    if (/^\d+$/.test(group) && Number(group) !== 0) return;
    out.push(
      violation(
        'SANDBOX_ROOT_USER',
        `HostConfig.GroupAdd[${i}]`,
        'numeric non-root gid',
        group,
        `group ${group} may be root`,
      ),
    );
  });
  return out;
}
