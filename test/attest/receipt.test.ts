/**
 * The usage receipt (docs/node-protocol.md section 4): the node signs it, the
 * gateway verifies it; any change to the body, another key or a malformed
 * signature fails.
 */
import t from 'tap';
import type { UsageReceipt } from '../../attest/index.js';
import { generateSigningKeyPair, signUsageReceipt, verifyUsageReceipt } from '../../attest/index.js';

const body: UsageReceipt = {
  version: 1,
  runId: 'run_a',
  jobId: 'job_a',
  nodeId: 'node_a',
  steps: 40,
  cpuSeconds: 1.5,
  gpuSeconds: 0,
  durationSeconds: 3,
  exitCode: 0,
  deployment: {
    timestamp: '2026-11-29T00:00:00.000Z',
    nodeAddress: 'node_a',
    imageId: `sha256:${'a'.repeat(64)}`,
  },
};

t.test('a receipt verifies with its node key and nothing else', (t) => {
  const node = generateSigningKeyPair();
  const signed = signUsageReceipt(body, node.secretKey);
  t.ok(verifyUsageReceipt(signed, node.publicKey), 'signed by the node');
  t.notOk(verifyUsageReceipt(signed, generateSigningKeyPair().publicKey), 'another key');
  t.notOk(
    verifyUsageReceipt({ ...signed, body: { ...body, steps: 41 } }, node.publicKey),
    'more steps claimed',
  );
  t.notOk(
    verifyUsageReceipt(
      {
        ...signed,
        body: { ...body, deployment: { ...body.deployment, imageId: `sha256:${'b'.repeat(64)}` } },
      },
      node.publicKey,
    ),
    'another image in the deployment record',
  );
  t.notOk(verifyUsageReceipt({ ...signed, signature: 'not base64!' }, node.publicKey), 'not base64');
  t.notOk(
    verifyUsageReceipt({ ...signed, signature: signed.signature.slice(0, 40) }, node.publicKey),
    'too short',
  );
  t.end();
});
