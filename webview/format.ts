// Number and label formatting shared by tooltips, tables and axes. Pure: unit-tested in node.

/** A gradient value: enough digits to compare an analytic and a numeric value that agree to ~1e-8. */
export function formatValue(x: number | null | undefined): string {
  if (x === null || x === undefined) return 'NaN/Inf';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e5 || a < 1e-4) return x.toExponential(8).replace(/\.?0+e/, 'e');
  return String(Number(x.toPrecision(10)));
}

/** An error or a ratio: three significant digits, exponential when small or large. */
export function formatError(x: number | null | undefined): string {
  if (x === null || x === undefined) return '—';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e4 || a < 1e-2) return x.toExponential(2).replace(/\.?0+e/, 'e');
  return String(Number(x.toPrecision(3)));
}

/** A power of ten as a tick label: 1e-8, 1. */
export function formatPower(exp: number): string {
  return exp === 0 ? '1' : `1e${exp}`;
}

/** Milliseconds as a short duration. */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const m = Math.floor(ms / 60_000);
  return `${m} min ${Math.round((ms - m * 60_000) / 1000)} s`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** 'W[3, 7]' for a multi-index. */
export function formatIndex(path: string, index: number[]): string {
  return index.length ? `${path}[${index.join(', ')}]` : path;
}

export function formatShape(shape: number[]): string {
  return shape.length ? shape.join('×') : 'scalar';
}

/** Row-major multi-index of a flat index. */
export function unflatten(flat: number, shape: number[]): number[] {
  const index = new Array<number>(shape.length);
  let rest = flat;
  for (let d = shape.length - 1; d >= 0; d--) {
    const n = shape[d] || 1;
    index[d] = rest % n;
    rest = Math.floor(rest / n);
  }
  return index;
}

/** 'file.ts:12' with the 0-based line shown 1-based, as editors do. */
export function formatLocation(file: string, line: number): string {
  const base = file.split(/[\\/]/).pop() ?? file;
  return `${base}:${line + 1}`;
}
