// Runs one declaration's check inside a worker and returns raw numbers. Which elements get checked depends on
// the mode: every element (full), a seeded sample, or random directions first (fast), with the failing
// directions narrowed down to tensors, then blocks, then elements, so a verdict always rests on elements.

import { mixSeeds, Rng } from '../contract/random';
import type { Declaration } from '../contract/declarations';
import type { Finding } from '../report/types';
import { Prober, ProbeResult, type Line, type OutrightAllowance } from '../numerics/probe';
import { directionOutright, directionPasses } from '../numerics/verdict';
import type { CheckOverrides } from './api';
import { buildProblem, ProblemError, resolveOptions, type Param, type Problem } from './problem';
import { emptyElements, type RawCheck, type RawDirection, type RawElements, type RawTensor } from './raw';
import { UserCodeError } from './user-code';

/** In auto mode, check every element when the declaration has at most this many. */
export const AUTO_FULL_TOTAL = 5_000;
/** In auto mode, small tensors are always checked element by element. */
export const AUTO_FULL_TENSOR = 1_024;
/** A tensor whose directions fail is checked element by element up to this size; above it, ⌈√N⌉ blocks first. */
export const FULL_ON_FAIL = 1_024;
/** Tensors up to this size send their values and analytic gradient along, for whole-tensor hints. */
const HINT_DATA_LIMIT = 200_000;

export interface CheckShard {
  index: number;
  count: number;
}

class ElementLine implements Line {
  param!: Param;
  index = 0;
  constructor(private readonly problem: Problem) {}
  evaluate(delta: number, out: Float64Array): number {
    const slot = this.param.slot;
    const orig = slot.get(this.index);
    slot.set(this.index, orig + delta);
    const actual = slot.get(this.index) - orig;
    try {
      this.problem.evaluate(out);
    } finally {
      slot.set(this.index, orig);
    }
    return actual;
  }
}

/** A contiguous run of one tensor's elements. */
interface Segment {
  param: Param;
  from: number;
  to: number;
}

function segmentSize(segments: Segment[]): number {
  return segments.reduce((a, g) => a + g.to - g.from, 0);
}

/** A direction through many elements: each element moves by delta·u_i (u laid out segment after segment). */
class DirectionLine implements Line {
  private readonly orig: Float64Array;
  constructor(
    private readonly problem: Problem,
    private readonly segments: Segment[],
    private readonly u: Float64Array,
  ) {
    this.orig = new Float64Array(u.length);
    let e = 0;
    for (const g of segments) for (let i = g.from; i < g.to; i++) this.orig[e++] = g.param.slot.get(i);
  }
  evaluate(delta: number, out: Float64Array): number {
    const { segments, u, orig } = this;
    try {
      let e = 0;
      for (const g of segments) {
        const slot = g.param.slot;
        for (let i = g.from; i < g.to; i++, e++) slot.set(i, orig[e] + delta * u[e]);
      }
      this.problem.evaluate(out);
    } finally {
      let e = 0;
      for (const g of segments) {
        const slot = g.param.slot;
        for (let i = g.from; i < g.to; i++, e++) slot.set(i, orig[e]);
      }
    }
    return delta;
  }
}

interface Target {
  tensor: number;
  flat: number;
}

class Checker {
  readonly prober: Prober;
  readonly directions: RawDirection[] = [];
  readonly elements: RawElements = emptyElements();
  private readonly result: ProbeResult;
  private readonly analytic: Float64Array;
  private readonly elementLine: ElementLine;
  private readonly outright: OutrightAllowance;

  constructor(readonly problem: Problem) {
    this.prober = new Prober({ k: problem.k, f0: problem.f0, magnitude: problem.magnitude, scale: problem.scale, precision: problem.options.precision });
    this.result = new ProbeResult(problem.k);
    this.analytic = new Float64Array(problem.k);
    this.elementLine = new ElementLine(problem);
    const tol = problem.options.precision.tolerance;
    this.outright = (j, a, n) => tol.rtol * Math.max(Math.abs(a), Math.abs(n)) + tol.floor * problem.scale[j];
  }

  checkElement(target: Target): void {
    const { problem, result, analytic, elementLine, elements } = this;
    const param = problem.params[target.tensor];
    for (let j = 0; j < problem.k; j++) analytic[j] = param.analytic![j][target.flat];
    elementLine.param = param;
    elementLine.index = target.flat;
    this.prober.probe(elementLine, analytic, param.units[target.flat], this.outright, result);
    elements.count++;
    elements.tensor.push(target.tensor);
    elements.flat.push(target.flat);
    elements.level.push(result.level);
    for (let j = 0; j < problem.k; j++) {
      elements.analytic.push(analytic[j]);
      elements.numeric.push(result.numeric[j]);
      elements.errEst.push(result.errEst[j]);
      elements.kink.push(result.kink[j]);
      elements.lo.push(result.lo[j]);
      elements.hi.push(result.hi[j]);
    }
  }

  /** One seeded ±1 direction (scaled by each element's step unit) through `segments`; returns whether it passed. */
  checkDirection(scope: string, segments: Segment[], seedKey: string, extra: Partial<RawDirection>): boolean {
    const { problem } = this;
    const k = problem.k;
    const rng = new Rng(mixSeeds(problem.options.seed, 'direction', seedKey));
    const u = new Float64Array(segmentSize(segments));
    const analytic = new Float64Array(k);
    const absDot = new Float64Array(k);
    let absSum = 0;
    let e = 0;
    let bits = 0;
    for (const g of segments) {
      const units = g.param.units;
      for (let i = g.from; i < g.to; i++, e++) {
        // 32 random signs per draw.
        if ((e & 31) === 0) bits = rng.nextUint32();
        const ue = (bits >>> (e & 31)) & 1 ? units[i] : -units[i];
        u[e] = ue;
        absSum += units[i];
      }
      for (let j = 0; j < k; j++) {
        const a = g.param.analytic![j];
        let dot = 0;
        let abs = 0;
        for (let i = g.from, x = e - (g.to - g.from); i < g.to; i++, x++) {
          const p = a[i] * u[x];
          dot += p;
          abs += Math.abs(p);
        }
        analytic[j] += dot;
        absDot[j] += abs;
      }
    }
    const tol = problem.options.precision.tolerance;
    const outright: OutrightAllowance = (j, _a, n) => directionOutright(absDot[j], n, absSum, problem.scale[j], tol);
    // The tolerance of a direction sums over all its elements, so round-off leaves room for a much smaller step
    // than an element's: the smallest step whose round-off stays 1% of the tolerance crosses the fewest kinks
    // (a step through thousands of ReLU pre-activations otherwise crosses some of them).
    const { eps, firstStep } = problem.options.precision;
    let step = 0;
    for (let j = 0; j < k; j++) {
      const allowed = directionOutright(absDot[j], analytic[j], absSum, problem.scale[j], tol);
      if (allowed > 0) step = Math.max(step, (400 * eps * problem.magnitude[j]) / allowed);
    }
    const unit = step > 0 ? Math.min(1, Math.max(step / firstStep, 1e-6)) : 1;
    const r = this.prober.probe(new DirectionLine(problem, segments, u), analytic, unit, outright, this.result);
    const raw: RawDirection = {
      scope,
      ...extra,
      analytic: [...analytic],
      numeric: [...r.numeric],
      errEst: [...r.errEst],
      absDot: [...absDot],
      absSum: Array(k).fill(absSum),
      kink: [...r.kink],
      evaluations: r.evaluations,
    };
    this.directions.push(raw);
    let pass = true;
    for (let j = 0; j < k; j++) {
      if (r.kink[j] || !directionPasses(analytic[j], r.numeric[j], r.errEst[j], absDot[j], absSum, problem.scale[j], tol)) pass = false;
    }
    return pass;
  }
}

function segmentsOf(params: Param[], tensors: number[], range?: [number, number]): Segment[] {
  return tensors.map((t) => ({ param: params[t], from: range?.[0] ?? 0, to: range?.[1] ?? params[t].slot.size }));
}

function allElements(param: Param, tensor: number): Target[] {
  return Array.from({ length: param.slot.size }, (_, flat) => ({ tensor, flat }));
}

function sampleElements(param: Param, tensor: number, requested: number | undefined, seed: number): Target[] {
  const n = param.slot.size;
  const count = Math.min(n, Math.max(1, Math.floor(requested ?? Math.max(16, Math.ceil(Math.sqrt(n))))));
  const rng = new Rng(mixSeeds(seed, 'sample', param.path));
  const pool = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(rng.random() * (n - i));
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool
    .slice(0, count)
    .sort((a, b) => a - b)
    .map((flat) => ({ tensor, flat }));
}

/**
 * The directional pass: joint directions through every tensor; if one fails, directions per tensor; a failing
 * tensor is then checked element by element (or first by ⌈√N⌉ blocks when large). Returns the elements to check.
 */
function directionalPlan(checker: Checker, usable: number[], alwaysFull: Set<number>): Target[] {
  const { problem } = checker;
  const { params, options } = problem;
  const targets: Target[] = [];
  const rest = usable.filter((t) => !alwaysFull.has(t));
  for (const t of usable) if (alwaysFull.has(t)) targets.push(...allElements(params[t], t));
  if (!rest.length) return targets;

  let jointPass = true;
  for (let d = 0; d < options.directions; d++) {
    if (!checker.checkDirection('all', segmentsOf(params, rest), `all/${d}`, {})) jointPass = false;
  }
  if (jointPass) return targets;

  for (const t of rest) {
    const p = params[t];
    let tensorPass = true;
    for (let d = 0; d < options.directions; d++) {
      if (!checker.checkDirection(p.path, segmentsOf(params, [t]), `${p.path}/${d}`, { tensor: t })) tensorPass = false;
    }
    if (tensorPass) continue;
    const n = p.slot.size;
    if (n <= FULL_ON_FAIL) {
      targets.push(...allElements(p, t));
      continue;
    }
    const blocks = Math.ceil(Math.sqrt(n));
    for (let b = 0; b < blocks; b++) {
      const from = Math.floor((b * n) / blocks);
      const to = Math.floor(((b + 1) * n) / blocks);
      if (to <= from) continue;
      const pass = checker.checkDirection(p.path, segmentsOf(params, [t], [from, to]), `${p.path}/block${b}`, { tensor: t, block: [from, to] });
      if (!pass) for (let i = from; i < to; i++) targets.push({ tensor: t, flat: i });
    }
  }
  return targets;
}

function planTargets(checker: Checker, usable: number[]): Target[] {
  const { problem } = checker;
  const { params, options } = problem;
  const total = usable.reduce((a, t) => a + params[t].slot.size, 0);
  switch (options.mode) {
    case 'full':
      return usable.flatMap((t) => allElements(params[t], t));
    case 'sample':
      return usable.flatMap((t) => sampleElements(params[t], t, options.sample, options.seed));
    case 'fast':
      return directionalPlan(checker, usable, new Set());
    case 'auto':
    default:
      if (total <= AUTO_FULL_TOTAL) return usable.flatMap((t) => allElements(params[t], t));
      return directionalPlan(checker, usable, new Set(usable.filter((t) => params[t].slot.size <= AUTO_FULL_TENSOR)));
  }
}

function rawTensor(p: Param, withData: boolean): RawTensor {
  const size = p.slot.size;
  const raw: RawTensor = { path: p.path, group: p.group, gradientKey: p.gradientKey, shape: [...p.slot.shape], size };
  if (p.problem) raw.problem = p.problem;
  // Hints are fitted on checked elements only: a tensor passed by its directions needs no data.
  if (withData && size <= HINT_DATA_LIMIT) {
    raw.values = Array.from({ length: size }, (_, i) => p.slot.get(i));
    if (p.analytic) raw.analytic0 = [...p.analytic[0]];
  }
  return raw;
}

function stopFinding(e: unknown): Finding {
  if (e instanceof UserCodeError) return e.finding;
  if (e instanceof ProblemError) return e.findings[0];
  throw e;
}

/** Checks one declaration (or one shard of its elements) and returns the raw numbers. */
export function runDeclarationCheck(decl: Declaration, name: string, overrides: CheckOverrides = {}, shard: CheckShard = { index: 0, count: 1 }): RawCheck {
  const started = performance.now();
  const options = resolveOptions(decl, name, overrides);
  const base: RawCheck = {
    name,
    kind: decl.kind,
    dtype: options.dtype,
    mode: options.mode,
    seed: options.seed,
    tolerance: options.precision.tolerance,
    eps: options.precision.eps,
    objectives: decl.kind === 'layer' ? options.douts : 1,
    gradientScale: [],
    batchCandidates: [],
    tensors: [],
    directions: [],
    elements: emptyElements(),
    findings: [],
    evaluations: 0,
    evaluateMs: 0,
    checkMs: 0,
    shard,
    checked: false,
  };
  let problem: Problem;
  try {
    problem = buildProblem(decl, name, overrides);
  } catch (e) {
    if (e instanceof ProblemError) base.findings.push(...e.findings);
    else base.findings.push(stopFinding(e));
    base.checkMs = performance.now() - started;
    return base;
  }
  const checker = new Checker(problem);
  const usable = problem.params.map((p, t) => (p.analytic ? t : -1)).filter((t) => t >= 0);
  const findings = [...problem.findings];
  // Tensors with elements to check, in any shard: they send their data along for the hints.
  const planned = new Set<number>();
  try {
    const targets = planTargets(checker, usable);
    for (const t of targets) planned.add(t.tensor);
    const from = Math.floor((shard.index * targets.length) / shard.count);
    const to = Math.floor(((shard.index + 1) * targets.length) / shard.count);
    for (let i = from; i < to; i++) checker.checkElement(targets[i]);
  } catch (e) {
    findings.push(stopFinding(e));
  }
  return {
    ...base,
    objectives: problem.k,
    gradientScale: [...problem.scale],
    batchCandidates: problem.batchCandidates,
    tensors: problem.params.map((p, t) => rawTensor(p, planned.has(t))),
    directions: shard.index === 0 ? checker.directions : [],
    elements: checker.elements,
    findings: shard.index === 0 ? findings : findings.filter((f) => !problem.findings.includes(f)),
    evaluations: problem.evaluations,
    evaluateMs: problem.evaluateMs,
    checkMs: performance.now() - started,
    checked: true,
  };
}
