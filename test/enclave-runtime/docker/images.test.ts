// ensureImage against the real dockerd: a present image is accepted as is; an
// absent one is loaded from a `docker save` archive made here (by id and by tag)
// and accepted only when the archive holds exactly that image; otherwise what was
// loaded is removed again. Images are tiny FROM scratch builds without Node.
import { Readable } from 'node:stream';
import t from 'tap';
import { driverFixture } from './fixture.js';

const fixture = await driverFixture(t, 'images');
if (fixture !== undefined) {
  const { runtime, docker } = fixture;
  const small = (): Promise<string> => fixture.buildImage([], false);
  /** `docker save` of `ref` (an id or a tag), in memory. */
  const save = async (ref: string): Promise<Buffer> => {
    const chunks: Buffer[] = [];
    for await (const chunk of await docker.getImage(ref).get()) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  };
  const archiveOf = (bytes: Buffer) => () => Promise.resolve(Readable.from([bytes]));
  const exists = async (id: string): Promise<boolean> =>
    docker
      .getImage(id)
      .inspect()
      .then(
        () => true,
        () => false,
      );
  const removeImage = (id: string) => docker.getImage(id).remove({ force: true });

  t.test('a present image is accepted without an archive', async (t) => {
    await t.resolves(runtime.ensureImage(fixture.image));
  });

  t.test('absent and no archive: RUNTIME_IMAGE_MISSING', async (t) => {
    await t.rejects(runtime.ensureImage(`sha256:${'1'.repeat(64)}`), {
      name: 'DriverError',
      code: 'RUNTIME_IMAGE_MISSING',
    });
  });

  t.test('a malformed digest is a programming mistake', async (t) => {
    await t.rejects(runtime.ensureImage('ubuntu:latest'), TypeError);
  });

  t.test('an absent image is loaded from an archive saved by id', async (t) => {
    const id = await small();
    const archive = await save(id);
    await removeImage(id);
    t.notOk(await exists(id));
    await runtime.ensureImage(id, archiveOf(archive));
    t.ok(await exists(id));
    await removeImage(id);
  });

  t.test('an absent image is loaded from an archive saved by tag', async (t) => {
    const id = await small();
    const { RepoTags } = await docker.getImage(id).inspect();
    const archive = await save(RepoTags[0]);
    await removeImage(id);
    await runtime.ensureImage(id, archiveOf(archive));
    t.ok(await exists(id));
    await removeImage(id);
  });

  t.test('an archive holding another image: RUNTIME_IMAGE_MISMATCH, nothing left loaded', async (t) => {
    const id = await small();
    const archive = await save(id);
    await removeImage(id);
    await t.rejects(runtime.ensureImage(`sha256:${'2'.repeat(64)}`, archiveOf(archive)), {
      name: 'DriverError',
      code: 'RUNTIME_IMAGE_MISMATCH',
    });
    t.notOk(await exists(id), 'the loaded image was removed');
  });

  t.test('an archive holding an image that was already there: that image stays', async (t) => {
    const id = await small();
    const archive = await save(id);
    await t.rejects(runtime.ensureImage(`sha256:${'3'.repeat(64)}`, archiveOf(archive)), {
      name: 'DriverError',
      code: 'RUNTIME_IMAGE_MISMATCH',
    });
    t.ok(await exists(id));
  });

  t.test('an archive that is not a docker save tarball: RUNTIME_ENGINE', async (t) => {
    await t.rejects(
      runtime.ensureImage(`sha256:${'4'.repeat(64)}`, archiveOf(Buffer.from('not a tarball'))),
      { name: 'DriverError', code: 'RUNTIME_ENGINE' },
    );
  });
}
