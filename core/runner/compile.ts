// Compiles a user's model file (TS or JS) and everything it imports into one CommonJS bundle that a worker
// process can require(). esbuild does the work: relative imports, the nearest tsconfig.json's `paths`, packages
// from the user's node_modules (bundled) and node built-ins (left external). The inline source map carries the
// sources, so `node --enable-source-maps` prints the user's TS lines in stack traces.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type BuildFailure, type Loader, type Message, type Plugin } from 'esbuild';
import type { Finding } from '../report/types';
import { contentHash, DEFAULT_CACHE_DIR, storeBundle } from './bundle-cache';
import { compileFinding, plainCompileFinding, withBraceHint } from './compile-diagnostics';
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

/** A compile result and what it was built from: every input file and tsconfig.json above the entry. */
interface Memo {
  result: CompiledBundle;
  stamps: Map<string, string>;
}

const memos = new Map<string, Memo>();
const MEMO_LIMIT = 64;

function stamp(file: string): string {
  try {
    const st = fs.statSync(file);
    return `${st.mtimeMs}:${st.size}`;
  } catch {
    return 'missing';
  }
}

/** tsconfig.json files that could steer resolution of `dir`'s imports (paths, baseUrl). */
function tsconfigsAbove(dir: string): string[] {
  const out: string[] = [];
  for (let d = dir; ; d = path.dirname(d)) {
    out.push(path.join(d, 'tsconfig.json'));
    if (path.dirname(d) === d) return out;
  }
}

function memoKey(entry: string, cacheDir: string, overlays: Map<string, string>): string {
  const parts = [...overlays.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([p, text]) => `${p}\0${contentHash(text)}`);
  return [entry, cacheDir, ...parts].join('\0');
}

/**
 * Compiles `file`. Never throws for bad user code: problems come back as findings with ok false. An unchanged
 * file (and unchanged imports, tsconfig and buffers) is not bundled again: re-checks skip esbuild entirely.
 */
export async function compileModelFile(file: string, options: CompileOptions = {}): Promise<CompiledBundle> {
  const entry = path.resolve(file);
  const cacheDir = path.resolve(options.cacheDir ?? DEFAULT_CACHE_DIR);
  const overlays = new Map(Object.entries(options.overlays ?? {}).map(([p, text]) => [path.resolve(p), text]));
  const key = memoKey(entry, cacheDir, overlays);
  const memo = memos.get(key);
  if (memo && (!memo.result.path || fs.existsSync(memo.result.path)) && [...memo.stamps].every(([f, s]) => stamp(f) === s)) return memo.result;
  const started = new Map<string, string>();
  for (const f of tsconfigsAbove(path.dirname(entry))) started.set(f, stamp(f));
  const result = await compileUncached(entry, cacheDir, overlays, started);
  // Failures are not remembered: a missing import can be fixed by creating a file no stamp covers.
  if (result.ok) {
    if (memos.size >= MEMO_LIMIT) memos.delete(memos.keys().next().value as string);
    memos.set(key, { result, stamps: started });
  }
  return result;
}

async function compileUncached(entry: string, cacheDir: string, overlays: Map<string, string>, stamps: Map<string, string>): Promise<CompiledBundle> {
  const workingDir = path.dirname(entry);
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
    return failed(entry, failureFindings(error, workingDir, overlays));
  }
  for (const input of inputs) {
    if (input.startsWith(`${RUNTIME_NAMESPACE}:`)) continue;
    const full = path.resolve(workingDir, input);
    // A file served from an unsaved buffer is keyed by its text (in the memo key), not by its stamp on disk.
    if (!overlays.has(full)) stamps.set(full, stamp(full));
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

function failureFindings(error: unknown, workingDir: string, sources: Map<string, string> = new Map()): Finding[] {
  const errors = (error as Partial<BuildFailure> | undefined)?.errors;
  if (Array.isArray(errors) && errors.length)
    return errors.map((message: Message) => withBraceHint(compileFinding(message, workingDir), (file) => sources.get(file) ?? readText(file)));
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

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
