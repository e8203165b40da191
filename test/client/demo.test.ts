// `sealgate demo` end to end, as a user runs it: the real CLI, the real dockerd.
import t from 'tap';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dockerForTest } from '../helpers/docker.js';

const cli = fileURLToPath(new URL('../../bin/sealgate.js', import.meta.url));

const docker = await dockerForTest(t);
if (docker !== undefined) {
  t.test('the demo completes a trade and every attack fails with its code', async (t) => {
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, [cli, 'demo', '--json'], (err, out) =>
        err ? reject(new Error(err.message)) : resolve(out),
      ),
    );
    const { steps } = JSON.parse(stdout) as { steps: { actor: string; step: string; detail: string }[] };
    const detail = (step: string) => steps.find((s) => s.step === step)?.detail;
    t.equal(detail('decrypt a ciphertext with one flipped bit'), 'refused: ENVELOPE_CHUNK_TAMPERED');
    t.equal(detail('replay the buyer’s request'), 'refused: REQUEST_REPLAYED');
    t.equal(detail('enroll again with the spent token'), 'refused: PKI_ENROLLMENT_REFUSED');
    t.match(detail('create the container sealed'), /^0 sandbox violations/);
    t.equal(detail('judge a container with a looser seccomp profile'), 'refused: SANDBOX_SECCOMP');
    t.equal(detail('claim a different seccomp profile'), 'refused: EVIDENCE_MEASUREMENT_MISMATCH');
    t.equal(detail('reuse the evidence for another run'), 'refused: EVIDENCE_RUN_MISMATCH');
    t.equal(detail('unwrap the key and decrypt'), 'plaintext identical to the seller’s');
    t.match(detail('log the egress'), /^10 metric records, root [0-9a-f]{16}…, proof checks$/);
    const images = await docker.listImages({
      filters: JSON.stringify({ reference: ['sealgate-demo-model'] }),
    });
    t.same(images, [], 'the demo removed its image');
  });
}
