/**
 * Devices: no host device and no device cgroup rule; GPUs only through
 * `DeviceRequests`, only when the profile asks for them, and no more than it allows.
 */
import { violation, type SandboxViolation } from './errors.js';
import type { ContainerInspect } from './inspect.js';
import type { SandboxProfile } from './profile.js';

/** Device drivers a GPU request may name ('' lets Docker pick the one that offers `gpu`). */
const GPU_DRIVERS: ReadonlySet<string> = new Set(['', 'nvidia']);

/** Capabilities a GPU request may ask for (NVIDIA_DRIVER_CAPABILITIES compute and utility, and Docker's `gpu`). */
const GPU_CAPABILITIES: ReadonlySet<string> = new Set(['gpu', 'nvidia', 'compute', 'utility']);

/** Host devices, device cgroup rules and GPU requests. */
export function checkDevices(inspect: ContainerInspect, profile: SandboxProfile): SandboxViolation[] {
  const host = inspect.HostConfig;
  const out: SandboxViolation[] = [];
  (host.Devices ?? []).forEach((device, i) => {
    const mapping = `${device.PathOnHost}:${device.PathInContainer}:${device.CgroupPermissions}`;
    out.push(
      violation(
        'SANDBOX_DEVICE',
        `HostConfig.Devices[${i}]`,
        'none',
        mapping,
        `host device ${device.PathOnHost} is exposed`,
      ),
    );
  });
  (host.DeviceCgroupRules ?? []).forEach((rule, i) => {
    out.push(
      violation(
        'SANDBOX_DEVICE',
        `HostConfig.DeviceCgroupRules[${i}]`,
        'none',
        rule,
        `device cgroup rule ${rule} is added`,
      ),
    );
  });

  let gpus = 0;
  (host.DeviceRequests ?? []).forEach((request, i) => {
    const path = `HostConfig.DeviceRequests[${i}]`;
    if (profile.maxGpus === 0) {
      out.push(
        violation(
          'SANDBOX_DEVICE',
          path,
          'none',
          request,
          'a device is requested but the profile asks for no GPU',
        ),
      );
      return;
    }
    if (!GPU_DRIVERS.has(request.Driver)) {
      out.push(
        violation(
          'SANDBOX_DEVICE',
          `${path}.Driver`,
          'nvidia',
          request.Driver,
          `device driver ${request.Driver} is not allowed`,
        ),
      );
    }
    const capabilities = (request.Capabilities ?? []).flat();
    if (capabilities.length === 0 || capabilities.some((c) => !GPU_CAPABILITIES.has(c))) {
      out.push(
        violation(
          'SANDBOX_DEVICE',
          `${path}.Capabilities`,
          [['gpu']],
          request.Capabilities,
          'the request is not for GPU compute only',
        ),
      );
    }
    const ids = request.DeviceIDs ?? [];
    if (ids.length === 0 && request.Count < 0) {
      out.push(
        violation(
          'SANDBOX_DEVICE',
          `${path}.Count`,
          `at most ${profile.maxGpus}`,
          request.Count,
          'every GPU on the host is requested',
        ),
      );
    } else {
      gpus += ids.length > 0 ? ids.length : request.Count;
    }
  });
  if (gpus > profile.maxGpus) {
    out.push(
      violation(
        'SANDBOX_DEVICE',
        'HostConfig.DeviceRequests',
        `at most ${profile.maxGpus} GPUs`,
        gpus,
        `${gpus} GPUs are requested`,
      ),
    );
  }
  return out;
}
