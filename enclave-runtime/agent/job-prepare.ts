/**
 * A job's first part (docs/node-protocol.md §4, docs/sealing-figures.md): the
 * ciphertext downloads, its digest checked while it is written, while the
 * image is made sure of and the container created sealed. Docker wants a
 * bind's source to exist at create, so each file is made empty first and the
 * download fills that same file. Nothing is attached or started here: the job
 * does that only once both are done and the digests checked.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContainerRuntime, SealedContainer } from '../docker/types.js';
import type { NodeApi } from './api.js';
import { downloadTo } from './blob-files.js';
import type { Job } from './job-schema.js';

/** What preparing a job needs from its runner. */
export interface PrepareContext {
  readonly api: NodeApi;
  readonly runtime: ContainerRuntime;
  readonly supervisor: { readonly path: string };
  readonly gpuDeviceIds: readonly string[];
  readonly signal: AbortSignal;
  /** Which step is running, for failure mapping. */
  step(name: string): void;
  /** Throws AGENT_JOB_ABORTED once the job was stopped from outside. */
  checkAborted(): void;
  /** The container exists: from now on the job's cleanup removes it, whatever happens next. */
  created(container: SealedContainer): void;
}

/** The job's ciphertext files in its directory. */
interface JobFiles {
  readonly ciphertext: string;
  /** An audit job's second ciphertext: the sealed model, scored on the canary set (docs/audit.md). */
  readonly modelCiphertext?: string;
}

async function emptyFiles(job: Job, dir: string): Promise<JobFiles> {
  const files: JobFiles = {
    ciphertext: join(dir, 'ciphertext'),
    ...(job.kind === 'audit' && job.modelBlob !== undefined
      ? { modelCiphertext: join(dir, 'model-ciphertext') }
      : {}),
  };
  for (const file of [files.ciphertext, files.modelCiphertext]) {
    if (file !== undefined) await writeFile(file, '', { mode: 0o600, flag: 'wx' });
  }
  return files;
}

async function download(ctx: PrepareContext, job: Job, files: JobFiles): Promise<void> {
  const blob = (digest: string) => ctx.api.blob(digest, ctx.signal);
  await downloadTo(await blob(job.data.digest), files.ciphertext, job.data.digest, job.data.size);
  const model = job.kind === 'audit' ? job.modelBlob : undefined;
  if (model !== undefined && files.modelCiphertext !== undefined) {
    await downloadTo(await blob(model.digest), files.modelCiphertext, model.digest, model.size);
  }
}

// `phase` says which of the two steps (`image`, then `create`) failed, for failure mapping.
async function create(
  ctx: PrepareContext,
  job: Job,
  files: JobFiles,
  phase: { name: string },
): Promise<SealedContainer> {
  const archive = job.image.archive;
  await ctx.runtime.ensureImage(
    job.image.digest,
    archive ? () => ctx.api.blob(archive, ctx.signal) : undefined,
  );
  ctx.checkAborted();
  phase.name = 'create';
  const container = await ctx.runtime.createSealed({
    runId: job.runId,
    jobId: job.jobId,
    image: job.image.digest,
    binds: {
      ciphertext: files.ciphertext,
      supervisor: ctx.supervisor.path,
      ...(files.modelCiphertext === undefined ? {} : { modelCiphertext: files.modelCiphertext }),
    },
    limits: job.limits,
    ...(ctx.gpuDeviceIds.length > 0 ? { gpuDeviceIds: ctx.gpuDeviceIds } : {}),
  });
  ctx.created(container);
  return container;
}

/**
 * Downloads the job's ciphertext into `dir` while its container is created;
 * resolves to the created (not attached, not started) container. Both settle
 * before anything goes on, so a container created during a failed download is
 * known to the job's cleanup; the download's failure is reported first.
 */
export async function prepareContainer(ctx: PrepareContext, job: Job, dir: string): Promise<SealedContainer> {
  const files = await emptyFiles(job, dir);
  const phase = { name: 'image' };
  ctx.step('download');
  const [downloaded, created] = await Promise.allSettled([
    download(ctx, job, files),
    create(ctx, job, files, phase),
  ]);
  if (downloaded.status === 'rejected') throw downloaded.reason;
  ctx.checkAborted();
  ctx.step(phase.name);
  if (created.status === 'rejected') throw created.reason;
  ctx.checkAborted();
  return created.value;
}
