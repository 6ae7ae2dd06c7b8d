// The messages between the pool (parent) and a worker process, over the IPC channel with Node's 'advanced'
// serialization (structured clone): typed arrays, NaN and Infinity survive the trip, which plain JSON would lose.

import type { SourceRange } from '../report/types';

/** The global the worker sets to its own copy of core/index.ts; a bundle's `import 'gradlens'` reads it. */
export const RUNTIME_GLOBAL = '__gradlensRuntime';

/** Bundles a worker keeps loaded (most recently used); older ones leave its require cache. */
export const LOADED_BUNDLES = 8;

/** Environment variable telling a worker to run its own memory watchdog thread (MiB), where /proc is absent. */
export const WATCHDOG_ENV = 'GRADLENS_WATCHDOG_MB';

/** What the watchdog thread writes to stderr before killing its process, so the pool can say 'memory'. */
export const WATCHDOG_MARKER = 'gradlens-watchdog: memory limit exceeded';

export interface WorkerRequest {
  id: number;
  type: string;
  /** A compiled bundle to require() before the handler runs (cached by path: the name is content-hashed). */
  bundlePath?: string;
  payload: unknown;
}

/** How a job failed inside the worker (the pool adds its own: timeout, memory, crashed, cancelled). */
export type WorkerFailureKind = 'load-error' | 'threw' | 'exited';

export interface WorkerSuccess {
  id: number;
  ok: true;
  result: unknown;
  /** The process changed its globals (user code added to Object.prototype, replaced a global): do not reuse it. */
  retire?: boolean;
  /** Resident set size when the job finished (MiB). */
  rssMb?: number;
}

export interface WorkerFailure {
  id: number;
  ok: false;
  /** 'exited': the code called process.exit (or kill/abort), which the worker turns into an error. */
  kind: WorkerFailureKind;
  message: string;
  stack?: string;
  /** The first frame of the stack that is in the user's own source (source-mapped, 0-based). */
  location?: SourceRange;
  /** Which phase the job was in when it failed ('load' while requiring the bundle). */
  phase?: string;
  rssMb?: number;
  /** As for a success: the process must not run other jobs. */
  retire?: boolean;
}

export type WorkerReply = WorkerSuccess | WorkerFailure;

/** A handler announced what the user's code is about to run ('forward', 'backward', ...). */
export interface PhaseMessage {
  type: 'phase';
  id: number;
  phase: string;
}

/** Something a handler streams while its job runs (progress, a partial result); the pool hands it on. */
export interface EventMessage {
  type: 'event';
  id: number;
  event: unknown;
}

/** Sent once, when the worker has hardened itself and is listening. */
export interface ReadyMessage {
  type: 'ready';
  pid: number;
}

export type WorkerMessage = WorkerReply | PhaseMessage | EventMessage | ReadyMessage;

export function isReply(message: WorkerMessage): message is WorkerReply {
  return typeof message === 'object' && message !== null && 'ok' in message && typeof message.id === 'number';
}
