// Number and name formatting shared by lens titles, diagnostics, test messages and the status bar. Pure: no
// vscode import, so it is unit-tested with node:test.

import type { TensorResult } from '../core/report/types';

/** A compact number for one-line titles: 3e-10, 0.042, 1.5, 2, 1.2e+5. */
export function short(value: number | null | undefined): string {
  if (value === null || value === undefined) return 'n/a';
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-3 && magnitude < 1e4) return trimZeros(value.toPrecision(2));
  return value.toExponential(0);
}

/** A number with enough digits to compare an analytic with a numeric value (6 significant digits). */
export function precise(value: number | null | undefined): string {
  if (value === null || value === undefined) return 'n/a (not finite)';
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-4 && magnitude < 1e6) return trimZeros(value.toPrecision(6));
  return value.toExponential(5).replace(/\.?0+e/, 'e');
}

function trimZeros(text: string): string {
  return text.includes('e') || !text.includes('.') ? text : text.replace(/\.?0+$/, '');
}

/** The name a gradient is known by in the user's code: the key it came back under, else the input's path. */
export function gradientName(tensor: TensorResult): string {
  return tensor.gradientKey ?? tensor.path;
}

/** `W[1, 2]` for an element of W (a scalar input has no index). */
export function elementName(path: string, index: number[]): string {
  return index.length ? `${path}[${index.join(', ')}]` : path;
}

export function plural(count: number, word: string, many = `${word}s`): string {
  return `${count} ${count === 1 ? word : many}`;
}

/** Milliseconds as people say them: 850 ms, 12 s, 2.5 min. */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${trimZeros((ms / 1000).toPrecision(ms < 10_000 ? 2 : 3))} s`;
  return `${trimZeros((ms / 60_000).toPrecision(2))} min`;
}
