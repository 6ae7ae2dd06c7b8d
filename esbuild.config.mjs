// Bundles every part of Gradlens with esbuild. `node esbuild.config.mjs [--only=a,b] [--watch] [--dev]`.
// Entries whose source does not exist are skipped, so each part can be built on its own.
import { build, context } from 'esbuild';
import { existsSync } from 'node:fs';

const args = process.argv.slice(2);
const only = args
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const watch = args.includes('--watch');
const production = !args.includes('--dev');

/** @type {Record<string, import('esbuild').BuildOptions>} */
const targets = {
  // The `gradlens` command (check, grade, init).
  cli: { entryPoints: ['core/cli/main.ts'], outfile: 'dist/cli.js', platform: 'node', format: 'cjs', external: ['esbuild', 'typescript'] },
  // `require('gradlens')` / `import … from 'gradlens'` outside a check (the package's main): the contract's
  // values, so a model file also runs under plain node or a test runner. Inside a check the worker provides them.
  index: { entryPoints: ['core/index.ts'], outfile: 'dist/index.js', platform: 'node', format: 'cjs' },
  // The process that loads user code and runs the numerics.
  worker: { entryPoints: ['core/runner/worker-main.ts'], outfile: 'dist/worker.js', platform: 'node', format: 'cjs' },
  // The VS Code extension (vscode is provided by the host). TypeScript (static discovery) is bundled in, so the
  // .vsix needs no node_modules; esbuild cannot be (a native binary): scripts/vscode/package.mjs ships it.
  extension: { entryPoints: ['extension/main.ts'], outfile: 'dist/extension.js', platform: 'node', format: 'cjs', external: ['vscode', 'esbuild'] },
  // The heatmap view, for the webview and the standalone HTML report.
  webview: { entryPoints: ['webview/main.ts'], outfile: 'dist/webview.js', platform: 'browser', format: 'iife', target: 'es2022', minify: true },
};

const selected = Object.entries(targets).filter(([name, t]) => (!only || only.includes(name)) && existsSync(t.entryPoints[0]));
const common = {
  bundle: true,
  sourcemap: 'linked',
  target: 'node20',
  minify: false,
  logLevel: 'warning',
  legalComments: 'none',
  define: { 'process.env.NODE_ENV': production ? '"production"' : '"development"' },
};

// The contract's type declarations (dist/types), which `gradlens init` copies into a workspace so that
// `import { layer } from 'gradlens'` type-checks without the package installed.
async function emitTypes() {
  const ts = (await import('typescript')).default;
  const program = ts.createProgram(['core/index.ts'], {
    declaration: true,
    emitDeclarationOnly: true,
    outDir: 'dist/types',
    rootDir: 'core',
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    strict: true,
    skipLibCheck: true,
    types: [],
  });
  const result = program.emit();
  const errors = ts
    .getPreEmitDiagnostics(program)
    .concat(result.diagnostics)
    .filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length)
    throw new Error(ts.formatDiagnostics(errors, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => process.cwd(), getNewLine: () => '\n' }));
}
if ((!only || only.includes('types') || only.includes('cli')) && !watch) await emitTypes();

// ESM dependencies (tinyglobby's fdir) read import.meta.url, which a CommonJS bundle lacks: give it one.
const importMetaShim = {
  banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  define: { ...common.define, 'import.meta.url': '__importMetaUrl' },
};

for (const [name, options] of selected) {
  const config = { ...common, ...(options.platform === 'node' ? importMetaShim : {}), ...options };
  if (watch) {
    const ctx = await context(config);
    await ctx.watch();
    console.log(`watching ${name}`);
  } else {
    await build(config);
  }
}
