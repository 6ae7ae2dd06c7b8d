// Bundles every part of Gradlens with esbuild. `node esbuild.config.mjs [--only=a,b] [--watch] [--dev]`.
// Entries whose source does not exist are skipped, so each part can be built on its own.
import { build, context } from 'esbuild';
import { existsSync } from 'node:fs';

const args = process.argv.slice(2);
const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
const watch = args.includes('--watch');
const production = !args.includes('--dev');

/** @type {Record<string, import('esbuild').BuildOptions>} */
const targets = {
  // The `gradlens` command (check, grade, init).
  cli: { entryPoints: ['core/cli/main.ts'], outfile: 'dist/cli.js', platform: 'node', format: 'cjs', external: ['esbuild', 'typescript'] },
  // The process that loads user code and runs the numerics.
  worker: { entryPoints: ['core/runner/worker-main.ts'], outfile: 'dist/worker.js', platform: 'node', format: 'cjs' },
  // The VS Code extension (vscode is provided by the host).
  extension: { entryPoints: ['extension/main.ts'], outfile: 'dist/extension.js', platform: 'node', format: 'cjs', external: ['vscode', 'esbuild', 'typescript'] },
  // The heatmap view, for the webview and the standalone HTML report.
  webview: { entryPoints: ['webview/main.ts'], outfile: 'dist/webview.js', platform: 'browser', format: 'iife', target: 'es2022' },
};

const selected = Object.entries(targets).filter(([name, t]) => (!only || only.includes(name)) && existsSync(t.entryPoints[0]));
const common = { bundle: true, sourcemap: 'linked', target: 'node20', minify: false, logLevel: 'warning', legalComments: 'none', define: { 'process.env.NODE_ENV': production ? '"production"' : '"development"' } };

for (const [name, options] of selected) {
  const config = { ...common, ...options };
  if (watch) {
    const ctx = await context(config);
    await ctx.watch();
    console.log(`watching ${name}`);
  } else {
    await build(config);
  }
}
