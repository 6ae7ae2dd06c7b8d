// One worker child process, from the pool's side: starting it (in its own process group), waiting until it
// is ready, passing messages, keeping the tail of its stderr (to tell a V8 out-of-memory death from other
// crashes) and killing it together with anything it started.

import { fork, type ChildProcess } from 'node:child_process';
import { descendantsOf, killAll } from './descendants';
import { LOADED_BUNDLES, type WorkerMessage, type WorkerRequest } from './protocol';

export interface WorkerSpawnSpec {
  script: string;
  execPath: string;
  execArgv: string[];
  env: Record<string, string>;
  cwd?: string;
  uid?: number;
  gid?: number;
  /** How long a new process may take to say it is ready. */
  startTimeoutMs: number;
  log?: (level: 'debug' | 'info' | 'warn' | 'error', message: string) => void;
}

export interface WorkerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The last few KB the process wrote to stderr. */
  stderrTail: string;
}

const STDERR_TAIL_CHARS = 8192;
const LOGGED_OUTPUT_CHARS = 64 * 1024;
const IS_WINDOWS = process.platform === 'win32';

export class WorkerProcess {
  readonly child: ChildProcess;
  readonly pid: number | undefined;
  /** Milliseconds from fork to the worker's 'ready' message (set once ready). */
  spawnMs: number | undefined;
  /** Bundles this process has loaded and still keeps (its most recent ones), oldest first. */
  private readonly loaded = new Set<string>();
  /** Resolves when the worker is ready; rejects with the reason when it dies or hangs before that. */
  readonly ready: Promise<void>;
  /** Resolves once the process has exited and its pipes are drained. */
  readonly exited: Promise<WorkerExit>;
  onMessage: (message: WorkerMessage) => void = () => undefined;
  private stderrTail = '';
  private alive = true;

  constructor(private readonly spec: WorkerSpawnSpec) {
    const started = performance.now();
    this.child = fork(spec.script, [], {
      execPath: spec.execPath,
      execArgv: spec.execArgv,
      env: spec.env,
      cwd: spec.cwd,
      uid: spec.uid,
      gid: spec.gid,
      // Its own process group, so a kill also takes down whatever user code started.
      detached: !IS_WINDOWS,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      // Structured clone: typed arrays, NaN and Infinity survive (JSON would not).
      serialization: 'advanced',
    });
    this.pid = this.child.pid;
    this.forwardOutput();
    this.exited = new Promise((resolve) => {
      let code: number | null = null;
      let signal: NodeJS.Signals | null = null;
      const finish = () => resolve({ code, signal, stderrTail: this.stderrTail });
      this.child.once('exit', (c, s) => {
        this.alive = false;
        code = c;
        signal = s;
        // A grandchild may still hold the pipes open: the group goes, and the pipes get a moment to drain.
        this.killGroup();
        const timer = setTimeout(finish, 200);
        this.child.once('close', () => {
          clearTimeout(timer);
          finish();
        });
      });
      // fork failed outright (a missing execPath): there is no process to exit. Later errors (EPIPE on a send to
      // a dying process) need a listener too, or they would be thrown in the pool's process.
      this.child.on('error', (error) => {
        if (this.child.pid !== undefined && this.alive) return;
        this.alive = false;
        this.stderrTail += `\n${error.message}`;
        finish();
      });
    });
    this.ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`The worker process did not start within ${spec.startTimeoutMs} ms`));
        this.kill();
      }, spec.startTimeoutMs);
      this.child.on('message', (message: WorkerMessage) => {
        if (typeof message === 'object' && message !== null && 'type' in message && message.type === 'ready') {
          clearTimeout(timer);
          this.spawnMs = performance.now() - started;
          spec.log?.('debug', `worker ${this.pid} ready in ${this.spawnMs.toFixed(0)} ms`);
          resolve();
          return;
        }
        this.onMessage(message);
      });
      void this.exited.then((exit) => {
        clearTimeout(timer);
        reject(new Error(`The worker process could not start (${describeExit(exit)})${tailSuffix(exit.stderrTail)}`));
      });
    });
    // Rejections are consumed by whoever awaits readiness; an unawaited one must not crash the host.
    this.ready.catch(() => undefined);
  }

  hasLoaded(bundlePath: string): boolean {
    return this.loaded.has(bundlePath);
  }

  /** Mirrors the worker's own most-recently-used list, so the pool can send a job where its bundle is warm. */
  noteLoaded(bundlePath: string): void {
    this.loaded.delete(bundlePath);
    this.loaded.add(bundlePath);
    while (this.loaded.size > LOADED_BUNDLES) this.loaded.delete(this.loaded.values().next().value as string);
  }

  get isAlive(): boolean {
    return this.alive;
  }

  /** False when the process can no longer receive; throws when the request cannot be serialized. */
  send(request: WorkerRequest): boolean {
    if (!this.alive || !this.child.connected) return false;
    this.child.send(request);
    return true;
  }

  /**
   * SIGKILL to the whole process group, and (Linux) to every process the worker started that left the group
   * (`detached: true`), found while the worker still lives. Safe to call on a dead process.
   */
  kill(): void {
    const started = this.alive && this.pid !== undefined && !IS_WINDOWS ? descendantsOf(this.pid) : [];
    // Stop first, so that a descendant cannot start new ones between the look and the kill.
    for (const p of started) {
      try {
        process.kill(p.pid, 'SIGSTOP');
      } catch {
        // Gone.
      }
    }
    this.killGroup();
    killAll(started);
    if (this.alive) {
      try {
        this.child.kill('SIGKILL');
      } catch {
        // Already exited.
      }
    }
  }

  private killGroup(): void {
    if (IS_WINDOWS || this.pid === undefined) return;
    try {
      process.kill(-this.pid, 'SIGKILL');
    } catch {
      // No such group any more.
    }
  }

  /**
   * User code's prints go to the log (never to our stdout: the CLI may be writing JSON there), up to a budget
   * per process, so that a print in a hot loop cannot flood the host's log.
   */
  private forwardOutput(): void {
    const pid = this.pid;
    let budget = LOGGED_OUTPUT_CHARS;
    const forward = (stream: string, text: string) => {
      if (!this.spec.log || budget <= 0) return;
      budget -= text.length;
      this.spec.log('debug', `worker ${pid} ${stream}: ${text.trimEnd()}`);
      if (budget <= 0) this.spec.log('debug', `worker ${pid}: further output is not logged`);
    };
    this.child.stdout?.setEncoding('utf8').on('data', (text: string) => forward('stdout', text));
    this.child.stderr?.setEncoding('utf8').on('data', (text: string) => {
      this.stderrTail = (this.stderrTail + text).slice(-STDERR_TAIL_CHARS);
      forward('stderr', text);
    });
  }
}

export function describeExit(exit: WorkerExit): string {
  if (exit.signal) return `killed by ${exit.signal}`;
  return `exit code ${exit.code}`;
}

function tailSuffix(stderrTail: string): string {
  const lines = stderrTail.trim().split('\n').slice(-5).join('\n');
  return lines ? `:\n${lines}` : '';
}
