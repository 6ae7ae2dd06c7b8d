// Turns raw numbers from the workers into the report: verdict per element and per direction (the same rules the
// worker used, applied again here in the trusted parent: judge-elements.ts, judge-directions.ts), per tensor
// (tensor-result.ts), per declaration; the findings the results add; a one-line summary.

import type { DeclarationReport, Finding, SourceRange, Status, TensorResult } from '../report/types';
import { REPORT_SCHEMA, REPORT_VERSION } from '../report/types';
import { hintTag } from '../report/words';
import { judgeElements } from './judge-elements';
import { judgeDirections } from './judge-directions';
import { mergeElements, type RawCheck, type RawTensor } from './raw';
import { tensorResult } from './tensor-result';

export interface AssembleMeta {
  file: string;
  range?: SourceRange;
  /** Where each tensor's gradient is produced (static discovery). */
  sourceOf?: (tensor: RawTensor) => SourceRange | undefined;
  timeMs: number;
  workers: number;
  /** Failures outside the raw numbers (a worker that timed out or ran out of memory). */
  extraFindings?: Finding[];
  /** The check was stopped and `raw` holds what it measured until then. */
  partial?: boolean;
}

/** Combines the shards of one declaration: same tensors; elements, directions and findings concatenated. */
export function mergeShards(parts: RawCheck[]): RawCheck {
  const first = parts.find((p) => p.checked) ?? parts[0];
  const findings: Finding[] = [];
  for (const p of parts) for (const f of p.findings) if (!findings.some((g) => g.code === f.code && g.message === f.message)) findings.push(f);
  return {
    ...first,
    directions: parts.flatMap((p) => p.directions),
    elements: mergeElements(parts.filter((p) => p.checked).map((p) => p.elements)),
    findings,
    evaluations: parts.reduce((a, p) => a + p.evaluations, 0),
    evaluateMs: parts.reduce((a, p) => a + p.evaluateMs, 0),
    checkMs: Math.max(...parts.map((p) => p.checkMs)),
    checked: parts.every((p) => p.checked),
  };
}

function formatErr(x: number | null): string {
  return x === null ? '–' : x === 0 ? '0' : x.toExponential(1);
}

function summarize(status: Status, tensors: TensorResult[], findings: Finding[]): string {
  if (status === 'error') {
    const first = findings.find((f) => f.severity === 'error');
    if (first) return first.message;
    const broken = tensors.find((t) => t.status === 'error');
    return broken
      ? `${broken.gradientKey ?? broken.path}: ${broken.problem ?? (broken.unchecked ? 'not checked within the time budget' : 'not checked')}`
      : 'could not be checked';
  }
  if (status === 'fail') {
    return tensors
      .filter((t) => t.status === 'fail')
      .map((t) => {
        const name = t.gradientKey || t.path;
        const blocks = t.blocks?.filter((b) => b.state === 'fail').length ?? 0;
        const what = t.hints[0]
          ? hintTag(t.hints[0])
          : t.failing
            ? `${t.failing} of ${t.checked} elements wrong`
            : `wrong along ${blocks > 1 ? `${blocks} blocks' directions` : 'random directions'}`;
        // NaN/Inf elements have no relative error: a 'max rel. err' of the finite rest would read as agreement.
        if (t.nonFinite) return `${name} ${what} (${t.nonFinite} NaN/Inf element${t.nonFinite > 1 ? 's' : ''})`;
        return t.checked ? `${name} ${what} (max rel. err ${formatErr(t.maxRelErr)})` : `${name} ${what} (directions only)`;
      })
      .join('; ');
  }
  const compared = tensors.filter((t) => t.checked > 0);
  const byDirections = tensors.filter((t) => t.checked === 0 && t.method === 'directions').length;
  const maxRel = Math.max(0, ...compared.map((t) => t.maxRelErr ?? 0));
  const base = compared.length
    ? `gradients match · max rel. err ${formatErr(maxRel)}${byDirections ? ` (${byDirections} tensor${byDirections > 1 ? 's' : ''} by directions only)` : ''}`
    : 'gradients match along random directions (directions only)';
  const unchecked = tensors.filter((t) => t.unchecked).length;
  const kinks = tensors.reduce((a, t) => a + t.kinks, 0);
  if (status === 'warn') {
    const warnings = findings.filter((f) => f.severity === 'warning' && f.code !== 'kink');
    return [
      kinks ? `${kinks} kink element${kinks > 1 ? 's' : ''} (valid subgradients)` : '',
      unchecked ? `${unchecked} tensor${unchecked > 1 ? 's' : ''} not fully narrowed (kinks on the way)` : '',
      ...warnings.map((w) => w.message),
      base,
    ]
      .filter(Boolean)
      .join(' · ');
  }
  return base;
}

/**
 * The report of one declaration, step by step: elements and directions judged again, a result per tensor, the
 * findings the results add (what a stopped check left, kinks, gradients zeroed by the code's own writes), the
 * declaration's status and its one-line summary.
 */
export function assembleReport(raw: RawCheck, meta: AssembleMeta): DeclarationReport {
  const findings = [...raw.findings, ...(meta.extraFindings ?? [])];
  const stopped = findings.some((f) => f.severity === 'error' && !f.tensor);
  const perTensor = judgeElements(raw);
  const directions = judgeDirections(raw);
  const tensors = raw.tensors.map((t, index) => tensorResult({ raw, index, judged: perTensor[index], directions, source: meta.sourceOf?.(t), stopped }));
  if (meta.partial || raw.stoppedEarly) findings.push(...partialFindings(tensors, !!meta.partial));
  findings.push(...kinkFindings(tensors), ...undifferentiableFindings(tensors));
  hintZeroedByMutation(tensors, findings);
  const status = declarationStatus(raw, tensors, findings, !!meta.partial);
  return {
    schema: REPORT_SCHEMA,
    version: REPORT_VERSION,
    name: raw.name,
    kind: raw.kind,
    file: meta.file,
    ...(meta.range ? { range: meta.range } : {}),
    status,
    summary: summarize(status, tensors, findings),
    mode: raw.mode,
    dtype: raw.dtype,
    seed: raw.seed,
    tolerance: raw.tolerance,
    gradientScale: raw.gradientScale,
    objectives: raw.objectives,
    tensors,
    findings,
    evaluations: raw.evaluations,
    forwardMs: raw.evaluations > 2 ? raw.evaluateMs / Math.max(1, raw.evaluations - 2) : null,
    timeMs: meta.timeMs,
    checkMs: raw.checkMs,
    workers: meta.workers,
    ...(meta.partial ? { partial: true } : {}),
  };
}

/** A check stopped (by the user or the time limit) says what it left: blocks not narrowed, elements not compared. */
function partialFindings(tensors: TensorResult[], stoppedByCaller: boolean): Finding[] {
  const unchecked = tensors.filter((t) => t.unchecked);
  if (!unchecked.length) return [];
  const parts = unchecked.map((t) => {
    const u = t.unchecked!;
    const elements = `${u.elements.toLocaleString('en-US')} element${u.elements > 1 ? 's' : ''}`;
    return u.blocks
      ? `${t.gradientKey || t.path} has ${elements} in ${u.blocks} deviating block${u.blocks > 1 ? 's' : ''} not narrowed to elements`
      : `${t.gradientKey || t.path}: ${elements} not compared`;
  });
  const why = stoppedByCaller ? 'stopped before the end' : 'the time budget ended the check';
  return [{ severity: 'info', code: 'partial', message: `${why}: ${parts.join('; ')}` }];
}

/** Kinks are warnings, one per tensor: valid subgradients, not wrong ones. */
function kinkFindings(tensors: TensorResult[]): Finding[] {
  return tensors
    .filter((t) => t.kinks)
    .map((t) => ({
      severity: 'warning' as const,
      code: 'kink' as const,
      tensor: t.path,
      message: `${t.kinks} element${t.kinks > 1 ? 's' : ''} of ${t.gradientKey || t.path} sit at a kink (ReLU at 0, a max tie, |x| at 0): the one-sided slopes differ and the analytic value lies between them`,
    }));
}

/** Elements no finite difference could be taken at are said, not passed over: they were not compared. */
function undifferentiableFindings(tensors: TensorResult[]): Finding[] {
  return tensors
    .filter((t) => t.undifferentiable)
    .map((t) => {
      const n = t.undifferentiable!;
      return {
        severity: 'warning' as const,
        code: 'undifferentiable' as const,
        tensor: t.path,
        message: `${n} element${n > 1 ? 's' : ''} of ${t.gradientKey || t.path} could not be compared: the function is NaN or infinite within even a small step of ${n > 1 ? 'them' : 'it'} (log or sqrt near 0, a probability near 1?); their gradient is unchecked`,
      };
    });
}

/** A gradient that is zero because the code zeroed its own inputs in place is a mutation, not a missing write. */
function hintZeroedByMutation(tensors: TensorResult[], findings: Finding[]): void {
  const mutation = findings.find((f) => f.code === 'mutates-input');
  if (!mutation) return;
  for (const t of tensors) {
    const cols = t.elements;
    const failing = cols ? cols.state.flatMap((st, i) => (st === 'fail' ? [cols.analytic[i]] : [])) : [];
    // Every failing element 0 (other patterns, like a fitted λ·W, can fit zeros by accident).
    if (!failing.length || failing.some((a) => a !== 0)) continue;
    t.hints = [
      {
        code: 'zero',
        support: 1,
        message: `${t.gradientKey || t.path} is 0 where the numerical gradient is not, and the code writes into its inputs (${mutation.message.split(';')[0]}): it zeroed data it still needed; copy an input before changing it`,
      },
    ];
  }
}

function declarationStatus(raw: RawCheck, tensors: TensorResult[], findings: Finding[], partial: boolean): Status {
  // A check stopped at its limit keeps its verdict when what it measured already shows a wrong gradient.
  if (partial && tensors.some((t) => t.status === 'fail')) return 'fail';
  if (!raw.checked || findings.some((f) => f.severity === 'error' && !f.tensor)) return 'error';
  if (tensors.some((t) => t.status === 'fail')) return 'fail';
  if (tensors.some((t) => t.status === 'error') || findings.some((f) => f.severity === 'error')) return 'error';
  if (tensors.some((t) => t.status === 'warn') || findings.some((f) => f.severity === 'warning')) return 'warn';
  return 'pass';
}
