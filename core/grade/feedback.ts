// The words a student reads: which gradient, the worst element, analytic against numeric, the hint, and the
// metric it was judged by. The sentences about gradients are core/report/words.ts's, shared with the CLI and
// the editor; this module adds what only grading has (the forward comparison, task errors, the self-check).

import type { DeclarationReport, TensorResult } from '../report/types';
import { describeRule, describeTensorProblem, formatValue, gradientName } from '../report/words';
import { elementLabel } from './output';
import type { FlatOutput } from './plan';
import type { ForwardComparison, TaskError } from './results';

/** A tolerance as written in code: 1e-6 rather than 0.000001. */
function tolText(x: number): string {
  return x !== 0 && Math.abs(x) < 1e-3 ? x.toExponential().replace(/\.?0+e/, 'e') : String(x);
}

/** The metric, named so that a student can recompute a verdict by hand. */
export function metricText(report: Pick<DeclarationReport, 'tolerance' | 'dtype'>, againstReference: boolean): string {
  const against = againstReference ? "the reference solution's numerical gradient" : 'the numerical gradient of your own forward code';
  return `your analytic gradient against ${against}; ${describeRule(report)}; rel. err = |analytic − numeric| / max(|analytic|, |numeric|).`;
}

/** One gradient's verdict, in the sentences the CLI and the editor use (core/report/words.ts). */
export function tensorFeedback(t: TensorResult | undefined, key: string): string {
  if (!t) return `${key}: not checked (the task did not get that far).`;
  const verdict = t.status === 'pass' || t.status === 'warn' ? 'correct' : t.status === 'fail' ? 'wrong' : 'not comparable';
  return `${gradientName(t)} (${verdict}): ${describeTensorProblem(t)}`;
}

export function forwardFeedback(cmp: ForwardComparison | undefined, reference: FlatOutput | undefined): string {
  if (!cmp) return 'forward output: not compared (the task did not get that far).';
  if (cmp.problem) return `forward output: could not be compared with the reference: ${cmp.problem}.`;
  const rule = `|yours − reference| ≤ ${tolText(cmp.atol)} + ${tolText(cmp.rtol)}·|reference|`;
  if (cmp.match) return `forward output: matches the reference (${cmp.size === 1 ? 'the value' : `all ${cmp.size} values`}, ${rule}).`;
  const where = cmp.worst && reference ? elementLabel(reference, cmp.worst.flat) : 'an element';
  return (
    `forward output: ${cmp.mismatched} of ${cmp.size} value${cmp.size === 1 ? '' : 's'} differ${cmp.mismatched === 1 ? 's' : ''} from the reference (${rule} fails). ` +
    `Worst: ${where} is ${formatValue(cmp.worst?.student)}, the reference gives ${formatValue(cmp.worst?.reference)}.`
  );
}

export function errorFeedback(error: TaskError): string {
  // The grader's own failure is no verdict: it does not say "no points".
  if (error.code === 'not-graded') return `Not graded yet: ${error.message}.`;
  return `No points for this task: ${error.message}${error.where ? ` (at ${error.where})` : ''}.`;
}

/** What the student's own check adds when grading was against a reference. */
export function selfFeedback(
  self: DeclarationReport | undefined,
  graded: DeclarationReport | undefined,
  forward: ForwardComparison | undefined,
): string | null {
  if (!self || !graded) return null;
  const selfOk = self.status === 'pass' || self.status === 'warn';
  const gradedOk = graded.status === 'pass' || graded.status === 'warn';
  if (gradedOk) return null;
  if (selfOk && forward && !forward.match) {
    return 'Your backward is consistent with your own forward, but your forward differs from the reference: fix the forward first, then the backward that goes with it.';
  }
  if (selfOk) return 'Your backward matches the numerical gradient of your own forward code, but not the reference: check which function you differentiate.';
  return `Checked against your own forward code: ${self.summary}`;
}
