// The sentences Gradlens says about a result, in one place, so the CLI, the editor's diagnostics and the
// grader's feedback use the same words.

import type { DeclarationReport, ElementResult, Finding, Hint, TensorResult } from './types';

/** '1 file', '3 files' (or `many` for an irregular plural). */
export const plural = (n: number, word: string, many = `${word}s`) => `${n} ${n === 1 ? word : many}`;

export function formatValue(x: number | null | undefined): string {
  if (x === null || x === undefined) return 'n/a';
  if (x === 0) return '0';
  const a = Math.abs(x);
  return a >= 1e-3 && a < 1e5 ? Number(x.toPrecision(6)).toString() : x.toExponential(4);
}

export function formatError(x: number | null | undefined): string {
  if (x === null || x === undefined) return 'n/a';
  return x === 0 ? '0' : x.toExponential(1);
}

export function gradientName(t: Pick<TensorResult, 'gradientKey' | 'path'>): string {
  return t.gradientKey || t.path;
}

export function formatIndexOf(e: Pick<ElementResult, 'index'>): string {
  return e.index.length ? `[${e.index.join(', ')}]` : '(scalar)';
}

/** "at [2, 3]: analytic 0.25 vs numeric 0.125 (rel. err 5.0e-1, tolerance 1.3e-8)" */
export function describeElement(e: ElementResult): string {
  const tol = e.tolerance !== null ? `, tolerance ${formatError(e.tolerance)}` : '';
  if (e.state === 'kink' && e.oneSided) {
    return `at ${formatIndexOf(e)}: analytic ${formatValue(e.analytic)}, one-sided slopes ${formatValue(e.oneSided[0])} and ${formatValue(e.oneSided[1])} (a kink)`;
  }
  return `at ${formatIndexOf(e)}: analytic ${formatValue(e.analytic)} vs numeric ${formatValue(e.numeric)} (rel. err ${formatError(e.relErr)}${tol})`;
}

/** A short tag for a hint, for titles and tables ("×2", "transposed"). */
export function hintTag(h: Hint): string {
  switch (h.code) {
    case 'scaled':
      return `×${h.factor !== undefined ? Number(h.factor.toPrecision(3)) : '?'}`;
    case 'sign':
      return 'sign flipped';
    case 'transposed':
      return 'transposed';
    case 'zero':
      return 'zero (never written?)';
    case 'nonfinite':
      return 'NaN/Inf';
    case 'regularization':
      return h.factor !== undefined && h.factor < 0 ? 'extra λ·W' : 'missing λ·W';
    case 'border':
      return 'border wrong';
    case 'rows':
      return 'some rows wrong';
    case 'columns':
      return 'some columns wrong';
    case 'few-elements':
      return 'a few elements wrong';
    case 'small-relative':
      return 'small relative error';
  }
}

/**
 * One paragraph about a tensor that is not right: what is wrong, the worst element, the hint.
 * "dW is wrong in 12 of 20 elements; worst at [1, 2]: analytic 0.5 vs numeric 0.25 (rel. err 5.0e-1). dW = 2 × numeric: ..."
 */
export function describeTensorProblem(t: TensorResult, options: { hintsFirst?: boolean } = {}): string {
  const name = gradientName(t);
  if (t.status === 'error') return `${name}: ${t.problem ?? 'could not be checked'}`;
  const parts: string[] = [];
  if (t.status === 'fail') {
    const how = t.method === 'directions' ? 'along random directions' : `in ${t.failing} of ${t.checked} checked element${t.checked > 1 ? 's' : ''}`;
    parts.push(`${name} is wrong ${how}`);
    if (t.worst && t.worst.state !== 'pass') parts.push(`worst ${describeElement(t.worst)}`);
  } else if (t.status === 'warn') {
    parts.push(
      `${name}: ${t.kinks} element${t.kinks > 1 ? 's' : ''} at a kink, where the analytic value lies between the one-sided slopes (a valid subgradient)`,
    );
  } else {
    parts.push(`${name} matches (max rel. err ${formatError(t.maxRelErr)})`);
  }
  const text = parts.join('; ') + '.';
  const hints = t.hints.map((h) => `${h.message}${/[.!?]$/.test(h.message) ? '' : '.'}`);
  if (!options.hintsFirst || !hints.length) return [text, ...hints].join(' ');
  // Hints first where a line may be cut (the Problems panel): the likely cause is what to read, and the line
  // still starts with the gradient's name ("dx: only border elements of dx are wrong …").
  const lead = hints[0].startsWith(name) ? '' : `${name}: `;
  return `${lead}${[...hints, text].join(' ')}`;
}

/** The error metric, named in feedback. */
export function describeRule(report: Pick<DeclarationReport, 'tolerance' | 'dtype'>): string {
  const t = report.tolerance;
  return `an element passes when |analytic − numeric| ≤ ${t.c}·(error estimate of the numeric value) + ${t.rtol}·max(|analytic|, |numeric|) + ${t.floor}·G (G: the gradient's scale); numeric values are central differences with Richardson extrapolation (${report.dtype})`;
}

export function describeFinding(f: Finding): string {
  return f.message;
}
