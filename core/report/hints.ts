// Bug-pattern hints: what a wrong gradient most likely is, said only when the numbers support it. Each rule
// fits one pattern (a constant factor, a transpose, a missing λ·W term, errors confined to rows or borders)
// and requires nearly every compared element to fit before it speaks.

import type { Hint } from './types';

export interface HintInput {
  /** Display name of the gradient ('dW', 'fc1.W'). */
  name: string;
  shape: number[];
  /** Checked elements: flat index, analytic and numeric (one objective), whether each failed. */
  flat: number[];
  analytic: number[];
  numeric: number[];
  failed: boolean[];
  /** Parameter values by flat index, when known. */
  values?: number[];
  /** Full analytic gradient by flat index, when known. */
  analyticAll?: number[];
  /** Leading input dimensions that could be a batch size N. */
  batchCandidates: number[];
}

const FIT = 1e-3; // relative misfit allowed for an element to fit a pattern
const SUPPORT = 0.95; // share of elements that must fit

function close(a: number, b: number, rel = FIT, abs = 0): boolean {
  return Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b)) + abs;
}

function multiIndex(flat: number, shape: number[]): number[] {
  const out = new Array(shape.length).fill(0);
  for (let d = shape.length - 1; d >= 0; d--) {
    out[d] = flat % shape[d];
    flat = Math.floor(flat / shape[d]);
  }
  return out;
}

export function formatIndex(flat: number, shape: number[]): string {
  return shape.length ? `[${multiIndex(flat, shape).join(', ')}]` : '';
}

function formatNumber(x: number): string {
  if (Number.isInteger(x)) return String(x);
  return Math.abs(x) >= 0.01 && Math.abs(x) < 1000 ? x.toPrecision(3).replace(/\.?0+$/, '') : x.toExponential(2);
}

/** Names a fitted factor k when it is a simple number or tied to a batch size. */
function nameFactor(k: number, batch: number[], name: string): string | null {
  if (close(k, -1)) return null;
  for (const n of batch) {
    if (close(k, n)) return `${name} = ${n} × numeric: the 1/N of a mean is missing (N = ${n})`;
    if (close(k, 1 / n)) return `${name} = numeric / ${n}: divided by N = ${n} once too often`;
    if (close(k, -n)) return `${name} = −${n} × numeric: the 1/N is missing and the sign is wrong (N = ${n})`;
  }
  if (close(k, 2)) return `${name} = 2 × numeric: a factor of 2 (a missing ½, or a term counted twice)`;
  if (close(k, 0.5)) return `${name} = ½ × numeric: half of what it should be (a spurious ½, or one of two terms missing)`;
  if (close(k, -2)) return `${name} = −2 × numeric: a factor of 2 and the sign are wrong`;
  for (const m of [3, 4, 1 / 3, 0.25]) if (close(k, m)) return `${name} = ${formatNumber(m)} × numeric: off by a constant factor`;
  return `${name} ≈ ${formatNumber(k)} × numeric: off by a constant factor`;
}

function significant(input: HintInput): number[] {
  let max = 0;
  for (const n of input.numeric) if (Number.isFinite(n)) max = Math.max(max, Math.abs(n));
  const idx: number[] = [];
  input.numeric.forEach((n, e) => {
    if (Number.isFinite(n) && Number.isFinite(input.analytic[e]) && Math.abs(n) > 1e-6 * max && max > 0) idx.push(e);
  });
  return idx;
}

function nonfiniteHint(input: HintInput): Hint | null {
  const all = input.analyticAll ?? input.analytic;
  const bad = all.map((v, i) => (Number.isFinite(v) ? -1 : i)).filter((i) => i >= 0);
  if (!bad.length) return null;
  const first = input.analyticAll ? bad[0] : input.flat[bad[0]];
  return {
    code: 'nonfinite',
    message: `${input.name} has ${bad.length} NaN or infinite value${bad.length > 1 ? 's' : ''} (first at ${formatIndex(first, input.shape) || 'the scalar'}): a division by zero, log(0) or overflow?`,
    support: bad.length / all.length,
  };
}

function zeroHint(input: HintInput): Hint | null {
  const failing = input.failed.map((f, e) => (f ? e : -1)).filter((e) => e >= 0);
  if (!failing.length) return null;
  const zeros = failing.filter((e) => input.analytic[e] === 0);
  if (zeros.length / failing.length < SUPPORT) return null;
  const all = input.analyticAll;
  const allZero = all ? all.every((v) => v === 0) : input.analytic.every((v) => v === 0);
  return {
    code: 'zero',
    message: allZero
      ? `${input.name} is all zeros while the numerical gradient is not: never written, or never accumulated?`
      : `${input.name} is 0 at ${zeros.length} element${zeros.length > 1 ? 's' : ''} where the numerical gradient is not: those entries are never written`,
    support: zeros.length / failing.length,
  };
}

function scaleHint(input: HintInput): Hint | null {
  const idx = significant(input);
  if (idx.length < 1 || !input.failed.some(Boolean)) return null;
  let an = 0;
  let nn = 0;
  for (const e of idx) {
    an += input.analytic[e] * input.numeric[e];
    nn += input.numeric[e] * input.numeric[e];
  }
  const k = an / nn;
  // Factors within 1% of 1 are small relative errors, better described by smallRelativeHint.
  if (!Number.isFinite(k) || k === 0 || Math.abs(k - 1) < 1e-2) return null;
  const fits = (e: number) => close(input.analytic[e], k * input.numeric[e]);
  const fit = idx.filter(fits).length / idx.length;
  // The factor must explain the failing elements themselves, not just the many that are right anyway.
  const failing = idx.filter((e) => input.failed[e]);
  const failingFit = failing.length ? failing.filter(fits).length / failing.length : 0;
  if (fit < SUPPORT || failingFit < SUPPORT || (idx.length < 2 && !close(k, -1) && !close(k, 2) && !close(k, 0.5))) return null;
  if (close(k, -1)) {
    return { code: 'sign', message: `${input.name} has the wrong sign (analytic = −numeric)`, factor: -1, support: fit };
  }
  const message = nameFactor(k, input.batchCandidates, input.name)!;
  return { code: 'scaled', message, factor: Number(k.toPrecision(6)), support: fit };
}

function transposeHint(input: HintInput): Hint | null {
  const [rows, cols] = input.shape;
  if (input.shape.length !== 2 || rows !== cols || rows < 2) return null;
  const all = input.analyticAll;
  if (!all || input.flat.length < rows * cols) return null;
  const numeric = new Array(rows * cols).fill(NaN);
  input.flat.forEach((f, e) => (numeric[f] = input.numeric[e]));
  let fits = 0;
  let offDiagonalDiffers = 0;
  let compared = 0;
  let maxN = 0;
  for (const v of numeric) if (Number.isFinite(v)) maxN = Math.max(maxN, Math.abs(v));
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const a = all[i * cols + j];
      const nT = numeric[j * cols + i];
      if (!Number.isFinite(nT)) continue;
      compared++;
      if (close(a, nT, FIT, 1e-9 * maxN)) fits++;
      if (i !== j && !close(numeric[i * cols + j], nT, FIT, 1e-9 * maxN)) offDiagonalDiffers++;
    }
  }
  if (!compared || fits / compared < SUPPORT || offDiagonalDiffers === 0) return null;
  return {
    code: 'transposed',
    message: `${input.name} is the transpose of the numerical gradient: check the order of the product (x.T·dout vs dout.T·x)`,
    support: fits / compared,
  };
}

function regularizationHint(input: HintInput): Hint | null {
  if (!input.values) return null;
  const failing = input.failed.map((f, e) => (f ? e : -1)).filter((e) => e >= 0);
  if (failing.length < 2) return null;
  // λ is fitted on the failing elements: a term missing only from some entries (bias terms) fits as well.
  let rx = 0;
  let xx = 0;
  for (const e of failing) {
    const x = input.values[input.flat[e]];
    const r = input.numeric[e] - input.analytic[e];
    if (!Number.isFinite(r) || !Number.isFinite(x)) continue;
    rx += r * x;
    xx += x * x;
  }
  const lambda = rx / xx;
  if (!Number.isFinite(lambda) || lambda === 0) return null;
  let maxTerm = 0;
  for (const e of failing) maxTerm = Math.max(maxTerm, Math.abs(lambda * input.values[input.flat[e]]));
  const fit =
    failing.filter((e) => {
      const r = input.numeric[e] - input.analytic[e];
      return close(r, lambda * input.values![input.flat[e]], 1e-2, 1e-6 * maxTerm);
    }).length / failing.length;
  if (fit < SUPPORT) return null;
  const l = formatNumber(lambda);
  return {
    code: 'regularization',
    message:
      lambda > 0
        ? `${input.name} = numeric − ${l}·W: the regularization term ${l}·W (λ·W) is missing from the gradient`
        : `${input.name} = numeric + ${formatNumber(-lambda)}·W: a regularization term is added that the loss does not have (or twice)`,
    factor: Number(lambda.toPrecision(6)),
    support: fit,
  };
}

function borderHint(input: HintInput): Hint | null {
  const s = input.shape;
  // Image-shaped tensors only ([C, H, W], [N, C, H, W]): in a matrix, an edge row or column is just a row or column.
  if (s.length < 3) return null;
  const H = s[s.length - 2];
  const W = s[s.length - 1];
  if (H < 3 || W < 3) return null;
  let borderFail = 0;
  let borderSeen = 0;
  let interiorFail = 0;
  input.flat.forEach((f, e) => {
    const w = f % W;
    const h = Math.floor(f / W) % H;
    const border = h === 0 || h === H - 1 || w === 0 || w === W - 1;
    if (border) {
      borderSeen++;
      if (input.failed[e]) borderFail++;
    } else if (input.failed[e]) interiorFail++;
  });
  if (!borderFail || interiorFail || borderFail < 0.25 * borderSeen) return null;
  return {
    code: 'border',
    message: `only border elements of ${input.name} are wrong (${borderFail} of ${borderSeen} on the edges, none inside): padding, or the edge of a convolution or pooling window?`,
    support: 1,
  };
}

function lineHint(input: HintInput, axis: 'rows' | 'columns'): Hint | null {
  const s = input.shape;
  if (s.length < 2 || (axis === 'columns' && s.length !== 2)) return null;
  const rows = s[0];
  const cols = s.slice(1).reduce((a, b) => a * b, 1);
  const count = axis === 'rows' ? rows : cols;
  if (count < 2) return null;
  const lineOf = (f: number) => (axis === 'rows' ? Math.floor(f / cols) : f % cols);
  const failLines = new Map<number, number>();
  const seenLines = new Map<number, number>();
  input.flat.forEach((f, e) => {
    const l = lineOf(f);
    seenLines.set(l, (seenLines.get(l) ?? 0) + 1);
    if (input.failed[e]) failLines.set(l, (failLines.get(l) ?? 0) + 1);
  });
  if (!failLines.size || failLines.size > count / 2) return null;
  // A line pattern needs more than one wrong element on each wrong line: one element is just one element.
  for (const [l, n] of failLines) if (n < 2 || n < 0.5 * (seenLines.get(l) ?? 0)) return null;
  const list = [...failLines.keys()].sort((a, b) => a - b);
  const shown = list.slice(0, 6).join(', ') + (list.length > 6 ? ', …' : '');
  const word = axis === 'rows' ? 'row' : 'column';
  return {
    code: axis,
    message: `only ${word}${list.length > 1 ? 's' : ''} ${shown} of ${input.name} ${list.length > 1 ? 'are' : 'is'} wrong (of ${count}): an index or loop bound on that axis?`,
    support: 1,
  };
}

function fewHint(input: HintInput): Hint | null {
  const failing = input.failed.map((f, e) => (f ? e : -1)).filter((e) => e >= 0);
  if (!failing.length || failing.length > Math.max(3, 0.01 * input.flat.length) || failing.length === input.flat.length) return null;
  const where = failing
    .slice(0, 4)
    .map((e) => formatIndex(input.flat[e], input.shape))
    .join(', ');
  return {
    code: 'few-elements',
    message: `only ${failing.length} element${failing.length > 1 ? 's' : ''} of ${input.name} ${failing.length > 1 ? 'are' : 'is'} wrong (${where}${failing.length > 4 ? ', …' : ''}): a special case or an off-by-one?`,
    support: 1,
  };
}

function smallRelativeHint(input: HintInput): Hint | null {
  const rel: number[] = [];
  input.failed.forEach((f, e) => {
    if (!f) return;
    const a = input.analytic[e];
    const n = input.numeric[e];
    rel.push(Math.abs(a - n) / Math.max(Math.abs(a), Math.abs(n)));
  });
  // A pattern over the tensor needs more than one or two elements; 'a few elements wrong' says those.
  if (rel.length < 3 || rel.some((r) => !(r < 1e-2))) return null;
  rel.sort((a, b) => a - b);
  const median = rel[Math.floor(rel.length / 2)];
  return {
    code: 'small-relative',
    message: `${input.name} is off by a small relative amount (median ${median.toExponential(1)}): a misplaced epsilon, a rounded constant, or a small missing term?`,
    support: 1,
  };
}

/** At most two hints, most specific first. */
export function computeHints(input: HintInput): Hint[] {
  const nonfinite = nonfiniteHint(input);
  if (nonfinite) return [nonfinite];
  if (!input.failed.some(Boolean)) return [];
  // Where-patterns (border, rows) come before 'zero': zeros confined to the border are a padding bug.
  const rules = [
    scaleHint,
    transposeHint,
    regularizationHint,
    borderHint,
    (i: HintInput) => lineHint(i, 'rows'),
    (i: HintInput) => lineHint(i, 'columns'),
    zeroHint,
    fewHint,
    smallRelativeHint,
  ];
  const hints: Hint[] = [];
  for (const rule of rules) {
    const h = rule(input);
    if (!h) continue;
    hints.push(h);
    // A global pattern (factor, transpose, missing term) explains everything; no need for a location pattern too.
    if (['scaled', 'sign', 'transposed', 'regularization', 'zero'].includes(h.code) || hints.length === 2) break;
  }
  return hints;
}
