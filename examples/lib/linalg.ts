// Row-major matrix products on flat arrays, with the transposes backprop needs spelled out so nobody has to
// materialize a transpose: A·B, A·Bᵀ and Aᵀ·B.

type Flat = ArrayLike<number>;

/** A (n×k) · B (k×m) → n×m. */
export function mm(a: Flat, b: Flat, n: number, k: number, m: number): Float64Array {
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < k; p++) {
      const aip = a[i * k + p];
      if (aip === 0) continue;
      for (let j = 0; j < m; j++) out[i * m + j] += aip * b[p * m + j];
    }
  }
  return out;
}

/** A (n×k) · Bᵀ where B is m×k → n×m. */
export function mmT(a: Flat, b: Flat, n: number, k: number, m: number): Float64Array {
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[i * k + p] * b[j * k + p];
      out[i * m + j] = s;
    }
  }
  return out;
}

/** Aᵀ · B where A is n×k and B is n×m → k×m. */
export function mTm(a: Flat, b: Flat, n: number, k: number, m: number): Float64Array {
  const out = new Float64Array(k * m);
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < k; p++) {
      const aip = a[i * k + p];
      for (let j = 0; j < m; j++) out[p * m + j] += aip * b[i * m + j];
    }
  }
  return out;
}

/** Column sums of an n×m matrix (the gradient of a broadcast bias). */
export function colSums(a: Flat, n: number, m: number): Float64Array {
  const out = new Float64Array(m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) out[j] += a[i * m + j];
  return out;
}

/** a += b, in place (accumulating gradients over time steps). */
export function addInto(a: Float64Array, b: Flat): void {
  for (let i = 0; i < a.length; i++) a[i] += b[i];
}

/** Copies time step t out of a (N, T, D) sequence: an N×D matrix. */
export function timeSlice(seq: Flat, N: number, T: number, D: number, t: number): Float64Array {
  const out = new Float64Array(N * D);
  for (let n = 0; n < N; n++) for (let d = 0; d < D; d++) out[n * D + d] = seq[(n * T + t) * D + d];
  return out;
}

/** Writes an N×D matrix into time step t of a (N, T, D) sequence. */
export function setTimeSlice(seq: Float64Array, step: Flat, N: number, T: number, D: number, t: number): void {
  for (let n = 0; n < N; n++) for (let d = 0; d < D; d++) seq[(n * T + t) * D + d] = step[n * D + d];
}
