// The readable terminal report: per declaration a verdict line, then per layer and tensor what is wrong,
// where, by how much, and the hint.

import * as path from 'node:path';
import pc from 'picocolors';
import type { DeclarationReport, RunReport, Status, TensorResult } from '../report/types';
import { describeElement, formatError, gradientName } from '../report/words';

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
  const how = t.method === 'elements' ? '' : p.dim(` (${t.method}${t.checked ? `, ${t.checked} elements` : ''})`);
  const err = `max rel. err ${formatError(t.maxRelErr)}`;
  const lines = [`    ${paint(ICON[t.status])} ${name} ${shape} ${err}${how}`];
  if ((t.status === 'fail' || t.status === 'warn') && t.worst && t.worst.state !== 'pass') {
    const count = t.status === 'fail' ? `${t.failing} of ${t.checked} wrong; worst ` : `${t.kinks} kink element${t.kinks > 1 ? 's' : ''}; e.g. `;
    lines.push(`        ${count}${describeElement(t.worst)}`);
  }
  for (const h of t.hints) lines.push(`        ${p.bold('hint:')} ${h.message}`);
  if (t.source && t.status === 'fail') lines.push(p.dim(`        produced at ${path.relative(process.cwd(), t.source.file)}:${t.source.start.line + 1}:${t.source.start.column + 1}`));
  return lines;
}

export function formatDeclaration(d: DeclarationReport, p: Palette, cwd = process.cwd(), verbose = false): string {
  const paint = p.status[d.status];
  const head = `${paint(ICON[d.status])} ${p.bold(d.name)} ${p.dim(d.kind)} ${p.dim(location(d, cwd))}  ${paint(d.summary)}`;
  const lines = [head];
  const showTensors = verbose || d.status !== 'pass';
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
    lines.push(p.dim(`    ${d.evaluations} evaluations, ${d.checkMs.toFixed(0)} ms checking (${d.timeMs.toFixed(0)} ms in all), ${d.mode} mode, ${d.dtype}, seed ${d.seed}`));
  }
  return lines.join('\n');
}

export function formatRun(run: RunReport, p: Palette, verbose = false): string {
  const out = run.declarations.map((d) => formatDeclaration(d, p, process.cwd(), verbose));
  const t = run.totals;
  const parts = [
    t.pass && p.status.pass(`${t.pass} passed`),
    t.warn && p.status.warn(`${t.warn} with warnings`),
    t.fail && p.status.fail(`${t.fail} failed`),
    t.error && p.status.error(`${t.error} errors`),
  ].filter(Boolean);
  out.push('');
  out.push(`${run.declarations.length} declaration${run.declarations.length === 1 ? '' : 's'} in ${run.files.length} file${run.files.length === 1 ? '' : 's'}: ${parts.join(', ') || 'nothing checked'} ${p.dim(`(${(run.timeMs / 1000).toFixed(1)} s)`)}`);
  return out.join('\n');
}
