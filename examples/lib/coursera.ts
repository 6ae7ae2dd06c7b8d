// Helpers for the Coursera (Andrew Ng) neural-network exercise, ported from Octave: unrolling the weight
// matrices into one parameter vector and back, the bias column, one-hot labels. Our reshape is row-major
// (Octave's is column-major); what matters is that rolling and unrolling agree.

import type { Matrix } from './matrix';

/** Reads rows×cols values starting at offset into a matrix. */
export function reshape(vec: ArrayLike<number>, offset: number, rows: number, cols: number): Matrix {
  return Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => vec[offset + i * cols + j]));
}

/** [Theta1(:); Theta2(:)] */
export function unroll(...matrices: Matrix[]): number[] {
  return matrices.flatMap((m) => m.flat());
}

/** [ones(m, 1) A]: prepends the bias unit to every row. */
export function withBias(a: Matrix): Matrix {
  return a.map((row) => [1, ...row]);
}

/** Octave's y == 1:K for 1-based labels. */
export function oneHot(y: number[], K: number): Matrix {
  return y.map((label) => Array.from({ length: K }, (_, k) => (label === k + 1 ? 1 : 0)));
}
