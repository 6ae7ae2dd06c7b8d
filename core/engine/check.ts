// Runs one declaration's check inside a worker and returns raw numbers. A measured cost plan (one evaluation's
// time × the evaluations each way needs) picks every element or the directional search; explicit modes ask for
// every element, a seeded sample, or the search. Long element lists can be left to the engine, which spreads
// them over every worker; a time budget stops localization in time to report what was measured.

import type { Declaration } from '../contract/declarations';
import type { Finding } from '../report/types';
import { Prober, ProbeResult, type Line, type OutrightAllowance } from '../numerics/probe';
import { judge, worseState } from '../numerics/verdict';
import type { CheckOverrides } from './api';
import { DirectionProber, type MeasuredDirection, type Segment } from './directions';
import { buildProblem, type Problem } from './problem';
import { resolveOptions } from './options';
import type { Param } from './params';
import { ProblemError } from './user-calls';
import { emptyElements, emptyRawCheck, sliceElements, type RawCheck, type RawDirection, type RawElements, type RawTensor, type TargetRanges } from './raw';
import { sampleIndices, searchDirections } from './search';
import { UserCodeError } from './user-code';
import { DEFAULT_TIME_LIMIT_MS } from '../defaults';

/** Auto mode checks every element when that costs at most this much evaluation time (ms, all workers together)… */
export const AUTO_FULL_MS = 2_000;
/** …and at most this share of the time limit. */
const AUTO_FULL_SHARE = 0.2;
/** In a directional check, a tensor this cheap to check element by element (ms) is checked that way. */
const SMALL_TENSOR_MS = 150;
/** Element work worth handing to the engine to spread over the workers (ms of evaluations). */
const DEFER_MIN_MS = 400;
/** Shares of the time limit: the search narrows until the first, element checks run until the second. */
const SEARCH_SHARE = 0.65;
const ELEMENT_SHARE = 0.85;
/** When no time limit is given (in-process use): the default time limit. */
const DEFAULT_BUDGET_MS = DEFAULT_TIME_LIMIT_MS;
/** Tensors up to this size send their values and analytic gradient along, for whole-tensor hints. */
const HINT_DATA_LIMIT = 200_000;
/** Past this much evaluation time (ms), a valueAndGrad that computes its gradient every time is worth a word. */
const SLOW_VALUE_MS = 1_000;
/** Evaluations one element usually takes (2 when its first difference decides, 8 up the ladder). */
const ELEMENT_EVALUATIONS = 2.2;
/** A partial result is streamed at most this often (ms). */
const FLUSH_MS = 1_000;

export interface CheckShard {
  index: number;
  count: number;
}

/** What the engine tells a check job beyond the declaration. */
export interface CheckJob {
  /** Static split of an element-by-element check (full and sample modes). */
  shard?: CheckShard;
  /** An element job: check exactly these elements. */
  targets?: TargetRanges;
  /** The job's time limit (ms): the budget the check plans within. */
  timeLimitMs?: number;
  /** Workers the engine can spread deferred elements over (1: check them here). */
  workers?: number;
}

/** What a running check streams: progress, and deltas of what it has measured (kept if the job is killed). */
export interface CheckEvents {
  progress?(stage: string, done: number, planned: number): void;
  partial?(delta: PartialDelta): void;
}

export interface PartialDelta {
  /** The check's frame (tensors without data, tolerance, …): sent with the first delta. */
  frame?: RawCheck;
  directions: RawDirection[];
  elements: RawElements;
  evaluations: number;
  evaluateMs: number;
  searchStop: Record<number, RawTensor['searchStop']>;
}

export interface Target {
  tensor: number;
  flat: number;
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

/** Smaller steps tried at an element whose differences are not finite, each this many times smaller. */
const DOMAIN_RETRIES = 3;
const DOMAIN_SHRINK = 64;

/** Measures elements and directions of one problem, records the raw numbers, and keeps the time budget. */
export class CheckSession {
  readonly prober: Prober;
  readonly directions: RawDirection[] = [];
  readonly elements: RawElements = emptyElements();
  readonly searchStop = new Map<number, NonNullable<RawTensor['searchStop']>>();
  /** Evaluations a direction and an element usually take (for the plan shown as progress): a passing direction takes 4. */
  readonly directionCost = 4;
  readonly elementCost = ELEMENT_EVALUATIONS;
  private readonly result: ProbeResult;
  private readonly analytic: Float64Array;
  private readonly elementLine: ElementLine;
  private readonly outright: OutrightAllowance;
  private readonly directionProber: DirectionProber;
  /** Elements compared so far (tensor·2³² + flat): the search's leaves and its samples may overlap. */
  private readonly checkedSet = new Set<number>();
  private currentStage = '';
  private lastProgress = 0;
  private lastFlush = -Infinity;
  private flushedDirections = 0;
  private flushedElements = 0;
  framed = false;

  constructor(
    readonly problem: Problem,
    private readonly started: number,
    private readonly budgetMs: number,
    private readonly events: CheckEvents,
    private readonly frame: () => RawCheck,
  ) {
    this.prober = new Prober({ k: problem.k, f0: problem.f0, magnitude: problem.magnitude, scale: problem.scale, precision: problem.options.precision });
    this.result = new ProbeResult(problem.k);
    this.analytic = new Float64Array(problem.k);
    this.elementLine = new ElementLine(problem);
    const tol = problem.options.precision.tolerance;
    this.outright = (j, a, n) => tol.rtol * Math.max(Math.abs(a), Math.abs(n)) + tol.floor * problem.scale[j];
    this.directionProber = new DirectionProber(problem);
  }

  searchOver(): boolean {
    return performance.now() - this.started > SEARCH_SHARE * this.budgetMs;
  }

  /** Past the element share of the budget, counting the next element (up to 8 evaluations) as spent already. */
  elementsOver(): boolean {
    return performance.now() - this.started + 8 * this.problem.baselineMs > ELEMENT_SHARE * this.budgetMs;
  }

  /** Names the stage and the evaluations still planned in it; reports progress a few times a second. */
  stage(name: string, remaining: number): void {
    this.currentStage = name;
    this.tick(remaining, true);
  }

  private tick(remaining: number, force = false): void {
    const now = performance.now();
    if (this.events.progress && (force || now - this.lastProgress > 200)) {
      this.lastProgress = now;
      this.events.progress(this.currentStage, this.problem.evaluations, this.problem.evaluations + Math.max(0, Math.round(remaining)));
    }
    // Often enough that a job killed mid-way (a hang in user code) loses little: slow evaluations flush sooner.
    if (this.events.partial && now - this.lastFlush > Math.min(FLUSH_MS, Math.max(20, 50 * this.problem.baselineMs))) this.flush();
  }

  /** Sends what was measured since the last flush. */
  flush(): void {
    if (!this.events.partial) return;
    this.lastFlush = performance.now();
    const stops: Record<number, RawTensor['searchStop']> = {};
    for (const [t, reason] of this.searchStop) stops[t] = reason;
    const delta: PartialDelta = {
      directions: this.directions.slice(this.flushedDirections),
      elements: sliceElements(this.elements, this.flushedElements, this.problem.k),
      evaluations: this.problem.evaluations,
      evaluateMs: this.problem.evaluateMs,
      searchStop: stops,
    };
    if (!this.framed) {
      delta.frame = this.frame();
      this.framed = true;
    }
    this.flushedDirections = this.directions.length;
    this.flushedElements = this.elements.count;
    this.events.partial(delta);
  }

  unresolvedTensor(tensor: number, reason: NonNullable<RawTensor['searchStop']>): void {
    if (!this.searchStop.has(tensor)) this.searchStop.set(tensor, reason);
  }

  /** Compares one element; returns whether it passed (the parent judges again from the raw numbers). */
  checkElement(target: Target, remaining = 0): boolean {
    const key = target.tensor * 4294967296 + target.flat;
    if (this.checkedSet.has(key)) return true;
    this.checkedSet.add(key);
    const { problem, result, analytic, elementLine, elements } = this;
    const param = problem.params[target.tensor];
    for (let j = 0; j < problem.k; j++) analytic[j] = param.analytic![j][target.flat];
    elementLine.param = param;
    elementLine.index = target.flat;
    this.probeWithinDomain(param, target.flat);
    elements.count++;
    elements.tensor.push(target.tensor);
    elements.flat.push(target.flat);
    elements.level.push(result.level);
    elements.value.push(param.slot.get(target.flat));
    let state: ReturnType<typeof judge>['state'] = 'pass';
    for (let j = 0; j < problem.k; j++) {
      elements.analytic.push(analytic[j]);
      elements.numeric.push(result.numeric[j]);
      elements.errEst.push(result.errEst[j]);
      elements.kink.push(result.kink[j]);
      elements.lo.push(result.lo[j]);
      elements.hi.push(result.hi[j]);
      const v = judge(
        { analytic: analytic[j], numeric: result.numeric[j], errEst: result.errEst[j], kink: result.kink[j] === 1, lo: result.lo[j], hi: result.hi[j] },
        problem.scale[j],
        problem.options.precision.tolerance,
      );
      state = worseState(state, v.state);
    }
    this.tick(remaining);
    return state === 'pass' || state === 'kink';
  }

  /**
   * The element's derivative, at its usual step first. A step that leaves the function's domain (log or sqrt near
   * 0, a probability near 1) gives NaN or ±∞: then smaller steps, from the element's own magnitude down, before
   * the element is left undifferentiable (reported as such, never as checked).
   */
  private probeWithinDomain(param: Param, flat: number): void {
    const { result, analytic, elementLine } = this;
    let unit = param.units[flat];
    this.prober.probe(elementLine, analytic, unit, this.outright, result);
    unit = Math.min(unit, Math.abs(param.slot.get(flat)) || unit);
    for (let retry = 0; retry < DOMAIN_RETRIES && !result.numeric.every(Number.isFinite); retry++) {
      unit /= DOMAIN_SHRINK;
      this.prober.probe(elementLine, analytic, unit, this.outright, result);
    }
  }

  /** Checks every element of the ranges, in order, until the element budget runs out. Returns whether all were reached. */
  checkRanges(ranges: TargetRanges, stage = 'elements'): boolean {
    let remaining = ranges.reduce((a, [, from, to]) => a + to - from, 0);
    this.stage(stage, remaining * this.elementCost);
    for (const [tensor, from, to] of ranges) {
      for (let flat = from; flat < to; flat++, remaining--) {
        if (this.elementsOver()) {
          this.unresolvedTensor(tensor, 'budget');
          return false;
        }
        this.checkElement({ tensor, flat }, remaining * this.elementCost);
      }
    }
    return true;
  }

  direction(segments: Segment[], round: number, scope: string, extra: Partial<RawDirection>): MeasuredDirection {
    const m = this.directionProber.measure(segments, round, scope, extra);
    this.directions.push(m.raw);
    this.tick(0);
    return m;
  }
}

function rangesOf(params: Param[], tensors: number[]): TargetRanges {
  return tensors.map((t) => [t, 0, params[t].slot.size]);
}

function rangeCount(ranges: TargetRanges): number {
  return ranges.reduce((a, [, from, to]) => a + to - from, 0);
}

/** The contiguous part `shard` of `ranges` (by element count). */
export function shardRanges(ranges: TargetRanges, shard: CheckShard): TargetRanges {
  const total = rangeCount(ranges);
  const lo = Math.floor((shard.index * total) / shard.count);
  const hi = Math.floor(((shard.index + 1) * total) / shard.count);
  const out: TargetRanges = [];
  let at = 0;
  for (const [t, from, to] of ranges) {
    const size = to - from;
    const a = Math.max(lo, at);
    const b = Math.min(hi, at + size);
    if (b > a) out.push([t, from + a - at, from + b - at]);
    at += size;
  }
  return out;
}

function sampleRanges(params: Param[], tensors: number[], requested: number | undefined, seed: number): TargetRanges {
  const out: TargetRanges = [];
  for (const t of tensors) {
    const n = params[t].slot.size;
    const count = Math.min(n, Math.max(1, Math.floor(requested ?? Math.max(16, Math.ceil(Math.sqrt(n))))));
    for (const flat of sampleIndices(n, count, seed, params[t].path)) out.push([t, flat, flat + 1]);
  }
  return out;
}

function rawTensor(p: Param, withData: boolean, stop: RawTensor['searchStop']): RawTensor {
  const size = p.slot.size;
  const raw: RawTensor = { path: p.path, group: p.group, gradientKey: p.gradientKey, shape: [...p.slot.shape], size };
  if (p.problem) raw.problem = p.problem;
  if (stop) raw.searchStop = stop;
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

/** Evaluation time (ms) of checking `elements` one by one. */
function elementMs(problem: Problem, elements: number): number {
  return elements * ELEMENT_EVALUATIONS * Math.max(problem.baselineMs, 1e-3);
}

/**
 * Directional search (auto and fast): tensors cheap enough are checked element by element (left to the engine
 * when long), the others by the search. Returns elements left for the engine.
 */
function directional(checker: CheckSession, usable: number[], job: CheckJob, everyCheap: boolean): TargetRanges | undefined {
  const { params } = checker.problem;
  const cheap = everyCheap ? usable.filter((t) => elementMs(checker.problem, params[t].slot.size) <= SMALL_TENSOR_MS) : [];
  const rest = usable.filter((t) => !cheap.includes(t));
  searchDirections(checker, rest);
  return elementsHereOrDeferred(checker, rangesOf(params, cheap), job);
}

/**
 * float32 elements carry numeric errors of about 1% each, so a 1% error over a whole tensor hides inside every
 * element's tolerance; a direction through the tensor adds the errors up while its noise does not grow. Tensors
 * checked element by element in float32 get their directions too.
 */
function float32Directions(checker: CheckSession, usable: number[]): void {
  const { params, options } = checker.problem;
  if (options.dtype !== 'float32') return;
  for (const t of usable) {
    for (let r = 0; r < options.directions; r++)
      checker.direction([{ tensor: t, from: 0, to: params[t].slot.size }], r, params[t].path, { tensor: t, block: [0, params[t].slot.size] });
  }
}

function elementsHereOrDeferred(checker: CheckSession, ranges: TargetRanges, job: CheckJob): TargetRanges | undefined {
  if (!ranges.length) return undefined;
  if ((job.workers ?? 1) > 1 && elementMs(checker.problem, rangeCount(ranges)) > DEFER_MIN_MS) return ranges;
  checker.checkRanges(ranges);
  return undefined;
}

/** Checks one declaration (one shard of it, or the elements an element job names) and returns the raw numbers. */
export function runDeclarationCheck(decl: Declaration, name: string, overrides: CheckOverrides = {}, job: CheckJob = {}, events: CheckEvents = {}): RawCheck {
  const started = performance.now();
  const options = resolveOptions(decl, name, overrides);
  const shard = job.shard ?? { index: 0, count: 1 };
  const base = emptyRawCheck({
    name,
    kind: decl.kind,
    dtype: options.dtype,
    mode: options.mode,
    seed: options.seed,
    tolerance: options.precision.tolerance,
    eps: options.precision.eps,
    objectives: decl.kind === 'layer' ? options.douts : 1,
    shard,
  });
  let problem: Problem;
  try {
    problem = buildProblem(decl, name, overrides);
  } catch (e) {
    if (e instanceof ProblemError) base.findings.push(...e.findings);
    else base.findings.push(stopFinding(e));
    base.checkMs = performance.now() - started;
    return base;
  }
  const budgetMs = job.timeLimitMs ?? options.timeLimitMs ?? DEFAULT_BUDGET_MS;
  const usable = problem.params.map((p, t) => (p.analytic ? t : -1)).filter((t) => t >= 0);
  const findings = [...problem.findings];
  // Tensors with elements to check, in any shard or job: they send their data along for the hints.
  const planned = new Set<number>();
  const frame = (): RawCheck => ({
    ...base,
    objectives: problem.k,
    gradientScale: [...problem.scale],
    batchCandidates: problem.batchCandidates,
    tensors: problem.params.map((p) => rawTensor(p, false, undefined)),
    findings: shard.index === 0 ? findings : [],
    evaluationMs: problem.baselineMs,
    checked: true,
  });
  const checker = new CheckSession(problem, started, budgetMs, events, frame);
  let deferred: TargetRanges | undefined;
  try {
    const total = usable.reduce((a, t) => a + problem.params[t].slot.size, 0);
    if (job.targets) {
      checker.checkRanges(job.targets);
    } else if (options.mode === 'full' || options.mode === 'sample') {
      const all = options.mode === 'full' ? rangesOf(problem.params, usable) : sampleRanges(problem.params, usable, options.sample, options.seed);
      for (const [t] of all) planned.add(t);
      if (shard.index === 0) float32Directions(checker, usable);
      checker.checkRanges(shardRanges(all, shard), options.mode === 'full' ? 'elements' : 'sample');
    } else if (
      options.mode === 'auto' &&
      elementMs(problem, total) <= Math.min(AUTO_FULL_MS * (job.workers ?? 1), AUTO_FULL_SHARE * budgetMs * (job.workers ?? 1))
    ) {
      float32Directions(checker, usable);
      deferred = elementsHereOrDeferred(checker, rangesOf(problem.params, usable), job);
    } else {
      deferred = directional(checker, usable, job, options.mode === 'auto');
    }
  } catch (e) {
    findings.push(stopFinding(e));
  }
  if (problem.valueCarriesGradient() && problem.evaluateMs > SLOW_VALUE_MS && shard.index === 0 && !job.targets) {
    findings.push({
      severity: 'info',
      code: 'slow-evaluation',
      message: `each of the ${problem.evaluations} evaluations ran valueAndGrad's gradient too (${problem.baselineMs.toFixed(1)} ms each): declare loss as well, or return [value, undefined] when ctx.wantsGradient is false, and the check runs on the value alone`,
    });
  }
  for (const t of checker.elements.tensor) planned.add(t);
  for (const [t] of deferred ?? []) planned.add(t);
  const raw: RawCheck = {
    ...frame(),
    tensors: problem.params.map((p, t) => rawTensor(p, planned.has(t), checker.searchStop.get(t))),
    directions: checker.directions,
    elements: checker.elements,
    findings: shard.index === 0 && !job.targets ? findings : findings.filter((f) => !problem.findings.includes(f)),
    evaluations: problem.evaluations,
    evaluateMs: problem.evaluateMs,
    checkMs: performance.now() - started,
    stoppedEarly: checker.searchStop.size > 0 && [...checker.searchStop.values()].some((r) => r === 'budget'),
  };
  if (deferred) raw.deferred = deferred;
  return raw;
}
