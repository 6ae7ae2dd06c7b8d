// Which script a worker process runs, and the node flags it needs. Bundled (dist/cli.js, dist/extension.js)
// the engine sits next to dist/worker.js; from TS sources (unit tests under tsx) it forks worker-main.ts with
// the tsx loader.

import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

export function defaultWorkerScript(): string {
  return path.extname(__filename) === '.ts' ? path.join(__dirname, 'worker-main.ts') : path.join(__dirname, 'worker.js');
}

/** Flags that let node run `script`: the tsx loader for TypeScript sources, nothing for the bundle. */
export function loaderFlags(script: string): string[] {
  if (!/\.[cm]?ts$/.test(script)) return [];
  // An absolute URL, so the worker finds tsx whatever its cwd (a user's project without tsx installed).
  try {
    const tsxRoot = path.dirname(require.resolve('tsx/package.json'));
    return ['--import', pathToFileURL(path.join(tsxRoot, 'dist', 'loader.mjs')).href];
  } catch {
    return ['--import', 'tsx'];
  }
}
