// Flat row-major tensors ({ data, shape }) with explicit index arithmetic, for the layers where nested arrays
// would be painful (conv, pooling, batch norm, recurrent nets). Inputs may be Float64Array or Float32Array;
// results are Float64Array.

import type { Tensor } from 'gradlens';

export type { Tensor };

export interface NdArray {
  data: Float64Array;
  shape: number[];
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function zeros(shape: readonly number[]): NdArray {
  return { data: new Float64Array(sizeOf(shape)), shape: [...shape] };
}

export function zerosLike(t: Tensor): NdArray {
  return zeros(t.shape);
}

/** Throws with a readable message when a tensor's shape is not the one the code assumes. */
export function expectShape(name: string, t: Tensor, rank: number): number[] {
  if (t.shape.length !== rank) throw new Error(`${name}: expected a rank-${rank} tensor, got shape [${t.shape.join(', ')}]`);
  return t.shape;
}
