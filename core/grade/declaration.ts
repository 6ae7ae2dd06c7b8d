// How a task becomes something the engine can check: the declaration it describes (with the student's or
// the reference's functions) and its forward output at the task's inputs. Used on both sides, so both see
// exactly the same inputs, upstream gradients and ctx randomness.

import { fn, layer, model, type Declaration } from '../contract/declarations';
import type { CheckOverrides } from '../engine/api';
import { materializeInputs } from '../engine/inputs';
import { runUserCode, UserCodeError } from '../engine/user-code';
import { Ctx, namedValues, splitForward, splitValueAndGrad } from '../engine/user-calls';
import { callPlanned, planCall } from '../contract/calls';
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
    ...(payload.args ? { args: payload.args } : {}),
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
    // Inputs are materialized exactly as the engine does (same seed, same roots), so both sides see the same point,
    // and the functions are called the way the engine calls them (positional homework included).
    if (payload.kind === 'layer') {
      const inputs = materializeInputs(payload.inputs, seed, dtype, 'at');
      const forward = functions.forward as UserFunction;
      const values = namedValues(inputs.value);
      const plan = planCall(forward, forward.name || 'forward', Object.keys(values), payload.args, 'inputs');
      const result = runUserCode('forward', seed, () => callPlanned(plan, forward, values, [inputs.value], new Ctx(seed, 'forward')));
      return flattenOutput(splitForward(result, inputs.value, plan.style === 'positional').out, 'out');
    }
    const at = materializeInputs(payload.inputs, seed, dtype, payload.kind === 'model' ? 'params' : 'at');
    const data = payload.kind === 'model' && payload.data !== undefined ? materializeInputs(payload.data, seed, dtype, 'data').value : undefined;
    const valueFn = functions[payload.kind === 'fn' ? 'f' : 'loss'] as UserFunction | undefined;
    const fnToCall = valueFn ?? (functions.valueAndGrad as UserFunction);
    const phase = payload.kind === 'fn' ? 'f' : 'loss';
    const objectArgs = payload.kind === 'model' ? [at.value, data] : [at.value];
    const values = namedValues(...objectArgs);
    const plan = planCall(fnToCall, fnToCall.name || phase, Object.keys(values), payload.args, payload.kind === 'model' ? 'params, data' : 'inputs');
    const result = runUserCode(phase, seed, () => callPlanned(plan, fnToCall, values, objectArgs, new Ctx(seed, phase)));
    // The value of whatever shape the engine accepts from a valueAndGrad (a bare number, [value, …], { loss, … }).
    return flattenOutput(valueFn || typeof result === 'number' ? result : splitValueAndGrad(result, phase).value, 'value');
  } catch (e) {
    if (e instanceof UserCodeError) return { problem: e.finding.message };
    return { problem: e instanceof Error ? e.message : String(e) };
  }
}

type UserFunction = (...args: unknown[]) => unknown;
