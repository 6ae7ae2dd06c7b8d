// Compiles the mocha suites (test/integration/suite/**) to out/integration/, and makes that folder a tiny
// development extension: the workbench needs one to run extensionTestsPath, and it must not be Gradlens
// itself, so that the suites exercise the packaged, installed Gradlens (trust gating only holds for it).
import { build } from 'esbuild';
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const suiteOut = join(root, 'out', 'integration');

export async function buildSuites() {
  const source = join(root, 'test', 'integration', 'suite');
  const entries = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.test.ts') || name === 'index.ts') entries.push(path);
    }
  };
  walk(source);
  rmSync(suiteOut, { recursive: true, force: true });
  mkdirSync(suiteOut, { recursive: true });
  await build({
    entryPoints: entries,
    outdir: suiteOut,
    outbase: source,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    // vscode comes from the extension host; mocha from the repo's node_modules (found by walking up).
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
  writeFileSync(
    join(suiteOut, 'package.json'),
    JSON.stringify(
      {
        name: 'gradlens-integration-tests',
        publisher: 'gradlens-tests',
        version: '0.0.0',
        private: true,
        engines: { vscode: '^1.99.0' },
        capabilities: { untrustedWorkspaces: { supported: true } },
        description: 'Hosts the Gradlens integration suites in the extension host (development path).',
      },
      null,
      2,
    ),
  );
  return entries.map((e) => relative(root, e));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const built = await buildSuites();
  console.log(`built ${built.length} suite files into ${relative(root, suiteOut)}`);
}
