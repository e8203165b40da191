/**
 * `sealgate demo` (issue 7): the whole sealed trade in nine steps on this
 * machine, with the real parts of bench/world.ts (a gateway and a node agent
 * in this process, on loopback; LevelDB in a temp dir; the local dockerd;
 * images built here). It lives in bin/, the composition root, because it
 * starts the gateway and the node, which client/ may not import
 * (docs/demo.md). Narrated in plain words, or one `--json` document; a failed
 * step makes the exit non-zero. Everything it made is removed at the end.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { bytesToHex } from '../../attest/index.js';
import { stageSupervisorIn } from '../../bench/world.js';
import type { CommandContext } from '../../client/cli/index.js';
import { createProgress } from '../../client/cli/index.js';
import { checks } from '../demo/checks.js';
import { settle } from '../demo/settle.js';
import { Narrator } from '../demo/narrate.js';
import { DemoError, STEP_NAMES, runSteps } from '../demo/outcome.js';
import type { StepName, StepSpec } from '../demo/outcome.js';
import { DemoScope, onInterrupt } from '../demo/scope.js';
import type { DemoState } from '../demo/state.js';
import { trade } from '../demo/trade.js';

/** The listing's egress policy: metrics and logs reach the guard (so a printed record is matched). */
const EGRESS = { channels: ['metrics', 'logs'] };

/** What each step needs to have succeeded first. */
const NEEDS: Readonly<Record<StepName, readonly StepName[]>> = {
  accounts: [],
  'list-dataset': ['accounts'],
  'publish-model': ['list-dataset'],
  'sealed-run': ['publish-model'],
  inference: ['sealed-run'],
  verification: ['sealed-run'],
  'leaky-run-caught': ['publish-model'],
  settlement: ['sealed-run'],
  ratings: ['sealed-run'],
};

/** Fail with one line saying how to get a dockerd, when none answers. */
async function pingDocker(docker: Docker): Promise<void> {
  try {
    await docker.ping();
  } catch (cause) {
    throw new DemoError(
      'DEMO_NO_DOCKER',
      'no dockerd answers: run `npm run demo` as root, which starts one',
      {
        cause,
      },
    );
  }
}

/** The `sealgate demo` command (named in bin/commands.ts). */
export async function runDemo(ctx: CommandContext): Promise<void> {
  const began = performance.now();
  const narrator = new Narrator(ctx.json ? () => undefined : (text) => ctx.stdout.write(text));
  const scope = new DemoScope();
  const docker = new Docker();
  const dir = await mkdtemp(join(tmpdir(), 'sealgate-demo-'));
  const state: DemoState = {
    scope,
    dir,
    label: `demo-${bytesToHex(crypto.getRandomValues(new Uint8Array(4)))}`,
    say: (line) => narrator.line(line),
    progress: (label, total) =>
      ctx.json
        ? { update: () => undefined, finish: () => undefined }
        : createProgress(ctx.stderr, { label, total }),
    egress: EGRESS,
    images: [],
  };
  // Registered first, so run last: after the node (its containers) and the gateway have stopped.
  scope.teardown(() => rm(dir, { recursive: true, force: true }));
  scope.teardown(async () => {
    const failed = [];
    for (const tag of state.images) {
      try {
        await docker.getImage(tag).remove();
      } catch (err) {
        if ((err as { statusCode?: number }).statusCode !== 404) failed.push(tag);
      }
    }
    if (failed.length > 0) throw new Error(`could not remove the images ${failed.join(', ')}`);
  });
  let interrupted = false;
  const release = onInterrupt(() => {
    interrupted = true;
    ctx.stderr.write(
      'sealgate demo: interrupted; finishing the current step, then cleaning up (again to quit now)\n',
    );
  });
  const steps = { ...trade, ...checks, ...settle };
  const specs: StepSpec[] = STEP_NAMES.map((step) => ({
    step,
    needs: NEEDS[step],
    run: async () => {
      if (step === 'accounts') {
        await pingDocker(docker);
        await stageSupervisorIn(join(dir, 'supervisor'));
      }
      return steps[step](state);
    },
  }));
  narrator.begin();
  let outcomes;
  let problems: string[];
  try {
    outcomes = await runSteps(
      specs,
      { onStart: (step, i) => narrator.start(step, i), onEnd: (outcome) => narrator.end(outcome) },
      () => interrupted,
    );
  } finally {
    problems = await scope.close();
    release();
  }
  const cleanup = await leftovers(docker, state, problems);
  const clean = cleanup.containers === 0 && cleanup.images.length === 0 && cleanup.dirs.length === 0;
  const ok = outcomes.every((o) => o.ok) && problems.length === 0 && clean;
  const seconds = Math.round(performance.now() - began) / 1000;
  narrator.summary(outcomes, seconds, problems);
  if (ctx.json) ctx.stdout.write(JSON.stringify({ ok, seconds, steps: outcomes, cleanup }) + '\n');
  if (!ok) {
    const failed = outcomes.find((o) => !o.ok);
    const why =
      failed && !failed.ok
        ? `${failed.step}: ${failed.error} (${failed.code})`
        : `clean-up: ${JSON.stringify(cleanup)} (DEMO_UNCLEAN)`;
    ctx.stderr.write(`sealgate: the demo failed at ${why}\n`);
    // bin/sealgate.ts keeps this code: the failure is already reported, in the document above.
    process.exitCode = 1;
  }
}

/** What is left of the demo after its clean-up (all zero and false when it cleaned up). */
async function leftovers(
  docker: Docker,
  state: DemoState,
  problems: string[],
): Promise<{
  containers: number;
  images: string[];
  dirs: string[];
  label?: string;
  gateway?: string;
  problems: string[];
}> {
  const world = state.world;
  const containers = world
    ? (await world.docker.listContainers({ all: true, filters: { label: [`sealgate.test=${world.label}`] } }))
        .length
    : 0;
  const images: string[] = [];
  for (const tag of state.images) {
    if (
      await docker
        .getImage(tag)
        .inspect()
        .then(
          () => true,
          () => false,
        )
    )
      images.push(tag);
  }
  const dirs = [state.dir, ...(world ? [world.dir] : [])].filter((d) => existsSync(d));
  return {
    containers,
    images,
    dirs,
    ...(world ? { label: world.label, gateway: world.gateway.url } : {}),
    problems,
  };
}
