// Counts named tests in a TAP 14 stream from `tap --reporter=tap`: each
// subtest one level inside a test file is one test. A file that fails without
// a failing subtest (it crashed, or timed out) counts as one failure.
// Prints "PASSED FAILED".
import { readFileSync } from 'node:fs';

const lines = readFileSync(process.argv[2], 'utf8').split('\n');
let passed = 0;
let failed = 0;
let innerFailures = 0;
for (const line of lines) {
  if (/^ {4}ok \d+/.test(line)) passed++;
  else if (/^ {4}not ok \d+/.test(line)) {
    failed++;
    innerFailures++;
  } else if (/^not ok \d+/.test(line)) {
    if (innerFailures === 0) failed++;
    innerFailures = 0;
  } else if (/^ok \d+/.test(line)) innerFailures = 0;
}
if (passed + failed === 0) failed = 1; // a run that ran no test has failed
console.log(`${passed} ${failed}`);
