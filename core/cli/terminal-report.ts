// The readable terminal report: per declaration a verdict line, then per layer and tensor what is wrong,
// where, by how much, and the hint.

import * as path from 'node:path';
import pc from 'picocolors';
import type { DeclarationReport, DirectionResult, RunReport, Status, TensorResult, Unchecked } from '../report/types';
import { describeElement, formatError, gradientName, plural } from '../report/words';
import { countRun, isFileReport } from '../report/run';

type Paint = (s: string) => string;

export interface Palette {
  status: Record<Status, Paint>;
  dim: Paint;
  bold: Paint;
}

export function palette(color: boolean): Palette {
  const c = pc.createColors(color);
  return {
    status: { pass: c.green, warn: c.yellow, fail: c.red, error: c.magenta },
    dim: c.dim,
    bold: c.bold,
  };
}

const ICON: Record<Status, string> = { pass: '✓', warn: '⚠', fail: '✗', error: '!' };

function location(d: DeclarationReport, cwd: string): string {
  const rel = path.relative(cwd, d.file) || d.file;
  return d.range ? `${rel}:${d.range.start.line + 1}` : rel;
}

function tensorLine(t: TensorResult, p: Palette): string[] {
  const name = gradientName(t).padEnd(10);
  const paint = p.status[t.status];
  const shape = p.dim(`[${t.shape.join('×')}]`);
  if (t.status === 'error') return [`    ${paint(ICON.error)} ${name} ${shape} ${t.problem ?? 'not checked'}`];
  const lines = [`    ${paint(ICON[t.status])} ${name} ${shape} ${measured(t, p)}`];
  const blocks = failedBlocks(t);
  if ((t.status === 'fail' || t.status === 'warn') && t.worst && t.worst.state !== 'pass') {
    const wrong = blocks ? `${blocks}; ${t.failing} of ${t.checked} checked elements wrong` : `${t.failing} of ${t.checked} wrong`;
    const count = t.status === 'fail' ? `${wrong}; worst ` : `${t.kinks} kink element${t.kinks > 1 ? 's' : ''}; e.g. `;
    lines.push(`        ${count}${describeElement(t.worst)}`);
  } else if (t.status === 'fail' && blocks) {
    lines.push(`        ${blocks}`);
  } else if (t.status === 'fail' && directionsOnly(t) && t.directions.length) {
    lines.push(`        wrong along ${t.directions.filter(directionFailed).length} of ${t.directions.length} random directions; no element compared`);
  }
  if (t.unchecked) lines.push(`        ${p.status.warn(describeUnchecked(t.unchecked))}`);
  for (const h of t.hints) lines.push(`        ${p.bold('hint:')} ${h.message}`);
  if (t.source && t.status === 'fail')
    lines.push(p.dim(`        produced at ${path.relative(process.cwd(), t.source.file)}:${t.source.start.line + 1}:${t.source.start.column + 1}`));
  return lines;
}

const directionsOnly = (t: TensorResult) => t.method === 'directions' && t.checked === 0;
const directionFailed = (d: DirectionResult) => (d.state ? d.state === 'fail' : !d.pass);

/** What was measured: the largest element error, or for a tensor no element of which was compared, its directions. */
function measured(t: TensorResult, p: Palette): string {
  if (directionsOnly(t)) {
    // A relative error needs an element; a direction only has a deviation against its tolerance.
    const worst = worstDirectionMargin(t);
    const count = t.directions.length ? p.dim(` (${t.directions.length} direction${t.directions.length === 1 ? '' : 's'})`) : '';
    return `directions only${worst !== null ? ` · worst direction at ${marginWords(worst)}` : ''}${count}`;
  }
  const how = t.method === 'elements' ? '' : p.dim(` (${t.method}${t.checked ? `, ${t.checked} elements` : ''})`);
  return `max rel. err ${formatError(t.maxRelErr)}${how}`;
}

function worstDirectionMargin(t: TensorResult): number | null {
  if (t.margin !== null) return t.margin;
  const margins = t.directions.map((d) => d.margin).filter((m) => Number.isFinite(m));
  return margins.length ? Math.max(...margins) : null;
}

/** A margin (|deviation| / tolerance) in words: "2% of its tolerance", "35× its tolerance". */
function marginWords(margin: number): string {
  if (margin >= 1) return `${Number(margin.toPrecision(2)).toLocaleString('en-US')}× its tolerance`;
  return `${Number((margin * 100).toPrecision(2))}% of its tolerance`;
}

/** "3 of 64 blocks failed" for a search over blocks that failed somewhere; '' otherwise. */
function failedBlocks(t: TensorResult): string {
  if (t.method !== 'blocks' || t.status !== 'fail') return '';
  const fromBlocks = t.blocks?.length ? { failed: t.blocks.filter((b) => b.state === 'fail').length, of: t.blocks.length } : null;
  const blockDirections = t.directions.filter((d) => d.block);
  const fromDirections = blockDirections.length ? { failed: blockDirections.filter(directionFailed).length, of: blockDirections.length } : null;
  const counted = fromBlocks ?? fromDirections;
  if (!counted || !counted.failed) return '';
  return `${counted.failed} of ${counted.of} block${counted.of === 1 ? '' : 's'} failed`;
}

const UNCHECKED_REASON: Record<Unchecked['reason'], string> = {
  budget: 'evaluation budget spent',
  'time-limit': 'time limit reached',
  spread: 'the error is spread too widely to locate element by element',
};

/** "12 failing blocks (3,000 elements) not narrowed: time limit reached". */
export function describeUnchecked(u: Unchecked): string {
  const elements = `${u.elements.toLocaleString('en-US')} element${u.elements === 1 ? '' : 's'}`;
  const what =
    u.blocks > 0 ? `${u.blocks.toLocaleString('en-US')} failing block${u.blocks === 1 ? '' : 's'} (${elements}) not narrowed` : `${elements} not checked`;
  return `${what}: ${UNCHECKED_REASON[u.reason] ?? u.reason}`;
}

/** A file that could not be checked: one line per error, at its location ("broken.ts:2:71  Unexpected ','"). */
function formatFileError(d: DeclarationReport, p: Palette, cwd: string): string {
  const rel = path.relative(cwd, d.file) || d.file;
  const errors = d.findings.filter((f) => f.severity === 'error');
  const lines = (errors.length ? errors : d.findings).map((f) => {
    const where = f.location ? `${path.relative(cwd, f.location.file) || f.location.file}:${f.location.start.line + 1}:${f.location.start.column + 1}` : rel;
    const what = f.code === 'compile-error' ? `does not compile: ${f.message}` : f.message;
    return `${p.status.error(ICON.error)} ${p.bold(where)}  ${p.status.error(what)}`;
  });
  if (!lines.length) lines.push(`${p.status.error(ICON.error)} ${p.bold(rel)}  ${p.status.error(d.summary)}`);
  for (const f of d.findings.filter((x) => x.severity !== 'error'))
    lines.push(`    ${f.severity === 'warning' ? p.status.warn('⚠') : p.dim('i')} ${f.message}`);
  return lines.join('\n');
}

export function formatDeclaration(d: DeclarationReport, p: Palette, cwd = process.cwd(), verbose = false): string {
  if (isFileReport(d)) return formatFileError(d, p, cwd);
  const paint = p.status[d.status];
  // A partial result is what was measured before the check stopped: a pass is not the whole story.
  const partial = d.partial && !/partial/i.test(d.summary) ? p.status.warn(' (partial: the check stopped early)') : '';
  const head = `${paint(ICON[d.status])} ${p.bold(d.name)} ${p.dim(d.kind)} ${p.dim(location(d, cwd))}  ${paint(d.summary)}${partial}`;
  const lines = [head];
  const showTensors = verbose || d.status !== 'pass' || d.partial === true || d.tensors.some((t) => t.unchecked);
  if (showTensors && d.tensors.length) {
    const groups = [...new Set(d.tensors.map((t) => t.group))];
    for (const g of groups) {
      if (g) lines.push(`  ${p.dim('layer')} ${g}`);
      for (const t of d.tensors.filter((x) => x.group === g)) lines.push(...tensorLine(t, p));
    }
  }
  for (const f of d.findings) {
    if (f.code === 'kink') continue;
    if (d.status === 'error' && d.summary === f.message && !f.location) continue;
    const where = f.location ? p.dim(` (${path.relative(cwd, f.location.file)}:${f.location.start.line + 1}:${f.location.start.column + 1})`) : '';
    const mark = f.severity === 'error' ? p.status.error('!') : f.severity === 'warning' ? p.status.warn('⚠') : p.dim('i');
    lines.push(`    ${mark} ${f.message}${where}`);
  }
  if (verbose) {
    lines.push(
      p.dim(
        `    ${d.evaluations} evaluations, ${d.checkMs.toFixed(0)} ms checking (${d.timeMs.toFixed(0)} ms in all), ${d.mode} mode, ${d.dtype}, seed ${d.seed}`,
      ),
    );
  }
  return lines.join('\n');
}

export function formatRun(run: RunReport, p: Palette, verbose = false): string {
  const out = run.declarations.map((d) => formatDeclaration(d, p, process.cwd(), verbose));
  const { declarations, brokenFiles: broken, totals: t } = countRun(run);
  const parts = [
    t.pass && p.status.pass(`${t.pass} passed`),
    t.warn && p.status.warn(`${t.warn} with warnings`),
    t.fail && p.status.fail(`${t.fail} failed`),
    t.error && p.status.error(plural(t.error, 'error')),
  ].filter(Boolean);
  const verdicts = parts.join(', ') || (declarations.length ? '' : 'nothing checked');
  const files = broken ? p.status.error(`${plural(broken, 'file')} could not be checked`) : '';
  out.push('');
  out.push(
    `${plural(declarations.length, 'declaration')} in ${plural(run.files.length, 'file')}: ${[verdicts, files].filter(Boolean).join('; ')} ${p.dim(`(${(run.timeMs / 1000).toFixed(1)} s)`)}`,
  );
  return out.join('\n');
}
