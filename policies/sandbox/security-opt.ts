/**
 * Reads `HostConfig.SecurityOpt` the way dockerd does (moby 20.10
 * `daemon/create.go` parseSecurityOpt): each entry is split at its first `=`,
 * or at its first `:` when it has no `=` (the legacy form); a bare
 * `no-new-privileges` means true and a bare `disable` means `label=disable`;
 * for a key given twice the last entry wins.
 */

/** Where an option came from: its index in `HostConfig.SecurityOpt`. */
export interface Located<T> {
  readonly value: T;
  readonly index: number;
}

/** The seccomp setting Docker applies, from the last `seccomp` entry. */
export type SeccompSetting =
  | { readonly kind: 'default' }
  | { readonly kind: 'unconfined' }
  | { readonly kind: 'profile'; readonly profile: unknown }
  | { readonly kind: 'invalid'; readonly text: string };

/** The security options of a container, with their effective values. */
export interface SecurityOptions {
  /** `undefined` when absent; `'invalid'` when the value is not a Go boolean. */
  readonly noNewPrivileges: Located<boolean | 'invalid'> | undefined;
  readonly seccomp: Located<SeccompSetting> | undefined;
  readonly apparmor: Located<string> | undefined;
  /** SELinux `label` options; they add up rather than override. */
  readonly labels: readonly Located<string>[];
  /** Entries with a key dockerd does not know. */
  readonly unknown: readonly Located<string>[];
}

// strconv.ParseBool, which dockerd uses for no-new-privileges.
const GO_TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const GO_FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/** Splits and interprets every `SecurityOpt` entry. */
export function readSecurityOpt(entries: readonly string[] | null): SecurityOptions {
  let noNewPrivileges: Located<boolean | 'invalid'> | undefined;
  let seccomp: Located<SeccompSetting> | undefined;
  let apparmor: Located<string> | undefined;
  const labels: Located<string>[] = [];
  const unknown: Located<string>[] = [];
  (entries ?? []).forEach((entry, index) => {
    if (entry === 'no-new-privileges') {
      noNewPrivileges = { value: true, index };
      return;
    }
    if (entry === 'disable') {
      labels.push({ value: entry, index });
      return;
    }
    const [key, value] = splitOption(entry);
    if (key === 'no-new-privileges' && value !== undefined) {
      noNewPrivileges = { value: GO_TRUE.has(value) ? true : GO_FALSE.has(value) ? false : 'invalid', index };
    } else if (key === 'seccomp' && value !== undefined) {
      seccomp = { value: seccompSetting(value), index };
    } else if (key === 'apparmor' && value !== undefined) {
      apparmor = { value, index };
    } else if (key === 'label' && value !== undefined) {
      labels.push({ value, index });
    } else {
      unknown.push({ value: entry, index });
    }
  });
  return { noNewPrivileges, seccomp, apparmor, labels, unknown };
}

function splitOption(entry: string): [string, string | undefined] {
  const separator = entry.includes('=') ? '=' : ':';
  const at = entry.indexOf(separator);
  return at < 0 ? [entry, undefined] : [entry.slice(0, at), entry.slice(at + 1)];
}

function seccompSetting(value: string): SeccompSetting {
  if (value === 'unconfined') return { kind: 'unconfined' };
  try {
    return { kind: 'profile', profile: JSON.parse(value) as unknown };
  } catch {
    return { kind: 'invalid', text: value };
  }
}
