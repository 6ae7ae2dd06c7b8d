// What a heatmap cell says in its tooltip and, for keyboard users, in the live region: the same lines for
// both. Pure (works on report data only), unit-tested in node.

import type { TensorResult } from '../core/report/types';
import { formatError, formatIndex, formatLocation, formatValue, unflatten } from './format';
import type { Cell } from './layout';

export interface Description {
  title: string;
  lines: string[];
  /** What activating the cell (click, Enter) does, when it does something. */
  action: string | null;
}

const STATE_WORDS: Record<Cell['state'], string> = {
  pass: 'passes',
  fail: 'FAILS',
  kink: 'kink: compared with one-sided slopes',
  nonfinite: 'NaN or Infinity',
  unchecked: 'not checked',
  unlisted: 'not listed in this report (sampled)',
};

function elementLines(t: TensorResult, row: number): string[] {
  const e = t.elements!;
  return [
    `analytic   ${formatValue(e.analytic[row])}`,
    `numeric    ${formatValue(e.numeric[row])}`,
    `rel. error ${formatError(e.relErr[row])}`,
    `abs. error ${formatError(e.absErr[row])}`,
    `error est. ${formatError(e.errEst[row])}`,
  ];
}

export function describeCell(t: TensorResult, cell: Cell, canReveal: boolean): Description {
  if (cell.flat !== null) {
    const index = unflatten(cell.flat, t.shape);
    const title = `${formatIndex(t.path, index)} — ${STATE_WORDS[cell.state]}`;
    const lines = cell.element !== null && cell.state !== 'unchecked' ? elementLines(t, cell.element) : [];
    lines.push(`flat index ${cell.flat}`);
    let action: string | null = null;
    if (t.source) {
      const where = formatLocation(t.source.file, t.source.start.line);
      if (canReveal) action = `Click or press Enter to go to ${where}`;
      else lines.push(`gradient computed at ${where}`);
    }
    return { title, lines, action };
  }
  const title = `${t.path} ${cell.region} — ${cell.count} elements`;
  const lines: string[] = [];
  if (cell.listed < cell.count) lines.push(`${cell.listed} of ${cell.count} listed in the report`);
  lines.push(`max rel. error ${formatError(cell.relErr)}`);
  const counts = [
    cell.failing ? `${cell.failing} failing` : '',
    cell.kinks ? `${cell.kinks} kinks` : '',
    cell.nonFinite ? `${cell.nonFinite} NaN/Inf` : '',
  ].filter(Boolean);
  lines.push(counts.length ? counts.join(', ') : 'no failures');
  if (cell.element !== null) {
    const e = t.elements!;
    const flat = e.flat[cell.element];
    lines.push(`worst: ${formatIndex(t.path, unflatten(flat, t.shape))} (${STATE_WORDS[cell.state]})`);
    if (cell.state !== 'unchecked') lines.push(...elementLines(t, cell.element).slice(0, 3).map((l) => `  ${l}`));
  }
  return { title, lines, action: 'Click or press Enter to zoom in' };
}
