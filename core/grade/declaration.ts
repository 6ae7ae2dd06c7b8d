// How a task becomes something the engine can check: the declaration it describes (with the student's or
// the reference's functions) and its forward output at the task's inputs. Used on both sides, so both see
// exactly the same inputs, upstream gradients and ctx randomness.

import { fn, layer, model, type Declaration } from '../contract/declarations';
import { mixSeeds, Rng } from '../contract/random';
import type { CheckOverrides } from '../engine/api';
import { materializeInputs } from '../engine/inputs';
import { runUserCode, UserCodeError } from '../engine/user-code';
import { flattenOutput } from './output';
import type { SubmissionReply, TaskPayload } from './plan';

/** Every element is checked: a student's partial credit must not depend on which elements a sample hit. */
export function overridesFor(payload: TaskPayload): CheckOverrides {
  return { mode: 'full', seed: payload.seed };
}

/** The declaration a task describes, built from the given functions (the student's or the reference's). */
export function declarationFor(payload: TaskPayload, functions: Record<string, unknown>): Declaration {
  const options = {
    ...(payload.tolerance !== undefined ? { tolerance: payload.tolerance } : {}),
    ...(payload.dtype ? { dtype: payload.dtype } : {}),
    ...(payload.douts ? { douts: payload.douts } : {}),
    ...(payload.wrt ? { wrt: payload.wrt } : {}),
    seed: payload.seed,
    mode: 'full' as const,
  };
  const pick = (key: string) => functions[key] as never;
  switch (payload.kind) {
    case 'layer':
      return layer({ ...options, at: payload.inputs as object, forward: pick('forward'), backward: pick('backward') });
    case 'fn':
      return fn({ ...options, at: payload.inputs as object, ...definedFunctions(functions, ['f', 'grad', 'valueAndGrad']) });
    case 'model':
      return model({ ...options, params: payload.inputs as object, data: payload.data, ...definedFunctions(functions, ['loss', 'grad', 'valueAndGrad']) });
  }
}

function definedFunctions(functions: Record<string, unknown>, keys: string[]): Record<string, never> {
  const out: Record<string, never> = {};
  for (const key of keys) if (functions[key] !== undefined) out[key] = functions[key] as never;
  return out;
}

/** The forward output (layer) or the value (fn, model) at the task's point, flattened; or why it has none. */
export function forwardOutput(payload: TaskPayload, functions: Record<string, unknown>): SubmissionReply['forward'] {
  const dtype = payload.dtype ?? 'float64';
  const seed = payload.seed;
  try {
    // Inputs are materialized exactly as the engine does (same seed, same roots), so both sides see the same point.
    if (payload.kind === 'layer') {
      const inputs = materializeInputs(payload.inputs, seed, dtype, 'at');
      const result = runUserCode('forward', seed, () => (functions.forward as (i: unknown, c: unknown) => unknown)(inputs.value, plainCtx(seed, 'forward')));
      return flattenOutput(splitOut(result), 'out');
    }
    const at = materializeInputs(payload.inputs, seed, dtype, payload.kind === 'model' ? 'params' : 'at');
    const data = payload.kind === 'model' && payload.data !== undefined ? materializeInputs(payload.data, seed, dtype, 'data').value : undefined;
    const valueFn = functions[payload.kind === 'fn' ? 'f' : 'loss'] as ((...a: unknown[]) => unknown) | undefined;
    const phase = payload.kind === 'fn' ? 'f' : 'loss';
    const args = payload.kind === 'model' ? [at.value, data] : [at.value];
    const result = valueFn
      ? runUserCode(phase, seed, () => valueFn(...args, plainCtx(seed, phase)))
      : firstOf(runUserCode(phase, seed, () => (functions.valueAndGrad as (...a: unknown[]) => unknown)(...args, plainCtx(seed, phase))));
    return flattenOutput(result, 'value');
  } catch (e) {
    if (e instanceof UserCodeError) return { problem: e.finding.message };
    return { problem: e instanceof Error ? e.message : String(e) };
  }
}

/** forward may return the output or { out, cache } (the engine's rule). */
function splitOut(result: unknown): unknown {
  if (typeof result === 'object' && result !== null && !Array.isArray(result) && 'out' in result && Object.keys(result).every((k) => k === 'out' || k === 'cache')) {
    return (result as { out: unknown }).out;
  }
  return result;
}

function firstOf(result: unknown): unknown {
  if (Array.isArray(result) && result.length === 2) return result[0];
  if (typeof result === 'object' && result !== null && 'value' in result) return (result as { value: unknown }).value;
  return result;
}

/** A ctx for the single forward call: the same seeded streams the engine's ctx replays. */
function plainCtx(seed: number, phase: string) {
  const rng = new Rng(mixSeeds(seed, 'ctx'));
  return { seed, phase, random: () => rng.random(), randn: () => rng.randn(), randint: (lo: number, hi: number) => rng.randint(lo, hi) };
}
