// The engine's public surface, used by the CLI, the grader and the extension. No vscode import anywhere in
// core/: the extension adapts these types to its own.

import type { DeclarationReport, DType, Finding, Mode } from '../report/types';

/** Settings that override what a declaration asks for (from the CLI, the editor settings or a grader). */
export interface CheckOverrides {
  mode?: Mode;
  /** Relative tolerance (rtol). */
  rtol?: number;
  floor?: number;
  dtype?: DType;
  seed?: number;
  sample?: number;
  /** Per-declaration wall-clock limit (ms). */
  timeLimitMs?: number;
}

export interface EngineOptions {
  /** Child processes to spread checks over (default: the number of cores, at most 4). */
  workers?: number;
  /** Default per-declaration wall-clock limit (ms) when neither the declaration nor the request sets one. */
  timeLimitMs?: number;
  /** Memory limit of a worker process (MiB): V8 heap and resident set (typed arrays included). */
  memoryLimitMb?: number;
  /** Where compiled bundles are cached (default: a folder in the OS temp dir). */
  cacheDir?: string;
  /** Extra node flags for worker processes (the grader adds the permission model here). */
  execArgv?: string[];
  /** Extra environment for worker processes. */
  env?: Record<string, string>;
  /** Diagnostics about the engine itself (not about user code). */
  log?: (level: 'debug' | 'info' | 'warn' | 'error', message: string) => void;
}

export interface CheckProgress {
  file: string;
  declaration: string;
  /** Declarations finished in this request, and how many there are. */
  done: number;
  total: number;
}

/**
 * Progress inside one declaration's check, streamed from the workers while it runs: forward evaluations done and
 * planned (the plan grows when a search narrows a failing direction), and an estimate of the time left.
 */
export interface EvaluationProgress {
  file: string;
  declaration: string;
  /** What the check is doing: 'directions', 'search', 'elements', 'sample'. */
  stage: string;
  done: number;
  planned: number;
  /** Estimated milliseconds left (from the measured time per evaluation), when known. */
  etaMs?: number;
  /** Milliseconds since the declaration's check started. */
  elapsedMs: number;
}

export interface CheckRequest {
  /** Absolute path of a TS or JS model file. */
  file: string;
  /** Only these declarations (export names); default all. */
  names?: string[];
  /** The file's text when it differs from disk (an unsaved editor buffer). */
  text?: string;
  overrides?: CheckOverrides;
  signal?: AbortSignal;
  onProgress?: (progress: CheckProgress) => void;
  /** Streamed while a declaration is being checked (throttled to a few per second per declaration). */
  onEvaluations?: (progress: EvaluationProgress) => void;
  /** Called as each declaration finishes, before the whole file is done. */
  onReport?: (report: DeclarationReport) => void;
}

export interface FileResult {
  file: string;
  declarations: DeclarationReport[];
  /** Problems with the file as a whole (a compile error, an import that fails). */
  findings: Finding[];
  /** Every local file the bundle was built from (the file itself and what it imports). */
  dependencies: string[];
  cancelled: boolean;
}
