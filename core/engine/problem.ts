// Turns a declaration into a numerical problem: k scalar objectives of the user's inputs, evaluated in
// place, and the analytic gradient of each objective for every checked tensor. Everything the user's code
// does wrong on the way (throws, wrong shapes, missing keys, NaN, mutation, non-determinism) becomes a finding.

import type { Declaration, FnDeclaration, LayerDeclaration, ModelDeclaration } from '../contract/declarations';
import { hashString, mixSeeds, Rng } from '../contract/random';
import type { DType } from '../contract/tensor';
import type { DeclarationKind, Finding, Mode } from '../report/types';
import { precisionFor, type Precision } from '../numerics/precision';
import type { CheckOverrides } from './api';
import { changedSince, materializeInputs, restore, snapshot, type Slot } from './inputs';
import { runUserCode, UserCodeError, type Phase } from './user-code';
import { call, callable, error, fail, how, invoke, namedValues, ProblemError, scalarOf, splitForward, splitValueAndGrad, EXPECTED, type UserFn } from './user-calls';
import { attachGradients } from './attach-gradients';

export { ProblemError, namedValues, splitForward };
export { lookupGradient } from './attach-gradients';
import { buildLike, dotTree, ShapeChanged, treeShape, treeSize, type TreeShape } from './values';

export interface ResolvedOptions {
  mode: Mode;
  dtype: DType;
  seed: number;
  precision: Precision;
  douts: number;
  directions: number;
  sample: number | undefined;
  timeLimitMs: number | undefined;
}

export function resolveOptions(decl: Declaration, name: string, overrides: CheckOverrides = {}): ResolvedOptions {
  const tol = typeof decl.tolerance === 'number' ? { rtol: decl.tolerance } : decl.tolerance;
  const dtype = overrides.dtype ?? decl.dtype ?? 'float64';
  return {
    mode: overrides.mode ?? decl.mode ?? 'auto',
    dtype,
    seed: overrides.seed ?? decl.seed ?? hashString(name),
    precision: precisionFor(dtype, { rtol: overrides.rtol ?? tol?.rtol, floor: overrides.floor ?? tol?.floor }),
    // A fast verdict is about cost: one upstream gradient; checks that look at elements use three.
    douts: Math.max(1, Math.min(16, Math.floor(decl.douts ?? ((overrides.mode ?? decl.mode) === 'fast' ? 1 : 3)))),
    directions: Math.max(1, Math.min(16, Math.floor(decl.directions ?? 2))),
    sample: overrides.sample ?? decl.sample,
    timeLimitMs: overrides.timeLimitMs ?? decl.timeLimit,
  };
}

/** A tensor being checked: where it lives in the inputs and what the code returned for it. */
export interface Param {
  slot: Slot;
  path: string;
  group: string;
  /** The dotted key the gradient came back under, or null when it is missing. */
  gradientKey: string | null;
  /** Analytic gradient per objective (null when missing or unusable; see problem). */
  analytic: Float64Array[] | null;
  problem?: string;
  /** Step unit per element: max(|x_i|, rms of the tensor), at the unperturbed point. */
  units: Float64Array;
}

export interface Problem {
  kind: DeclarationKind;
  name: string;
  options: ResolvedOptions;
  /** Number of objectives (douts for a layer; 1 otherwise). */
  k: number;
  params: Param[];
  /** Objective values at the unperturbed point. */
  f0: Float64Array;
  /** Magnitude of each objective's terms, for round-off estimates. */
  magnitude: Float64Array;
  /** Gradient scale G per objective: rms of the analytic gradient over every checked element. */
  scale: Float64Array;
  /** Leading dimensions of the inputs: candidates for the batch size N in "missing 1/N" hints. */
  batchCandidates: number[];
  findings: Finding[];
  /** Evaluates the objectives at the current point into `out`. Throws UserCodeError. */
  evaluate(out: Float64Array): void;
  evaluations: number;
  /** Time spent inside evaluate (ms). */
  evaluateMs: number;
  /** One evaluation's time at the baseline (ms): what the cost plan starts from. */
  baselineMs: number;
  /** Whether every evaluation also ran the user's backward pass (valueAndGrad without ctx.wantsGradient). */
  valueCarriesGradient(): boolean;
}


export function buildProblem(decl: Declaration, name: string, overrides: CheckOverrides = {}): Problem {
  const options = resolveOptions(decl, name, overrides);
  switch (decl.kind) {
    case 'fn':
      return buildFn(decl, name, options);
    case 'layer':
      return buildLayer(decl, name, options);
    case 'model':
      return buildModel(decl, name, options);
    default:
      fail(error('bad-declaration', `unknown declaration kind '${(decl as { kind: unknown }).kind}'`));
  }
}

function materialize(spec: unknown, what: string, options: ResolvedOptions, root: string) {
  if (spec === undefined || spec === null) fail(error('bad-declaration', `${what} is missing`));
  try {
    return runUserCode('setup', options.seed, () => materializeInputs(spec, options.seed, options.dtype, root));
  } catch (e) {
    if (e instanceof UserCodeError) fail(e.finding);
    fail(error('bad-declaration', `${what}: ${(e as Error).message}`));
  }
}

/** Resolves `wrt` against the input slots; default: the float-valued ones. */
function selectSlots(slots: Slot[], wrt: string[] | undefined, all: boolean): { chosen: Slot[]; findings: Finding[] } {
  if (!wrt) return { chosen: slots.filter((s) => all || s.float), findings: [] };
  const findings: Finding[] = [];
  const chosen: Slot[] = [];
  for (const path of wrt) {
    const matches = slots.filter((s) => s.path === path || s.path.startsWith(`${path}.`));
    if (!matches.length) {
      findings.push(error('bad-declaration', `wrt names '${path}', which is not an input (inputs: ${slots.map((s) => s.path).join(', ') || 'none'})`));
    }
    for (const m of matches) if (!chosen.includes(m)) chosen.push(m);
  }
  return { chosen, findings };
}

function groupOf(path: string, kind: DeclarationKind, topLevelTensors: boolean): string {
  if (kind !== 'model') return '';
  const top = path.split('.')[0];
  if (topLevelTensors) {
    const digits = /(\d+)$/.exec(top);
    if (digits) return `layer ${digits[1]}`;
  }
  return top;
}


function makeParams(slots: Slot[], kind: DeclarationKind, topLevelTensors: boolean): Param[] {
  let total = 0;
  let count = 0;
  for (const s of slots) {
    for (let i = 0; i < s.size; i++) total += s.get(i) ** 2;
    count += s.size;
  }
  const globalRms = Math.sqrt(total / Math.max(1, count)) || 1;
  return slots.map((slot) => {
    const values = new Float64Array(slot.size);
    let sum = 0;
    for (let i = 0; i < slot.size; i++) {
      values[i] = slot.get(i);
      sum += values[i] * values[i];
    }
    const rms = Math.sqrt(sum / Math.max(1, slot.size)) || globalRms;
    for (let i = 0; i < slot.size; i++) values[i] = Math.max(Math.abs(values[i]), rms);
    return {
      slot,
      path: slot.path,
      group: groupOf(slot.path, kind, topLevelTensors),
      gradientKey: null,
      analytic: null,
      units: values,
    };
  });
}

function gradientScale(params: Param[], k: number): Float64Array {
  const scale = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    let sum = 0;
    let count = 0;
    for (const p of params) {
      if (!p.analytic) continue;
      for (const v of p.analytic[j]) {
        if (Number.isFinite(v)) {
          sum += v * v;
          count++;
        }
      }
    }
    scale[j] = count ? Math.sqrt(sum / count) : 0;
  }
  return scale;
}

function batchCandidates(slots: Slot[]): number[] {
  const dims = new Set<number>();
  for (const s of slots) if (s.shape.length >= 1 && s.shape[0] > 1) dims.add(s.shape[0]);
  return [...dims].sort((a, b) => a - b);
}

/**
 * The common frame: baseline evaluations with mutation and determinism checks, then the analytic gradients.
 * `objective` computes the k objective values for the current inputs.
 */
function assemble(args: {
  kind: DeclarationKind;
  name: string;
  options: ResolvedOptions;
  k: number;
  allSlots: Slot[];
  params: Param[];
  findings: Finding[];
  objective: (out: Float64Array, magnitude: Float64Array | null) => void;
  analytic: () => { grads: unknown[]; fnName: string; phase: Phase };
  /** Top-level input names in order, for gradients returned as a tuple ([dx, dw, db]). */
  inputOrder?: string[];
  /** Whether evaluating the value also computed a gradient (a valueAndGrad that ignores ctx.wantsGradient). */
  valueCarriesGradient?: () => boolean;
}): Problem {
  const { kind, name, options, k, allSlots, params, findings } = args;
  const pristine = snapshot(allSlots);
  let restoreEachCall = false;

  const f0 = new Float64Array(k);
  const magnitude = new Float64Array(k);
  args.objective(f0, magnitude);
  const mutated = changedSince(allSlots, pristine);
  if (mutated.length) {
    restoreEachCall = true;
    restore(allSlots, pristine);
    findings.push({
      severity: 'warning',
      code: 'mutates-input',
      message: `the forward code writes into its input${mutated.length > 1 ? 's' : ''} ${mutated.map((m) => `'${m}'`).join(', ')}; Gradlens restores ${mutated.length > 1 ? 'them' : 'it'} before every evaluation, but callers of this code will see changed inputs`,
      phase: kind === 'layer' ? 'forward' : kind === 'fn' ? 'f' : 'loss',
    });
  }
  for (let j = 0; j < k; j++) {
    if (!Number.isFinite(f0[j])) {
      fail(error('nonfinite-output', `the ${kind === 'layer' ? 'forward output' : 'value'} is ${f0[j]} at the checked point${kind === 'layer' ? ' (some output element is NaN or infinite)' : ''}`, { phase: kind === 'layer' ? 'forward' : 'loss' }));
    }
  }
  const again = new Float64Array(k);
  // The second call is the measured one: the first pays for compiling the user's code.
  const timed = performance.now();
  args.objective(again, null);
  const baselineMs = performance.now() - timed;
  if (restoreEachCall) restore(allSlots, pristine);
  for (let j = 0; j < k; j++) {
    if (again[j] !== f0[j]) {
      fail(
        error(
          'nondeterministic',
          `two evaluations at the same point differ (${f0[j]} vs ${again[j]}): the forward code must be deterministic; take randomness from ctx.random()/ctx.randn() so it replays, and keep no state between calls`,
          { phase: kind === 'layer' ? 'forward' : 'loss' },
        ),
      );
    }
  }

  const analytic = args.analytic();
  const changedByGrad = changedSince(allSlots, pristine);
  if (changedByGrad.length) {
    restore(allSlots, pristine);
    findings.push({
      severity: 'warning',
      code: 'mutates-input',
      message: `${analytic.fnName} writes into ${changedByGrad.map((m) => `'${m}'`).join(', ')} (through the cache or the inputs); Gradlens restored the values, but the caller's data is changed`,
      phase: analytic.phase,
    });
  }
  attachGradients(params, analytic.grads, findings, analytic.phase, analytic.fnName, args.inputOrder);
  if (options.dtype === 'float64' && params.some((p) => p.analytic) && params.every((p) => !p.analytic || p.analytic.every(float32Valued))) {
    findings.push({
      severity: 'warning',
      code: 'float32-code',
      message: `${analytic.fnName} returns float32 values although the declaration says float64: declare dtype: 'float32' so steps and tolerances fit float32 round-off (float64 ones can fail correct float32 code)`,
      phase: analytic.phase,
    });
  }
  for (const p of params) {
    if (!p.analytic) continue;
    const bad = p.analytic.reduce((n, a) => n + a.filter((v) => !Number.isFinite(v)).length, 0);
    if (bad) {
      findings.push({ severity: 'error', code: 'nonfinite-gradient', message: `the gradient for '${p.path}' has ${bad} NaN or infinite value${bad > 1 ? 's' : ''}`, tensor: p.path, phase: analytic.phase });
    }
  }

  const problem: Problem = {
    kind,
    name,
    options,
    k,
    params,
    f0,
    magnitude,
    scale: gradientScale(params, k),
    batchCandidates: batchCandidates(allSlots),
    findings,
    // The two baseline evaluations; the analytic calls are not counted as forward passes.
    evaluations: 2,
    baselineMs,
    valueCarriesGradient: args.valueCarriesGradient ?? (() => false),
    evaluateMs: 0,
    evaluate(out: Float64Array) {
      const started = performance.now();
      try {
        if (restoreEachCall) {
          const point = snapshot(allSlots);
          args.objective(out, null);
          restore(allSlots, point);
        } else {
          args.objective(out, null);
        }
      } finally {
        problem.evaluations++;
        problem.evaluateMs += performance.now() - started;
      }
    },
  };
  return problem;
}

/** Every value exactly a float32 (and not all integers): the code computed it in float32. */
function float32Valued(values: Float64Array): boolean {
  let fractional = false;
  const step = Math.max(1, Math.floor(values.length / 4096));
  for (let i = 0; i < values.length; i += step) {
    const v = values[i];
    if (Math.fround(v) !== v) return false;
    if (!Number.isInteger(v)) fractional = true;
  }
  return fractional;
}


/**
 * The objective and analytic gradient of a scalar declaration (fn, model): its value function (f or loss) with
 * grad, or valueAndGrad for both. `args` are what the user's functions take before ctx.
 */
function scalarParts(
  spec: { value?: UserFn; grad?: UserFn; valueAndGrad?: UserFn },
  valueName: 'f' | 'loss',
  objectArgs: unknown[],
  values: Record<string, unknown>,
  explicit: string[] | undefined,
  seed: number,
): Pick<Parameters<typeof assemble>[0], 'objective' | 'analytic' | 'valueCarriesGradient'> {
  const names = Object.keys(values);
  const shown = valueName === 'f' ? 'inputs' : 'params, data';
  const valueFn = spec.value ? callable(spec.value, valueName, names, explicit, shown) : undefined;
  const both = spec.valueAndGrad ? callable(spec.valueAndGrad, 'valueAndGrad', names, explicit, shown) : undefined;
  const gradFn = spec.grad ? callable(spec.grad, 'grad', names, explicit, shown) : undefined;
  const valueCarriesGradient = { seen: false };
  const value = (): number => {
    if (valueFn) return scalarOf(invoke(valueFn, valueName, seed, values, objectArgs), valueFn.plan.signature, valueName, how(valueFn));
    // Only the value is wanted: a valueAndGrad that honours ctx.wantsGradient returns [value, undefined] (or the value).
    const result = invoke(both!, valueName, seed, values, objectArgs);
    if (typeof result === 'number') return result;
    const split = splitValueAndGrad(result, valueName, how(both!));
    if (split.grads !== undefined && split.grads !== null) valueCarriesGradient.seen = true;
    return scalarOf(split.value, both!.plan.signature, valueName, how(both!));
  };
  return {
    valueCarriesGradient: () => valueCarriesGradient.seen,
    objective: (out, magnitude) => {
      out[0] = value();
      if (magnitude) magnitude[0] = Math.abs(out[0]);
    },
    analytic: () => {
      if (gradFn) return { grads: [invoke(gradFn, 'grad', seed, values, objectArgs)], fnName: gradFn.plan.style === 'positional' ? gradFn.plan.signature : 'grad', phase: 'grad' };
      const split = splitValueAndGrad(invoke(both!, 'grad', seed, values, objectArgs), 'grad', how(both!));
      return { grads: [split.grads], fnName: both!.plan.style === 'positional' ? both!.plan.signature : 'valueAndGrad', phase: 'grad' };
    },
  };
}


function requireScalarFunctions(kind: 'fn' | 'model', valueName: 'f' | 'loss', spec: { value?: unknown; grad?: unknown; valueAndGrad?: unknown }): void {
  const has = (f: unknown) => typeof f === 'function';
  if (!has(spec.value) && !has(spec.valueAndGrad)) fail(error('bad-declaration', `${kind}() needs ${valueName} (with grad) or valueAndGrad`));
  if (has(spec.value) && !has(spec.grad) && !has(spec.valueAndGrad)) fail(error('bad-declaration', `${kind}() needs grad or valueAndGrad to check against`));
}

function buildFn(decl: FnDeclaration, name: string, options: ResolvedOptions): Problem {
  requireScalarFunctions('fn', 'f', { value: decl.f, grad: decl.grad, valueAndGrad: decl.valueAndGrad });
  const inputs = materialize(decl.at, 'at', options, 'at');
  const { chosen, findings } = selectSlots(inputs.slots, decl.wrt, false);
  if (!chosen.length) findings.push(error('bad-declaration', 'nothing to differentiate: no float-valued input (list the inputs to check in wrt)'));
  if (findings.some((f) => f.severity === 'error')) fail(...findings);
  return assemble({
    kind: 'fn',
    name,
    options,
    k: 1,
    allSlots: inputs.slots,
    params: makeParams(chosen, 'fn', false),
    findings,
    inputOrder: Object.keys(namedValues(inputs.value)),
    ...scalarParts({ value: decl.f as UserFn, grad: decl.grad as UserFn, valueAndGrad: decl.valueAndGrad as UserFn }, 'f', [inputs.value], namedValues(inputs.value), decl.args, options.seed),
  });
}

function buildModel(decl: ModelDeclaration, name: string, options: ResolvedOptions): Problem {
  requireScalarFunctions('model', 'loss', { value: decl.loss, grad: decl.grad, valueAndGrad: decl.valueAndGrad });
  const params = materialize(decl.params, 'params', options, 'params');
  const data = decl.data === undefined ? { value: undefined, slots: [] as Slot[] } : materialize(decl.data, 'data', options, 'data');
  const { chosen, findings } = selectSlots(params.slots, decl.wrt, true);
  if (!chosen.length) findings.push(error('bad-declaration', 'params has no tensors to check'));
  if (findings.some((f) => f.severity === 'error')) fail(...findings);
  const topLevelTensors = params.slots.every((s) => !s.path.includes('.'));
  return assemble({
    kind: 'model',
    name,
    options,
    k: 1,
    allSlots: [...params.slots, ...data.slots],
    params: makeParams(chosen, 'model', topLevelTensors),
    findings,
    inputOrder: Object.keys(namedValues(params.value)),
    ...scalarParts({ value: decl.loss as UserFn, grad: decl.grad as UserFn, valueAndGrad: decl.valueAndGrad as UserFn }, 'loss', [params.value, data.value], namedValues(params.value, data.value), decl.args, options.seed),
  });
}

/** Numbers, strings, typed arrays, and arrays or plain objects of those: what structuredClone copies faithfully. */
function isPlainData(value: unknown, depth = 0): boolean {
  if (depth > 32) return false;
  if (value === null || value === undefined) return true;
  const t = typeof value;
  if (t === 'number' || t === 'string' || t === 'boolean') return true;
  if (t !== 'object') return false;
  if (ArrayBuffer.isView(value)) return true;
  if (Array.isArray(value)) return value.every((v) => isPlainData(v, depth + 1));
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  return Object.values(value as object).every((v) => isPlainData(v, depth + 1));
}


function buildLayer(decl: LayerDeclaration, name: string, options: ResolvedOptions): Problem {
  if (typeof decl.forward !== 'function' || typeof decl.backward !== 'function') fail(error('bad-declaration', 'layer() needs forward and backward functions'));
  const inputs = materialize(decl.at, 'at', options, 'at');
  const { chosen, findings } = selectSlots(inputs.slots, decl.wrt, false);
  if (!chosen.length) findings.push(error('bad-declaration', 'nothing to differentiate: no float-valued input (list the inputs to check in wrt)'));
  if (findings.some((f) => f.severity === 'error')) fail(...findings);
  const params = makeParams(chosen, 'layer', false);
  const seed = options.seed;
  const k = options.douts;
  const values = namedValues(inputs.value);
  const forwardFn = callable(decl.forward as UserFn, 'forward', Object.keys(values), decl.args, 'inputs');
  const backwardFn = callable(decl.backward as UserFn, 'backward', [], undefined, 'dout, cache');
  const positional = forwardFn.plan.style === 'positional';
  const runForward = () => splitForward(invoke(forwardFn, 'forward', seed, values, [inputs.value]), inputs.value, positional);

  const before = snapshot(inputs.slots);
  const probe = runForward();
  // Undo any writes into the inputs here; the common frame detects and reports them on its own first call. A
  // cache that may alias inputs the forward wrote into is not reused after the undo.
  const probeWrote = changedSince(inputs.slots, before).length > 0;
  restore(inputs.slots, before);
  const shape = treeShape(probe.out);
  if (typeof shape === 'string') fail(error('not-scalar', `forward returned ${shape}`, { phase: 'forward' }));
  const size = treeSize(shape as TreeShape);
  if (size === 0) fail(error('bad-declaration', 'forward returned an empty output', { phase: 'forward' }));
  const treeIsArray = Array.isArray(probe.out);
  // Seeded random upstream gradients: one forward evaluation serves all of them.
  const douts = Array.from({ length: k }, (_, j) => {
    const rng = new Rng(mixSeeds(seed, 'dout', j));
    const w = new Float64Array(size);
    for (let i = 0; i < size; i++) w[i] = options.dtype === 'float32' ? Math.fround(rng.randn()) : rng.randn();
    return w;
  });

  const objective = (out: Float64Array, magnitude: Float64Array | null) => {
    const result = runForward();
    out.fill(0);
    magnitude?.fill(0);
    try {
      const visited = dotTree(result.out, shape as TreeShape, douts, out, magnitude);
      if (visited !== size) throw new ShapeChanged();
    } catch (e) {
      if (e instanceof ShapeChanged) fail(error('shape-mismatch', 'forward returned an output of a different shape when an input changed slightly', { phase: 'forward' }));
      throw e;
    }
  };

  return assemble({
    kind: 'layer',
    name,
    options,
    k,
    inputOrder: Object.keys(values),
    allSlots: inputs.slots,
    params,
    findings,
    objective,
    analytic: () => {
      const grads: unknown[] = [];
      const pristine = snapshot(inputs.slots);
      const fresh = () => {
        restore(inputs.slots, pristine);
        return runForward();
      };
      // Each backward gets a cache of its own, so one that consumes or edits its cache cannot leak into the next:
      // copies of the first forward pass's cache when it is plain data, another forward pass each otherwise.
      const copyable = !probeWrote && isPlainData(probe.cache);
      for (let j = 0; j < k; j++) {
        const cache = copyable ? structuredClone(probe.cache) : fresh().cache;
        const dout = buildLike(shape as TreeShape, douts[j], { at: 0 }, treeIsArray);
        // backward(dout, cache, ctx) is positional by nature: the cache is what the student's own forward returned.
        grads.push(call('backward', seed, (ctx) => decl.backward(dout as never, cache as never, ctx), `called as ${backwardFn.plan.style === 'object' ? 'backward' : backwardFn.fn.name || 'backward'}(dout, cache); ${EXPECTED.backward}`));
      }
      return { grads, fnName: positional ? `${backwardFn.fn.name || 'backward'}(dout, cache)` : 'backward', phase: 'backward' as Phase };
    },
  });
}
