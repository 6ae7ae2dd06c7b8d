// The checks made once, at the unperturbed point, before any finite difference: the steps of `assemble` in
// problem.ts, in the order it takes them. Each either adds a finding (a warning the check survives) or stops
// the check with one (fail: an error no derivative could be trusted after).

import type { DeclarationKind, Finding } from '../report/types';
import type { DType } from '../contract/tensor';
import { changedSince, restore, type Slot } from './inputs';
import { error, fail } from './user-calls';
import type { Phase } from './user-code';

/** The phase a finding about the objective's value belongs to. */
export const valuePhase = (kind: DeclarationKind): Phase => (kind === 'layer' ? 'forward' : kind === 'fn' ? 'f' : 'loss');

const quoted = (names: string[]) => names.map((m) => `'${m}'`).join(', ');

/**
 * Step 1, after the first evaluation: did the forward code write into its inputs? Warns, puts the inputs back
 * and returns true: every later evaluation then restores them first (finite differences need a fixed point).
 */
export function restoreIfForwardMutates(kind: DeclarationKind, slots: Slot[], pristine: Float64Array[], findings: Finding[]): boolean {
  const mutated = changedSince(slots, pristine);
  if (!mutated.length) return false;
  restore(slots, pristine);
  const several = mutated.length > 1;
  findings.push({
    severity: 'warning',
    code: 'mutates-input',
    message: `the forward code writes into its input${several ? 's' : ''} ${quoted(mutated)}; Gradlens restores ${several ? 'them' : 'it'} before every evaluation, but callers of this code will see changed inputs`,
    phase: valuePhase(kind),
  });
  return true;
}

/** Step 2: a NaN or infinite objective stops the check (no difference of it means anything). */
export function requireFiniteValue(kind: DeclarationKind, f0: Float64Array): void {
  for (const v of f0) {
    if (Number.isFinite(v)) continue;
    const what = kind === 'layer' ? 'forward output' : 'value';
    const detail = kind === 'layer' ? ' (some output element is NaN or infinite)' : '';
    fail(error('nonfinite-output', `the ${what} is ${v} at the checked point${detail}`, { phase: kind === 'layer' ? 'forward' : 'loss' }));
  }
}

/**
 * Step 3: a second evaluation at the same point must give the same bits. Randomness that does not replay (or
 * state kept between calls) turns every difference into noise, so it stops the check.
 */
export function requireDeterministic(kind: DeclarationKind, f0: Float64Array, again: Float64Array): void {
  for (let j = 0; j < f0.length; j++) {
    if (again[j] === f0[j]) continue;
    fail(
      error(
        'nondeterministic',
        `two evaluations at the same point differ (${f0[j]} vs ${again[j]}): the forward code must be deterministic; take randomness from ctx.random()/ctx.randn() so it replays, and keep no state between calls`,
        { phase: kind === 'layer' ? 'forward' : 'loss' },
      ),
    );
  }
}

/** Step 4, after the analytic call: did the backward code write into the inputs (often through the cache)? */
export function restoreIfBackwardMutates(slots: Slot[], pristine: Float64Array[], fnName: string, phase: Phase, findings: Finding[]): void {
  const changed = changedSince(slots, pristine);
  if (!changed.length) return;
  restore(slots, pristine);
  findings.push({
    severity: 'warning',
    code: 'mutates-input',
    message: `${fnName} writes into ${quoted(changed)} (through the cache or the inputs); Gradlens restored the values, but the caller's data is changed`,
    phase,
  });
}

/**
 * Step 4b: a second analytic call at the same point must return the same numbers. A gradient buffer never zeroed
 * (a running sum across calls) is right the first time only, and training calls it again and again.
 */
export function requireRepeatableGradient(first: number[] | null, second: number[] | null, fnName: string, phase: Phase): void {
  if (!first || !second) return;
  const n = Math.max(first.length, second.length);
  for (let i = 0; i < n; i++) {
    const a = first[i];
    const b = second[i];
    if (a === b || (Number.isNaN(a) && Number.isNaN(b))) continue;
    const counts = first.length !== second.length ? `; ${first.length} then ${second.length} numbers` : '';
    fail(
      error(
        'nondeterministic',
        `${fnName} returns a different gradient when called again at the same point (${a} then ${b}${counts}): it keeps state between calls, such as a gradient buffer that is never zeroed or a running sum; start each call from zero`,
        { phase },
      ),
    );
  }
}

/**
 * Every number in a returned value (trees, arrays, typed arrays, { data, shape }), in order, copied; each object
 * visited once (a cycle ends there). Null when reading the value throws (a getter): then nothing is compared.
 */
export function numbersOf(value: unknown): number[] | null {
  const out: number[] = [];
  const seen = new Set<object>();
  const visit = (v: unknown, depth: number): void => {
    if (typeof v === 'number') {
      out.push(v);
      return;
    }
    if (typeof v !== 'object' || v === null || depth > 32 || seen.has(v)) return;
    seen.add(v);
    if (ArrayBuffer.isView(v)) {
      if (v instanceof DataView) return;
      const items = v as unknown as ArrayLike<number | bigint>;
      for (let i = 0; i < items.length; i++) out.push(Number(items[i]));
    } else if (Array.isArray(v)) {
      for (const x of v) visit(x, depth + 1);
    } else {
      for (const k of Object.keys(v)) visit((v as Record<string, unknown>)[k], depth + 1);
    }
  };
  try {
    visit(value, 0);
    return out;
  } catch {
    return null;
  }
}

/** A gradient the code returned for one checked tensor (one array per objective). */
interface ReturnedGradient {
  path: string;
  analytic: Float64Array[] | null;
}

/**
 * Step 5: gradients that are all exactly float32 values from code declared float64. Float64 steps and
 * tolerances would fail correct float32 code, so the user is told to declare the precision it computes in.
 */
export function warnIfFloat32Code(dtype: DType, params: ReturnedGradient[], fnName: string, phase: Phase, findings: Finding[]): void {
  const returned = params.filter((p) => p.analytic);
  if (dtype !== 'float64' || !returned.length || !returned.every((p) => p.analytic!.every(float32Valued))) return;
  findings.push({
    severity: 'warning',
    code: 'float32-code',
    message: `${fnName} returns float32 values although the declaration says float64: declare dtype: 'float32' so steps and tolerances fit float32 round-off (float64 ones can fail correct float32 code)`,
    phase,
  });
}

/** Step 6: NaN or infinite analytic values, counted per tensor (the other tensors are still checked). */
export function flagNonFiniteGradients(params: ReturnedGradient[], phase: Phase, findings: Finding[]): void {
  for (const p of params) {
    if (!p.analytic) continue;
    const bad = p.analytic.reduce((n, a) => n + a.filter((v) => !Number.isFinite(v)).length, 0);
    if (!bad) continue;
    findings.push({
      severity: 'error',
      code: 'nonfinite-gradient',
      message: `the gradient for '${p.path}' has ${bad} NaN or infinite value${bad > 1 ? 's' : ''}`,
      tensor: p.path,
      phase,
    });
  }
}

/**
 * Every value exactly a float32, and most nonzero ones using more of float32's 24 bits than simple numbers do
 * (0.5, -2.5 and 4 are float32 values by accident; float32 arithmetic fills the mantissa): the code computed them
 * in float32. Sampled on big tensors.
 */
export function float32Valued(values: Float64Array): boolean {
  let nonzero = 0;
  let full = 0;
  const step = Math.max(1, Math.floor(values.length / 4096));
  for (let i = 0; i < values.length; i += step) {
    const v = values[i];
    if (Math.fround(v) !== v) return false;
    if (v === 0) continue;
    nonzero++;
    if (significantBits(v) > 12) full++;
  }
  return full > 0 && full * 2 >= nonzero;
}

const bits = new DataView(new ArrayBuffer(8));

/** Bits of the mantissa a finite double needs (its leading 1 included; trailing zeros not). */
function significantBits(v: number): number {
  bits.setFloat64(0, v);
  const hi = bits.getUint32(0) & 0xfffff;
  const lo = bits.getUint32(4);
  if (lo === 0 && hi === 0) return 1;
  // Trailing zeros of the 52-bit mantissa: of the low word, or 32 plus those of the high word's 20 bits.
  const word = lo === 0 ? hi : lo;
  const trailing = (lo === 0 ? 32 : 0) + 31 - Math.clz32(word & -word);
  return 53 - trailing;
}
