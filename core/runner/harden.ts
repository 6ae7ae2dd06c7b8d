// Runs in a worker process before any user code is loaded. Keeps for the worker what it needs (its IPC send,
// a real exit) and replaces the process functions that would let checked code end or derail the worker: a
// submission that calls process.exit(0) then fails its own job with a clear message, and the worker (with the
// other bundles it has loaded) lives on.

import * as fs from 'node:fs';
import { recordKill } from './denials';

/** Thrown in place of process.exit / reallyExit / abort / kill. */
export class ExitAttempt extends Error {
  constructor(readonly call: string) {
    super(`${call} was called: code checked by Gradlens must not end its process (throw an Error instead)`);
    this.name = 'ExitAttempt';
  }
}

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

  const refuseExit = (name: string) =>
    function refused(...args: unknown[]): never {
      // Signalling another process is an access the grader reports, also when the code catches the refusal.
      if (name === 'process.kill' && args.length && Number(args[0]) !== process.pid) recordKill(args);
      const shown = args.length ? args.map((a) => (typeof a === 'string' ? JSON.stringify(a) : String(a))).join(', ') : '';
      const error = new ExitAttempt(`${name}(${shown})`);
      // Drop this frame so the stack's first frame is the caller's.
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
  replace(proc, 'kill', refuseExit('process.kill'));
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

function replace(target: object, key: string, value: (...args: never[]) => unknown): void {
  Object.defineProperty(target, key, { value, writable: true, configurable: true, enumerable: false });
}
