// Materializes a declaration's inputs (at / params / data) and gives the engine in-place access to every
// number in them, whatever form the user chose, so perturbing an element costs nothing beyond the evaluation.

import { mixSeeds } from '../contract/random';
import { isFloatArray, inferNestedShape, isNestedArray, isNumericArray, isTensorInit, isTensorObject, materializeInit, type DType } from '../contract/tensor';

/** In-place access to one tensor leaf of the inputs. */
export interface Slot {
  path: string;
  shape: number[];
  size: number;
  /** The leaf holds float data (a candidate for differentiation by default). */
  float: boolean;
  get(i: number): number;
  /** Stores v (rounded to float32 where the storage or the declaration is float32). */
  set(i: number, v: number): void;
}

export interface Inputs {
  /** The materialized tree passed to user code. */
  value: unknown;
  slots: Slot[];
}

/** Materializes descriptions (randn, zeros, ...) and indexes every tensor leaf. */
export function materializeInputs(spec: unknown, seed: number, dtype: DType, root: string): Inputs {
  const slots: Slot[] = [];
  const resolved = typeof spec === 'function' ? (spec as () => unknown)() : spec;
  const holder: Record<string, unknown> = {};
  holder.value = visit(resolved, '', seed, dtype, root, slots, holder, 'value');
  return { value: holder.value, slots };
}

/**
 * Elements in the float leaves of a spec (all leaves with `all`), read off shapes and lengths: nothing is
 * generated and none of the user's code runs, so listing a file's declarations cannot loop or allocate on their
 * behalf. Undefined when only running code would tell (a function spec such as `at: () => …`).
 */
export function countElements(spec: unknown, all: boolean, depth = 0): number | undefined {
  if (depth > 32 || typeof spec === 'function') return undefined;
  if (isTensorInit(spec)) return spec.invalid || (!all && spec.kind === 'randint') ? 0 : spec.shape.reduce((a, b) => a * b, 1);
  if (typeof spec === 'number') return all || !Number.isInteger(spec) ? 1 : 0;
  if (isFloatArray(spec)) return spec.length;
  if (isNumericArray(spec)) return all ? spec.length : 0;
  if (isTensorObject(spec)) return all || isFloatArray(spec.data) ? spec.data.length : 0;
  // A nested number array is one tensor, float when any entry is (as materializing it decides).
  if (isNestedArray(spec)) return all || hasNonInteger(spec) ? inferNestedShape(spec).reduce((a, b) => a * b, 1) : 0;
  if (typeof spec !== 'object' || spec === null) return 0;
  let total = 0;
  for (const value of Array.isArray(spec) ? spec : Object.values(spec)) {
    const n = countElements(value, all, depth + 1);
    if (n === undefined) return undefined;
    total += n;
  }
  return total;
}

function hasNonInteger(value: unknown): boolean {
  return Array.isArray(value) ? value.some(hasNonInteger) : typeof value === 'number' && !Number.isInteger(value);
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function visit(
  v: unknown,
  path: string,
  seed: number,
  dtype: DType,
  root: string,
  slots: Slot[],
  parent: Record<string, unknown> | unknown[] | null,
  key: string | number | null,
): unknown {
  if (isTensorInit(v)) {
    const m = materializeInit(v, mixSeeds(seed, root, path), dtype);
    const slot = slotFor(m.value, path, dtype, parent, key);
    if (slot) slots.push({ ...slot, float: !m.integer });
    return m.value;
  }
  // Tensors are copied: a module's constants are shared by every check the worker runs, and checks perturb.
  const copy = copyTensor(v);
  if (copy !== undefined) {
    const slot = slotFor(copy, path, dtype, parent, key);
    if (slot) {
      slots.push(slot);
      return copy;
    }
  }
  if (typeof v === 'object' && v !== null && (Array.isArray(v) || Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null)) {
    if (Array.isArray(v)) {
      const out: unknown[] = new Array(v.length);
      for (let i = 0; i < v.length; i++) out[i] = visit(v[i], join(path, String(i)), seed, dtype, root, slots, out, i);
      return out;
    }
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) out[k] = visit((v as Record<string, unknown>)[k], join(path, k), seed, dtype, root, slots, out, k);
    return out;
  }
  return v;
}

function copyTensor(v: unknown): unknown {
  if (typeof v === 'number') return v;
  if (isNumericArray(v)) return v.slice();
  if (isTensorObject(v)) return { ...v, data: v.data.slice(), shape: [...v.shape] };
  if (isNestedArray(v)) return structuredClone(v);
  return undefined;
}

function roundFor(dtype: DType): (x: number) => number {
  return dtype === 'float32' ? Math.fround : (x) => x;
}

function slotFor(v: unknown, path: string, dtype: DType, parent: Record<string, unknown> | unknown[] | null, key: string | number | null): Slot | null {
  if (typeof v === 'number') {
    if (parent === null || key === null) return null;
    const holder = parent as Record<string | number, unknown>;
    const round = roundFor(dtype);
    return {
      path,
      shape: [],
      size: 1,
      float: !Number.isInteger(v),
      get: () => holder[key] as number,
      set: (_i, x) => {
        holder[key] = round(x);
      },
    };
  }
  if (isNumericArray(v) || isTensorObject(v)) {
    const data = isNumericArray(v) ? v : v.data;
    const shape = isNumericArray(v) ? [v.length] : [...v.shape];
    const round = data instanceof Float32Array ? (x: number) => x : roundFor(dtype);
    return {
      path,
      shape,
      size: data.length,
      float: isFloatArray(data),
      get: (i) => data[i],
      set: (i, x) => {
        data[i] = round(x);
      },
    };
  }
  if (isNestedArray(v)) {
    const shape = inferNestedShape(v);
    const rows: number[][] = [];
    let rectangular = true;
    const collect = (node: unknown, dim: number) => {
      if (!Array.isArray(node) || node.length !== shape[dim]) {
        rectangular = false;
        return;
      }
      if (dim === shape.length - 1) {
        if (node.some((x) => typeof x !== 'number')) rectangular = false;
        rows.push(node as number[]);
      } else for (const child of node) collect(child, dim + 1);
    };
    collect(v, 0);
    if (!rectangular) return null;
    const inner = shape[shape.length - 1] ?? 0;
    const size = shape.reduce((a, b) => a * b, 1);
    const round = roundFor(dtype);
    let float = false;
    for (const row of rows) if (row.some((x) => !Number.isInteger(x))) float = true;
    return {
      path,
      shape,
      size,
      float,
      get: (i) => rows[(i / inner) | 0][i % inner],
      set: (i, x) => {
        rows[(i / inner) | 0][i % inner] = round(x);
      },
    };
  }
  return null;
}

/** Copies of every slot's values, to detect and undo user code that writes into its inputs. */
export function snapshot(slots: Slot[]): Float64Array[] {
  return slots.map((s) => {
    const out = new Float64Array(s.size);
    for (let i = 0; i < s.size; i++) out[i] = s.get(i);
    return out;
  });
}

/** Paths of the slots whose values differ from the snapshot (NaN-aware). */
export function changedSince(slots: Slot[], snap: Float64Array[]): string[] {
  const changed: string[] = [];
  slots.forEach((s, k) => {
    for (let i = 0; i < s.size; i++) {
      const a = s.get(i);
      const b = snap[k][i];
      if (a !== b && !(Number.isNaN(a) && Number.isNaN(b))) {
        changed.push(s.path);
        return;
      }
    }
  });
  return changed;
}

export function restore(slots: Slot[], snap: Float64Array[]): void {
  slots.forEach((s, k) => {
    for (let i = 0; i < s.size; i++) s.set(i, snap[k][i]);
  });
}
