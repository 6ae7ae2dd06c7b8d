// The tensors a declaration's check differentiates: which input slots (`wrt`), how they are grouped in the
// report (a model's layers), the step unit of each element, and two numbers read off them for the verdicts
// (the gradient scale) and the hints (batch-size candidates).

import type { DeclarationKind, Finding } from '../report/types';
import type { Slot } from './inputs';
import { error } from './user-calls';

/** A tensor being checked: where it lives in the inputs and what the code returned for it. */
export interface Param {
  slot: Slot;
  path: string;
  group: string;
  /** The dotted key the gradient came back under, or null when it is missing. */
  gradientKey: string | null;
  /** Analytic gradient per objective (null when missing or unusable; see problem). */
  analytic: Float64Array[] | null;
  problem?: string;
  /** Step unit per element: max(|x_i|, rms of the tensor), at the unperturbed point. */
  units: Float64Array;
}

/**
 * Resolves `wrt` against the input slots; default: the float-valued ones. `integers`: the integer-valued inputs
 * left out by that default (labels, indices, or a hand-written [[1, 2], [3, 4]]), checked after all when the code
 * returns a gradient for them (see promoteIntegerInputs).
 */
export function selectSlots(slots: Slot[], wrt: string[] | undefined, all: boolean): { chosen: Slot[]; findings: Finding[]; integers: Slot[] } {
  if (!wrt) return { chosen: slots.filter((s) => all || s.float), findings: [], integers: all ? [] : slots.filter((s) => !s.float) };
  const findings: Finding[] = [];
  const chosen: Slot[] = [];
  for (const path of wrt) {
    const matches = slots.filter((s) => s.path === path || s.path.startsWith(`${path}.`));
    if (!matches.length) {
      findings.push(error('bad-declaration', `wrt names '${path}', which is not an input (inputs: ${slots.map((s) => s.path).join(', ') || 'none'})`));
    }
    for (const m of matches) if (!chosen.includes(m)) chosen.push(m);
  }
  return { chosen, findings, integers: [] };
}

/** The report group of a tensor: a model's top-level key (or "layer N" for W1, b1, …); none otherwise. */
function groupOf(path: string, kind: DeclarationKind, topLevelTensors: boolean): string {
  if (kind !== 'model') return '';
  const top = path.split('.')[0];
  if (topLevelTensors) {
    const digits = /(\d+)$/.exec(top);
    if (digits) return `layer ${digits[1]}`;
  }
  return top;
}

/** One Param per chosen slot; the step unit of an element is max(|x_i|, rms of its tensor). */
export function makeParams(slots: Slot[], kind: DeclarationKind, topLevelTensors: boolean): Param[] {
  let total = 0;
  let count = 0;
  for (const s of slots) {
    for (let i = 0; i < s.size; i++) total += s.get(i) ** 2;
    count += s.size;
  }
  const globalRms = Math.sqrt(total / Math.max(1, count)) || 1;
  return slots.map((slot) => {
    const values = new Float64Array(slot.size);
    let sum = 0;
    for (let i = 0; i < slot.size; i++) {
      values[i] = slot.get(i);
      sum += values[i] * values[i];
    }
    const rms = Math.sqrt(sum / Math.max(1, slot.size)) || globalRms;
    for (let i = 0; i < slot.size; i++) values[i] = Math.max(Math.abs(values[i]), rms);
    return {
      slot,
      path: slot.path,
      group: groupOf(slot.path, kind, topLevelTensors),
      gradientKey: null,
      analytic: null,
      units: values,
    };
  });
}

/** G per objective: rms of every finite analytic gradient value (the scale of the `floor·G` term). */
export function gradientScale(params: Param[], k: number): Float64Array {
  const scale = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    let sum = 0;
    let count = 0;
    for (const p of params) {
      if (!p.analytic) continue;
      for (const v of p.analytic[j]) {
        if (Number.isFinite(v)) {
          sum += v * v;
          count++;
        }
      }
    }
    scale[j] = count ? Math.sqrt(sum / count) : 0;
  }
  return scale;
}

/** Leading dimensions of the inputs: the N of a missing 1/N. */
export function batchCandidates(slots: Slot[]): number[] {
  const dims = new Set<number>();
  for (const s of slots) if (s.shape.length >= 1 && s.shape[0] > 1) dims.add(s.shape[0]);
  return [...dims].sort((a, b) => a - b);
}
