// Runs in a worker process before any user code is loaded. Keeps for the worker what it needs (its IPC send,
// a real exit) and replaces the process functions that would let checked code end or derail the worker: a
// submission that calls process.exit(0) then fails its own job with a clear message, and the worker (with the
// other bundles it has loaded) lives on.

import * as fs from 'node:fs';
import { recordDenial, recordKill } from './denials';

/** Thrown in place of process.exit / reallyExit / abort / kill / _kill / _debugProcess. */
export class ExitAttempt extends Error {
  constructor(
    readonly call: string,
    why = 'code checked by Gradlens must not end its process (throw an Error instead)',
  ) {
    super(`${call} was called: ${why}`);
    this.name = 'ExitAttempt';
  }
}

/**
 * Every function of `process` that sends a signal, and what it sends: process.kill, the raw binding behind it
 * (process._kill, which takes a signal number), and process._debugProcess (SIGUSR1, which opens the inspector of
 * a Node process: a way into the grader). All are refused and recorded alike; their refusal names the call as
 * process.kill(pid, signal), so whoever reads the message (the grader's rule for kills) sees one kind of access.
 */
const SIGNALLING: Record<string, (args: unknown[]) => unknown[]> = {
  kill: (args) => args,
  _kill: (args) => args,
  _debugProcess: (args) => [args[0], 'SIGUSR1'],
};

export interface WorkerIo {
  /** The IPC send of the worker itself (user code gets a process.send that throws). */
  send(message: unknown): void;
  /** Ends the worker for real. */
  exit(code: number): never;
  /** Writes to stderr without going through anything user code can patch (console, process.stderr.write). */
  writeError(text: string): void;
  /** The first exit attempt since the last reset, even when user code caught the error. */
  exitAttempt(): ExitAttempt | undefined;
  resetExitAttempt(): void;
}

export function harden(): WorkerIo {
  const proc = process as NodeJS.Process & { reallyExit?: (code?: number) => never };
  if (typeof proc.send !== 'function') throw new Error('The Gradlens worker must be started with an IPC channel');
  const send = proc.send.bind(proc);
  const reallyExit = (proc.reallyExit ?? proc.exit).bind(proc);
  // fs.writeSync is captured now, rather than going through process.stderr, which user code may replace.
  const writeSync = fs.writeSync;
  let attempt: ExitAttempt | undefined;

  const pid = process.pid;
  const show = (args: unknown[]) => (args.length ? args.map((a) => (typeof a === 'string' ? JSON.stringify(a) : String(a))).join(', ') : '');
  const refuseExit = (name: string) =>
    function refused(...args: unknown[]): never {
      const error = new ExitAttempt(`${name}(${show(args)})`);
      // Drop this frame so the stack's first frame is the caller's.
      Error.captureStackTrace?.(error, refused);
      attempt ??= error;
      throw error;
    };
  const refuseSignal = (key: string) =>
    function refused(...raw: unknown[]): never {
      const args = SIGNALLING[key](raw);
      const other = !args.length || Number(args[0]) !== pid;
      // Signalling another process is an access the grader reports, also when the code catches the refusal.
      if (other) recordKill(args, `process.${key}`);
      const via = key === 'kill' ? '' : ` (through process.${key})`;
      const error = new ExitAttempt(
        `process.kill(${show(args)})${via}`,
        other ? 'code checked by Gradlens must not signal other processes' : 'code checked by Gradlens must not end its process (throw an Error instead)',
      );
      Error.captureStackTrace?.(error, refused);
      attempt ??= error;
      throw error;
    };
  const refuse = (name: string, why: string) =>
    function refused(): never {
      const error = new Error(`${name}() is not available to code checked by Gradlens: ${why}`);
      Error.captureStackTrace?.(error, refused);
      throw error;
    };

  replace(proc, 'exit', refuseExit('process.exit'));
  replace(proc, 'reallyExit', refuseExit('process.reallyExit'));
  replace(proc, 'abort', refuseExit('process.abort'));
  for (const key of Object.keys(SIGNALLING)) replace(proc, key, refuseSignal(key));
  replace(proc, '_debugEnd', refuse('process._debugEnd', 'the worker is shared by other checks'));
  replace(proc, 'chdir', refuse('process.chdir', 'the worker is shared by other checks'));
  replace(proc, 'send', refuse('process.send', 'the channel carries Gradlens messages only'));
  replace(proc, 'disconnect', refuse('process.disconnect', 'the channel carries Gradlens messages only'));

  return {
    send(message) {
      send(message);
    },
    exit(code) {
      return reallyExit(code);
    },
    writeError(text) {
      try {
        writeSync(2, text);
      } catch {
        // stderr closed: nothing left to tell.
      }
    },
    exitAttempt: () => attempt,
    resetExitAttempt() {
      attempt = undefined;
    },
  };
}

/**
 * Refuses new worker threads to user code: a thread has a `process` of its own, with the real process.kill. Called
 * after the worker has started its own watchdog thread. The ESM view of the module is synced too, so
 * `import('node:worker_threads')` sees the refusal as well.
 */
export function refuseThreads(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the module object itself (a bundler's namespace would be a copy)
  const threads = require('node:worker_threads') as Record<string, unknown>;
  const Worker = function Worker(): never {
    recordDenial({ kind: 'other', call: 'worker_threads.Worker', resource: 'worker_threads.Worker (a thread)' });
    const error = new Error(
      'worker_threads.Worker is not available to code checked by Gradlens (ERR_ACCESS_DENIED): a thread would run outside the safeguards of its worker process',
    ) as Error & { code: string };
    error.code = 'ERR_ACCESS_DENIED';
    Error.captureStackTrace?.(error, Worker);
    throw error;
  };
  Object.defineProperty(threads, 'Worker', { value: Worker, writable: false, configurable: false, enumerable: true });
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    (require('node:module') as typeof import('node:module')).syncBuiltinESMExports();
  } catch {
    // Older runtimes without it: require() is what bundles use.
  }
}

function replace(target: object, key: string, value: (...args: never[]) => unknown): void {
  Object.defineProperty(target, key, { value, writable: true, configurable: true, enumerable: false });
}
