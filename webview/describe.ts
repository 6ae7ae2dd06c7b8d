// What a heatmap cell says in its tooltip and, for keyboard users, in the live region: the same lines for
// both. Pure (works on report data only), unit-tested in node.

import type { BlockResult, TensorResult } from '../core/report/types';
import { formatCount, formatError, formatIndex, formatLocation, formatValue, unflatten } from './format';
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
  'block-fail': 'not compared; a direction through its block FAILS',
  'block-kink': 'not compared; its block’s direction crosses a kink',
  'block-pass': 'not compared; a direction through its block passes',
};

/** How a block's direction came out, in the words of the tooltips. */
const BLOCK_WORDS: Record<BlockResult['state'], string> = {
  fail: 'FAILS',
  kink: 'crosses a kink',
  pass: 'passes',
  unchecked: 'not reached',
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

/** 'flat 4,096–6,143 (2,048 elements)'. */
export function blockRange(b: BlockResult): string {
  const n = b.to - b.from;
  return `flat ${formatCount(b.from)}–${formatCount(b.to - 1)} (${formatCount(n)} element${n === 1 ? '' : 's'})`;
}

/** A block's range, where it starts and ends in the tensor, and how its direction came out. */
export function blockLines(t: TensorResult, b: BlockResult): string[] {
  const lines = [`block ${blockRange(b)}`];
  if (t.shape.length > 1) lines.push(`      ${formatIndex(t.path, unflatten(b.from, t.shape))} to ${formatIndex(t.path, unflatten(b.to - 1, t.shape))}`);
  lines.push(b.state === 'unchecked' ? 'direction not reached (budget)' : `direction ${BLOCK_WORDS[b.state]}, margin ${formatError(b.margin)}`);
  return lines;
}

export function describeCell(t: TensorResult, cell: Cell, canReveal: boolean): Description {
  if (cell.flat !== null) {
    const index = unflatten(cell.flat, t.shape);
    const lines: string[] = [];
    let title: string;
    if (cell.block !== null) {
      // Not compared on its own: the cell stands for its block's direction.
      const b = t.blocks![cell.block];
      title = `${formatIndex(t.path, index)} — ${b.state === 'unchecked' ? 'not checked: its block was not reached' : STATE_WORDS[cell.state]}`;
      lines.push(...blockLines(t, b));
    } else {
      title = `${formatIndex(t.path, index)} — ${STATE_WORDS[cell.state]}`;
      if (t.worst && t.checked > 0 && t.worst.flat === cell.flat && t.worst.state !== 'unchecked')
        lines.push(`the ${t.worst.state === 'fail' || t.worst.state === 'nonfinite' ? 'worst' : 'largest error'} of ${t.path} (marked ⌜⌟)`);
      if (cell.element !== null && cell.state !== 'unchecked') lines.push(...elementLines(t, cell.element));
      if (cell.within !== null) {
        const b = t.blocks![cell.within];
        lines.push(`in block ${blockRange(b)}: direction ${BLOCK_WORDS[b.state]}${b.margin !== null ? `, margin ${formatError(b.margin)}` : ''}`);
      }
    }
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
  if (cell.listed) lines.push(`max rel. error ${formatError(cell.relErr)}`);
  const counts = [
    cell.failing ? `${cell.failing} failing` : '',
    cell.kinks ? `${cell.kinks} kinks` : '',
    cell.nonFinite ? `${cell.nonFinite} NaN/Inf` : '',
  ].filter(Boolean);
  if (cell.listed) lines.push(counts.length ? counts.join(', ') : 'no failures');
  if (cell.element !== null) {
    const e = t.elements!;
    const flat = e.flat[cell.element];
    lines.push(`worst: ${formatIndex(t.path, unflatten(flat, t.shape))} (${STATE_WORDS[cell.elementState]})`);
    if (cell.elementState !== 'unchecked')
      lines.push(
        ...elementLines(t, cell.element)
          .slice(0, 3)
          .map((l) => `  ${l}`),
      );
  }
  const b = cell.blocks;
  const nb = b.fail + b.kink + b.pass + b.unchecked;
  if (nb) {
    const byState = [
      b.fail ? `${b.fail} fail` : '',
      b.kink ? `${b.kink} kink` : '',
      b.pass ? `${b.pass} pass` : '',
      b.unchecked ? `${b.unchecked} not reached` : '',
    ].filter(Boolean);
    lines.push(`blocks (elements not compared): ${byState.join(', ')}`);
    // The worst block, when it is worth a look (a passing one is not).
    const worst = t.blocks![cellWorstBlock(cell)!];
    if (worst.state !== 'pass' || cell.block !== null) lines.push(...blockLines(t, worst).map((l) => `  ${l.replace(/^block /, 'worst block ')}`));
  }
  return { title, lines, action: 'Click or press Enter to zoom in' };
}

/** The block a tile describes: the one it shows, else its worst block with uncompared elements. */
function cellWorstBlock(cell: Cell): number | null {
  return cell.block ?? cell.worstBlock;
}
