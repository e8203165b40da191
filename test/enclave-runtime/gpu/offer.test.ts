// How many GPUs a node seals with: gpuSandbox gives the setting, else
// the inventory's count, and the Docker driver made with it judges by that
// maxGpus and offers that many GPUs of its inventory. A fake inventory (the
// GpuInfo shape nvidia-smi.ts parses); no GPU, no dockerd.
import t from 'tap';
import { DriverError, dockerRuntime, gpuSandbox, type GpuInfo } from '../../../enclave-runtime/index.js';

const ENTRYPOINT = ['/sealed/supervisor/node', '/sealed/supervisor/main.js'];
const gpu = (index: number): GpuInfo => ({ index, uuid: `GPU-${index}`, name: 'Fake', memoryBytes: 1024 });
const four = () => Promise.resolve([0, 1, 2, 3].map(gpu));
const unasked = () => Promise.reject(new Error('the inventory was asked'));

/** The runtime node start builds from a setting and an inventory. */
async function node(maxGpus: number | undefined, gpus: () => Promise<GpuInfo[]> = four) {
  return dockerRuntime({ entrypoint: ENTRYPOINT, sandbox: await gpuSandbox(maxGpus, gpus), gpus });
}

t.test('a setting is the profile maxGpus, and the node offers that many', async (t) => {
  const two = await node(2, four);
  t.equal(two.profile.maxGpus, 2);
  t.same(await two.gpus(), [gpu(0), gpu(1)], 'the first two by index');
  const zero = await node(0, unasked);
  t.equal(zero.profile.maxGpus, 0);
  t.same(await zero.gpus(), [], 'a CPU node by choice: nvidia-smi is never run');
  const more = await node(8);
  t.equal(more.profile.maxGpus, 8);
  t.equal((await more.gpus()).length, 4, 'never more than it has');
});

t.test('no setting: every GPU the inventory finds; its failure stops the start', async (t) => {
  const all = await node(undefined);
  t.equal(all.profile.maxGpus, 4);
  t.same(await all.gpus(), [0, 1, 2, 3].map(gpu));
  t.same(await gpuSandbox(undefined, () => Promise.resolve([])), { maxGpus: 0 }, 'no nvidia-smi: none');
  const broken = () => Promise.reject(new DriverError('RUNTIME_GPU_QUERY', 'nvidia-smi exited 9'));
  await t.rejects(gpuSandbox(undefined, broken), { name: 'DriverError', code: 'RUNTIME_GPU_QUERY' });
  for (const bad of [-1, 1.5, Number.NaN]) await t.rejects(gpuSandbox(bad, four), TypeError);
});

t.test('the default inventory on this machine (no nvidia-smi): none', async (t) => {
  t.same(await gpuSandbox(undefined), { maxGpus: 0 });
});
