/**
 * The kernel confinement Docker applies: no-new-privileges, the seccomp profile,
 * AppArmor and SELinux options, and the masked and read-only /proc and /sys paths.
 */
import { violation, type SandboxViolation } from './errors.js';
import type { ContainerInspect } from './inspect.js';
import { firstJsonDifference } from './json-diff.js';
import type { SandboxProfile } from './profile.js';
import { readSecurityOpt, type Located, type SeccompSetting } from './security-opt.js';

const at = (index: number): string => `HostConfig.SecurityOpt[${index}]`;

/** Every confinement rule of the profile, read from `SecurityOpt`, `AppArmorProfile` and the path lists. */
export function checkConfinement(inspect: ContainerInspect, profile: SandboxProfile): SandboxViolation[] {
  const host = inspect.HostConfig;
  const options = readSecurityOpt(host.SecurityOpt);
  const out: SandboxViolation[] = [];

  const nnp = options.noNewPrivileges;
  if (nnp?.value !== profile.noNewPrivileges) {
    out.push(
      violation(
        'SANDBOX_NEW_PRIVILEGES',
        nnp === undefined ? 'HostConfig.SecurityOpt' : at(nnp.index),
        'no-new-privileges',
        nnp === undefined ? '(absent)' : host.SecurityOpt?.[nnp.index],
        'no-new-privileges is not set: setuid binaries could raise privileges',
      ),
    );
  }
  const seccomp = checkSeccomp(options.seccomp, profile);
  if (seccomp !== undefined) out.push(seccomp);

  const apparmor = options.apparmor;
  if (apparmor?.value === 'unconfined') {
    out.push(
      violation(
        'SANDBOX_APPARMOR',
        at(apparmor.index),
        'a confining profile',
        'unconfined',
        'AppArmor is off',
      ),
    );
  } else if (inspect.AppArmorProfile === 'unconfined' && !host.Privileged) {
    out.push(
      violation(
        'SANDBOX_APPARMOR',
        'AppArmorProfile',
        'a confining profile',
        'unconfined',
        'AppArmor is off',
      ),
    );
  }

  // Docker itself adds label=disable to privileged containers and to those sharing the
  // host's PID or IPC namespace; those are reported under their own cause.
  const selfDisabled = host.Privileged || host.PidMode === 'host' || host.IpcMode === 'host';
  for (const label of options.labels) {
    if (label.value === 'disable' && selfDisabled) continue;
    out.push(
      violation(
        'SANDBOX_SECURITY_OPT',
        at(label.index),
        'no SELinux label option',
        host.SecurityOpt?.[label.index],
        'SELinux labelling is changed',
      ),
    );
  }
  for (const unknown of options.unknown) {
    out.push(
      violation(
        'SANDBOX_SECURITY_OPT',
        at(unknown.index),
        'a known option',
        unknown.value,
        'unknown security option',
      ),
    );
  }

  // Privileged mode unmasks every path; that is reported as SANDBOX_PRIVILEGED.
  if (!host.Privileged) {
    out.push(...missingPaths('HostConfig.MaskedPaths', profile.maskedPaths, host.MaskedPaths, 'masked'));
    out.push(
      ...missingPaths('HostConfig.ReadonlyPaths', profile.readonlyPaths, host.ReadonlyPaths, 'read-only'),
    );
  }
  return out;
}

function checkSeccomp(
  setting: Located<SeccompSetting> | undefined,
  profile: SandboxProfile,
): SandboxViolation | undefined {
  const expected = 'the sandbox profile';
  if (setting === undefined || setting.value.kind === 'default') {
    return violation(
      'SANDBOX_SECCOMP',
      'HostConfig.SecurityOpt',
      expected,
      "the daemon's default profile",
      'no seccomp option: the daemon applies its own default profile, not the expected one',
    );
  }
  const value = setting.value;
  if (value.kind === 'unconfined') {
    return violation('SANDBOX_SECCOMP', at(setting.index), expected, 'unconfined', 'seccomp is off');
  }
  if (value.kind === 'invalid') {
    return violation(
      'SANDBOX_SECCOMP',
      at(setting.index),
      expected,
      value.text,
      'the seccomp option is not a JSON profile',
    );
  }
  const difference = firstJsonDifference(profile.seccomp, value.profile);
  if (difference === undefined) return undefined;
  const where = difference.path === '' ? 'the top level' : difference.path.replace(/^\./, '');
  return violation(
    'SANDBOX_SECCOMP',
    at(setting.index),
    difference.expected,
    difference.actual,
    `the seccomp profile differs from the expected one at ${where}`,
  );
}

function missingPaths(
  path: string,
  required: readonly string[],
  actual: readonly string[] | null,
  what: string,
): SandboxViolation[] {
  const present = new Set(actual ?? []);
  const missing = required.filter((p) => !present.has(p));
  if (missing.length === 0) return [];
  return [violation('SANDBOX_SYSTEM_PATHS', path, required, actual, `${missing.join(', ')} not ${what}`)];
}
