// Fails when the line coverage of any named top-level folder is below the floor.
// Usage: node scripts/coverage-floor.js SUMMARY.json PERCENT FOLDER...
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const [summaryPath, floorText, ...folders] = process.argv.slice(2);
const floor = Number(floorText);
const summary = JSON.parse(readFileSync(summaryPath, 'utf8'));
let ok = true;
const reported = new Set(Object.keys(summary).map((file) => relative(process.cwd(), file)));
const sources = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : [join(dir, entry.name)],
  );
for (const folder of folders) {
  // A source no test loads is absent from the report: it counts as a failure, not as nothing.
  for (const file of sources(folder).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))) {
    if (!reported.has(file)) {
      console.log(`coverage: ${file} is not loaded by any test`);
      ok = false;
    }
  }
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
