// Compiles a user's model file (TS or JS) and everything it imports into one CommonJS bundle that a worker
// process can require(). esbuild does the work: relative imports, the nearest tsconfig.json's `paths`, packages
// from the user's node_modules (bundled) and node built-ins (left external). The inline source map carries the
// sources, so `node --enable-source-maps` prints the user's TS lines in stack traces.

import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type BuildFailure, type Loader, type Message, type Plugin } from 'esbuild';
import type { Finding } from '../report/types';
import { contentHash, DEFAULT_CACHE_DIR, storeBundle } from './bundle-cache';
import { compileFinding, plainCompileFinding } from './compile-diagnostics';
import { RUNTIME_GLOBAL } from './protocol';

export interface CompiledBundle {
  ok: boolean;
  /** Absolute path of the compiled CommonJS bundle in the cache dir (content-hashed name), when ok. */
  path?: string;
  hash: string;
  /** Absolute paths of every local (non-node_modules) source file in the bundle: the file first, then its imports. */
  dependencies: string[];
  /** Compile errors as findings (code 'compile-error') with TS locations (0-based line/column, absolute file). */
  findings: Finding[];
}

export interface CompileOptions {
  /** File contents that replace what is on disk (unsaved editor buffers), by absolute path. */
  overlays?: Record<string, string>;
  /** Where bundles are written (default: gradlens-cache in the OS temp dir). */
  cacheDir?: string;
}

const RUNTIME_NAMESPACE = 'gradlens-runtime';

const LOADERS: Record<string, Loader> = {
  '.ts': 'ts',
  '.mts': 'ts',
  '.cts': 'ts',
  '.tsx': 'tsx',
  '.js': 'js',
  '.mjs': 'js',
  '.cjs': 'js',
  '.jsx': 'jsx',
  '.json': 'json',
};

/** Compiles `file`. Never throws for bad user code: problems come back as findings with ok false. */
export async function compileModelFile(file: string, options: CompileOptions = {}): Promise<CompiledBundle> {
  const entry = path.resolve(file);
  const workingDir = path.dirname(entry);
  const cacheDir = path.resolve(options.cacheDir ?? DEFAULT_CACHE_DIR);
  const overlays = new Map(Object.entries(options.overlays ?? {}).map(([p, text]) => [path.resolve(p), text]));
  const plugins = [runtimePlugin()];
  if (overlays.size) plugins.push(overlayPlugin(overlays));

  let code: string;
  let inputs: string[];
  try {
    const result = await build({
      entryPoints: [entry],
      absWorkingDir: workingDir,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      write: false,
      // The name only anchors the source map's relative paths: the real file gets a content-hashed name in
      // the same directory.
      outfile: path.join(cacheDir, 'bundle.js'),
      sourcemap: 'inline',
      sourcesContent: true,
      metafile: true,
      logLevel: 'silent',
      plugins,
      // The bundle lives in the cache dir; code that locates files next to itself should see its own folder.
      define: {
        __filename: JSON.stringify(entry),
        __dirname: JSON.stringify(workingDir),
        'import.meta.url': JSON.stringify(pathToFileURL(entry).href),
        'import.meta.filename': JSON.stringify(entry),
        'import.meta.dirname': JSON.stringify(workingDir),
      },
    });
    code = result.outputFiles[0].text;
    inputs = Object.keys(result.metafile.inputs);
  } catch (error) {
    return failed(entry, failureFindings(error, workingDir));
  }

  const hash = contentHash(code);
  const dependencies = localSources(entry, inputs, workingDir);
  try {
    const bundlePath = await storeBundle(cacheDir, hash, code);
    return { ok: true, path: bundlePath, hash, dependencies, findings: [] };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, hash, dependencies, findings: [plainCompileFinding(`Could not write the compiled bundle to ${cacheDir}: ${reason}`)] };
  }
}

/** `import ... from 'gradlens'` becomes the worker's own copy of the contract module (set before loading). */
function runtimePlugin(): Plugin {
  return {
    name: 'gradlens-runtime',
    setup(b) {
      b.onResolve({ filter: /^gradlens$/ }, () => ({ path: 'gradlens', namespace: RUNTIME_NAMESPACE }));
      b.onLoad({ filter: /.*/, namespace: RUNTIME_NAMESPACE }, () => ({
        contents: `module.exports = globalThis.${RUNTIME_GLOBAL};`,
        loader: 'js',
      }));
    },
  };
}

/** Serves unsaved editor buffers instead of the files on disk. */
function overlayPlugin(overlays: Map<string, string>): Plugin {
  const escaped = [...overlays.keys()].map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const filter = new RegExp(`^(?:${escaped.join('|')})$`);
  return {
    name: 'gradlens-overlays',
    setup(b) {
      // An entry point that exists only as a buffer (never saved) still resolves.
      b.onResolve({ filter }, (args) => (args.kind === 'entry-point' ? { path: args.path } : undefined));
      b.onLoad({ filter }, (args) => ({
        contents: overlays.get(args.path),
        loader: LOADERS[path.extname(args.path).toLowerCase()] ?? 'ts',
        resolveDir: path.dirname(args.path),
      }));
    },
  };
}

/** The bundle's own source files, the entry first: no virtual modules, nothing from node_modules. */
function localSources(entry: string, inputs: string[], workingDir: string): string[] {
  const files = inputs
    .filter((input) => !input.startsWith(`${RUNTIME_NAMESPACE}:`))
    .map((input) => path.resolve(workingDir, input))
    .filter((file) => file !== entry && !file.split(path.sep).includes('node_modules'));
  return [entry, ...[...new Set(files)].sort()];
}

function failureFindings(error: unknown, workingDir: string): Finding[] {
  const errors = (error as Partial<BuildFailure> | undefined)?.errors;
  if (Array.isArray(errors) && errors.length) return errors.map((message: Message) => compileFinding(message, workingDir));
  const reason = error instanceof Error ? error.message : String(error);
  return [plainCompileFinding(`Could not compile: ${reason}`)];
}

/** A failed compile still lists the files it knows about, so a watcher re-checks when any of them is fixed. */
function failed(entry: string, findings: Finding[]): CompiledBundle {
  const files = new Set<string>();
  for (const finding of findings) {
    const file = finding.location?.file;
    if (file && file !== entry && !file.split(path.sep).includes('node_modules')) files.add(file);
  }
  return { ok: false, hash: contentHash(JSON.stringify(findings)), dependencies: [entry, ...[...files].sort()], findings };
}
