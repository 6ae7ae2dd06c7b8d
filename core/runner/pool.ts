// A pool of worker processes that run jobs on user code, with a time limit, a memory limit and cancellation
// per job. Processes start lazily and stay warm (their loaded bundles too, which is what makes a re-check
// fast). A job that hangs, eats memory or takes its process down costs only that process: it is killed with its
// whole process group, the job gets an outcome saying what happened, and the slot starts a fresh process when
// next needed. The promise of run() never rejects for anything user code does.

import { DEFAULT_MEMORY_LIMIT_MB } from '../defaults';
import type { SourceRange } from '../report/types';
import { diedOfMemory, isAllocationFailure, PROC_AVAILABLE, resetPeak, sampleMemory } from './memory';
import { isReply, WATCHDOG_ENV, type WorkerMessage, type WorkerReply } from './protocol';
import { defaultWorkerScript, loaderFlags } from './worker-script';
import { describeExit, WorkerProcess, type WorkerExit } from './worker-process';

export interface PoolOptions {
  /** Processes. */
  size: number;
  /** Default DEFAULT_MEMORY_LIMIT_MB (core/defaults.ts): --max-old-space-size AND a resident-set watchdog (typed arrays live outside the V8 heap). */
  memoryLimitMb?: number;
  /** Extra node flags (the grader adds --experimental-permission --allow-fs-read=...). */
  execArgv?: string[];
  env?: Record<string, string>;
  /** Run workers as another user (the grader runs submissions as nobody when root). */
  uid?: number;
  gid?: number;
  cwd?: string;
  log?: (level: 'debug' | 'info' | 'warn' | 'error', message: string) => void;
  /** The worker script (default: dist/worker.js next to the bundled engine, or worker-main.ts from sources). */
  workerScript?: string;
  /** The node binary (default: this process's; inside Electron it runs as plain node). */
  execPath?: string;
  /** How long a new process may take to become ready (default 30 s). */
  startTimeoutMs?: number;
  /** How resident memory is watched: from here via /proc (Linux default) or by a thread in the worker. */
  memoryWatch?: 'proc' | 'thread';
}

export type JobFailureKind = 'timeout' | 'memory' | 'exited' | 'crashed' | 'cancelled' | 'load-error' | 'threw';

export type JobOutcome<T = unknown> =
  | { ok: true; result: T; durationMs: number; peakRssMb?: number }
  | {
      ok: false;
      kind: JobFailureKind;
      message: string;
      phase?: string;
      location?: SourceRange;
      stack?: string;
      durationMs: number;
      peakRssMb?: number;
    };

export interface JobRequest {
  type: string;
  bundlePath?: string;
  payload: unknown;
}

export interface RunOptions {
  /** Wall-clock limit from the moment the job reaches a ready worker (non-finite or ≤ 0: none). */
  timeLimitMs: number;
  signal?: AbortSignal;
  onPhase?: (phase: string) => void;
  /** Events the job's handler streams while it runs. */
  onEvent?: (event: unknown) => void;
}

type Failure = Extract<JobOutcome, { ok: false }>;

interface Job {
  id: number;
  request: JobRequest;
  options: RunOptions;
  resolve: (outcome: JobOutcome<unknown>) => void;
  settled: boolean;
  onAbort?: () => void;
}

/** A job on a slot: its worker, timers and what has been seen of it so far. */
interface Active {
  job: Job;
  slot: PoolSlot;
  worker?: WorkerProcess;
  /** When the request was sent to a ready worker (performance.now()). */
  sentAt?: number;
  phase?: string;
  peakMb?: number;
  /** Recent resident-set samples (ms since sent, MiB), to tell a runaway allocation from a slow loop at the time limit. */
  samples?: { at: number; mb: number }[];
  timer?: NodeJS.Timeout;
  poll?: NodeJS.Timeout;
}

interface PoolSlot {
  worker?: WorkerProcess;
  active?: Active;
}

const DEFAULT_MEMORY_MB = DEFAULT_MEMORY_LIMIT_MB;
const POLL_MS = 50;
const MAX_TIMER_MS = 2 ** 31 - 1;

export class WorkerPool {
  readonly size: number;
  private readonly slots: PoolSlot[];
  private readonly queue: Job[] = [];
  /** Every process started and not yet known to be dead, for dispose. */
  private readonly processes = new Set<WorkerProcess>();
  private readonly memoryLimitMb: number;
  private readonly watchFromHere: boolean;
  private nextId = 1;
  private disposing?: Promise<void>;

  constructor(private readonly options: PoolOptions) {
    if (!Number.isInteger(options.size) || options.size < 1) throw new RangeError(`Pool size must be a positive integer, got ${options.size}`);
    this.size = options.size;
    this.slots = Array.from({ length: options.size }, () => ({}));
    this.memoryLimitMb = options.memoryLimitMb ?? DEFAULT_MEMORY_MB;
    this.watchFromHere = (options.memoryWatch ?? (PROC_AVAILABLE ? 'proc' : 'thread')) === 'proc' && PROC_AVAILABLE;
  }

  run<T>(request: JobRequest, options: RunOptions): Promise<JobOutcome<T>> {
    return new Promise<JobOutcome<unknown>>((resolve) => {
      const job: Job = { id: this.nextId++, request, options, resolve, settled: false };
      if (this.disposing) return this.settle(job, failure('cancelled', 'The worker pool has been shut down', 0));
      if (options.signal?.aborted) return this.settle(job, failure('cancelled', 'Cancelled before it started', 0));
      if (options.signal) {
        job.onAbort = () => this.cancel(job);
        options.signal.addEventListener('abort', job.onAbort, { once: true });
      }
      this.queue.push(job);
      this.pump();
    }) as Promise<JobOutcome<T>>;
  }

  /** Kills every process group and fails whatever is queued or running as 'cancelled'. Idempotent. */
  dispose(): Promise<void> {
    this.disposing ??= (async () => {
      for (const job of this.queue.splice(0)) this.settle(job, failure('cancelled', 'The worker pool was shut down', 0));
      for (const slot of this.slots) {
        if (slot.active) this.stop(slot.active, failure('cancelled', 'The worker pool was shut down', 0));
        slot.worker = undefined;
      }
      const exits = [...this.processes].map((worker) => {
        worker.kill();
        return worker.exited;
      });
      await Promise.all(exits);
    })();
    return this.disposing;
  }

  /** Starts queued jobs on free slots, FIFO. A warm process that already has the job's bundle loaded is preferred. */
  private pump(): void {
    while (this.queue.length && !this.disposing) {
      const job = this.queue[0];
      const free = this.slots.filter((slot) => !slot.active);
      if (!free.length) return;
      const warm = free.filter((slot) => slot.worker?.isAlive);
      const slot = warm.find((s) => job.request.bundlePath !== undefined && s.worker?.hasLoaded(job.request.bundlePath)) ?? warm[0] ?? free[0];
      this.queue.shift();
      void this.start(slot, job);
    }
  }

  private async start(slot: PoolSlot, job: Job): Promise<void> {
    const active: Active = { job, slot };
    slot.active = active;
    let worker = slot.worker?.isAlive ? slot.worker : undefined;
    const warm = worker !== undefined;
    if (!worker) {
      try {
        worker = this.spawn();
      } catch (error) {
        this.finish(active, failure('crashed', `Could not start a worker process: ${errorMessage(error)}`, 0));
        return;
      }
      slot.worker = worker;
    }
    active.worker = worker;
    try {
      await worker.ready;
    } catch (error) {
      if (slot.worker === worker) slot.worker = undefined;
      // Not the user's doing (a bad flag, an unreadable script): worth a line in the host's log.
      if (!job.settled) this.options.log?.('warn', errorMessage(error));
      this.finish(active, failure('crashed', errorMessage(error), 0));
      return;
    }
    if (job.settled) return;
    if (!worker.isAlive) {
      if (slot.worker === worker) slot.worker = undefined;
      if (!warm) {
        this.finish(active, failure('crashed', 'The worker process ended right after it started', 0));
        return;
      }
      // A warm process that died while idle: not this job's doing, so the job goes back to the front.
      slot.active = undefined;
      this.queue.unshift(job);
      this.pump();
      return;
    }
    this.dispatch(active, worker);
  }

  private spawn(): WorkerProcess {
    const script = this.options.workerScript ?? defaultWorkerScript();
    const env: Record<string, string> = { ...(process.env as Record<string, string>), ...this.options.env };
    // A worker started from a test file would otherwise think it is a test runner's child.
    delete env.NODE_TEST_CONTEXT;
    // Inside VS Code, process.execPath is Electron: make it behave as node.
    if (process.versions.electron && !this.options.execPath) env.ELECTRON_RUN_AS_NODE = '1';
    if (!this.watchFromHere) env[WATCHDOG_ENV] = String(this.memoryLimitMb);
    const worker = new WorkerProcess({
      script,
      execPath: this.options.execPath ?? process.execPath,
      execArgv: ['--enable-source-maps', `--max-old-space-size=${this.memoryLimitMb}`, ...loaderFlags(script), ...(this.options.execArgv ?? [])],
      env,
      cwd: this.options.cwd,
      uid: this.options.uid,
      gid: this.options.gid,
      startTimeoutMs: this.options.startTimeoutMs ?? 30_000,
      log: this.options.log,
    });
    this.processes.add(worker);
    void worker.exited.then((exit) => this.onExit(worker, exit));
    return worker;
  }

  private dispatch(active: Active, worker: WorkerProcess): void {
    const { job } = active;
    worker.onMessage = (message) => this.onMessage(active, message);
    active.sentAt = performance.now();
    try {
      // When this returns false the process is on its way out: its exit (or the time limit) decides the outcome.
      worker.send({ id: job.id, type: job.request.type, bundlePath: job.request.bundlePath, payload: job.request.payload });
    } catch (error) {
      this.finish(active, failure('threw', `The job could not be sent to the worker: ${errorMessage(error)}`, 0));
      return;
    }
    const limit = job.options.timeLimitMs;
    if (Number.isFinite(limit) && limit > 0 && limit <= MAX_TIMER_MS) {
      active.timer = setTimeout(() => {
        const runaway = this.runawayMemory(active, limit);
        this.stop(active, runaway ?? failure('timeout', `Timed out after ${limit} ms${during(active.phase)}`, this.elapsed(active), active.phase));
      }, limit);
    }
    if (this.watchFromHere && worker.pid !== undefined) this.watchMemory(active, worker.pid);
  }

  private watchMemory(active: Active, pid: number): void {
    let sampling = false;
    void resetPeak(pid);
    active.poll = setInterval(() => {
      if (sampling) return;
      sampling = true;
      void sampleMemory(pid)
        .then((sample) => {
          if (!sample || active.job.settled) return;
          active.peakMb = Math.max(active.peakMb ?? 0, sample.rssMb, sample.peakMb ?? 0);
          (active.samples ??= []).push({ at: this.elapsed(active), mb: sample.rssMb });
          if (active.samples.length > 40) active.samples.shift();
          if (sample.rssMb > this.memoryLimitMb) {
            const message = `Used more than the ${this.memoryLimitMb} MB memory limit (resident set ${Math.round(sample.rssMb)} MB)${during(active.phase)}`;
            this.stop(active, failure('memory', message, this.elapsed(active), active.phase));
          }
        })
        .finally(() => {
          sampling = false;
        });
    }, POLL_MS);
  }

  /**
   * At the time limit, memory that has been growing steadily and would pass the memory limit soon is the real
   * reason (an allocation loop is slow because it allocates): reported as the memory limit, not a time-out.
   */
  private runawayMemory(active: Active, limitMs: number): Failure | undefined {
    const samples = active.samples ?? [];
    if (samples.length < 4) return undefined;
    const last = samples[samples.length - 1];
    const first = samples.find((x) => x.at >= last.at - 1000) ?? samples[0];
    if (last.at <= first.at || last.mb < 0.5 * this.memoryLimitMb) return undefined;
    const rate = (last.mb - first.mb) / ((last.at - first.at) / 1000);
    if (!(rate > 0)) return undefined;
    const secondsLeft = (this.memoryLimitMb - last.mb) / rate;
    if (secondsLeft > Math.max(1, (0.5 * limitMs) / 1000)) return undefined;
    const message = `Memory grew at ${Math.round(rate)} MB/s to ${Math.round(last.mb)} MB and would pass the ${this.memoryLimitMb} MB limit within ${secondsLeft.toFixed(1)} s${during(active.phase)} (the time limit came first)`;
    return failure('memory', message, this.elapsed(active), active.phase, active.peakMb);
  }

  private onMessage(active: Active, message: WorkerMessage): void {
    if (active.job.settled) return;
    if (isReply(message)) {
      if (message.id !== active.job.id) return;
      // The process changed its own globals (user code added to a built-in prototype): no other job runs there.
      if (message.retire) this.retire(active);
      this.finish(active, this.fromReply(active, message));
      return;
    }
    if (message.type === 'phase' && message.id === active.job.id) {
      active.phase = message.phase;
      active.job.options.onPhase?.(message.phase);
    }
    if (message.type === 'event' && message.id === active.job.id) active.job.options.onEvent?.(message.event);
  }

  private fromReply(active: Active, reply: WorkerReply): JobOutcome<unknown> {
    const durationMs = this.elapsed(active);
    const peakRssMb = peak(active.peakMb, reply.rssMb);
    if (reply.ok) return { ok: true, result: reply.result, durationMs, ...(peakRssMb !== undefined ? { peakRssMb } : {}) };
    const kind = reply.kind === 'threw' && isAllocationFailure(reply.message) ? 'memory' : reply.kind;
    return {
      ok: false,
      kind,
      message: reply.message,
      durationMs,
      ...(reply.phase ? { phase: reply.phase } : {}),
      ...(reply.location ? { location: reply.location } : {}),
      ...(reply.stack ? { stack: reply.stack } : {}),
      ...(peakRssMb !== undefined ? { peakRssMb } : {}),
    };
  }

  /** A process died. If it was running a job we did not kill, that job learns how it died. */
  private onExit(worker: WorkerProcess, exit: WorkerExit): void {
    this.processes.delete(worker);
    this.options.log?.('debug', `worker ${worker.pid} ended (${describeExit(exit)})`);
    for (const slot of this.slots) {
      if (slot.worker !== worker) continue;
      slot.worker = undefined;
      const active = slot.active;
      if (active && !active.job.settled && active.worker === worker && active.sentAt !== undefined) {
        const outcome = this.fromExit(active, exit);
        this.options.log?.('info', `worker ${worker.pid} died during a job: ${outcome.ok ? '' : outcome.message}`);
        this.finish(active, outcome);
      }
    }
    this.pump();
  }

  private fromExit(active: Active, exit: WorkerExit): JobOutcome<unknown> {
    const durationMs = this.elapsed(active);
    const when = during(active.phase);
    if (diedOfMemory(exit.stderrTail)) {
      return failure('memory', `Ran out of memory (limit ${this.memoryLimitMb} MB)${when}`, durationMs, active.phase, active.peakMb);
    }
    // The phase is a field of its own here: callers put these messages inside sentences that already name it.
    if (exit.signal) return failure('crashed', `the process was killed by ${exit.signal}`, durationMs, active.phase, active.peakMb);
    return failure('exited', `the process exited with code ${exit.code}`, durationMs, active.phase, active.peakMb);
  }

  /** Ends a job by killing its process (group); the slot gets a new process when next needed. */
  private stop(active: Active, outcome: Failure): void {
    if (active.job.settled) return;
    const worker = active.worker;
    if (worker) {
      worker.kill();
      if (active.slot.worker === worker) active.slot.worker = undefined;
    }
    this.finish(active, { ...outcome, ...(active.peakMb !== undefined && outcome.peakRssMb === undefined ? { peakRssMb: round(active.peakMb) } : {}) });
  }

  /** Takes a worker out of use after its job (killed with what it started); the slot starts a fresh one when needed. */
  private retire(active: Active): void {
    const worker = active.worker;
    if (!worker) return;
    if (active.slot.worker === worker) active.slot.worker = undefined;
    this.options.log?.('debug', `worker ${worker.pid} retired: the code it ran changed its globals`);
    worker.kill();
  }

  private cancel(job: Job): void {
    if (job.settled) return;
    const queued = this.queue.indexOf(job);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      this.settle(job, failure('cancelled', 'Cancelled before it started', 0));
      return;
    }
    const active = this.slots.find((slot) => slot.active?.job === job)?.active;
    if (active) this.stop(active, failure('cancelled', `Cancelled${during(active.phase)}`, this.elapsed(active), active.phase));
  }

  private finish(active: Active, outcome: JobOutcome<unknown>): void {
    if (active.job.settled) return;
    clearTimeout(active.timer);
    clearInterval(active.poll);
    if (active.slot.active === active) active.slot.active = undefined;
    // A job that got as far as its handler left the bundle loaded in that process.
    const loaded = outcome.ok || outcome.kind === 'threw';
    if (loaded && active.worker?.isAlive && active.job.request.bundlePath) active.worker.noteLoaded(active.job.request.bundlePath);
    this.settle(active.job, outcome);
    this.pump();
  }

  private settle(job: Job, outcome: JobOutcome<unknown>): void {
    if (job.settled) return;
    job.settled = true;
    if (job.onAbort) job.options.signal?.removeEventListener('abort', job.onAbort);
    job.resolve(outcome);
  }

  private elapsed(active: Active): number {
    return active.sentAt === undefined ? 0 : round(performance.now() - active.sentAt);
  }
}

function failure(kind: JobFailureKind, message: string, durationMs: number, phase?: string, peakMb?: number): Failure {
  return {
    ok: false,
    kind,
    message,
    durationMs,
    ...(phase ? { phase } : {}),
    ...(peakMb !== undefined ? { peakRssMb: round(peakMb) } : {}),
  };
}

/** " while running backward", " while loading the module", or nothing. */
function during(phase: string | undefined): string {
  if (!phase) return '';
  return phase === 'load' ? ' while loading the module' : ` while running ${phase}`;
}

function peak(sampled: number | undefined, reported: number | undefined): number | undefined {
  if (sampled === undefined && reported === undefined) return undefined;
  return round(Math.max(sampled ?? 0, reported ?? 0));
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
