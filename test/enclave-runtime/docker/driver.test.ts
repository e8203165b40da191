// The Docker driver against the real dockerd: what a sealed container looks like
// from its own inspect document, what a program inside it can and cannot do
// (results printed on stdout and read through attach), the refusal of a container
// that breaks the profile, and the sweep. Programs are small JS files run by the
// host's Node in a FROM scratch image (fixture.ts).
import t from 'tap';
import { SEALGATE_SECCOMP_JSON } from '../../../policies/index.js';
import { collect, driverFixture, TEST_ENTRYPOINT, TEST_LIMITS } from './fixture.js';

type Inspect = {
  Image: string;
  Name: string;
  Config: Record<string, unknown> & { Labels: Record<string, string> };
  HostConfig: Record<string, unknown>;
  Mounts: { Type: string; Destination: string; RW: boolean; Source: string }[];
  NetworkSettings: { Networks: Record<string, unknown> | null };
};

const fixture = await driverFixture(t, 'driver');
if (fixture !== undefined) {
  const { runtime, image, docker } = fixture;
  const volumeNames = async (): Promise<string[]> =>
    ((await docker.listVolumes()).Volumes ?? []).map((v) => v.Name).sort();

  t.test('version names the engine', async (t) => {
    t.match(await runtime.version(), /^docker \d+\.\d+/);
  });

  t.test('the created container shows every sandbox setting in its inspect', async (t) => {
    const spec = fixture.spec('');
    const container = await runtime.createSealed(spec);
    t.teardown(() => container.remove());
    const doc = (await container.inspect()) as Inspect;
    const host = doc.HostConfig;
    t.equal(doc.Image, image);
    t.equal(doc.Name, `/sealgate-${spec.jobId}`);
    t.equal(host.NetworkMode, 'none');
    // Created, not started: no network at all is attached yet (`none` once it runs).
    t.same(Object.keys(doc.NetworkSettings.Networks ?? {}), []);
    t.equal(host.ReadonlyRootfs, true);
    t.equal(host.Privileged, false);
    t.same(host.CapDrop, ['ALL']);
    t.same(host.CapAdd ?? [], []);
    const securityOpt = host.SecurityOpt as string[];
    t.equal(securityOpt[0], 'no-new-privileges');
    t.same(JSON.parse(securityOpt[1].slice('seccomp='.length)), SEALGATE_SECCOMP_JSON);
    t.equal(securityOpt.length, 2);
    t.equal(host.PidsLimit, TEST_LIMITS.pids);
    t.equal(host.Memory, TEST_LIMITS.memoryBytes);
    t.equal(host.MemorySwap, TEST_LIMITS.memoryBytes);
    t.equal(host.NanoCpus, TEST_LIMITS.nanoCpus);
    t.equal(doc.Config.User, '65534:65534');
    t.same(doc.Config.Entrypoint, TEST_ENTRYPOINT);
    // Nothing but the PATH dockerd adds when the image sets none: no secret, ever.
    t.same(doc.Config.Env, ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin']);
    t.equal(doc.Config.Tty, false);
    t.equal(doc.Config.OpenStdin, true);
    t.equal(doc.Config.StdinOnce, true);
    const tmpfsOptions = `rw,noexec,nosuid,nodev,size=${TEST_LIMITS.tmpfsBytes}`;
    t.same(host.Tmpfs, { '/sealed/input': tmpfsOptions, '/sealed/output': tmpfsOptions, '/tmp': tmpfsOptions });
    const mounts = doc.Mounts.map((m) => [m.Type, m.Destination, m.RW, m.Source]).sort();
    t.same(mounts, [
      ['bind', '/sealed/ciphertext', false, spec.binds.ciphertext],
      ['bind', '/sealed/supervisor', false, spec.binds.supervisor],
    ]);
    t.same(host.DeviceRequests ?? [], []);
    t.same(host.Devices ?? [], []);
    t.match(doc.Config.Labels, {
      'sealgate.run': spec.runId,
      'sealgate.job': spec.jobId,
      'sealgate.managed': '1',
    });
  });

  t.test('attach: stdin reaches the program, its end closes stdin, stdout and stderr come apart', async (t) => {
    const program = `
      let input = '';
      process.stdin.on('data', (d) => (input += d));
      process.stdin.on('end', () => {
        process.stdout.write('out:' + input.toUpperCase());
        process.stderr.write('err:' + input.length);
        process.exitCode = 3;
      });`;
    const container = await runtime.createSealed(fixture.spec(program));
    t.teardown(() => container.remove());
    const stdio = await container.attach();
    const [out, err] = [collect(stdio.stdout), collect(stdio.stderr)];
    await container.start();
    stdio.stdin.end('sealed hello');
    t.same(await container.wait(), { exitCode: 3, oomKilled: false, timedOut: false, cancelled: false });
    t.equal(await out, 'out:SEALED HELLO');
    t.equal(await err, 'err:12');
  });

  t.test('inside: the root is read-only (EROFS) and AF_INET is refused by seccomp (EPERM)', async (t) => {
    const program = `
      const fs = require('node:fs');
      const net = require('node:net');
      const result = {};
      try { fs.writeFileSync('/escape', 'x'); result.root = 'written'; } catch (e) { result.root = e.code; }
      try { fs.writeFileSync('/sealed/output/model', 'x'); result.output = 'written'; } catch (e) { result.output = e.code; }
      try { fs.writeFileSync('/sealed/supervisor/x', 'x'); result.supervisor = 'written'; } catch (e) { result.supervisor = e.code; }
      result.user = process.getuid() + ':' + process.getgid();
      const socket = net.connect(9, '127.0.0.1');
      socket.on('connect', () => { result.inet = 'connected'; done(); });
      socket.on('error', (e) => { result.inet = e.code; done(); });
      function done() { process.stdout.write(JSON.stringify(result) + '\\n'); }`;
    const container = await runtime.createSealed(fixture.spec(program));
    t.teardown(() => container.remove());
    const stdio = await container.attach();
    const out = collect(stdio.stdout);
    await container.start();
    stdio.stdin.end();
    t.match(await container.wait(), { exitCode: 0 });
    t.same(JSON.parse(await out), {
      root: 'EROFS',
      output: 'written',
      supervisor: 'EROFS',
      user: '65534:65534',
      inet: 'EPERM',
    });
  });

  t.test('a container the profile refuses is removed: an image that declares a VOLUME', async (t) => {
    // An honest mismatch: the driver creates exactly what the profile asks, and Docker
    // adds the image's anonymous volume, which the inspect document then shows.
    const volumeImage = await fixture.buildImage(['VOLUME /data'], false);
    const before = await fixture.leftovers();
    const volumes = await volumeNames();
    await t.rejects(runtime.createSealed(fixture.spec('', {}, volumeImage)), {
      name: 'DriverError',
      code: 'RUNTIME_SANDBOX_VIOLATION',
      message: /^SANDBOX_HOST_MOUNT at Mounts\[\d\]\.Type/,
    });
    t.same(await fixture.leftovers(), before);
    t.same(await volumeNames(), volumes, 'the anonymous volume went with the container');
  });

  t.test('an image named by tag, not by id, is RUNTIME_IMAGE_MISMATCH and removed', async (t) => {
    const before = await fixture.leftovers();
    const spec = { ...fixture.spec(''), image: `sg-test-driver/driver:${fixture.label.split('=')[1]}-0` };
    await t.rejects(runtime.createSealed(spec), { name: 'DriverError', code: 'RUNTIME_IMAGE_MISMATCH' });
    t.same(await fixture.leftovers(), before);
  });

  t.test('an absent image is RUNTIME_IMAGE_MISSING', async (t) => {
    const spec = { ...fixture.spec(''), image: `sha256:${'0'.repeat(64)}` };
    await t.rejects(runtime.createSealed(spec), { name: 'DriverError', code: 'RUNTIME_IMAGE_MISSING' });
  });

  t.test('a run that does not fit the profile is refused before anything is created', async (t) => {
    const before = await fixture.leftovers();
    await t.rejects(runtime.createSealed(fixture.spec('', { memoryBytes: 64 * 1024 ** 3 })), {
      name: 'SandboxError',
      code: 'SANDBOX_RUN_INVALID',
    });
    await t.rejects(runtime.createSealed(fixture.spec('', { wallSeconds: 10 ** 9 })), {
      name: 'SandboxError',
      code: 'SANDBOX_RUN_INVALID',
    });
    t.same(await fixture.leftovers(), before);
  });

  t.test('remove is idempotent and sweep removes what is left', async (t) => {
    const a = await runtime.createSealed(fixture.spec(''));
    await a.remove();
    await a.remove();
    await t.rejects(a.inspect(), { name: 'DriverError', code: 'RUNTIME_CONTAINER_GONE' });
    await runtime.createSealed(fixture.spec(''));
    await runtime.createSealed(fixture.spec(''));
    t.equal(await runtime.sweep(), 2);
    t.same(await fixture.leftovers(), []);
    t.equal(await runtime.sweep(), 0);
  });

  t.test('no nvidia-smi on this machine: no GPUs', async (t) => {
    t.same(await runtime.gpus(), []);
  });
}
