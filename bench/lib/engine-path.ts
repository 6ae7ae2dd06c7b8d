// The real path, as the CLI and the extension run it: compile the model file, list its declarations in a
// worker, check the declaration in worker processes (sharded over them), assemble the report in the parent.
//
// The workers must be the production ones (dist/worker.js, plain node), not worker-main.ts under the tsx
// loader that an engine imported from TS sources would fork. So the engine is bundled for the benchmark with
// __dirname pointing at dist/, exactly where the CLI's bundle sits next to its worker.

import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { build } from 'esbuild';
import type { Engine as EngineClass, defaultWorkers } from '../../core/engine/engine';
import type { DeclarationReport, Mode } from '../../core/report/types';
import { measureAsync } from './stats';

export const ROOT = path.resolve(__dirname, '../..');
const DIST = path.join(ROOT, 'dist');
const WORKER = path.join(DIST, 'worker.js');
const ENGINE_BUNDLE = path.join(ROOT, 'node_modules', '.cache', 'gradlens-bench', 'engine.cjs');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(full));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

export interface EngineModule {
  Engine: typeof EngineClass;
  defaultWorkers: typeof defaultWorkers;
}

/** Builds dist/worker.js when it is missing or older than core/, and bundles the engine next to it. */
export async function loadEngine(log: (line: string) => void): Promise<EngineModule> {
  if (!existsSync(WORKER) || statSync(WORKER).mtimeMs < newestMtime(path.join(ROOT, 'core'))) {
    log(existsSync(WORKER) ? 'dist/worker.js is older than core/: rebuilding it' : 'dist/worker.js is missing: building it');
    execFileSync(process.execPath, ['esbuild.config.mjs', '--only=worker'], { cwd: ROOT, stdio: 'inherit' });
  }
  await build({
    entryPoints: [path.join(ROOT, 'core/engine/engine.ts')],
    outfile: ENGINE_BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // As in the CLI bundle: native/huge dependencies stay in node_modules.
    external: ['esbuild', 'typescript'],
    define: { __dirname: JSON.stringify(DIST) },
    logLevel: 'warning',
  });
  const load = createRequire(__filename);
  return load(ENGINE_BUNDLE) as EngineModule;
}

export interface EngineRun {
  wallMs: number;
  report: DeclarationReport;
}

/** One check of one declaration, timed from the request to the assembled report. */
export async function checkThroughEngine(engine: EngineClass, file: string, name: string, mode: Mode): Promise<EngineRun> {
  const run = await measureAsync(() => engine.checkFile({ file, names: [name], overrides: { mode } }));
  const report = run.result.declarations[0];
  if (!report) {
    const why = run.result.findings.map((f) => f.message).join('; ') || 'no report came back';
    throw new Error(`${path.basename(file)}: ${name}: ${why}`);
  }
  return { wallMs: run.wallMs, report };
}
