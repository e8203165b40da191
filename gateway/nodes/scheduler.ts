/**
 * The scheduler (DESIGN.md 5 step 4, docs/node-protocol.md section 2): a node
 * asks for a job and gets the oldest queued run or inference whose model's
 * resources fit what the node has left and which it has not faulted on -
 * and (docs/bonds-and-placement.md) for which it is eligible (bond,
 * tier, not penalised out) and among the best-scoring candidates, unless the
 * job has waited `placement.patienceSeconds`.
 * Handing it out writes the job and places the run (or starts the inference)
 * in ONE batch under the store's lock, so two nodes never get one run.
 * Waiting nodes sleep until a run is queued (the runs' event log tells of
 * every new or requeued run) or their wait ends: no busy loop.
 */
import type { AuditRecord } from '../audit/record.js';
import { AUDITS_SUBLEVEL } from '../audit/record.js';
import { DATASETS_SUBLEVEL } from '../datasets/record.js';
import type { DatasetRecord } from '../datasets/record.js';
import { newId } from '../ids.js';
import type { InferenceRecord } from '../inference/record.js';
import { INFERENCES_SUBLEVEL } from '../inference/record.js';
import { MODELS_SUBLEVEL } from '../models/record.js';
import type { ModelRecord } from '../models/record.js';
import type { NormalizedOptions } from '../options.js';
import type { RunRecord } from '../runs/record.js';
import { RUNS_SUBLEVEL } from '../runs/record.js';
import type { RunService } from '../runs/service.js';
import type { Store } from '../store/index.js';
import { put } from '../store/index.js';
import { activeJobs, newJobOps } from './jobs.js';
import type { WireJob } from './job-spec.js';
import { fits, limitsFor, wireJob } from './job-spec.js';
import type { JobRecord, NodeRecord } from './records.js';
import type { NodeRegistry } from './registry.js';
// placement (docs/bonds-and-placement.md)
import type { PlacementSnapshot } from '../bonds/placement-view.js';
import { placementRequest } from '../bonds/placement-view.js';

/** What the scheduler works with. */
export interface SchedulerDeps {
  readonly store: Store;
  readonly runs: RunService;
  readonly registry: NodeRegistry;
  readonly options: NormalizedOptions;
  /** The broker's X25519 public key, base64 (the sealed output's key is wrapped to it). */
  readonly brokerPublicKey: string;
  /** A look at every node for placement; absent, any node that fits may take any job. */
  readonly placement?: () => Promise<PlacementSnapshot>;
}

// may the asking node take this job (eligible, among the best, or the job waited long enough)?
type Gate = (job: JobRecord, dataset: DatasetRecord, queuedSince: string) => boolean;

// The creation-time part of an id (gateway/ids.ts), so runs and inferences sort together.
function timeOf(id: string): string {
  return id.slice(id.indexOf('_') + 1);
}

export class Scheduler {
  readonly #deps: SchedulerDeps;
  /** Ids of queued runs and inferences (rebuilt from the store at start). */
  readonly #queue = new Set<string>();
  readonly #waiters = new Set<() => void>();
  #generation = 0;
  #closed = false;
  #unsubscribe: (() => void) | undefined;

  constructor(deps: SchedulerDeps) {
    this.#deps = deps;
  }

  /** Read the queue from the store and follow the runs' events. */
  async start(): Promise<void> {
    const { store, runs } = this.#deps;
    this.#unsubscribe = runs.events.subscribeAll((runId, event) => {
      if (event.type !== 'state') return;
      if (event.state === 'queued') this.enqueue(runId);
      else this.#queue.delete(runId);
    });
    for await (const run of store.sublevel(RUNS_SUBLEVEL).values()) {
      if ((run as RunRecord).state === 'queued') this.#queue.add((run as RunRecord).id);
    }
    for await (const inference of store.sublevel(INFERENCES_SUBLEVEL).values()) {
      if ((inference as InferenceRecord).state === 'queued')
        this.#queue.add((inference as InferenceRecord).id);
    }
    for await (const audit of store.sublevel(AUDITS_SUBLEVEL).values()) {
      if ((audit as AuditRecord).state === 'queued') this.#queue.add((audit as AuditRecord).id);
    }
  }

  /** How many runs, inferences and audits wait for a node (the queue-length metric). */
  get queueLength(): number {
    return this.#queue.size;
  }

  /** Stop following events and release every waiting node. */
  close(): void {
    this.#closed = true;
    this.#unsubscribe?.();
    this.#wake();
  }

  /** How many runs, inferences and audits wait (the quote's queue estimate). */
  get queued(): number {
    return this.#queue.size;
  }

  /** Queue a run or inference id and wake the waiting nodes. */
  enqueue(id: string): void {
    this.#queue.add(id);
    this.#wake();
  }

  #wake(): void {
    this.#generation++;
    for (const waiter of [...this.#waiters]) waiter();
  }

  /**
   * The next job for node `nodeId`, waiting up to `waitSeconds` for one
   * (real time); undefined when none came, the request went away (`signal`)
   * or the gateway is closing.
   */
  async next(nodeId: string, waitSeconds: number, signal?: AbortSignal): Promise<WireJob | undefined> {
    const deadline = Date.now() + waitSeconds * 1000;
    for (;;) {
      const seen = this.#generation;
      const job = await this.claim(nodeId);
      if (job) return job;
      const remaining = deadline - Date.now();
      if (remaining <= 0 || this.#closed || signal?.aborted) return undefined;
      if (seen === this.#generation) await this.#sleep(remaining, signal);
    }
  }

  #sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#waiters.add(done);
      signal?.addEventListener('abort', done);
    });
  }

  /** Hand node `nodeId` the oldest job it can take now, or undefined (no waiting). */
  async claim(nodeId: string): Promise<WireJob | undefined> {
    const { store, runs } = this.#deps;
    const claimed = await store.exclusive(async () => {
      const node = await this.#deps.registry.caller(nodeId);
      const active = (await activeJobs(store, nodeId)).map((j) => j.limits);
      const faulted = new Set(node.faults.map((f) => f.runId));
      const ids = [...this.#queue].sort((a, b) => (timeOf(a) < timeOf(b) ? -1 : 1));
      // one placement snapshot per claim, read only when something waits
      const snapshot = ids.length > 0 && this.#deps.placement ? await this.#deps.placement() : undefined;
      const gate: Gate = (job, dataset, since) =>
        snapshot === undefined ||
        snapshot.allows(
          nodeId,
          placementRequest(job.limits, dataset.policy.release.minTier),
          (this.#deps.options.now().getTime() - Date.parse(since)) / 1000,
        );
      for (const id of ids) {
        const found = id.startsWith('inf_')
          ? await this.#inferenceJob(id, node, active, faulted, gate)
          : id.startsWith('aud_')
            ? await this.#auditJob(id, node, active, faulted, gate)
            : await this.#runJob(id, node, active, faulted, gate);
        if (found) return found;
      }
      return undefined;
    });
    if (!claimed) return undefined;
    this.#queue.delete(claimed.job.inferenceId ?? claimed.job.auditId ?? claimed.job.runId);
    if (claimed.published) runs.events.publish(claimed.job.runId, claimed.published);
    return wireJob(claimed.job, this.#deps.brokerPublicKey, claimed.inputs);
  }

  async #load(run: RunRecord): Promise<{ model: ModelRecord; dataset: DatasetRecord } | undefined> {
    const { store } = this.#deps;
    const model = await store.get<ModelRecord>(store.sublevel(MODELS_SUBLEVEL), run.model);
    const dataset = await store.get<DatasetRecord>(store.sublevel(DATASETS_SUBLEVEL), run.dataset);
    return model && dataset ? { model, dataset } : undefined;
  }

  #job(
    kind: JobRecord['kind'],
    run: RunRecord,
    model: ModelRecord,
    node: NodeRecord,
  ): Omit<JobRecord, 'data'> {
    const at = this.#deps.options.now();
    return {
      id: newId('job', at),
      kind,
      runId: run.id,
      nodeId: node.id,
      image: {
        digest: model.image.digest,
        ...(model.image.archive ? { archive: model.image.archive.digest } : {}),
      },
      model: model.descriptor,
      limits: limitsFor(model.descriptor, this.#deps.options.jobLimitCaps),
      params: { steps: run.steps, hyperparameters: { ...run.hyperparameters } },
      state: 'assigned',
      createdAt: at.toISOString(),
      updatedAt: at.toISOString(),
    };
  }

  async #runJob(
    id: string,
    node: NodeRecord,
    active: JobRecord['limits'][],
    faulted: Set<string>,
    gate: Gate,
  ) {
    const { store, runs } = this.#deps;
    const run = await store.get<RunRecord>(store.sublevel(RUNS_SUBLEVEL), id);
    if (run?.state !== 'queued') {
      this.#queue.delete(id);
      return undefined;
    }
    const parts = faulted.has(id) ? undefined : await this.#load(run);
    if (!parts) return undefined;
    const job: JobRecord = {
      ...this.#job('train', run, parts.model, node),
      data: parts.dataset.blob,
      // issue 5: the dataset's egress channels reach the supervisor
      egress: {
        channels: [...parts.dataset.policy.egress.channels],
        maxRecordBytes: parts.dataset.policy.egress.maxRecordBytes,
      },
    };
    if (!fits(node.capacity, active, job.limits) || !gate(job, parts.dataset, run.updatedAt))
      return undefined;
    const placed = await runs.transitionLocked(id, 'place', { node: node.id, miner: node.miner }, () =>
      newJobOps(store, job),
    );
    return { job, published: placed.published, inputs: undefined };
  }

  async #inferenceJob(
    id: string,
    node: NodeRecord,
    active: JobRecord['limits'][],
    faulted: Set<string>,
    gate: Gate,
  ) {
    const { store } = this.#deps;
    const sub = store.sublevel(INFERENCES_SUBLEVEL);
    const inference = await store.get<InferenceRecord>(sub, id);
    if (inference?.state !== 'queued') {
      this.#queue.delete(id);
      return undefined;
    }
    const run = await store.get<RunRecord>(store.sublevel(RUNS_SUBLEVEL), inference.runId);
    const parts = run?.output && !faulted.has(id) ? await this.#load(run) : undefined;
    if (!run?.output || !parts) return undefined;
    const base = this.#job('predict', run, parts.model, node);
    const job: JobRecord = {
      ...base,
      inferenceId: id,
      data: { digest: run.output.digest, size: run.output.size },
    };
    if (!fits(node.capacity, active, job.limits) || !gate(job, parts.dataset, inference.updatedAt))
      return undefined;
    const running: InferenceRecord = {
      ...inference,
      state: 'running',
      node: node.id,
      updatedAt: base.updatedAt,
    };
    await store.write([put(sub, id, running), ...newJobOps(store, job)]);
    return { job, published: undefined, inputs: inference.inputs };
  }

  // An audit (docs/audit.md): the run's model scores the listing's canary set; both ciphertexts are bound.
  async #auditJob(
    id: string,
    node: NodeRecord,
    active: JobRecord['limits'][],
    faulted: Set<string>,
    gate: Gate,
  ) {
    const { store } = this.#deps;
    const sub = store.sublevel(AUDITS_SUBLEVEL);
    const audit = await store.get<AuditRecord>(sub, id);
    if (audit?.state !== 'queued') {
      this.#queue.delete(id);
      return undefined;
    }
    const run = await store.get<RunRecord>(store.sublevel(RUNS_SUBLEVEL), audit.runId);
    const parts = run?.output && !faulted.has(id) ? await this.#load(run) : undefined;
    if (!run?.output || !parts) return undefined;
    const base = this.#job('audit', run, parts.model, node);
    const job: JobRecord = {
      ...base,
      auditId: id,
      data: { digest: audit.canaries.digest, size: audit.canaries.size },
      modelBlob: { digest: run.output.digest, size: run.output.size },
    };
    if (!fits(node.capacity, active, job.limits) || !gate(job, parts.dataset, audit.updatedAt))
      return undefined;
    const running: AuditRecord = { ...audit, state: 'running', node: node.id, updatedAt: base.updatedAt };
    await store.write([put(sub, id, running), ...newJobOps(store, job)]);
    return { job, published: undefined, inputs: undefined };
  }
}
