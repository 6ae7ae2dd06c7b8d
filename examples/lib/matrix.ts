// Nested-array linear algebra (number[][]), the way a first port of NumPy homework to TypeScript looks.
// Everything allocates a fresh result: the layers never write into their inputs.

export type Vector = number[];
export type Matrix = number[][];

export function zerosMatrix(rows: number, cols: number): Matrix {
  return Array.from({ length: rows }, () => new Array<number>(cols).fill(0));
}

export function shapeOf(a: Matrix): [number, number] {
  return [a.length, a.length ? a[0].length : 0];
}

/** A (n×k) · B (k×m). */
export function matmul(a: Matrix, b: Matrix): Matrix {
  const [n, k] = shapeOf(a);
  const [k2, m] = shapeOf(b);
  if (k !== k2) throw new Error(`matmul: inner dimensions differ (${n}×${k} · ${k2}×${m})`);
  const out = zerosMatrix(n, m);
  for (let i = 0; i < n; i++) {
    const row = out[i];
    for (let p = 0; p < k; p++) {
      const aip = a[i][p];
      const bp = b[p];
      for (let j = 0; j < m; j++) row[j] += aip * bp[j];
    }
  }
  return out;
}

export function transpose(a: Matrix): Matrix {
  const [n, m] = shapeOf(a);
  const out = zerosMatrix(m, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) out[j][i] = a[i][j];
  return out;
}

/** Adds the row vector b to every row of A (NumPy broadcasting of a bias). */
export function addRow(a: Matrix, b: Vector): Matrix {
  return a.map((row) => row.map((v, j) => v + b[j]));
}

/** Sum over rows (axis 0): one entry per column. */
export function sumRows(a: Matrix): Vector {
  const [, m] = shapeOf(a);
  const out = new Array<number>(m).fill(0);
  for (const row of a) for (let j = 0; j < m; j++) out[j] += row[j];
  return out;
}

/** Sum over columns (axis 1): one entry per row. */
export function sumCols(a: Matrix): Vector {
  return a.map((row) => row.reduce((s, v) => s + v, 0));
}

export function map(a: Matrix, f: (v: number, i: number, j: number) => number): Matrix {
  return a.map((row, i) => row.map((v, j) => f(v, i, j)));
}

/** Elementwise combination of two matrices of the same shape. */
export function zip(a: Matrix, b: Matrix, f: (x: number, y: number) => number): Matrix {
  return a.map((row, i) => row.map((v, j) => f(v, b[i][j])));
}

export function scale(a: Matrix, k: number): Matrix {
  return map(a, (v) => v * k);
}

export function sumSquares(a: Matrix): number {
  let s = 0;
  for (const row of a) for (const v of row) s += v * v;
  return s;
}
