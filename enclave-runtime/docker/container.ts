/**
 * One sealed container on dockerd: attached stdio, start, the driver's wall-clock
 * limit over running time, pause/resume, cancel, and removal (DESIGN.md section 5
 * steps 5-8, the seed's container engine lifecycle).
 */
import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import { DriverError, engineError, engineStatus, isNotFound } from './errors.js';
import type { ContainerExit, ContainerStdio, SealedContainer } from './types.js';
import { runningDeadline, type RunningDeadline, type Scheduler } from './wall-clock.js';

/** The parts of `docker inspect` the exit report reads. */
interface ExitState {
  readonly State?: { readonly ExitCode?: number; readonly OOMKilled?: boolean };
}

/** A created (not yet started) sealed container; made by `dockerRuntime().createSealed`. */
export class DockerSealedContainer implements SealedContainer {
  readonly id: string;
  private readonly container: Docker.Container;
  private stopReason: 'timeout' | 'cancel' | undefined;
  private deadline: RunningDeadline | undefined;
  private attached = false;
  private started: Promise<void> | undefined;
  private exit: Promise<ContainerExit> | undefined;

  constructor(
    private readonly docker: Docker,
    id: string,
    private readonly wallSeconds: number,
    private readonly scheduler: Scheduler,
  ) {
    this.id = id;
    this.container = docker.getContainer(id);
  }

  /** The raw inspect document; RUNTIME_CONTAINER_GONE once it is removed. */
  async inspect(): Promise<unknown> {
    return this.container.inspect().catch((err: unknown) => this.fail('inspect', err));
  }

  /**
   * Attaches stdin, stdout and stderr (Docker attach, hijacked, `Tty: false`) and
   * demultiplexes stdout and stderr. Ending `stdin` closes the container's stdin
   * (`StdinOnce`); stdout and stderr end when the container stops.
   */
  async attach(): Promise<ContainerStdio> {
    if (this.attached) throw new TypeError('sealed container: attach() called twice');
    if (this.started !== undefined) throw new TypeError('sealed container: attach() after start()');
    this.attached = true;
    const stream = await this.container
      .attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true })
      .catch((err: unknown) => this.fail('attach', err));
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    this.docker.modem.demuxStream(stream, stdout, stderr);
    const finish = (): void => {
      stdout.end();
      stderr.end();
    };
    stream.on('end', finish);
    stream.on('close', finish);
    // A reset after a kill is an ordinary end here; the exit report says what happened.
    stream.on('error', finish);
    // `pipe` ends the socket's write side when stdin ends: a half-close, so output still flows.
    stdin.pipe(stream);
    return { stdin, stdout, stderr };
  }

  /** Starts the container; the wall-clock limit counts from here. */
  start(): Promise<void> {
    if (this.started !== undefined) return Promise.reject(new TypeError('sealed container: started twice'));
    this.started = this.container.start().then(
      () => {
        this.deadline = runningDeadline(
          this.wallSeconds * 1000,
          () => void this.kill('timeout'),
          this.scheduler,
        );
        this.deadline.run();
      },
      (err: unknown) => this.fail('start', err),
    );
    this.exit = this.started.then(() => this.watch());
    // Nobody may ever ask for the exit (e.g. removed early): never an unhandled rejection.
    this.exit.catch(() => undefined);
    return this.started;
  }

  /** Resolves with how it ended; rejects with RUNTIME_CONTAINER_GONE if it was removed first. */
  wait(): Promise<ContainerExit> {
    if (this.exit === undefined)
      return Promise.reject(new TypeError('sealed container: wait() before start()'));
    return this.exit;
  }

  /** `docker pause` (cgroup freezer); the wall clock stops with it. */
  async pause(): Promise<void> {
    this.deadline?.pause();
    try {
      await this.container.pause();
    } catch (err) {
      this.deadline?.run();
      this.fail('pause', err);
    }
  }

  /** `docker unpause`; the wall clock goes on from where it stopped. */
  async resume(): Promise<void> {
    await this.container.unpause().catch((err: unknown) => this.fail('resume', err));
    this.deadline?.run();
  }

  /** Kills it (paused or not); `wait()` then reports `cancelled`. */
  async cancel(): Promise<void> {
    await this.kill('cancel');
  }

  /** Force-removes the container and its anonymous volumes (tmpfs goes with it); idempotent. */
  async remove(): Promise<void> {
    this.deadline?.stop();
    try {
      await this.container.remove({ force: true, v: true });
    } catch (err) {
      // 404: already gone; 409: a removal is already in progress.
      const status = engineStatus(err);
      if (status !== 404 && status !== 409) throw engineError('remove', err);
    }
  }

  private async watch(): Promise<ContainerExit> {
    try {
      await this.container.wait({ condition: 'not-running' });
    } finally {
      this.deadline?.stop();
    }
    const info = (await this.inspect()) as ExitState;
    return {
      exitCode: info.State?.ExitCode ?? -1,
      oomKilled: info.State?.OOMKilled === true,
      timedOut: this.stopReason === 'timeout',
      cancelled: this.stopReason === 'cancel',
    };
  }

  /** SIGKILL; Docker thaws a paused container to deliver it. Already stopped or gone is fine. */
  private async kill(reason: 'timeout' | 'cancel'): Promise<void> {
    this.stopReason ??= reason;
    try {
      await this.container.kill();
    } catch (err) {
      const status = engineStatus(err);
      if (status === 404 || status === 409) return;
      if (reason === 'cancel') throw engineError('cancel', err);
    }
  }

  private fail(what: string, err: unknown): never {
    if (isNotFound(err)) {
      throw new DriverError('RUNTIME_CONTAINER_GONE', `${what}: container ${this.id.slice(0, 12)} is gone`, {
        cause: err,
      });
    }
    throw engineError(what, err);
  }
}
