// The analytic gradients the user's code returned, matched to the checked tensors: keys ('x', 'dx', 'dW',
// 'fc1.W'), tuples in input order, shapes; every mismatch becomes a finding on its tensor.

import { isTensorValue, MAX_NESTING } from '../contract/tensor';
import type { Finding } from '../report/types';
import type { Slot } from './inputs';
import type { Param } from './params';
import { error, keyTuple } from './user-calls';
import type { Phase } from './user-code';
import { describe, formatShape, readTensor, sameShape } from './values';
/** Finds the gradient for an input path in what the code returned: 'x', cs231n's 'dx', nested trees, 'fc1.W'. */
export function lookupGradient(grads: unknown, path: string, single: boolean): { key: string; value: unknown } | null {
  if (single && isTensorValue(grads)) return { key: '', value: grads };
  if (typeof grads !== 'object' || grads === null) return null;
  const segments = path.split('.');
  const dict = grads as Record<string, unknown>;
  if (path in dict && dict[path] !== undefined) return { key: path, value: dict[path] };
  const flatAlias = [...segments.slice(0, -1), `d${segments[segments.length - 1]}`].join('.');
  if (flatAlias in dict && dict[flatAlias] !== undefined) return { key: flatAlias, value: dict[flatAlias] };
  let node: unknown = grads;
  const keys: string[] = [];
  for (let i = 0; i < segments.length; i++) {
    if (typeof node !== 'object' || node === null) return null;
    const obj = node as Record<string, unknown>;
    const seg = segments[i];
    const last = i === segments.length - 1;
    const options = last ? [seg, `d${seg}`, `d${seg[0].toUpperCase()}${seg.slice(1)}`] : [seg, `d${seg}`];
    // Python-style names in any case: 'dw' for an input W, 'dW' for w.
    const hit =
      options.find((o) => obj[o] !== undefined) ??
      (last ? Object.keys(obj).find((k) => obj[k] !== undefined && options.some((o) => o.toLowerCase() === k.toLowerCase())) : undefined);
    if (hit === undefined) return null;
    keys.push(hit);
    node = obj[hit];
  }
  return { key: keys.join('.'), value: node };
}

/** Every dotted key path of tensors in a returned gradient tree (to report keys that match no input). */
export function gradientKeys(grads: unknown, prefix = '', depth = 0): string[] {
  if (isTensorValue(grads) || typeof grads !== 'object' || grads === null || depth > MAX_NESTING) return prefix ? [prefix] : [];
  return Object.keys(grads).flatMap((k) => gradientKeys((grads as Record<string, unknown>)[k], prefix ? `${prefix}.${k}` : k, depth + 1));
}

/**
 * Integer-valued inputs the code returns a gradient for: it treats them as differentiable, so they are checked
 * too (a hand-written x = [[1, 2], [3, 4]] would otherwise pass unchecked). Adds their params and says so.
 */
export function promoteIntegerInputs(
  candidates: Slot[],
  grads: unknown,
  params: Param[],
  inputOrder: string[],
  makeParams: (slots: Slot[]) => Param[],
  findings: Finding[],
): void {
  if (!candidates.length) return;
  const keyed = keyTuple(grads, params, inputOrder);
  const returned = candidates.filter((s) => lookupGradient(keyed, s.path, false) !== null);
  if (!returned.length) return;
  params.push(...makeParams(returned));
  const names = returned.map((s) => `'${s.path}'`).join(', ');
  findings.push({
    severity: 'info',
    code: 'integer-input',
    message: `${names} ${returned.length > 1 ? 'hold' : 'holds'} only integers, which are taken for data (labels, indices); the code returns a gradient for ${returned.length > 1 ? 'them' : 'it'}, so ${returned.length > 1 ? 'they are' : 'it is'} checked too (wrt chooses what is checked)`,
  });
}

/** Attaches the analytic gradients (one `grads` per objective) to the params, recording every mismatch. */
export function attachGradients(
  params: Param[],
  gradsPerObjective: unknown[],
  findings: Finding[],
  phase: Phase,
  fnName: string,
  inputOrder: string[] = [],
): void {
  gradsPerObjective = gradsPerObjective.map((g) => keyTuple(g, params, inputOrder));
  const single = params.length === 1;
  const used = new Set<string>();
  for (const p of params) {
    const per: Float64Array[] = [];
    for (const grads of gradsPerObjective) {
      const hit = lookupGradient(grads, p.path, single);
      if (!hit) {
        p.problem = `no gradient for '${p.path}': ${fnName} returned ${describeKeys(grads)}`;
        findings.push(
          error(
            'missing-gradient',
            `${fnName} returned no gradient for '${p.path}' (expected key '${p.path}' or 'd${p.path.split('.').pop()}'; got ${describeKeys(grads)})`,
            { tensor: p.path, phase },
          ),
        );
        break;
      }
      p.gradientKey = hit.key;
      used.add(hit.key);
      const read = readTensor(hit.value);
      if (typeof read === 'string') {
        p.problem = `the gradient for '${p.path}' is ${read}`;
        findings.push(error('shape-mismatch', `${fnName}: the gradient for '${p.path}' is ${read}`, { tensor: p.path, phase }));
        break;
      }
      const expected = p.slot.shape;
      const fits = read.shapeless ? read.data.length === p.slot.size : sameShape(read.shape, expected);
      if (!fits) {
        const reversed = expected.length === 2 && read.shape.length === 2 && read.shape[0] === expected[1] && read.shape[1] === expected[0];
        p.problem = `shape ${formatShape(read.shape)} but '${p.path}' has shape ${formatShape(expected)}${reversed ? ': the shape of its transpose' : ''}`;
        findings.push(
          error(
            'shape-mismatch',
            `${fnName}: the gradient for '${p.path}' has shape ${formatShape(read.shape)}, expected ${formatShape(expected)}${reversed ? ' (the shape of the transpose: is it transposed?)' : ''}`,
            { tensor: p.path, phase },
          ),
        );
        break;
      }
      per.push(read.data);
    }
    p.analytic = p.problem ? null : per;
  }
  const extra = gradientKeys(gradsPerObjective[0]).filter((k) => k && !used.has(k));
  for (const key of extra) {
    findings.push({ severity: 'info', code: 'extra-gradient', message: `${fnName} returned '${key}', which matches no checked input`, phase });
  }
}

export function describeKeys(grads: unknown): string {
  if (isTensorValue(grads)) return 'a bare tensor';
  const keys = gradientKeys(grads);
  return keys.length ? `keys {${keys.join(', ')}}` : describe(grads);
}
