/**
 * Fixtures of the sandbox tests: the recorded inspect documents of
 * test/fixtures/inspect/ (see its README.md for how they were recorded) and Docker's
 * default seccomp profile from test/fixtures/reference/ (moby/profiles at cd3bed8),
 * which the tests use as the expected profile.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sandboxProfile, type SandboxProfile, type SandboxProfileOptions } from '../../policies/index.js';

// Compiled to dist/test/helpers/: three levels up is the worktree root.
const root = new URL('../../../', import.meta.url);

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(fileURLToPath(new URL(path, root)), 'utf8')) as unknown;
}

/** An inspect document typed loosely enough for tests to edit its fields. */
export interface EditableInspect {
  [field: string]: unknown;
  HostConfig: Record<string, unknown>;
  Config: Record<string, unknown>;
  Mounts: Record<string, unknown>[];
  NetworkSettings: { Networks: Record<string, unknown> | null };
}

export type InspectFixtureName =
  'sealed' | 'sealed-twin' | 'api' | 'gpu' | 'default' | 'loose' | 'driver-gpu';

/** A recorded inspect document (a fresh copy each call, so tests may edit it). */
export function inspectFixture(name: InspectFixtureName): EditableInspect {
  return readJson(`test/fixtures/inspect/${name}.json`) as EditableInspect;
}

/** Docker's default seccomp profile, as a parsed JSON object. */
export function dockerDefaultSeccomp(): Record<string, unknown> {
  return readJson('test/fixtures/reference/docker-default-seccomp.json') as Record<string, unknown>;
}

/** A profile whose expected seccomp profile is Docker's default; other options as given. */
export function testProfile(options: Partial<SandboxProfileOptions> = {}): SandboxProfile {
  return sandboxProfile({ seccomp: dockerDefaultSeccomp(), ...options });
}
