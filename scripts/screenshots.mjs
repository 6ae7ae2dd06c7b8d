// `npm run screenshots`: regenerates the pictures in docs/images/ from the tests that take them, so that the
// tests themselves never write into tracked files (they write test-results/). Builds, runs the browser test that
// draws the heatmap (docs/images/heatmap.png) and the integration test that paints a lens and a squiggle in a real
// VS Code (docs/images/editor.png), then copies the fresh pictures. Needs what those tiers need (chromium, and
// code-server's build tools for the editor: see the README's Quick start). `--only=heatmap` or `--only=editor`
// takes one of them.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const only = process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');

const shots = [
  {
    name: 'heatmap',
    // The heatmap panel's page in Chromium with a failing cell's tooltip open.
    command: [process.execPath, ['--import', 'tsx', '--test', '--test-name-pattern=failing cells take the fail ramp', 'test/browser/webview.test.ts']],
    from: 'test-results/heatmap.png',
    to: 'docs/images/heatmap.png',
  },
  {
    name: 'editor',
    // The real workbench (code-server in headless Chromium) with a verdict lens and a squiggle.
    command: [process.execPath, ['test/integration/run.mjs', '--only=trusted', '--grep=a lens and a diagnostic are painted']],
    from: 'test-results/editor.png',
    to: 'docs/images/editor.png',
  },
].filter((s) => !only || only.includes(s.name));

function run(title, [command, args]) {
  console.log(`• ${title}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`${title} failed (exit ${result.status})`);
    process.exit(1);
  }
}

run('building', [process.execPath, ['esbuild.config.mjs']]);
for (const shot of shots) {
  const from = join(root, shot.from);
  rmSync(from, { force: true });
  const started = Date.now();
  run(`taking ${shot.name} (${shot.from})`, shot.command);
  if (!existsSync(from) || statSync(from).mtimeMs < started - 1000) {
    console.error(`the ${shot.name} test ran but wrote no ${shot.from}`);
    process.exit(1);
  }
  mkdirSync(dirname(join(root, shot.to)), { recursive: true });
  copyFileSync(from, join(root, shot.to));
  console.log(`  ${shot.to} updated`);
}
