/**
 * An inference's log closes with its answers (docs/guard.md, "Heads";
 * gateway/guard/answers.ts): its answers are one final batch, so its scanner
 * ends there as a run's does when its log closes, and is not kept in memory
 * (answers are numbers: the real Scanner's tail has no near window over them,
 * so an inference's tail is empty; a finding there would be a seller flag
 * keyed by the inference). The
 * scanners are the gateway's own (gatewayScanners over the listed index),
 * each wrapped only to count the `end()` calls; their findings are the real
 * Scanner's.
 */
import t from 'tap';
import type { EgressScanner, ScannerSource } from '../../../gateway/index.js';
import { gatewayScanners, verifyEgressHead } from '../../../gateway/index.js';
import { closeSetup, completeRun, takeJob } from './guard-market.js';

/** The gateway's scanner source, made once the gateway is up, each scanner counting its `end()`. */
function countingScanners() {
  const counts = { made: 0, ended: 0 };
  let real: ScannerSource | undefined;
  const source: ScannerSource = async (dataset) => {
    const scanner = await real!(dataset);
    if (!scanner) return undefined;
    counts.made++;
    const counted: EgressScanner = {
      push: (piece) => scanner.push(piece),
      pending: () => scanner.pending?.(),
      end: () => {
        counts.ended++;
        return scanner.end();
      },
    };
    return counted;
  };
  return { counts, source, bind: (s: ScannerSource) => (real = s) };
}

t.test('an inference’s scanner ends with its answers, and its log has a signed head', async (t) => {
  const scanners = countingScanners();
  const s = await closeSetup(t, { channels: ['metrics', 'logs'] }, { egressScanners: scanners.source });
  const { guard, identity, blobs } = s.m.gw.app.gateway;
  scanners.bind(gatewayScanners(blobs, identity.broker.secretKey));

  // The run posts, completes and settles: its scanner is ended when its log closes.
  t.same((await s.post([{ seq: 0, channel: 'logs', text: 'epoch one of three is done' }])).json(), {
    stop: false,
  });
  const done = await completeRun(s);
  t.equal(done.status, 200);
  await guard.head(s.runId);
  t.same(scanners.counts, { made: 1, ended: 1 }, 'the run’s scanner ended with its log');

  const asked = await s.m.as(s.m.buyer, 'POST', `/v1/runs/${s.runId}/infer`, { inputs: '1\n2\n' });
  const { inferenceId } = asked.json<{ inferenceId: string }>();
  const job = await takeJob(s.node);
  const answered = await s.node.call('POST', `/v1/node/inferences/${inferenceId}/answers`, {
    jobId: job.jobId,
    answers: [0.25, 0.75],
  });
  t.same(answered.json(), { inferenceId, state: 'answered' });
  t.same(scanners.counts, { made: 2, ended: 2 }, 'the inference’s scanner ended with its answers');
  const head = await guard.head(inferenceId);
  t.ok(verifyEgressHead(head, identity.gateway.keyPair.publicKey));
  t.equal(head.head.size, 2);
});
