// Tensors as users write them (numbers, nested arrays, typed arrays, { data, shape }) and the seeded
// helpers that describe inputs. Helpers return descriptions (TensorInit) that the engine materializes per
// declaration, seeded by the declaration's name and the input's key, so inputs do not change when other
// declarations are added to the file.

import { Rng } from './random';

/** Declared once, in the report types (shared by every layer). */
export type { DType } from '../report/types';
import type { DType } from '../report/types';
export type FloatArray = Float64Array | Float32Array;
export type NumericArray = FloatArray | Int32Array | Uint8Array | Int8Array | Int16Array | Uint16Array | Uint32Array;

/** A dense row-major tensor (Float64Array data unless the code computes in float32). */
export interface Tensor<A extends NumericArray = Float64Array> {
  data: A;
  shape: number[];
}

/** number, number[], number[][], ... */
export type NestedNumbers = number | NestedNumbers[];

/** Anything Gradlens accepts as a tensor value (inputs, outputs and gradients). */
export type TensorValue = number | NestedNumbers[] | NumericArray | Tensor<NumericArray>;

/** What a float helper gives: Float64Array data, or Float32Array when the input asks for float32. */
type FloatTensorFor<O> = O extends { dtype: 'float32' } ? Tensor<Float32Array> : Tensor<Float64Array>;

/** Nested array type of a given shape: NestedOf<[2, 3]> is number[][]. */
export type NestedOf<S extends readonly number[]> = S extends readonly [number, ...infer R extends number[]] ? NestedOf<R>[] : number;

export type InitKind = 'randn' | 'rand' | 'randint' | 'zeros' | 'ones' | 'tensor';

export interface InitOptions {
  /** Materialize as nested number arrays instead of { data, shape }. */
  nested?: boolean;
  /** Override the declaration's dtype for this input. */
  dtype?: DType;
  /** Override the derived seed for this input. */
  seed?: number;
}

/** A description of an input, materialized by the engine. `T` is what the user's code receives. */
export interface TensorInit<T = Tensor> {
  readonly __gradlens: 'tensor-init';
  readonly kind: InitKind;
  readonly shape: number[];
  readonly options: InitOptions & Record<string, unknown>;
  /** Only for tensor(): the given values. */
  readonly values?: ArrayLike<number> | NestedNumbers[];
  /**
   * Why this description cannot be materialized (a negative shape, ragged values): reported on the declaration
   * that uses it when it is checked, not thrown at import, where it would stop every declaration of the file.
   */
  readonly invalid?: string;
  /** Phantom field carrying T for type inference; never set. */
  readonly __type?: T;
}

export function isTensorInit(value: unknown): value is TensorInit<unknown> {
  return typeof value === 'object' && value !== null && (value as { __gradlens?: unknown }).__gradlens === 'tensor-init';
}

type Shape = readonly number[];

function init<T>(kind: InitKind, shape: Shape, options: object, values?: TensorInit['values']): TensorInit<T> {
  const problem = shapeProblem(shape);
  if (problem) return invalidInit(kind, problem);
  return { __gradlens: 'tensor-init', kind, shape: [...shape], options: { ...options }, values } as TensorInit<T>;
}

function invalidInit<T>(kind: InitKind, message: string): TensorInit<T> {
  return { __gradlens: 'tensor-init', kind, shape: [], options: {}, invalid: `gradlens: ${kind}(): ${message}` } as TensorInit<T>;
}

function shapeProblem(shape: Shape): string | undefined {
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    let shown: string;
    try {
      shown = JSON.stringify(shape) ?? String(shape);
    } catch {
      shown = 'a value that cannot be shown';
    }
    return `a shape is an array of non-negative integers, got ${shown}`;
  }
  return undefined;
}

/** Standard normal entries times `scale` (default 1) plus `mean` (default 0). */
export function randn<const S extends Shape>(shape: S, options: InitOptions & { nested: true; scale?: number; mean?: number }): TensorInit<NestedOf<S>>;
export function randn<const O extends InitOptions & { nested?: false; scale?: number; mean?: number }>(
  shape: Shape,
  options?: O,
): TensorInit<FloatTensorFor<O>>;
export function randn(shape: Shape, options: InitOptions & { scale?: number; mean?: number } = {}): TensorInit<unknown> {
  return init('randn', shape, options);
}

/** Uniform entries in [low, high) (default [0, 1)). */
export function rand<const S extends Shape>(shape: S, options: InitOptions & { nested: true; low?: number; high?: number }): TensorInit<NestedOf<S>>;
export function rand<const O extends InitOptions & { nested?: false; low?: number; high?: number }>(shape: Shape, options?: O): TensorInit<FloatTensorFor<O>>;
export function rand(shape: Shape, options: InitOptions & { low?: number; high?: number } = {}): TensorInit<unknown> {
  return init('rand', shape, options);
}

/** Integers in [low, high) as nested arrays (labels, indices): data, never differentiated. */
export function randint<const S extends Shape>(low: number, high: number, shape: S, options: { seed?: number } = {}): TensorInit<NestedOf<S>> {
  if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low) {
    return invalidInit('randint', `needs integers low < high, got ${String(low)}, ${String(high)}`);
  }
  return init('randint', shape, { ...options, low, high, nested: true });
}

export function zeros<const S extends Shape>(shape: S, options: InitOptions & { nested: true }): TensorInit<NestedOf<S>>;
export function zeros<const O extends InitOptions & { nested?: false }>(shape: Shape, options?: O): TensorInit<FloatTensorFor<O>>;
export function zeros(shape: Shape, options: InitOptions = {}): TensorInit<unknown> {
  return init('zeros', shape, options);
}

export function ones<const S extends Shape>(shape: S, options: InitOptions & { nested: true }): TensorInit<NestedOf<S>>;
export function ones<const O extends InitOptions & { nested?: false }>(shape: Shape, options?: O): TensorInit<FloatTensorFor<O>>;
export function ones(shape: Shape, options: InitOptions = {}): TensorInit<unknown> {
  return init('ones', shape, options);
}

/** Explicit values, flat (with a shape) or nested; materialized in the declaration's dtype. */
export function tensor<const O extends Omit<InitOptions, 'seed'>>(
  values: NestedNumbers[] | ArrayLike<number>,
  shape?: number[],
  options?: O,
): TensorInit<FloatTensorFor<O>> {
  try {
    const resolved = shape ?? inferNestedShape(values as NestedNumbers[]);
    const problem = shapeProblem(resolved);
    if (problem) return invalidInit('tensor', problem);
    const size = resolved.reduce((a, b) => a * b, 1);
    const flat = isNestedArray(values) ? flattenNested(values as NestedNumbers[]) : Array.from(values as ArrayLike<number>);
    if (flat.length !== size) return invalidInit('tensor', `got ${flat.length} values for shape [${resolved.join(', ')}]`);
    return init('tensor', resolved, options ?? {}, flat);
  } catch (e) {
    return invalidInit('tensor', (e as Error)?.message?.replace(/^gradlens: /, '') ?? String(e));
  }
}

/** What an input description becomes. `integer` marks data that is never differentiated by default. */
export interface Materialized {
  value: unknown;
  integer: boolean;
}

/** A tensor description that could not be made (see TensorInit.invalid): the declaration's problem, not its code's. */
export class InvalidDescription extends TypeError {}

export function materializeInit(desc: TensorInit<unknown>, seed: number, declarationDtype: DType): Materialized {
  if (desc.invalid) throw new InvalidDescription(desc.invalid);
  const dtype = desc.options.dtype ?? declarationDtype;
  const size = desc.shape.reduce((a, b) => a * b, 1);
  const rng = new Rng(desc.options.seed ?? seed);
  const flat = new Float64Array(size);
  const o = desc.options as Record<string, number | undefined>;
  switch (desc.kind) {
    case 'randn': {
      const scale = o.scale ?? 1;
      const mean = o.mean ?? 0;
      for (let i = 0; i < size; i++) flat[i] = mean + scale * rng.randn();
      break;
    }
    case 'rand': {
      const low = o.low ?? 0;
      const high = o.high ?? 1;
      for (let i = 0; i < size; i++) flat[i] = low + (high - low) * rng.random();
      break;
    }
    case 'randint': {
      for (let i = 0; i < size; i++) flat[i] = rng.randint(o.low as number, o.high as number);
      break;
    }
    case 'zeros':
      break;
    case 'ones':
      flat.fill(1);
      break;
    case 'tensor': {
      const values = desc.values as ArrayLike<number>;
      for (let i = 0; i < size; i++) flat[i] = values[i];
      break;
    }
  }
  const integer = desc.kind === 'randint';
  if (desc.options.nested || integer) {
    const rounded = dtype === 'float32' && !integer ? Array.from(flat, Math.fround) : Array.from(flat);
    return { value: unflatten(rounded, desc.shape), integer };
  }
  const data = dtype === 'float32' ? Float32Array.from(flat) : flat;
  return { value: { data, shape: [...desc.shape] }, integer };
}

/** Nested arrays deeper than this are not tensors (an array that contains itself would never end). */
export const MAX_NESTING = 64;

export function isNestedArray(value: unknown): value is NestedNumbers[] {
  if (!Array.isArray(value)) return false;
  let v: unknown = value;
  for (let depth = 0; Array.isArray(v); depth++) {
    if (v.length === 0) return true;
    if (depth >= MAX_NESTING) return false;
    v = v[0];
  }
  return typeof v === 'number';
}

export function inferNestedShape(value: NestedNumbers[] | number): number[] {
  const shape: number[] = [];
  let v: unknown = value;
  while (Array.isArray(v) && shape.length <= MAX_NESTING) {
    shape.push(v.length);
    if (v.length === 0) break;
    v = v[0];
  }
  return shape;
}

export function flattenNested(value: NestedNumbers[] | number): number[] {
  if (!Array.isArray(value)) return [value];
  const out: number[] = [];
  const walk = (v: NestedNumbers) => {
    if (Array.isArray(v)) for (const x of v) walk(x);
    else out.push(v);
  };
  walk(value);
  return out;
}

export function unflatten(flat: ArrayLike<number>, shape: readonly number[]): NestedNumbers {
  if (shape.length === 0) return flat[0];
  let offset = 0;
  const build = (dim: number): NestedNumbers[] => {
    const out: NestedNumbers[] = new Array(shape[dim]);
    for (let i = 0; i < shape[dim]; i++) {
      if (dim === shape.length - 1) out[i] = flat[offset++];
      else out[i] = build(dim + 1);
    }
    return out;
  };
  return build(0);
}

export function isFloatArray(value: unknown): value is FloatArray {
  return value instanceof Float64Array || value instanceof Float32Array;
}

export function isNumericArray(value: unknown): value is NumericArray {
  return ArrayBuffer.isView(value) && !(value instanceof DataView) && !(value instanceof BigInt64Array) && !(value instanceof BigUint64Array);
}

/** { data: typed array, shape: number[] } */
export function isTensorObject(value: unknown): value is Tensor<NumericArray> {
  if (typeof value !== 'object' || value === null) return false;
  const t = value as { data?: unknown; shape?: unknown };
  return isNumericArray(t.data) && Array.isArray(t.shape) && t.shape.every((d) => Number.isInteger(d) && d >= 0);
}

/** True for every tensor form: number, nested number array, typed array, { data, shape }. */
export function isTensorValue(value: unknown): value is TensorValue {
  return typeof value === 'number' || isNestedArray(value) || isNumericArray(value) || isTensorObject(value);
}
