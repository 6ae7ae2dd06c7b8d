// Reading and writing the tensor values user code passes around, in whatever form it chose: numbers, nested
// arrays, typed arrays, { data, shape }, and trees of those (layer outputs like { h, c }).

import {
  inferNestedShape,
  isNestedArray,
  isNumericArray,
  isTensorObject,
  isTensorValue,
  MAX_NESTING,
  type NestedNumbers,
  type NumericArray,
} from '../contract/tensor';

export interface ReadTensor {
  data: Float64Array;
  shape: number[];
  /** A bare typed array carries no shape: it matches any shape of the same size. */
  shapeless: boolean;
}

/** A tensor value as float64 data plus shape, or a sentence saying why it is not a tensor. */
export function readTensor(value: unknown): ReadTensor | string {
  if (typeof value === 'number') return { data: Float64Array.of(value), shape: [], shapeless: false };
  if (isNumericArray(value)) return { data: Float64Array.from(value as ArrayLike<number>), shape: [value.length], shapeless: true };
  if (isTensorObject(value)) {
    const size = value.shape.reduce((a, b) => a * b, 1);
    if (size !== value.data.length) {
      return `{ data, shape } with shape [${value.shape.join(', ')}] (${size} elements) but ${value.data.length} values`;
    }
    return { data: Float64Array.from(value.data as ArrayLike<number>), shape: [...value.shape], shapeless: false };
  }
  if (isNestedArray(value)) {
    const shape = inferNestedShape(value);
    const size = shape.reduce((a, b) => a * b, 1);
    const data = new Float64Array(size);
    let offset = 0;
    let ragged = false;
    const walk = (v: unknown, dim: number) => {
      if (dim === shape.length) {
        if (typeof v !== 'number') ragged = true;
        else data[offset++] = v;
        return;
      }
      if (!Array.isArray(v) || v.length !== shape[dim]) {
        ragged = true;
        return;
      }
      for (let i = 0; i < v.length && !ragged; i++) walk(v[i], dim + 1);
    };
    walk(value, 0);
    if (ragged) return `a ragged nested array (rows of different lengths or non-numbers), expected a rectangular array of shape [${shape.join(', ')}]`;
    return { data, shape, shapeless: false };
  }
  return `${describe(value)}, not a tensor (a number, nested number array, typed array or { data, shape })`;
}

/** What a value is, in words for a finding: "a string ('abc')", "an array of 3 numbers", "a Float64Array". */
export function describe(value: unknown): string {
  try {
    if (value === undefined) return 'undefined';
    if (value === null) return 'null';
    if (Array.isArray(value)) {
      if (value.length === 0) return 'an empty array';
      const kinds = new Set(value.slice(0, 16).map(kindOf));
      return kinds.size === 1 ? `an array of ${value.length} ${[...kinds][0]}s` : `an array of ${value.length} mixed values`;
    }
    if (typeof value === 'object') {
      const name = (value as object).constructor?.name;
      const keys = Object.keys(value as object).slice(0, 5);
      return name && name !== 'Object' ? `a ${name}` : `an object with keys {${keys.join(', ')}}`;
    }
    if (typeof value === 'string') return `a string ('${value.slice(0, 30)}')`;
    return `a ${typeof value} (${String(value).slice(0, 30)})`;
  } catch {
    // A Proxy or a throwing getter: what it is cannot be read without running it further.
    return 'a value that throws when it is read';
  }
}

/** The kind of an array's entry, as a noun ('number', 'array', 'Float64Array', 'object'). */
function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') {
    const name = (value as object).constructor?.name;
    return name && name !== 'Object' ? name : 'object';
  }
  return typeof value;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** The structure of a tensor tree (a layer's output), recorded once so douts can be built to match it. */
export type TreeShape =
  | { kind: 'number' }
  | { kind: 'nested'; shape: number[] }
  | { kind: 'typed'; ctor: string; length: number }
  | { kind: 'tensor'; ctor: string; shape: number[] }
  | { kind: 'object'; keys: string[]; children: TreeShape[] };

export function treeShape(value: unknown, path = 'output', depth = 0): TreeShape | string {
  if (depth > MAX_NESTING) return `${path.split(/[.[]/)[0]} is nested deeper than ${MAX_NESTING} levels (does it contain itself?)`;
  if (typeof value === 'number') return { kind: 'number' };
  if (isNumericArray(value)) return { kind: 'typed', ctor: value.constructor.name, length: value.length };
  if (isTensorObject(value)) {
    const read = readTensor(value);
    if (typeof read === 'string') return `${path} is ${read}`;
    return { kind: 'tensor', ctor: value.data.constructor.name, shape: [...value.shape] };
  }
  if (isNestedArray(value)) {
    const read = readTensor(value);
    if (typeof read === 'string') return `${path} is ${read}`;
    return { kind: 'nested', shape: read.shape };
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const keys = Object.keys(value).sort();
    if (!keys.length) return `${path} is an empty object`;
    const children: TreeShape[] = [];
    for (const key of keys) {
      const child = treeShape((value as Record<string, unknown>)[key], `${path}.${key}`, depth + 1);
      if (typeof child === 'string') return child;
      children.push(child);
    }
    return { kind: 'object', keys, children };
  }
  if (Array.isArray(value) && value.length && value.every((v) => isTensorValue(v) || typeof v === 'object')) {
    const children: TreeShape[] = [];
    for (let i = 0; i < value.length; i++) {
      const child = treeShape(value[i], `${path}[${i}]`, depth + 1);
      if (typeof child === 'string') return child;
      children.push(child);
    }
    return { kind: 'object', keys: value.map((_, i) => String(i)), children };
  }
  return `${path} is ${describe(value)}, not a tensor or a tree of tensors`;
}

export function treeSize(shape: TreeShape): number {
  switch (shape.kind) {
    case 'number':
      return 1;
    case 'nested':
    case 'tensor':
      return shape.shape.reduce((a, b) => a * b, 1);
    case 'typed':
      return shape.length;
    case 'object':
      return shape.children.reduce((a, c) => a + treeSize(c), 0);
  }
}

const CTORS: Record<string, new (n: number) => NumericArray> = {
  Float64Array,
  Float32Array,
  Int32Array,
  Int16Array,
  Int8Array,
  Uint8Array,
  Uint16Array,
  Uint32Array,
};

/** Builds a value shaped and typed like the recorded output, filled from flat data (for douts). */
export function buildLike(shape: TreeShape, flat: Float64Array, offset = { at: 0 }, isArray = false): unknown {
  switch (shape.kind) {
    case 'number':
      return flat[offset.at++];
    case 'typed': {
      const out = new (CTORS[shape.ctor] ?? Float64Array)(shape.length);
      for (let i = 0; i < shape.length; i++) out[i] = flat[offset.at++];
      return out;
    }
    case 'tensor': {
      const size = shape.shape.reduce((a, b) => a * b, 1);
      const data = new (CTORS[shape.ctor] ?? Float64Array)(size);
      for (let i = 0; i < size; i++) data[i] = flat[offset.at++];
      return { data, shape: [...shape.shape] };
    }
    case 'nested': {
      const build = (dim: number): NestedNumbers => {
        if (dim === shape.shape.length) return flat[offset.at++];
        const row: NestedNumbers[] = new Array(shape.shape[dim]);
        for (let i = 0; i < row.length; i++) row[i] = build(dim + 1);
        return row;
      };
      return build(0);
    }
    case 'object': {
      const numericKeys = shape.keys.every((k, i) => k === String(i));
      if (numericKeys && isArray) return shape.children.map((c) => buildLike(c, flat, offset));
      const out: Record<string, unknown> = {};
      shape.keys.forEach((key, i) => (out[key] = buildLike(shape.children[i], flat, offset)));
      return out;
    }
  }
}

/**
 * Adds Σ value·w_j into acc[j] and Σ|value·w_j| into mag[j] for every weight vector w_j, walking the value in the
 * recorded structure. Returns the number of elements visited (a changed structure is caught by the caller).
 */
export function dotTree(value: unknown, shape: TreeShape, weights: Float64Array[], acc: Float64Array, mag: Float64Array | null, offset = { at: 0 }): number {
  const k = weights.length;
  const add = (v: number): void => {
    const i = offset.at++;
    for (let j = 0; j < k; j++) {
      const p = v * weights[j][i];
      acc[j] += p;
      if (mag) mag[j] += Math.abs(p);
    }
  };
  switch (shape.kind) {
    case 'number':
      add(typeof value === 'number' ? value : NaN);
      return 1;
    case 'typed':
    case 'tensor': {
      const data = (shape.kind === 'typed' ? value : (value as { data?: unknown })?.data) as ArrayLike<number> | undefined;
      const size = shape.kind === 'typed' ? shape.length : shape.shape.reduce((a, b) => a * b, 1);
      if (!data || data.length !== size) throw new ShapeChanged();
      // One tight loop per objective: a closure call per element cost as much as a small layer's forward pass.
      const at = offset.at;
      if (!mag && k === 3) {
        // The common case (three upstream gradients, no magnitudes): one pass over the output for all three.
        const w0 = weights[0];
        const w1 = weights[1];
        const w2 = weights[2];
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        for (let i = 0, x = at; i < size; i++, x++) {
          const v = data[i];
          s0 += v * w0[x];
          s1 += v * w1[x];
          s2 += v * w2[x];
        }
        acc[0] += s0;
        acc[1] += s1;
        acc[2] += s2;
        offset.at = at + size;
        return size;
      }
      for (let j = 0; j < k; j++) {
        const w = weights[j];
        let sum = 0;
        if (mag) {
          let abs = 0;
          for (let i = 0; i < size; i++) {
            const p = data[i] * w[at + i];
            sum += p;
            abs += Math.abs(p);
          }
          mag[j] += abs;
        } else {
          // Most evaluations need only the objective: the magnitude is for the baseline's round-off estimate.
          for (let i = 0; i < size; i++) sum += data[i] * w[at + i];
        }
        acc[j] += sum;
      }
      offset.at = at + size;
      return size;
    }
    case 'nested': {
      let count = 0;
      const walk = (v: unknown, dim: number) => {
        if (dim === shape.shape.length) {
          add(typeof v === 'number' ? v : NaN);
          count++;
          return;
        }
        if (!Array.isArray(v) || v.length !== shape.shape[dim]) throw new ShapeChanged();
        for (let i = 0; i < v.length; i++) walk(v[i], dim + 1);
      };
      walk(value, 0);
      return count;
    }
    case 'object': {
      if (typeof value !== 'object' || value === null) throw new ShapeChanged();
      let count = 0;
      shape.keys.forEach((key, i) => {
        count += dotTree((value as Record<string, unknown>)[key], shape.children[i], weights, acc, mag, offset);
      });
      return count;
    }
  }
}

export class ShapeChanged extends Error {
  constructor() {
    super('the output changed shape between evaluations');
  }
}
