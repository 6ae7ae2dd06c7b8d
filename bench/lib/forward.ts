// The time of one forward pass of a declaration's own code (the loss of a model, the forward of a layer, f of
// an fn), on the inputs the engine checks at, called directly: no engine wrapper, no output reduction. This
// is the unit the overheads are expressed in: a per-element check needs 2N of these.
//
// Wall-clock: the median of many individually timed calls after a warm-up (a short call is rarely
// preempted, so the median is the uncontended time). CPU time: process CPU over batches of calls (its clock
// ticks in microseconds, too coarse for one call), the median batch divided by the batch size.

import type { Ctx, Declaration } from '../../core/contract/declarations';
import { Ctx as EngineCtx } from '../../core/engine/user-calls';
import { materializeInputs } from '../../core/engine/inputs';
import { resolveOptions } from '../../core/engine/options';
import { median, type Duration } from './stats';

/** The engine's own ctx (the benchmark models do not use it, but a declaration may). */
function makeCtx(seed: number, phase: string): Ctx {
  return new EngineCtx(seed, phase);
}

/** A zero-argument call of the declaration's forward code on the engine's inputs (same seed and dtype). */
export function forwardCall(decl: Declaration, name: string): () => unknown {
  const { seed, dtype } = resolveOptions(decl, name);
  switch (decl.kind) {
    case 'model': {
      const params = materializeInputs(decl.params, seed, dtype, 'params').value;
      const data = decl.data === undefined ? undefined : materializeInputs(decl.data, seed, dtype, 'data').value;
      const ctx = makeCtx(seed, 'loss');
      if (decl.loss) return () => decl.loss!(params as never, data as never, ctx);
      return () => decl.valueAndGrad!(params as never, data as never, ctx);
    }
    case 'layer': {
      const inputs = materializeInputs(decl.at, seed, dtype, 'at').value;
      const ctx = makeCtx(seed, 'forward');
      return () => decl.forward(inputs as never, ctx);
    }
    case 'fn': {
      const inputs = materializeInputs(decl.at, seed, dtype, 'at').value;
      const ctx = makeCtx(seed, 'f');
      if (decl.f) return () => decl.f!(inputs as never, ctx);
      return () => decl.valueAndGrad!(inputs as never, ctx);
    }
  }
}

export interface ForwardTiming extends Duration {
  /** Individually timed calls behind the wall-clock median. */
  calls: number;
}

export interface ForwardOptions {
  /** Minimum individually timed calls (default 200). */
  minCalls?: number;
  /** Time spent on wall-clock samples: at least this (default 100 ms), at most `maxMs` (default 1000 ms). */
  minMs?: number;
  maxMs?: number;
}

// Defeats dead-code elimination of a call whose result is otherwise unused.
let sink: unknown;

export function timeForward(call: () => unknown, options: ForwardOptions = {}): ForwardTiming {
  const minCalls = options.minCalls ?? 200;
  const minMs = options.minMs ?? 100;
  const maxMs = options.maxMs ?? 1000;
  // Warm-up: enough calls for V8 to optimize the forward code.
  const warmUntil = performance.now() + 50;
  for (let i = 0; i < 30 || performance.now() < warmUntil; i++) sink = call();

  const samples: number[] = [];
  const started = performance.now();
  for (;;) {
    const t0 = performance.now();
    sink = call();
    samples.push(performance.now() - t0);
    const elapsed = performance.now() - started;
    if ((samples.length >= minCalls && elapsed >= minMs) || elapsed >= maxMs) break;
  }
  const wallMs = median(samples);

  // Batches of about 2 ms of calls, so the microsecond CPU clock resolves each batch to ~0.05%.
  const batch = Math.max(1, Math.round(2 / Math.max(wallMs, 1e-4)));
  const perCall: number[] = [];
  const cpuStarted = performance.now();
  while (perCall.length < 15 || (perCall.length < 60 && performance.now() - cpuStarted < maxMs / 2)) {
    const c0 = process.cpuUsage();
    for (let i = 0; i < batch; i++) sink = call();
    const c = process.cpuUsage(c0);
    perCall.push((c.user + c.system) / 1000 / batch);
  }
  void sink;
  return { wallMs, cpuMs: median(perCall), calls: samples.length };
}
