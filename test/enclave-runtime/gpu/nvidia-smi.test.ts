// The GPU inventory from nvidia-smi, on recorded output. This machine has no GPU
// and no nvidia-smi, so the samples are written in the format nvidia-smi(1)
// documents for `--query-gpu=... --format=csv,noheader,nounits` (NVIDIA driver
// 550 man page, "QUERY OPTIONS" and `nvidia-smi --help-query-gpu`): one line per
// GPU, fields in the order asked, separated by ", ", memory.total in MiB without
// the unit. The product names and UUID shapes are those NVIDIA's tools print; the
// name with a comma is made up, to exercise the parser.
import t from 'tap';
import { NVIDIA_SMI_ARGS, nvidiaGpus, parseNvidiaSmi, type Exec } from '../../../enclave-runtime/index.js';

const TWO_A100 = [
  '0, GPU-5f1c2a3b-8d4e-6f70-9a1b-2c3d4e5f6a7b, NVIDIA A100-SXM4-40GB, 40960',
  '1, GPU-0e9d8c7b-6a59-4837-2615-0f1e2d3c4b5a, NVIDIA A100-SXM4-40GB, 40960',
  '',
].join('\n');

t.test('parses one GPU a line, memory from MiB to bytes', (t) => {
  t.same(parseNvidiaSmi(TWO_A100), [
    {
      index: 0,
      uuid: 'GPU-5f1c2a3b-8d4e-6f70-9a1b-2c3d4e5f6a7b',
      name: 'NVIDIA A100-SXM4-40GB',
      memoryBytes: 40960 * 1024 ** 2,
    },
    {
      index: 1,
      uuid: 'GPU-0e9d8c7b-6a59-4837-2615-0f1e2d3c4b5a',
      name: 'NVIDIA A100-SXM4-40GB',
      memoryBytes: 40960 * 1024 ** 2,
    },
  ]);
  t.end();
});

t.test('CRLF line ends, and a product name with a comma', (t) => {
  const out = '0, GPU-1a2b3c4d-0000-1111-2222-333344445555, Tesla T4, rev A, 15360\r\n';
  t.same(parseNvidiaSmi(out), [
    {
      index: 0,
      uuid: 'GPU-1a2b3c4d-0000-1111-2222-333344445555',
      name: 'Tesla T4, rev A',
      memoryBytes: 15360 * 1024 ** 2,
    },
  ]);
  t.end();
});

t.test('no GPU: no lines, no GPUs', (t) => {
  t.same(parseNvidiaSmi(''), []);
  t.end();
});

t.test('anything else is RUNTIME_GPU_QUERY', (t) => {
  for (const bad of [
    'No devices were found',
    '0, GPU-5f1c, NVIDIA A100, [N/A]',
    'x, GPU-5f1c, NVIDIA A100, 40960',
    '0, not-a-uuid, NVIDIA A100, 40960',
    '0, GPU-5f1c, , 40960',
    '0, GPU-5f1c',
  ]) {
    t.throws(() => parseNvidiaSmi(bad), { name: 'DriverError', code: 'RUNTIME_GPU_QUERY' }, bad);
  }
  t.end();
});

t.test('runs nvidia-smi with the query arguments', async (t) => {
  const calls: [string, readonly string[]][] = [];
  const exec: Exec = (file, args) => {
    calls.push([file, args]);
    return Promise.resolve(TWO_A100);
  };
  t.equal((await nvidiaGpus(exec)).length, 2);
  t.same(calls, [['nvidia-smi', NVIDIA_SMI_ARGS]]);
});

t.test('absent binary: no GPUs; a failing one: RUNTIME_GPU_QUERY', async (t) => {
  t.same(await nvidiaGpus(undefined, '/nonexistent/sg-test-driver/nvidia-smi'), []);
  // The message nvidia-smi prints when the kernel driver is not loaded (exit status 9).
  const failing: Exec = () =>
    Promise.reject(
      Object.assign(
        new Error(
          "Command failed: nvidia-smi\nNVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.",
        ),
        { code: 9 },
      ),
    );
  await t.rejects(nvidiaGpus(failing), {
    name: 'DriverError',
    code: 'RUNTIME_GPU_QUERY',
    message: 'nvidia-smi failed: Command failed: nvidia-smi',
  });
  await t.rejects(
    nvidiaGpus(() => Promise.reject(new Error('timed out'))),
    { code: 'RUNTIME_GPU_QUERY' },
  );
  t.same(await nvidiaGpus(() => Promise.resolve('')), []);
});
