// The declarations users export from their workspace files: fn, layer, model. Each helper only validates and
// brands the object; the engine (core/engine) decides how to check it.

import type { DType, FloatArray, NestedNumbers, NumericArray, Tensor, TensorInit, TensorValue } from './tensor';

/** Declared once, in the report types (shared by every layer). */
export type { Mode } from '../report/types';
import type { Mode } from '../report/types';

export interface CheckOptions {
  /** A relative tolerance, or the rule's parts: |a − n| ≤ c·err + rtol·max(|a|,|n|) + floor·G. */
  tolerance?: number | { rtol?: number; floor?: number };
  /** auto (default): a fast directional verdict, then every element where it fails or where affordable. */
  mode?: Mode;
  /** Elements per tensor in 'sample' mode (default ⌈√N⌉, at least 16). */
  sample?: number;
  /** Seed for inputs, upstream gradients and ctx randomness (default: derived from the declaration's name). */
  seed?: number;
  /** The precision the code computes in: steps and tolerances follow it (default float64). */
  dtype?: DType;
  /** Wall-clock limit for the whole check, in milliseconds. */
  timeLimit?: number;
  /** Seeded random upstream gradients for a layer (default 3). */
  douts?: number;
  /** Random directions for the fast verdict (default 2). */
  directions?: number;
  /**
   * The argument order of a positional function (forward, f, loss, valueAndGrad): `['x', 'w', 'b']` calls
   * `affineForward(x, w, b)`. Without it the function's own parameter names decide (see docs/contract.md).
   */
  args?: string[];
}

/** Randomness that replays identically in every evaluation of the declaration. */
export interface Ctx {
  random(): number;
  randn(): number;
  randint(low: number, high: number): number;
  readonly seed: number;
  /** What is running: 'f', 'grad', 'forward', 'backward', 'loss'. */
  readonly phase: string;
  /**
   * False when only the value is used (every finite-difference evaluation): a `valueAndGrad` may skip its
   * backward pass then and return [value, undefined], which makes a check of a big model several times faster.
   */
  readonly wantsGradient: boolean;
}

/** Inputs as the user's code receives them: descriptions become tensors, everything else is kept. */
export type Materialize<T> =
  T extends TensorInit<infer R>
    ? R
    : T extends FloatArray | NumericArray | NestedNumbers[] | number | string | boolean | null | undefined
      ? T
      : T extends (...args: never[]) => unknown
        ? T
        : T extends object
          ? { [K in keyof T]: Materialize<T[K]> }
          : T;

/**
 * Gradients keyed by input name ('x', or cs231n's 'dx'), as a tree for models, or one bare tensor when there is
 * a single input. Typed as `object` so interfaces and classes of the user's own fit too; the engine checks the rest.
 */
export type Gradients = object;

type InputsOf<A> = A extends (...args: never[]) => infer R ? R : A;

export interface FnSpec<A extends object> extends CheckOptions {
  /** The point to check at: inputs by name (or a function returning them). */
  at: A | (() => A);
  /** Inputs to differentiate (default: the float-valued ones). */
  wrt?: string[];
  /** The scalar function. */
  f?: (inputs: Materialize<InputsOf<A>>, ctx: Ctx) => number;
  /** Its gradient, keyed by input name. */
  grad?: (inputs: Materialize<InputsOf<A>>, ctx: Ctx) => Gradients;
  /** Value and gradient at once: [value, grads] or { value, grad } (Coursera's [J, grad]). */
  valueAndGrad?: (inputs: Materialize<InputsOf<A>>, ctx: Ctx) => [number, Gradients] | { value: number; grad: Gradients };
}

/**
 * `Out` and `Cache` are inferred from what `forward` returns (its output, or `{ out, cache }`), so `backward`'s
 * `dout` and `cache` are typed without annotations; without an explicit cache, `cache` is the inputs.
 */
export interface LayerSpec<A extends object, Out = unknown, Cache = Materialize<InputsOf<A>>> extends CheckOptions {
  at: A | (() => A);
  wrt?: string[];
  /** Returns the output (a tensor, or a tree of tensors) or { out, cache }. */
  forward: (inputs: Materialize<InputsOf<A>>, ctx: Ctx) => Out | { out: Out; cache: Cache };
  /**
   * Given the upstream gradient (shaped like the output) and the cache (default: the inputs). A method signature,
   * so that a backward typed for a particular output still fits where the output type is not known
   * (`LayerSpec<object>['backward']`).
   */
  backward(dout: Out, cache: Cache, ctx: Ctx): Gradients;
}

export interface ModelSpec<P extends object, D = undefined> extends CheckOptions {
  /** Parameters as a tree whose top-level keys are the layers: { fc1: { W, b }, fc2: { W, b } }. */
  params: P | (() => P);
  /** Data the loss depends on but that is not differentiated (inputs, labels). */
  data?: D | (() => D);
  /** Dotted parameter paths to check (default: every parameter). */
  wrt?: string[];
  loss?: (params: Materialize<InputsOf<P>>, data: Materialize<InputsOf<D>>, ctx: Ctx) => number;
  /** Gradients as the same tree as params. */
  grad?: (params: Materialize<InputsOf<P>>, data: Materialize<InputsOf<D>>, ctx: Ctx) => Gradients;
  valueAndGrad?: (params: Materialize<InputsOf<P>>, data: Materialize<InputsOf<D>>, ctx: Ctx) => [number, Gradients] | { value: number; grad: Gradients };
}

export const DECLARATION_BRAND = 'gradlens-declaration';

/**
 * What every declaration carries besides its spec. `problems`: what is wrong with the spec itself (an unknown
 * key, an option of the wrong type), found when the declaration is made and reported when it is checked, so one
 * malformed declaration does not stop the others in its file from loading.
 */
interface Branded {
  readonly __gradlens: typeof DECLARATION_BRAND;
  readonly problems?: readonly string[];
}
export interface FnDeclaration<A extends object = object> extends FnSpec<A>, Branded {
  readonly kind: 'fn';
}
export interface LayerDeclaration<A extends object = object> extends LayerSpec<A>, Branded {
  readonly kind: 'layer';
}
export interface ModelDeclaration<P extends object = object, D = unknown> extends ModelSpec<P, D>, Branded {
  readonly kind: 'model';
}
export type Declaration = FnDeclaration | LayerDeclaration | ModelDeclaration;

export function isDeclaration(value: unknown): value is Declaration {
  return typeof value === 'object' && value !== null && (value as { __gradlens?: unknown }).__gradlens === DECLARATION_BRAND;
}

const OPTION_KEYS = ['tolerance', 'mode', 'sample', 'seed', 'dtype', 'timeLimit', 'douts', 'directions', 'args'];

/** Any function, for homework written positionally: affineForward(x, w, b), softmaxLoss(x, y). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type PositionalFunction = (...args: any[]) => unknown;

/**
 * A declaration whose functions are the student's own positional ones: `layer({ at, forward: affineForward,
 * backward: affineBackward })`. Parameters are matched to the inputs by name (or by `args`); returns may be
 * { out, cache } or [out, cache], { loss, dx } or [loss, grads], [dx, dw, db] in the order of the inputs.
 */
export interface PositionalSpec<A extends object> extends CheckOptions {
  at?: A | (() => A);
  params?: A | (() => A);
  data?: unknown;
  wrt?: string[];
  f?: PositionalFunction;
  grad?: PositionalFunction;
  valueAndGrad?: PositionalFunction;
  loss?: PositionalFunction;
  forward?: PositionalFunction;
  backward?: PositionalFunction;
}

function brand<T extends object, K extends Declaration['kind']>(kind: K, spec: T, allowed: string[]) {
  const broken = (problem: string) => Object.freeze({ __gradlens: DECLARATION_BRAND, kind, problems: [problem] });
  if (typeof spec !== 'object' || spec === null) return broken(`${kind}() takes an object, got ${spec === null ? 'null' : typeof spec}`);
  let copy: Record<string, unknown>;
  try {
    copy = { ...(spec as Record<string, unknown>) };
  } catch (e) {
    return broken(`reading the object given to ${kind}() threw: ${(e as Error)?.message ?? String(e)}`);
  }
  const problems: string[] = [];
  const unknown = Object.keys(copy).filter((k) => !allowed.includes(k) && !OPTION_KEYS.includes(k));
  if (unknown.length) problems.push(`${kind}() does not know ${unknown.map((k) => `'${k}'`).join(', ')} (allowed: ${[...allowed, ...OPTION_KEYS].join(', ')})`);
  problems.push(...optionProblems(copy));
  return Object.freeze({ ...copy, __gradlens: DECLARATION_BRAND, kind, ...(problems.length ? { problems } : {}) });
}

const isPositive = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;
const isCount = (v: unknown, max = Infinity) => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= max;
const isStringList = (v: unknown) => Array.isArray(v) && v.every((s) => typeof s === 'string');

/** The options given that a check could not use as given, in words (none: an empty list). */
function optionProblems(spec: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const bad = (key: string, wanted: string) => {
    let shown: string;
    try {
      shown = typeof spec[key] === 'string' ? `'${spec[key]}'` : (JSON.stringify(spec[key]) ?? String(spec[key]));
    } catch {
      shown = typeof spec[key];
    }
    problems.push(`${key} must be ${wanted}, got ${shown}`);
  };
  const given = (key: string) => spec[key] !== undefined;
  if (given('tolerance')) {
    const t = spec.tolerance;
    const part = (v: unknown) => v === undefined || (typeof v === 'number' && Number.isFinite(v) && v >= 0);
    const ok =
      isPositive(t) ||
      (typeof t === 'object' && t !== null && !Array.isArray(t) && part((t as { rtol?: unknown }).rtol) && part((t as { floor?: unknown }).floor));
    if (!ok) bad('tolerance', 'a positive number (the relative tolerance) or { rtol, floor } of numbers ≥ 0');
  }
  if (given('mode') && !['auto', 'full', 'fast', 'sample'].includes(spec.mode as string)) bad('mode', "'auto', 'full', 'fast' or 'sample'");
  if (given('dtype') && !['float64', 'float32'].includes(spec.dtype as string)) bad('dtype', "'float64' or 'float32'");
  if (given('seed') && !(typeof spec.seed === 'number' && Number.isSafeInteger(spec.seed))) bad('seed', 'an integer');
  if (given('timeLimit') && !isPositive(spec.timeLimit)) bad('timeLimit', 'a positive number of milliseconds');
  if (given('sample') && !isCount(spec.sample)) bad('sample', 'a positive integer (elements per tensor)');
  if (given('douts') && !isCount(spec.douts, 16)) bad('douts', 'an integer from 1 to 16');
  if (given('directions') && !isCount(spec.directions, 16)) bad('directions', 'an integer from 1 to 16');
  if (given('args') && !isStringList(spec.args)) bad('args', 'an array of input names');
  if (given('wrt') && !isStringList(spec.wrt)) bad('wrt', 'an array of input names');
  return problems;
}

/** A scalar function of named inputs and its gradient. */
export function fn<A extends object>(spec: FnSpec<A>): FnDeclaration<A>;
export function fn<A extends object>(spec: PositionalSpec<A> & { at: A | (() => A) }): FnDeclaration<A>;
export function fn<A extends object>(spec: FnSpec<A> | PositionalSpec<A>): FnDeclaration<A> {
  return brand('fn', spec, ['at', 'wrt', 'f', 'grad', 'valueAndGrad']) as unknown as FnDeclaration<A>;
}

/** A layer with forward and backward (cs231n style), checked as vector-Jacobian products. */
export function layer<A extends object, Out, Cache = Materialize<InputsOf<A>>>(spec: LayerSpec<A, Out, Cache>): LayerDeclaration<A>;
export function layer<A extends object>(
  spec: PositionalSpec<A> & { at: A | (() => A); forward: PositionalFunction; backward: PositionalFunction },
): LayerDeclaration<A>;
export function layer<A extends object>(spec: LayerSpec<A> | PositionalSpec<A>): LayerDeclaration<A> {
  return brand('layer', spec, ['at', 'wrt', 'forward', 'backward']) as unknown as LayerDeclaration<A>;
}

/** A network: parameters grouped by layer, a scalar loss and its gradient tree. */
export function model<P extends object, D = undefined>(spec: ModelSpec<P, D>): ModelDeclaration<P, D>;
export function model<P extends object, D = undefined>(spec: PositionalSpec<P> & { params: P | (() => P) }): ModelDeclaration<P, D>;
export function model<P extends object, D = undefined>(spec: ModelSpec<P, D> | PositionalSpec<P>): ModelDeclaration<P, D> {
  return brand('model', spec, ['params', 'data', 'wrt', 'loss', 'grad', 'valueAndGrad']) as unknown as ModelDeclaration<P, D>;
}

export type { Tensor, TensorValue };
