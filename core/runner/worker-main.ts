// The worker process: a long-lived child of the pool that loads compiled user bundles and runs jobs on them.
// It talks to the pool over the IPC channel only (user code may print whatever it likes to stdout/stderr),
// handles one job at a time, and keeps recently used bundles loaded, which is what makes a re-check fast.

import { harden, refuseThreads, ExitAttempt } from './harden';
import { installDenialRecorder, takeDenials } from './denials';
import { bundleSources } from './bundle-sources';
import { getHandler, type HandlerContext } from './handlers';
// The engine's jobs (list, check) and the grader's (grade:plan, grade:submission) register themselves with the
// handler registry.
import '../engine/worker-handlers';
import '../grade/worker-handlers';
import { LOADED_BUNDLES, RUNTIME_GLOBAL, WATCHDOG_ENV, type WorkerFailure, type WorkerReply, type WorkerRequest } from './protocol';
import { userLocation } from './stack';
import { startWatchdog } from './watchdog';
import {
  describeChanges,
  describeLockedAssignments,
  environmentChanges,
  explainLockedError,
  lockedAssignments,
  lockIntrinsics,
  type EnvironmentChange,
} from './lockdown';
import * as fs from 'node:fs';
import type { Finding } from '../report/types';
import * as runtime from '../runtime';

const io = harden();
// Refused reads, writes, spawns and kills are recorded even when the checked code catches them (the grader reports them).
installDenialRecorder(() => current?.phase);

interface LoadedBundle {
  exports: Record<string, unknown>;
  userFiles?: string[];
  /** Locked built-ins the user's code assigns (`Math.sqrt = …`), which have no effect in the worker. */
  lockedAssignments?: string[];
}

interface RunningJob {
  id: number;
  phase?: string;
  userFiles?: string[];
  done: boolean;
  /** What the file changed in the process's globals while it loaded (this job loaded it fresh). */
  loadChanges?: EnvironmentChange[];
  bundle?: LoadedBundle;
}

const loaded = new Map<string, LoadedBundle>();
let current: RunningJob | undefined;

// The bundles' `import 'gradlens'` reads this: user code and handlers share one copy of the contract module
// (its brands and helpers). Not writable, so user code cannot swap it for later bundles.
Object.defineProperty(globalThis, RUNTIME_GLOBAL, { value: runtime, writable: false, configurable: false, enumerable: false });

// Watches for the pool going away (always) and for memory (when the pool cannot read /proc). Node's permission
// model refuses threads unless --allow-worker is given: the worker then runs without it (on Linux the pool still
// enforces memory from /proc; an idle worker still leaves when its IPC channel closes).
try {
  startWatchdog(process.ppid, Number(process.env[WATCHDOG_ENV]) || 0);
} catch (error) {
  io.writeError(`gradlens worker: running without its watchdog thread (${error instanceof Error ? error.message : String(error)})\n`);
}
// From here on only user code would start a thread (one with its own, unhardened process.kill), or change the
// built-ins the checker computes with: both are refused before the first bundle loads.
refuseThreads();
lockIntrinsics();

// The pool sends a job only after the previous one was answered. Jobs are not chained: a job answered early
// (an uncaught error from a timer) may leave a promise that never settles, and must not hold up the next one.
process.on('message', (request: WorkerRequest) => void runJob(request));
// The pool is gone (it crashed, or was killed without dispose): nobody will send work again.
process.on('disconnect', () => io.exit(0));
// A timer or promise of user code that fails after (or outside) its call: fail the running job, keep the worker.
process.on('uncaughtException', (error) => lateFailure(error));
process.on('unhandledRejection', (reason) => lateFailure(reason));

io.send({ type: 'ready', pid: process.pid });

async function runJob(request: WorkerRequest): Promise<void> {
  const job: RunningJob = { id: request.id, done: false };
  current = job;
  io.resetExitAttempt();
  // A job sees only its own refusals (a previous job that failed never took its own).
  takeDenials();
  try {
    let bundle: LoadedBundle | undefined;
    if (request.bundlePath) {
      try {
        bundle = loadBundle(request.bundlePath, job);
        job.bundle = bundle;
      } catch (error) {
        reply(job, failure(job, error, 'load-error'));
        return;
      }
    }
    const handler = getHandler(request.type);
    if (!handler) {
      reply(job, { id: job.id, ok: false, kind: 'threw', message: `The worker has no handler for jobs of type '${request.type}'` });
      return;
    }
    job.phase = undefined;
    const ctx: HandlerContext = {
      module: bundle?.exports ?? {},
      bundlePath: request.bundlePath,
      phase: (name) => setPhase(job, name),
      emit: (event) => {
        if (!job.done) io.send({ type: 'event', id: job.id, event });
      },
    };
    try {
      const result = await handler(request.payload, ctx);
      const attempt = io.exitAttempt();
      reply(job, attempt ? failure(job, attempt, 'threw') : { id: job.id, ok: true, result, rssMb: rssMb() });
    } catch (error) {
      reply(job, failure(job, error, 'threw'));
    }
  } finally {
    if (current === job) current = undefined;
  }
}

function loadBundle(bundlePath: string, job: RunningJob): LoadedBundle {
  const hit = loaded.get(bundlePath);
  if (hit) {
    // Most recently used last, so eviction drops the oldest.
    loaded.delete(bundlePath);
    loaded.set(bundlePath, hit);
    job.userFiles = hit.userFiles;
    return hit;
  }
  job.userFiles = bundleSources(bundlePath);
  setPhase(job, 'load');
  let exports: Record<string, unknown>;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a bundle on disk, evicted from require.cache below
    exports = require(bundlePath) as Record<string, unknown>;
  } finally {
    job.loadChanges = environmentChanges();
  }
  // An exit or kill at import that the file's own code caught still fails the load (it is the load's doing, not
  // the next call's), and the bundle is not kept: every job that needs it sees the same failure.
  const attempt = io.exitAttempt();
  if (attempt) {
    try {
      delete require.cache[require.resolve(bundlePath)];
    } catch {
      // Gone from disk already.
    }
    throw attempt;
  }
  const bundle: LoadedBundle = { exports, userFiles: job.userFiles, lockedAssignments: scanAssignments(bundlePath) };
  loaded.set(bundlePath, bundle);
  // An edit-check loop makes a new bundle per edit: only the most recent ones stay in the require cache.
  while (loaded.size > LOADED_BUNDLES) {
    const oldest = loaded.keys().next().value as string;
    loaded.delete(oldest);
    try {
      // The cache is keyed by real path (a symlinked temp dir differs from the name we loaded).
      delete require.cache[require.resolve(oldest)];
    } catch {
      // Already gone from disk: nothing cached under another name.
    }
  }
  return bundle;
}

function scanAssignments(bundlePath: string): string[] | undefined {
  try {
    const found = lockedAssignments(fs.readFileSync(bundlePath, 'utf8'));
    return found.length ? found : undefined;
  } catch {
    return undefined;
  }
}

function setPhase(job: RunningJob, phase: string): void {
  job.phase = phase;
  if (!job.done) io.send({ type: 'phase', id: job.id, phase });
}

/** A failed job's reply; an exit attempt wins over whatever error it turned into after user code caught it. */
function failure(job: RunningJob, error: unknown, kind: 'load-error' | 'threw'): WorkerFailure {
  const attempt = error instanceof ExitAttempt ? error : io.exitAttempt();
  const cause = attempt ?? error;
  const stack = cause instanceof Error ? cause.stack : undefined;
  const message = cause instanceof Error ? explainLockedError(cause.message) : `A non-Error value was thrown: ${describe(cause)}`;
  const location = userLocation(stack, job.userFiles);
  return {
    id: job.id,
    ok: false,
    kind: attempt ? 'exited' : kind,
    message,
    ...(stack ? { stack } : {}),
    ...(location ? { location } : {}),
    ...(job.phase ? { phase: job.phase } : {}),
    rssMb: rssMb(),
  };
}

function reply(job: RunningJob, message: WorkerReply): void {
  if (job.done) return;
  const changes = environmentChanges();
  if (changes.length) {
    // The process's globals are no longer what the checker was written against: this job says so, and the
    // pool does not give the process other work.
    message.retire = true;
    if (message.ok) message.result = withFinding(message.result, environmentFinding(job, changes));
  }
  if (message.ok && job.bundle?.lockedAssignments?.length) {
    message.result = withFinding(message.result, {
      severity: 'warning',
      code: 'environment',
      message: describeLockedAssignments(job.bundle.lockedAssignments),
    });
  }
  job.done = true;
  try {
    io.send(message);
  } catch (error) {
    // A result that structured clone cannot copy (a function, a class with private state).
    const reason = error instanceof Error ? error.message : String(error);
    io.send({ id: job.id, ok: false, kind: 'threw', message: `The job's result could not be sent back: ${reason}` } satisfies WorkerFailure);
  }
}

function environmentFinding(job: RunningJob, changes: EnvironmentChange[]): Finding {
  const atLoad = job.loadChanges ?? [];
  const phase = changes.every((c) => atLoad.some((l) => l.owner === c.owner && l.key === c.key)) ? 'load' : 'run';
  const severity = changes.some((c) => c.owner === 'Object.prototype') ? 'error' : 'warning';
  return { severity, code: 'environment', message: describeChanges(changes, phase), ...(phase === 'load' ? { phase: 'load' } : {}) };
}

type WithFindings = { findings: Finding[] } & Record<string, unknown>;

function hasFindings(value: unknown): value is WithFindings {
  return typeof value === 'object' && value !== null && Array.isArray((value as { findings?: unknown }).findings);
}

/** A result that carries findings (a check, a graded submission) gets one more; others are sent as they are. */
function withFinding(result: unknown, finding: Finding): unknown {
  if (!hasFindings(result)) return result;
  return { ...result, findings: [...result.findings, finding] };
}

function lateFailure(error: unknown): void {
  if (current && !current.done) {
    reply(current, failure(current, error, 'threw'));
    return;
  }
  const text = error instanceof Error ? (error.stack ?? error.message) : describe(error);
  io.writeError(`gradlens worker: an error outside any job: ${text}\n`);
}

function describe(value: unknown): string {
  try {
    return typeof value === 'string' ? JSON.stringify(value) : String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

function rssMb(): number {
  return Math.round((process.memoryUsage.rss() / 1048576) * 10) / 10;
}
