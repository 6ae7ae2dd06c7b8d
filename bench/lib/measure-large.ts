// The large models (about 10^5 and 10^6 parameters), end to end: what a user waits for a verdict from the
// CLI or the editor. Each model file declares the correct model and two copies with a known bug in the
// gradient of fc1.W (one element 1% off; the L2 term missing from the whole layer). Each is checked through a
// warm engine (processes started, file compiled and loaded) in the default mode ('auto'), with the default
// workers and the default time limit, and the time is also given in forward-pass equivalents: wall time over
// the model's own forward pass, timed in this process as for the reference models (bench/lib/forward.ts).
//
// Whatever comes back is recorded as it is: a time-out, a partial report, a thrown error. Nothing here throws
// for a check that goes wrong.

import * as path from 'node:path';
import type { Declaration } from '../../core/contract/declarations';
import type { Engine } from '../../core/engine/engine';
import { materializeInputs } from '../../core/engine/inputs';
import { resolveOptions } from '../../core/engine/options';
import type { DeclarationReport, HintCode, Mode, Status } from '../../core/report/types';
import { checkThroughEngine } from './engine-path';
import { forwardCall, timeForward, type ForwardTiming } from './forward';
import type { Budget } from './measure-in-process';
import type { LargeModel } from './models';
import { median } from './stats';
import type { TorchLargeResult } from './torch';

export type Variant = 'correct' | 'element' | 'layer';
export const VARIANTS: Variant[] = ['correct', 'element', 'layer'];

/** One end-to-end check, reduced to what the table needs (a report of 10^6 elements is large). */
export interface LargeRun {
  wallMs: number;
  /** 'error' also when the engine returned no report at all (then `error` says why). */
  status: Status;
  summary: string;
  evaluations: number;
  /** The check time the workers reported (ms). */
  checkMs: number;
  /** The engine's own median forward time, measured in the worker (ms). */
  engineForwardMs: number | null;
  workers: number;
  partial: boolean;
  findings: { severity: string; code: string; message: string }[];
  /** The bug's tensor (fc1.W) as the report has it. */
  tensor: {
    status: Status;
    method: string;
    checked: number;
    failing: number;
    worstFlat: number | null;
    hints: HintCode[];
    unchecked?: { blocks: number; elements: number; reason: string };
  } | null;
  error?: string;
}

export interface LargeVariantResult {
  variant: Variant;
  exportName: string;
  runs: LargeRun[];
  /** Median wall-clock of the runs (ms). */
  wallMs: number;
  /** wallMs over one forward pass's wall-clock (the pairing the targets judge). */
  forwardEquivalents: number;
  /**
   * wallMs over the forward pass's CPU time: on a loaded machine the forward's wall-clock is inflated too, and
   * this ratio shows how much that flatters the one above (the check's own CPU time is in the workers, unseen).
   */
  forwardEquivalentsCpu: number;
  /** Element bug: the report's worst element of the tensor is the injected one, in every run. */
  located?: boolean;
  /** Layer bug: the tensor's first hint (of the first run). */
  hint?: HintCode | null;
}

export interface LargeResult {
  model: LargeModel;
  /** Parameters (every checked tensor). */
  size: number;
  /** Flat index of the element bug in `model.tensor`. */
  injected: number;
  /** Forward pass in this process, before and after the engine runs, and their mean. */
  forward: { wallMs: number; cpuMs: number; before: ForwardTiming; after?: ForwardTiming };
  mode: Mode;
  workers: number;
  /** Absent when the engine was not run (`skipped` says why). */
  variants?: LargeVariantResult[];
  skipped?: string;
  torch?: TorchLargeResult;
}

function sizeOf(decl: Declaration, name: string): number {
  if (decl.kind !== 'model') throw new Error(`${name} is not a model`);
  const { seed, dtype } = resolveOptions(decl, name);
  let total = 0;
  const walk = (value: unknown): void => {
    if (!value || typeof value !== 'object') return;
    const data = (value as { data?: unknown }).data;
    if (ArrayBuffer.isView(data)) total += (data as Float64Array).length;
    else for (const child of Object.values(value)) walk(child);
  };
  walk(materializeInputs(decl.params, seed, dtype, 'params').value);
  return total;
}

function reduce(report: DeclarationReport, wallMs: number, tensorPath: string): LargeRun {
  const t = report.tensors.find((x) => x.path === tensorPath);
  return {
    wallMs,
    status: report.status,
    summary: report.summary,
    evaluations: report.evaluations,
    checkMs: report.checkMs,
    engineForwardMs: report.forwardMs,
    workers: report.workers,
    partial: report.partial ?? false,
    findings: report.findings.filter((f) => f.severity !== 'info').map((f) => ({ severity: f.severity, code: f.code, message: f.message })),
    tensor: t
      ? {
          status: t.status,
          method: t.method,
          checked: t.checked,
          failing: t.failing,
          worstFlat: t.worst?.flat ?? null,
          hints: t.hints.map((h) => h.code),
          ...(t.unchecked ? { unchecked: { ...t.unchecked } } : {}),
        }
      : null,
  };
}

async function runOnce(engine: Engine, file: string, name: string, mode: Mode, tensorPath: string): Promise<LargeRun> {
  const started = performance.now();
  try {
    const run = await checkThroughEngine(engine, file, name, mode);
    return reduce(run.report, run.wallMs, tensorPath);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return {
      wallMs: performance.now() - started,
      status: 'error',
      summary: message,
      evaluations: 0,
      checkMs: NaN,
      engineForwardMs: null,
      workers: 0,
      partial: false,
      findings: [],
      tensor: null,
      error: message,
    };
  }
}

/**
 * The model's three declarations through `engine`, each repeated up to `budget.reps` times while its runs stay
 * within `budget.cellSeconds` (at least once: a time-out is one run of the time limit).
 */
export async function measureLarge(model: LargeModel, engine: Engine | undefined, budget: Budget, log: (line: string) => void): Promise<LargeResult> {
  const mod = (await import(model.file)) as Record<string, unknown>;
  const decl = mod[model.correct] as Declaration;
  const bug = mod[model.bugExport] as { flat: number } | undefined;
  if (!decl) throw new Error(`${path.basename(model.file)} does not export ${model.correct}`);
  const call = forwardCall(decl, model.correct);
  const before = timeForward(call, { minCalls: 20, minMs: 300, maxMs: 2000 });
  const mode: Mode = 'auto';
  const result: LargeResult = {
    model,
    size: sizeOf(decl, model.correct),
    injected: bug?.flat ?? NaN,
    forward: { wallMs: before.wallMs, cpuMs: before.cpuMs, before },
    mode,
    workers: engine?.workerCount ?? 0,
  };
  if (!engine) {
    result.skipped = 'no engine runs (--no-engine)';
    return result;
  }

  // Warm: the pool's processes are started by the caller. One untimed check of the correct model in fast mode
  // (directions only: cheap, and one that times out would restart a worker) compiles the file, loads it in a
  // worker and lets V8 optimize the model's code; it is not part of any measurement.
  const warmStarted = performance.now();
  const warm = await engine.checkFile({ file: model.file, names: [model.correct], overrides: { mode: 'fast' } }).catch((e: unknown) => e);
  const warmStatus =
    warm instanceof Error ? `threw: ${warm.message}` : ((warm as { declarations?: { status: string }[] }).declarations?.[0]?.status ?? 'no report');
  log(`${model.id}: warm-up (fast mode, untimed) ${((performance.now() - warmStarted) / 1000).toFixed(1)} s, ${warmStatus}`);

  const names: Record<Variant, string> = { correct: model.correct, element: model.oneElementOff, layer: model.noL2 };
  const variants: LargeVariantResult[] = [];
  for (const variant of VARIANTS) {
    const runs: LargeRun[] = [];
    const started = performance.now();
    for (let r = 0; r < Math.max(1, budget.reps); r++) {
      const spent = performance.now() - started;
      if (r > 0 && spent + spent / r > budget.cellSeconds * 1000) break;
      const run = await runOnce(engine, model.file, names[variant], mode, model.tensor);
      runs.push(run);
      const t = run.tensor;
      log(
        `${model.id} ${variant}: ${(run.wallMs / 1000).toFixed(1)} s, ${run.status}${run.partial ? ' (partial)' : ''}, ${run.evaluations} evaluations` +
          (t ? `; ${model.tensor} ${t.status}, worst ${t.worstFlat ?? '–'}, hints ${t.hints.join(',') || '–'}` : '') +
          (run.status === 'error' ? ` — ${run.summary}` : ''),
      );
    }
    variants.push({ variant, exportName: names[variant], runs, wallMs: NaN, forwardEquivalents: NaN, forwardEquivalentsCpu: NaN });
  }

  const after = timeForward(call, { minCalls: 20, minMs: 300, maxMs: 2000 });
  // The mean of the two timings: the machine may be shared and its load drifts over minutes of checks.
  result.forward = { wallMs: (before.wallMs + after.wallMs) / 2, cpuMs: (before.cpuMs + after.cpuMs) / 2, before, after };
  for (const v of variants) {
    v.wallMs = median(v.runs.map((r) => r.wallMs));
    v.forwardEquivalents = v.wallMs / result.forward.wallMs;
    v.forwardEquivalentsCpu = v.wallMs / result.forward.cpuMs;
    if (v.variant === 'element') v.located = v.runs.every((r) => r.tensor?.worstFlat === result.injected && r.tensor.failing > 0);
    if (v.variant === 'layer') v.hint = v.runs[0]?.tensor?.hints[0] ?? null;
  }
  result.variants = variants;
  return result;
}
