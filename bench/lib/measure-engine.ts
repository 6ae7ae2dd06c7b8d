// End to end through the Engine with one worker and with two, pools warm: each engine first checks the model
// once (untimed: the processes start, the bundle loads, V8 optimizes), then the timed checks alternate
// between the two engines so that a change in the machine's load hits both alike.

import type { Engine } from '../../core/engine/engine';
import type { Mode } from '../../core/report/types';
import { checkThroughEngine, type EngineRun } from './engine-path';
import type { Budget } from './measure-in-process';
import { median } from './stats';

export interface EnginePair {
  one: EngineRun[];
  two: EngineRun[];
  /** Median of the paired ratios (1-worker time / 2-worker time). */
  speedup: number;
}

export interface EngineResult {
  /** Absent when one full check would not fit the budget (the reason is in `skipped`). */
  full?: EnginePair;
  skipped?: string;
  fast: EnginePair;
  /** Median wall-clock outside the check itself (compile, discovery, list, IPC, assembly), 1 worker. */
  fixedMs: number;
}

/** `reps` rounds of a 1-worker and a 2-worker check; after the first, only while they stay within `budgetMs`. */
async function alternate(one: Engine, two: Engine, file: string, name: string, mode: Mode, reps: number, budgetMs: number): Promise<EnginePair> {
  const pair: EnginePair = { one: [], two: [], speedup: NaN };
  const started = performance.now();
  for (let r = 0; r < reps; r++) {
    const spent = performance.now() - started;
    if (r > 0 && spent + spent / r > budgetMs) break;
    // Which engine goes first alternates too.
    const order = r % 2 ? ([two, one] as const) : ([one, two] as const);
    for (const engine of order) {
      const run = await checkThroughEngine(engine, file, name, mode);
      (engine === one ? pair.one : pair.two).push(run);
    }
  }
  pair.speedup = median(pair.one.map((run, i) => run.wallMs / pair.two[i].wallMs));
  return pair;
}

/** `fullEstimateMs`: what one full check takes on one core (from the in-process measurement). */
export async function measureEngine(one: Engine, two: Engine, file: string, name: string, fullEstimateMs: number, budget: Budget): Promise<EngineResult> {
  const cellMs = budget.cellSeconds * 1000;
  // A 1-worker and a 2-worker check per repetition: about 1.5 full checks of time.
  const perRep = 1.5 * fullEstimateMs;
  const runFull = perRep <= cellMs;
  const warmMode: Mode = runFull && fullEstimateMs < cellMs / 10 ? 'full' : 'fast';
  for (const engine of [one, two]) await checkThroughEngine(engine, file, name, warmMode);

  // Short checks are at the mercy of the scheduler: take up to three times the usual repetitions while they fit.
  const fast = await alternate(one, two, file, name, 'fast', 3 * Math.max(5, budget.reps), cellMs / 2);
  const result: EngineResult = { fast, fixedMs: NaN };
  if (runFull) {
    result.full = await alternate(one, two, file, name, 'full', 3 * budget.reps, cellMs);
  } else {
    result.skipped = `one full check ≈ ${(fullEstimateMs / 1000).toFixed(0)} s on one core, over the ${budget.cellSeconds} s budget (--cell)`;
  }
  const runs = result.full?.one ?? fast.one;
  result.fixedMs = median(runs.map((run) => run.wallMs - run.report.checkMs));
  return result;
}
