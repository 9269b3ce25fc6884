// Usage: node scripts/tap-summary.mjs <file.tap>...  → prints "<passed> <failed>".
// Sums the runner's `# pass` / `# fail` lines, and adds suites that failed on their own (a describe
// callback or hook that threw): Node counts those in neither line, though the run fails.
import fs from 'node:fs';

let passed = 0;
let failed = 0;
for (const file of process.argv.slice(2)) {
  if (!fs.existsSync(file)) continue;
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const total = /^# (pass|fail) (\d+)$/.exec(line);
    if (total) {
      if (total[1] === 'pass') passed += Number(total[2]);
      else failed += Number(total[2]);
      continue;
    }
    if (!/^\s*not ok \d+/.test(line) || /# (TODO|SKIP)\b/.test(line)) continue;
    let suite = false;
    let ownFailure = true;
    for (let j = i + 1; j < lines.length && !/^\s*\.\.\.$/.test(lines[j]); j++) {
      if (/^\s*type: 'suite'$/.test(lines[j])) suite = true;
      if (/^\s*failureType: 'subtestsFailed'$/.test(lines[j])) ownFailure = false;
    }
    if (suite && ownFailure) failed++;
  }
}
console.log(`${passed} ${failed}`);
