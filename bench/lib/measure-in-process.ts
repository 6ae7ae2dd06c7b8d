// Full and fast mode in this process, each repetition paired with a forward timing taken just before it, so
// every ratio compares numbers measured under the same load. A full check that would not fit the time budget
// is measured on a contiguous 1/k of its elements (a shard, as the engine splits work over workers): every
// element costs the same forward passes, so the overhead carries over and the seconds are extrapolated.

import type { Declaration } from '../../core/contract/declarations';
import { checkInProcess, type InProcessRun } from './in-process';
import { forwardCall, timeForward, type ForwardTiming } from './forward';
import { median } from './stats';

export interface Budget {
  /** Seconds one measurement (all repetitions of one kind of check on one model) may take. */
  cellSeconds: number;
  /** Repetitions when they fit (at least 3 are always made). */
  reps: number;
}

export interface PairedRun {
  run: InProcessRun;
  forward: ForwardTiming;
}

export interface InProcessResult {
  /** Elements of every checked tensor. */
  size: number;
  forward: { wallMs: number; cpuMs: number };
  full: {
    runs: PairedRun[];
    /** 1 when every element was checked; k when 1/k of them were. */
    shardCount: number;
    /** Full-mode seconds (medians; extrapolated from the shard when shardCount > 1). */
    wallSeconds: number;
    cpuSeconds: number;
    /** Check time / (2 × elements checked × forward time). */
    overheadWall: number;
    overheadCpu: number;
    /** Evaluations per element checked, over 2: 1 is the limit. */
    evaluationsPerLimit: number;
    /** Elements that went up the Richardson ladder, of those checked. */
    richardson: number;
    elements: number;
    /** Mean time of one evaluation inside the engine, over the bare forward time. */
    evaluationPerForward: number;
    /** Share of the check spent outside evaluations (probing, bookkeeping, building the problem). */
    outsideEvaluations: number;
    status: string;
  };
  fast: {
    runs: PairedRun[];
    /** Fast check time in forward passes. */
    forwardEquivalentsWall: number;
    forwardEquivalentsCpu: number;
    evaluations: number;
    status: string;
    summary: string;
  };
}

/** How many times, and on what share of the elements, a full check fits the budget. */
export function planFull(estimateMs: number, budget: Budget): { reps: number; shardCount: number } {
  const cellMs = budget.cellSeconds * 1000;
  const reps = Math.max(3, budget.reps);
  if (estimateMs * 3 <= cellMs) return { reps: Math.max(3, Math.min(reps, Math.floor(cellMs / Math.max(estimateMs, 1e-3)))), shardCount: 1 };
  return { reps: 3, shardCount: Math.ceil((3 * estimateMs) / cellMs) };
}

export function measureInProcess(decl: Declaration, name: string, budget: Budget): InProcessResult {
  const call = forwardCall(decl, name);
  const first = timeForward(call);
  // Warm the engine's own code (and learn N) with a cheap check.
  const warm = checkInProcess(decl, name, 'fast');
  const size = warm.size;
  // A full check is about 2N forward passes plus a little.
  const plan = planFull(2 * size * first.wallMs * 1.15, budget);

  const full: PairedRun[] = [];
  for (let r = 0; r < plan.reps; r++) {
    const forward = timeForward(call, { minMs: 50, maxMs: 400 });
    const run = checkInProcess(decl, name, 'full', { index: 0, count: plan.shardCount });
    full.push({ run, forward });
  }
  // Fast checks: at least 3, up to max(5, reps) while they fit half a cell.
  const fast: PairedRun[] = [];
  const fastStarted = performance.now();
  while (fast.length < 3 || (fast.length < Math.max(5, budget.reps) && performance.now() - fastStarted < (budget.cellSeconds * 1000) / 2)) {
    const forward = timeForward(call, { minMs: 30, maxMs: 200 });
    fast.push({ run: checkInProcess(decl, name, 'fast'), forward });
  }

  const limit = (p: PairedRun, which: 'wallMs' | 'cpuMs') => 2 * p.run.elements * p.forward[which];
  const overheadWall = median(full.map((p) => p.run.wallMs / limit(p, 'wallMs')));
  const overheadCpu = median(full.map((p) => p.run.cpuMs / limit(p, 'cpuMs')));
  const forwardWall = median(full.map((p) => p.forward.wallMs));
  const forwardCpu = median(full.map((p) => p.forward.cpuMs));
  const last = full[full.length - 1].run;
  return {
    size,
    forward: { wallMs: forwardWall, cpuMs: forwardCpu },
    full: {
      runs: full,
      shardCount: plan.shardCount,
      wallSeconds: plan.shardCount === 1 ? median(full.map((p) => p.run.wallMs)) / 1000 : (overheadWall * 2 * size * forwardWall) / 1000,
      cpuSeconds: plan.shardCount === 1 ? median(full.map((p) => p.run.cpuMs)) / 1000 : (overheadCpu * 2 * size * forwardCpu) / 1000,
      overheadWall,
      overheadCpu,
      evaluationsPerLimit: last.evaluations / (2 * last.elements),
      richardson: last.richardson,
      elements: last.elements,
      evaluationPerForward: median(full.map((p) => p.run.evaluateMs / Math.max(1, p.run.evaluations - 2) / p.forward.wallMs)),
      outsideEvaluations: median(full.map((p) => 1 - p.run.evaluateMs / p.run.wallMs)),
      status: last.status,
    },
    fast: {
      runs: fast,
      forwardEquivalentsWall: median(fast.map((p) => p.run.wallMs / p.forward.wallMs)),
      forwardEquivalentsCpu: median(fast.map((p) => p.run.cpuMs / p.forward.cpuMs)),
      evaluations: fast[0].run.evaluations,
      status: fast[0].run.status,
      summary: fast[0].run.summary,
    },
  };
}
