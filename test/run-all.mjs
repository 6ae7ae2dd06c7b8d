// `npm test`: builds, checks (types per target, lint, import directions), then runs every test tier, fastest first
// (unit: pure and quick; system: worker pools, the CLI, the engine with workers, grading, memory limits; browser;
// integration in a real VS Code) and closes with one plain summary line. A tier that fails does not stop the
// others, so one run shows everything. `node test/run-all.mjs unit lint` runs only the named tiers.
import { spawnSync } from 'node:child_process';

const tiers = [
  ['build', ['run', 'build']],
  ['typecheck', ['run', 'typecheck']],
  ['lint', ['run', 'lint']],
  ['imports', ['run', 'check:imports']],
  ['unit', ['run', 'test:unit']],
  ['system', ['run', 'test:system']],
  ['browser', ['run', 'test:browser']],
  ['integration', ['run', 'test:integration']],
];
const only = process.argv.slice(2);
let passed = 0;
let failed = 0;
const failures = [];
for (const [name, npmArgs] of tiers) {
  if (only.length && !only.includes(name)) continue;
  console.log(`\n=== ${name} ===`);
  const started = Date.now();
  const result = spawnSync('npm', npmArgs, { stdio: 'inherit', env: process.env });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status === 0) {
    passed++;
    console.log(`=== ${name}: ok (${seconds} s) ===`);
  } else {
    failed++;
    failures.push(name);
    console.log(`=== ${name}: FAILED (exit ${result.status}, ${seconds} s) ===`);
  }
}
if (failures.length) console.log(`\nFailed tiers: ${failures.join(', ')}`);
console.log(`\ntiers: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
