/**
 * The sandbox evaluator: parse an untrusted `docker inspect` document, then judge
 * it against the sandbox profile, rule by rule (DESIGN.md section 7.1).
 */
import { checkDevices } from './check-devices.js';
import { checkNetwork, checkPowers, checkUser } from './check-isolation.js';
import { checkLimits } from './check-limits.js';
import { checkMounts } from './check-mounts.js';
import { checkNamespaces, checkRuntime } from './check-runtime.js';
import { checkConfinement } from './check-security-opt.js';
import type { SandboxViolation } from './errors.js';
import { parseInspect } from './inspect.js';
import type { SandboxProfile } from './profile.js';

/**
 * Judges a container's inspect document (`GET /containers/{id}/json`) against a
 * sandbox profile and returns every violation, in a stable order; an empty list
 * means the container is sealed as far as Docker's own report can show. A document
 * that is not the shape Docker returns throws `SandboxError` SANDBOX_INSPECT_MALFORMED
 * naming the path, before any rule runs.
 *
 * @example
 * ```ts
 * const violations = evaluateSandbox(await docker.getContainer(id).inspect(), profile);
 * if (violations.length > 0) throw new Error(violations.map((v) => `${v.code} ${v.path}`).join('; '));
 * ```
 */
export function evaluateSandbox(inspect: unknown, profile: SandboxProfile): SandboxViolation[] {
  const container = parseInspect(inspect);
  return [
    ...checkNetwork(container, profile),
    ...checkPowers(container, profile),
    ...checkUser(container),
    ...checkConfinement(container, profile),
    ...checkNamespaces(container),
    ...checkLimits(container, profile),
    ...checkMounts(container, profile),
    ...checkDevices(container, profile),
    ...checkRuntime(container, profile),
  ];
}
