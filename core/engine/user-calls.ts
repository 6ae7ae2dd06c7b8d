// Calling the user's code the way it is written and reading what it returns: the ctx it gets, the call
// conventions (object or positional, core/contract/calls.ts), the return shapes accepted (a value, [value, grads],
// { loss, dx }, [out, cache], [dx, dw, db]), and the findings that stop a check when a call fails.

import { callPlanned, planCall, type CallPlan } from '../contract/calls';
import { Rng } from '../contract/random';
import { isTensorValue } from '../contract/tensor';
import type { Finding } from '../report/types';
import type { Param } from './params';
import { countRandomDraw, derivedSeed, runUserCode, UserCodeError, type Phase } from './user-code';
import { describe, readTensor } from './values';

export type UserFn = (...args: never[]) => unknown;
/** Thrown when the declaration cannot be checked at all; the findings say why. */
export class ProblemError extends Error {
  constructor(readonly findings: Finding[]) {
    super(findings.map((f) => f.message).join('; '));
  }
}

export class Ctx {
  private stream: Rng | undefined;
  readonly wantsGradient: boolean;
  constructor(
    readonly seed: number,
    readonly phase: string,
  ) {
    this.wantsGradient = phase === 'grad' || phase === 'backward';
  }
  /** Seeded on first use: most code never draws from ctx. */
  private get rng(): Rng {
    return (this.stream ??= new Rng(derivedSeed(this.seed, 'ctx')));
  }
  random(): number {
    countRandomDraw();
    return this.rng.random();
  }
  randn(): number {
    countRandomDraw();
    return this.rng.randn();
  }
  randint(low: number, high: number): number {
    countRandomDraw();
    return this.rng.randint(low, high);
  }
}

export function error(code: Finding['code'], message: string, extra: Partial<Finding> = {}): Finding {
  return { severity: 'error', code, message, ...extra };
}

export function fail(...findings: Finding[]): never {
  throw new ProblemError(findings);
}

/** Calls user code; turns what it throws into a finding that stops the check (saying how it was called). */
export function call<T>(phase: Phase, seed: number, body: (ctx: Ctx) => T, how?: string): T {
  try {
    return runUserCode(phase, seed, () => body(new Ctx(seed, phase)));
  } catch (e) {
    if (e instanceof UserCodeError) fail(how ? { ...e.finding, message: `${e.finding.message} (${how})` } : e.finding);
    throw e;
  }
}

/** What each role is expected to return, for messages about a call that failed or returned something else. */
export const EXPECTED: Record<string, string> = {
  forward: 'expected back the output, { out, cache } or [out, cache]',
  backward: 'expected back the gradients: { dx, dw, … } by input name, or [dx, dw, …] in the order of the inputs',
  f: 'expected back one number',
  loss: 'expected back one number',
  grad: 'expected back the gradients: { dx, … } by input name, or in the order of the inputs',
  valueAndGrad: 'expected back [value, grads], { value, grad } or { loss, dx, … }',
};

/** A user function and the way it is called (its own parameters decide: see core/contract/calls.ts). */
export interface Callable {
  fn: UserFn;
  plan: CallPlan;
  role: string;
}

export function callable(fn: UserFn, role: string, inputs: string[], explicit: string[] | undefined, objectArgs: string): Callable {
  const name = typeof fn.name === 'string' && fn.name && fn.name !== role && /^[A-Za-z_$][\w$]*$/.test(fn.name) ? fn.name : role;
  return { fn, role, plan: planCall(fn, name, inputs, explicit, objectArgs) };
}

/** "called as affineForward(x, w, b); expected back …" */
export function how(c: Callable): string {
  return `called as ${c.plan.signature}; ${EXPECTED[c.role] ?? ''}`.trim();
}

export function invoke(c: Callable, phase: Phase, seed: number, values: Record<string, unknown>, objectArgs: unknown[]): unknown {
  return call(phase, seed, (ctx) => callPlanned(c.plan, c.fn as (...a: unknown[]) => unknown, values, objectArgs, ctx), how(c));
}

export function scalarOf(value: unknown, what: string, phase: Phase, called?: string): number {
  let v = value;
  if (typeof v !== 'number' && isTensorValue(v)) {
    const read = readTensor(v);
    if (typeof read !== 'string' && read.data.length === 1) v = read.data[0];
  }
  if (typeof v !== 'number')
    fail(error('not-scalar', `${what} returned ${describe(value)}; it must return one number${called ? ` (${called})` : ''}`, { phase }));
  return v;
}

/** Keys a value-and-gradient object may carry its value under (cs231n's loss, Coursera's J). */
export const VALUE_KEYS = ['value', 'loss', 'J', 'cost'];

/**
 * Splits valueAndGrad's result: [value, grads], [value, g1, g2, …] (gradients in input order), { value, grad },
 * { loss, grads } or cs231n's { loss, dx, … } (every other key a gradient).
 */
export function splitValueAndGrad(result: unknown, phase: Phase, called?: string): { value: unknown; grads: unknown } {
  if (Array.isArray(result) && result.length === 2) return { value: result[0], grads: result[1] };
  if (Array.isArray(result) && result.length > 2 && typeof result[0] === 'number') return { value: result[0], grads: result.slice(1) };
  if (typeof result === 'object' && result !== null && !Array.isArray(result)) {
    const r = result as Record<string, unknown>;
    const key = VALUE_KEYS.find((k) => k in r);
    if (key !== undefined) {
      if ('grad' in r || 'grads' in r) return { value: r[key], grads: r.grad ?? r.grads };
      const rest: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(r)) if (k !== key) rest[k] = v;
      if (Object.keys(rest).length) return { value: r[key], grads: rest };
    }
  }
  fail(
    error(
      'bad-declaration',
      `valueAndGrad returned ${describe(result)}; expected [value, grads], { value, grad } or { loss, dx, … }${called ? ` (${called})` : ''}`,
      { phase },
    ),
  );
}

/**
 * A tuple of gradients ([dx, dw, db]) keyed by the inputs it stands for: the checked inputs in order when it has
 * as many entries, else every input in order. Anything else is returned as it is.
 */
export function keyTuple(grads: unknown, params: Param[], inputOrder: string[]): unknown {
  if (!Array.isArray(grads) || grads.length === 0 || !grads.every((g) => isTensorValue(g) && typeof g !== 'number')) return grads;
  // One checked input: a nested array is that tensor itself unless only its first entry has the input's size.
  if (params.length === 1) {
    const whole = readTensor(grads);
    if (typeof whole !== 'string' && whole.data.length === params[0].slot.size) return grads;
    if (grads.length !== 1) return grads;
  }
  // Checked inputs in the order the code takes them (a positional forward's parameters), not the order of `at`.
  const rank = (path: string) => {
    const i = inputOrder.indexOf(path.split('.')[0]);
    return i < 0 ? inputOrder.length : i;
  };
  const checked = params.map((p) => p.path).sort((a, b) => rank(a) - rank(b));
  const names = grads.length === params.length ? checked : grads.length === inputOrder.length ? inputOrder : null;
  if (!names) return grads;
  const out: Record<string, unknown> = {};
  names.forEach((n, i) => (out[n] = grads[i]));
  return out;
}

/** Top-level named values of one or more input trees (for positional calls). */
export function namedValues(...trees: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const t of trees) if (typeof t === 'object' && t !== null && !Array.isArray(t) && !isTensorValue(t)) Object.assign(out, t);
  return out;
}

/** forward's result: the output, and the cache when it returned { out, cache }. */
export function splitForward(result: unknown, inputs: unknown, positional = false): { out: unknown; cache: unknown } {
  // cs231n's `return out, cache` is [out, cache] in TypeScript: a positional forward's pair that is not itself
  // one numeric tensor (its first entry is not a number).
  if (positional && Array.isArray(result) && result.length === 2 && typeof result[0] !== 'number') return { out: result[0], cache: result[1] };
  if (typeof result === 'object' && result !== null && !Array.isArray(result) && !isTensorValue(result) && 'out' in result) {
    const keys = Object.keys(result);
    if (keys.every((key) => key === 'out' || key === 'cache')) {
      const r = result as { out: unknown; cache?: unknown };
      return { out: r.out, cache: 'cache' in r ? r.cache : inputs };
    }
  }
  return { out: result, cache: inputs };
}
