// Fails when the line coverage of any named top-level folder is below the floor.
// Usage: node scripts/coverage-floor.js SUMMARY.json PERCENT FOLDER...
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

const [summaryPath, floorText, ...folders] = process.argv.slice(2);
const floor = Number(floorText);
const summary = JSON.parse(readFileSync(summaryPath, 'utf8'));
let ok = true;
for (const folder of folders) {
  let covered = 0;
  let total = 0;
  for (const [file, data] of Object.entries(summary)) {
    if (file === 'total' || !relative(process.cwd(), file).startsWith(`${folder}/`)) continue;
    covered += data.lines.covered;
    total += data.lines.total;
  }
  const pct = total === 0 ? 0 : (100 * covered) / total;
  console.log(`coverage: ${folder}/ lines ${pct.toFixed(2)}% (${covered}/${total}), floor ${floor}%`);
  if (pct < floor) ok = false;
}
process.exit(ok ? 0 : 1);
