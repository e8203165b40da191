/**
 * Sealed containers for supervisor tests, made the way the Docker driver makes
 * them: dockerode directly, from `sandboxContainerConfig(sealedSandboxProfile({
 * entrypoint }))` with the staged supervisor and the ciphertext bound
 * read-only; attached (Tty false, demultiplexed) before it starts. Names carry
 * the `sg-test-supervisor-` prefix and every container is removed.
 */
import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import { sandboxContainerConfig, sealedSandboxProfile, type SandboxProfile } from '../../../../policies/index.js';
import { converse, type Message } from './agent.js';

export interface SealedRun {
  readonly docker: Docker;
  readonly image: string;
  readonly ciphertext: string;
  readonly supervisor: { readonly path: string; readonly entrypoint: readonly string[] };
  readonly makeRun: (helloKey: Uint8Array) => unknown;
  /** Docker's own seccomp off, so only the supervisor's filter stands (one test only). */
  readonly dockerSeccomp?: 'unconfined';
}

/** Runs one sealed container to its end; its messages, exit status, inspect document and profile. */
export async function runSealed(opts: SealedRun): Promise<{
  messages: Message[];
  status: number;
  inspect: unknown;
  profile: SandboxProfile;
  stderr: string;
}> {
  const profile = sealedSandboxProfile({ entrypoint: opts.supervisor.entrypoint });
  const config = sandboxContainerConfig(profile, {
    binds: { ciphertext: opts.ciphertext, supervisor: opts.supervisor.path },
    limits: { pids: 128, memoryBytes: 512 * 1024 ** 2, nanoCpus: 1e9 },
  });
  if (opts.dockerSeccomp === 'unconfined') {
    config.HostConfig.SecurityOpt = config.HostConfig.SecurityOpt.map((o) =>
      o.startsWith('seccomp=') ? 'seccomp=unconfined' : o,
    );
  }
  const container = await opts.docker.createContainer({
    name: `sg-test-supervisor-${randomBytes(6).toString('hex')}`,
    Image: opts.image,
    ...config,
    OpenStdin: true,
    StdinOnce: true,
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    Labels: { 'sealgate.test': 'supervisor' },
  });
  try {
    const inspect = await container.inspect();
    const stream = await container.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true });
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let diagnostics = '';
    stderr.on('data', (d: Buffer) => (diagnostics += d.toString()));
    opts.docker.modem.demuxStream(stream, stdout, stderr);
    stream.on('end', () => {
      stdout.end();
      stderr.end();
    });
    await container.start();
    const [messages, exit] = await Promise.all([
      converse(stdout, stream, opts.makeRun),
      container.wait() as Promise<{ StatusCode: number }>,
    ]);
    return { messages, status: exit.StatusCode, inspect, profile, stderr: diagnostics };
  } finally {
    await container.remove({ force: true });
  }
}
