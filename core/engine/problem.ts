// Turns a declaration into a numerical problem: k scalar objectives of the user's inputs, evaluated in
// place, and the analytic gradient of each objective for every checked tensor. Everything the user's code
// does wrong on the way (throws, wrong shapes, missing keys, NaN, mutation, non-determinism) becomes a finding.

import type { Declaration, FnDeclaration, LayerDeclaration, ModelDeclaration } from '../contract/declarations';
import { mixSeeds, Rng } from '../contract/random';
import { InvalidDescription } from '../contract/tensor';
import type { DeclarationKind, Finding } from '../report/types';
import type { CheckOverrides } from './api';
import { resolveOptions, type ResolvedOptions } from './options';
import { batchCandidates, gradientScale, makeParams, selectSlots, type Param } from './params';
import type { CallPlan } from '../contract/calls';
import { changedSince, materializeInputs, restore, snapshot, type Slot } from './inputs';
import {
  flagNonFiniteGradients,
  numbersOf,
  requireDeterministic,
  requireRepeatableGradient,
  requireFiniteValue,
  restoreIfBackwardMutates,
  restoreIfForwardMutates,
  warnIfFloat32Code,
} from './baseline-checks';
import { randomDrawCount, runUserCode, UserCodeError, type Phase } from './user-code';
import { call, callable, error, fail, how, invoke, namedValues, scalarOf, splitForward, splitValueAndGrad, EXPECTED, type UserFn } from './user-calls';
import { attachGradients, promoteIntegerInputs } from './attach-gradients';
import { buildLike, dotTree, ShapeChanged, treeShape, treeSize, type TreeShape } from './values';

/**
 * A backward that draws random numbers: Gradlens replays the same numbers in forward and backward, so a dropout
 * mask drawn again in backward matches here and not in training, where it is a different mask.
 */
const RANDOM_IN_BACKWARD: Finding = {
  severity: 'warning',
  code: 'random-in-backward',
  phase: 'backward',
  message:
    'backward draws random numbers (Math.random or ctx): it must reuse what forward drew (keep a dropout mask in the cache); Gradlens replays the same numbers in both passes, so a new draw matches here but not in training',
};

/** Said when no input is checked: none float-valued, none named in wrt, none the code returns a gradient for. */
const NOTHING_TO_DIFFERENTIATE = 'nothing to differentiate: no float-valued input (list the inputs to check in wrt)';

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
  if (decl.problems?.length) fail(...decl.problems.map((p) => error('bad-declaration', p)));
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
  let invalid: InvalidDescription | undefined;
  const build = () => {
    try {
      return materializeInputs(spec, options.seed, options.dtype, root);
    } catch (e) {
      // randn([-3]) and the like are mistakes in the declaration, reported as such (not as code that threw).
      if (!(e instanceof InvalidDescription)) throw e;
      invalid = e;
      return null;
    }
  };
  let inputs: ReturnType<typeof materializeInputs> | null;
  try {
    inputs = runUserCode('setup', options.seed, build);
  } catch (e) {
    if (e instanceof UserCodeError) fail(e.finding);
    fail(error('bad-declaration', `${what}: ${(e as Error).message}`));
  }
  if (invalid || !inputs) fail(error('bad-declaration', `${what}: ${(invalid?.message ?? 'no inputs').replace(/^gradlens: /, '')}`));
  return inputs;
}

/**
 * The common frame, step by step: two baseline evaluations (mutation, finite value, determinism), the analytic
 * call (mutation again, gradients matched to tensors, float32 code, non-finite gradients), then the evaluator the
 * finite differences use. `objective` computes the k objective values for the current inputs.
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
  /** `order`: the input names in the order the function that returned the gradients takes them (for tuples). */
  analytic: () => { grads: unknown[]; fnName: string; phase: Phase; order?: string[] };
  /** Top-level input names in order, for gradients returned as a tuple ([dx, dw, db]). */
  inputOrder?: string[];
  /** Whether evaluating the value also computed a gradient (a valueAndGrad that ignores ctx.wantsGradient). */
  valueCarriesGradient?: () => boolean;
  /** Integer-valued inputs left out by default, checked when the code returns a gradient for them. */
  integers?: Slot[];
}): Problem {
  const { kind, k, allSlots, params, findings } = args;
  const pristine = snapshot(allSlots);

  const f0 = new Float64Array(k);
  const magnitude = new Float64Array(k);
  args.objective(f0, magnitude);
  const restoreEachCall = restoreIfForwardMutates(kind, allSlots, pristine, findings);
  requireFiniteValue(kind, f0);
  const again = new Float64Array(k);
  // The second call is the measured one: the first pays for compiling the user's code.
  const timed = performance.now();
  args.objective(again, null);
  const baselineMs = performance.now() - timed;
  if (restoreEachCall) restore(allSlots, pristine);
  requireDeterministic(kind, f0, again);

  const analytic = args.analytic();
  restoreIfBackwardMutates(allSlots, pristine, analytic.fnName, analytic.phase, findings);
  // The numbers are copied before the second call: code that returns the same buffer each time would otherwise
  // change the first result along with the second.
  const first = numbersOf(analytic.grads);
  const second = args.analytic();
  if (changedSince(allSlots, pristine).length) restore(allSlots, pristine);
  requireRepeatableGradient(first, numbersOf(second.grads), analytic.fnName, analytic.phase);
  const order = analytic.order ?? args.inputOrder ?? [];
  promoteIntegerInputs(args.integers ?? [], analytic.grads[0], params, order, (slots) => makeParams(slots, kind, false), findings);
  if (!params.length) fail(error('bad-declaration', NOTHING_TO_DIFFERENTIATE));
  attachGradients(params, analytic.grads, findings, analytic.phase, analytic.fnName, order);
  warnIfFloat32Code(args.options.dtype, params, analytic.fnName, analytic.phase, findings);
  flagNonFiniteGradients(params, analytic.phase, findings);

  const problem: Problem = {
    kind,
    name: args.name,
    options: args.options,
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
      // Code that writes into its inputs is given them back after every call, so the point stays fixed.
      const point = restoreEachCall ? snapshot(allSlots) : null;
      try {
        args.objective(out, null);
      } finally {
        if (point) restore(allSlots, point);
        problem.evaluations++;
        problem.evaluateMs += performance.now() - started;
      }
    },
  };
  return problem;
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
      if (gradFn)
        return {
          grads: [invoke(gradFn, 'grad', seed, values, objectArgs)],
          fnName: gradFn.plan.style === 'positional' ? gradFn.plan.signature : 'grad',
          phase: 'grad',
          order: callOrder(gradFn.plan, names),
        };
      const split = splitValueAndGrad(invoke(both!, 'grad', seed, values, objectArgs), 'grad', how(both!));
      return {
        grads: [split.grads],
        fnName: both!.plan.style === 'positional' ? both!.plan.signature : 'valueAndGrad',
        phase: 'grad',
        order: callOrder(both!.plan, names),
      };
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
  const { chosen, findings, integers } = selectSlots(inputs.slots, decl.wrt, false);
  if (!chosen.length && !integers.length) findings.push(error('bad-declaration', NOTHING_TO_DIFFERENTIATE));
  if (findings.some((f) => f.severity === 'error')) fail(...findings);
  return assemble({
    kind: 'fn',
    name,
    options,
    k: 1,
    allSlots: inputs.slots,
    integers,
    params: makeParams(chosen, 'fn', false),
    findings,
    inputOrder: Object.keys(namedValues(inputs.value)),
    ...scalarParts(
      { value: decl.f as UserFn, grad: decl.grad as UserFn, valueAndGrad: decl.valueAndGrad as UserFn },
      'f',
      [inputs.value],
      namedValues(inputs.value),
      decl.args,
      options.seed,
    ),
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
    ...scalarParts(
      { value: decl.loss as UserFn, grad: decl.grad as UserFn, valueAndGrad: decl.valueAndGrad as UserFn },
      'loss',
      [params.value, data.value],
      namedValues(params.value, data.value),
      decl.args,
      options.seed,
    ),
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
  const { chosen, findings, integers } = selectSlots(inputs.slots, decl.wrt, false);
  if (!chosen.length && !integers.length) findings.push(error('bad-declaration', NOTHING_TO_DIFFERENTIATE));
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
  // Each backward gets a cache of its own, so one that consumes or edits its cache cannot leak into the next:
  // copies of the first forward pass's cache when it is plain data, another forward pass each otherwise.
  const copyable = !probeWrote && isPlainData(probe.cache);
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
      if (e instanceof ShapeChanged)
        fail(error('shape-mismatch', 'forward returned an output of a different shape when an input changed slightly', { phase: 'forward' }));
      throw e;
    }
  };

  return assemble({
    kind: 'layer',
    name,
    options,
    k,
    // A tuple from backward ([dx, dw, db]) follows the order forward takes its inputs in.
    inputOrder: callOrder(forwardFn.plan, Object.keys(values)),
    allSlots: inputs.slots,
    integers,
    params,
    findings,
    objective,
    analytic: () => {
      const grads: unknown[] = [];
      // Inputs to go back to before each fresh forward pass (only needed when the cache is not copied).
      const pristine = copyable ? null : snapshot(inputs.slots);
      const fresh = () => {
        restore(inputs.slots, pristine!);
        return runForward();
      };
      for (let j = 0; j < k; j++) {
        const cache = copyable ? structuredClone(probe.cache) : fresh().cache;
        const dout = buildLike(shape as TreeShape, douts[j], { at: 0 }, treeIsArray);
        const draws = randomDrawCount();
        // backward(dout, cache, ctx) is positional by nature: the cache is what the student's own forward returned.
        grads.push(
          call(
            'backward',
            seed,
            (ctx) => decl.backward(dout as never, cache as never, ctx),
            `called as ${backwardFn.plan.style === 'object' ? 'backward' : backwardFn.fn.name || 'backward'}(dout, cache); ${EXPECTED.backward}`,
          ),
        );
        if (randomDrawCount() > draws && !findings.some((f) => f.code === 'random-in-backward')) findings.push({ ...RANDOM_IN_BACKWARD });
      }
      return { grads, fnName: positional ? `${backwardFn.fn.name || 'backward'}(dout, cache)` : 'backward', phase: 'backward' as Phase };
    },
  });
}

/** Input names in the order a positional function takes them (the rest after), else in the inputs' own order. */
function callOrder(plan: CallPlan, names: string[]): string[] {
  if (plan.style !== 'positional') return names;
  return [...plan.args, ...names.filter((n) => !plan.args.includes(n))];
}
