// Grading against the reference: the reference's own check (run once per task, on the trusted side) holds
// the numerical gradient of every element; the student's analytic values are put in place of the
// reference's, and the engine's usual verdict and hints are computed from that. The gradient scale G in
// the tolerance stays the reference's, so a student cannot loosen their own tolerance with huge gradients.

import { emptyElements, type RawCheck } from '../engine/raw';
import type { Finding } from '../report/types';
import type { PlannedTensor, SubmissionReply } from './plan';

type Claims = NonNullable<SubmissionReply['claims']>;

/**
 * Checks the claims' structure against what the reference checked (the child could send anything) and
 * returns the reference check with the student's analytic gradients; tensors the student got wrong in
 * structure carry a `problem` and no elements.
 */
export function gradedAgainstReference(reference: RawCheck, planned: PlannedTensor[], claims: Claims): RawCheck {
  const k = reference.objectives;
  const byPath = new Map(claims.map((c) => [c.path, c]));
  const problems = new Map<number, string>();
  const analytic: (Float64Array[] | null)[] = planned.map((tensor, t) => {
    const claim = byPath.get(tensor.path);
    if (!claim) {
      problems.set(t, `no gradient for '${tensor.path}'`);
      return null;
    }
    if (claim.problem || !claim.analytic) {
      problems.set(t, typeof claim.problem === 'string' ? claim.problem : `no gradient for '${tensor.path}'`);
      return null;
    }
    const valid =
      Array.isArray(claim.analytic) && claim.analytic.length === k && claim.analytic.every((a) => a instanceof Float64Array && a.length === tensor.size);
    if (!valid) {
      problems.set(t, `the gradient for '${tensor.path}' did not come back as ${k} arrays of ${tensor.size} numbers`);
      return null;
    }
    return claim.analytic;
  });

  const src = reference.elements;
  const elements: RawCheck['elements'] = emptyElements();
  for (let e = 0; e < src.count; e++) {
    const t = src.tensor[e];
    const a = analytic[t];
    if (!a) continue;
    elements.count++;
    elements.tensor.push(t);
    elements.flat.push(src.flat[e]);
    elements.level.push(src.level[e]);
    elements.value.push(src.value?.[e] ?? NaN);
    for (let j = 0; j < k; j++) {
      const at = e * k + j;
      elements.analytic.push(a[j][src.flat[e]]);
      elements.numeric.push(src.numeric[at]);
      elements.errEst.push(src.errEst[at]);
      elements.kink.push(src.kink[at]);
      elements.lo.push(src.lo[at]);
      elements.hi.push(src.hi[at]);
    }
  }
  const tensors = reference.tensors.map((tensor, t) => {
    // The gradient's name is the reference's: a name the student's process sends would become a column of its own.
    const out = { ...tensor, gradientKey: planned[t]?.gradientKey ?? tensor.gradientKey };
    delete out.analytic0;
    const problem = problems.get(t);
    if (problem) out.problem = problem;
    else if (analytic[t] && tensor.size <= 200_000) out.analytic0 = Array.from(analytic[t]![0]);
    return out;
  });
  const findings: Finding[] = [];
  for (const [t, problem] of problems) findings.push({ severity: 'error', code: 'missing-gradient', message: problem, tensor: planned[t].path });
  // Directions carry the reference's analytic projections, which say nothing about the student's: dropped.
  return { ...reference, tensors, elements, directions: [], findings };
}
