// `npm run typecheck`: `tsc --noEmit` on every target's tsconfig (see tsconfig.base.json), each with its own
// libraries and global types. Runs them all, even after one fails, so one run shows every error.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const targets = [
  ['core', 'core and the CLI: Node, no DOM'],
  ['webview', 'the heatmap page: DOM, no Node'],
  ['extension', 'the VS Code extension: Node and vscode'],
  ['.', 'tests, benchmarks and examples'],
];
const only = process.argv.slice(2);
let failed = 0;
for (const [project, what] of targets) {
  if (only.length && !only.includes(project)) continue;
  const started = Date.now();
  const result = spawnSync(process.execPath, [tsc, '-p', project, '--noEmit', '--pretty'], { stdio: 'inherit' });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const ok = result.status === 0;
  if (!ok) failed++;
  console.log(`typecheck ${project === '.' ? 'tsconfig.json' : `${project}/tsconfig.json`} (${what}): ${ok ? 'ok' : 'FAILED'} (${seconds} s)`);
}
process.exit(failed ? 1 : 0);
