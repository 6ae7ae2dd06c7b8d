// Forward outputs as flat numbers with names, and their comparison with the reference's: element-wise
// |s − r| ≤ atol + rtol·|r|, so the feedback can name the first output element that differs.

import { isNestedArray, isNumericArray, isTensorObject } from '../contract/tensor';
import { readTensor } from '../engine/values';
import type { FlatOutput } from './plan';
import type { ForwardComparison } from './results';

/** A number, a tensor, or a tree of tensors (object keys sorted, as the engine orders them). */
export function flattenOutput(value: unknown, root: string): FlatOutput | { problem: string } {
  const leaves: FlatOutput['leaves'] = [];
  const chunks: Float64Array[] = [];
  const walk = (v: unknown, name: string): string | null => {
    if (typeof v === 'number' || isNumericArray(v) || isTensorObject(v) || isNestedArray(v)) {
      const read = readTensor(v);
      if (typeof read === 'string') return `${name} is ${read}`;
      leaves.push({ name, shape: read.shape });
      chunks.push(read.data);
      return null;
    }
    if (typeof v === 'object' && v !== null) {
      const keys = Array.isArray(v) ? v.map((_, i) => String(i)) : Object.keys(v).sort();
      if (!keys.length) return `${name} is empty`;
      for (const key of keys) {
        const problem = walk((v as Record<string, unknown>)[key], Array.isArray(v) ? `${name}[${key}]` : `${name}.${key}`);
        if (problem) return problem;
      }
      return null;
    }
    return `${name} is ${v === undefined ? 'undefined' : typeof v}, not a number or tensor`;
  };
  const problem = walk(value, root);
  if (problem) return { problem };
  const size = chunks.reduce((n, c) => n + c.length, 0);
  const values = new Float64Array(size);
  let at = 0;
  for (const c of chunks) {
    values.set(c, at);
    at += c.length;
  }
  return { values, leaves, structure: leaves.map((l) => `${l.name}[${l.shape.join(',')}]`).join(' ') };
}

/** The name of flat element i: 'out[1, 2]'. */
export function elementLabel(output: FlatOutput, flat: number): string {
  let offset = 0;
  for (const leaf of output.leaves) {
    const size = leaf.shape.reduce((a, b) => a * b, 1);
    if (flat < offset + size) {
      let rest = flat - offset;
      const index = new Array<number>(leaf.shape.length);
      for (let d = leaf.shape.length - 1; d >= 0; d--) {
        index[d] = rest % leaf.shape[d];
        rest = Math.floor(rest / leaf.shape[d]);
      }
      return index.length ? `${leaf.name}[${index.join(', ')}]` : leaf.name;
    }
    offset += size;
  }
  return `element ${flat}`;
}

export function compareForward(
  student: FlatOutput | { problem: string } | undefined,
  reference: FlatOutput,
  tol: { rtol: number; atol: number },
): ForwardComparison {
  const base = { size: reference.values.length, rtol: tol.rtol, atol: tol.atol };
  if (!student || 'problem' in student) {
    return { ...base, match: false, mismatched: reference.values.length, margin: null, worst: null, problem: student ? student.problem : 'no forward output' };
  }
  // Shapes must agree leaf by leaf (a bare typed array matches any shape of its size, as in the engine).
  const sameLayout =
    student.leaves.length === reference.leaves.length &&
    student.leaves.every((l, i) => l.shape.reduce((a, b) => a * b, 1) === reference.leaves[i].shape.reduce((a, b) => a * b, 1));
  if (!sameLayout) {
    return {
      ...base,
      match: false,
      mismatched: reference.values.length,
      margin: null,
      worst: null,
      problem: `the output has the layout ${student.structure || 'empty'}, the reference's is ${reference.structure}`,
    };
  }
  let mismatched = 0;
  let margin = 0;
  let worst: ForwardComparison['worst'] = null;
  for (let i = 0; i < reference.values.length; i++) {
    const s = student.values[i];
    const r = reference.values[i];
    const allowed = tol.atol + tol.rtol * Math.abs(r);
    const m = Number.isFinite(s) ? Math.abs(s - r) / allowed : Infinity;
    if (m > 1) mismatched++;
    if (m > margin || (worst === null && i === 0)) {
      margin = m;
      worst = { flat: i, student: Number.isFinite(s) ? s : null, reference: r };
    }
  }
  return { ...base, match: mismatched === 0, mismatched, margin: Number.isFinite(margin) ? margin : null, worst };
}
