/**
 * The security-relevant subset of a Docker Engine container inspect document
 * (`GET /containers/{id}/json`, API 1.41 and later), as a schema. Parsing turns
 * the untrusted document into a typed value before any rule looks at it.
 *
 * Required fields are those Docker always writes (no `omitempty` in moby's
 * `api/types/container` structs); fields Docker omits when empty are optional.
 * Docker writes `null` for an empty list, so lists are nullable.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Value, type ValueError } from '@sinclair/typebox/value';
import { SandboxError } from './errors.js';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Strings = Nullable(Type.Array(Type.String()));

const MountPoint = Type.Object({
  Type: Type.String(),
  Source: Type.Optional(Type.String()),
  Destination: Type.String(),
  RW: Type.Boolean(),
  Propagation: Type.String(),
});

const DeviceMapping = Type.Object({
  PathOnHost: Type.String(),
  PathInContainer: Type.String(),
  CgroupPermissions: Type.String(),
});

const DeviceRequest = Type.Object({
  Driver: Type.String(),
  Count: Type.Integer(),
  DeviceIDs: Strings,
  Capabilities: Nullable(Type.Array(Type.Array(Type.String()))),
});

const HostConfig = Type.Object({
  NetworkMode: Type.String(),
  Privileged: Type.Boolean(),
  ReadonlyRootfs: Type.Boolean(),
  CapAdd: Strings,
  CapDrop: Strings,
  SecurityOpt: Strings,
  MaskedPaths: Strings,
  ReadonlyPaths: Strings,
  PidMode: Type.String(),
  IpcMode: Type.String(),
  UTSMode: Type.String(),
  UsernsMode: Type.String(),
  CgroupnsMode: Type.String(),
  Cgroup: Type.String(),
  Runtime: Type.Optional(Type.String()),
  GroupAdd: Strings,
  PidsLimit: Nullable(Type.Integer()),
  Memory: Type.Integer(),
  MemorySwap: Type.Integer(),
  NanoCpus: Type.Integer(),
  CpuQuota: Type.Integer(),
  CpuPeriod: Type.Integer(),
  Tmpfs: Type.Optional(Nullable(Type.Record(Type.String(), Type.String()))),
  VolumesFrom: Strings,
  Devices: Nullable(Type.Array(DeviceMapping)),
  DeviceCgroupRules: Strings,
  DeviceRequests: Nullable(Type.Array(DeviceRequest)),
});

const Network = Type.Object({});

const InspectSchema = Type.Object({
  AppArmorProfile: Type.String(),
  HostConfig,
  Mounts: Type.Array(MountPoint),
  Config: Type.Object({ User: Type.String(), Entrypoint: Strings }),
  NetworkSettings: Type.Optional(Type.Object({ Networks: Nullable(Type.Record(Type.String(), Network)) })),
});

/** The parsed, typed subset of an inspect document that the sandbox rules read. */
export type ContainerInspect = Static<typeof InspectSchema>;
export type InspectHostConfig = Static<typeof HostConfig>;
export type InspectMountPoint = Static<typeof MountPoint>;

/**
 * Parses an untrusted inspect document. Unknown fields are ignored (they are not read);
 * a missing or mistyped field the rules need throws `SANDBOX_INSPECT_MALFORMED` naming it.
 */
export function parseInspect(document: unknown): ContainerInspect {
  if (Value.Check(InspectSchema, document)) return document;
  const first = deepest(Value.Errors(InspectSchema, document).First());
  const path = first === undefined ? '(document)' : displayPath(first.path);
  const reason = first === undefined ? 'does not match the schema' : first.message.toLowerCase();
  throw new SandboxError('SANDBOX_INSPECT_MALFORMED', `inspect document is malformed at ${path}: ${reason}`);
}

// A union (a nullable field) reports its own path; the branch that got furthest names the real fault.
function deepest(error: ValueError | undefined): ValueError | undefined {
  if (error === undefined) return undefined;
  let best = error;
  for (const branch of error.errors) {
    const inner = deepest(branch.First());
    if (inner !== undefined && inner.path.length > best.path.length) best = inner;
  }
  return best;
}

// RFC 6901 (JSON Pointer) to the dotted form used in violations: /HostConfig/Tmpfs/~1tmp -> HostConfig.Tmpfs["/tmp"].
function displayPath(pointer: string): string {
  if (pointer === '') return '(document)';
  return pointer
    .split('/')
    .slice(1)
    .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce((path, key) => path + member(key), '')
    .replace(/^\./, '');
}

/** Formats one step of a path: `.Name`, `[3]` or `["/sealed/input"]`. */
export function member(key: string | number): string {
  if (typeof key === 'number' || /^\d+$/.test(key)) return `[${key}]`;
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}
