// The grader's jobs inside worker processes. 'grade:plan' runs in the trusted child on the assignment's
// bundle: it turns the tasks into plain data and runs each reference's own check. 'grade:submission' runs in
// a submission's confined child on the student's bundle: it reports what the student's code computes (its
// claims) and, for feedback, the student's own check. Neither decides a score: the parent does.
// This module does not import the runner's registry (core/runner/handlers.ts imports it), to avoid a cycle.

import { fn, layer, model, type Declaration } from '../contract/declarations';
import { hashString, mixSeeds, Rng } from '../contract/random';
import { runDeclarationCheck } from '../engine/check';
import { materializeInputs } from '../engine/inputs';
import { buildProblem, ProblemError } from '../engine/problem';
import { onPhase, runUserCode, UserCodeError } from '../engine/user-code';
import type { CheckOverrides } from '../engine/api';
import type { Finding } from '../report/types';
import { isAssignment, type Task } from './assignment';
import { flattenOutput } from './output';
import type { AssignmentPlan, PlannedTask, SubmissionReply, TaskPayload } from './plan';

/** What a handler gets from the worker (the same shape as the runner's HandlerContext). */
interface JobContext {
  module: Record<string, unknown>;
  phase(name: string): void;
}

const DEFAULT_TIME_LIMIT_MS = 20_000;
const DEFAULT_MEMORY_MB = 512;
const DEFAULT_FORWARD_TOLERANCE = { rtol: 1e-6, atol: 1e-9 };
const FLOAT32_FORWARD_TOLERANCE = { rtol: 1e-4, atol: 1e-6 };

/** Every element is checked: a student's partial credit must not depend on which elements a sample hit. */
function overridesFor(payload: TaskPayload): CheckOverrides {
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

/** 'grade:plan' (trusted): the assignment's tasks as data, with every reference's own check. */
export function planAssignment(_payload: unknown, ctx: JobContext): AssignmentPlan {
  const spec = ctx.module.default ?? ctx.module.assignment;
  if (!isAssignment(spec)) {
    throw new TypeError("The assignment file must `export default assignment({ title, tasks })` (import { assignment } from 'gradlens')");
  }
  const tasks = spec.tasks.map((task, index): PlannedTask => {
    ctx.phase(`task '${task.name}'`);
    const payload = payloadFor(task, spec.title);
    const planned: PlannedTask = {
      index,
      name: task.name,
      file: task.file,
      points: task.points,
      visibility: task.visibility ?? spec.visibility ?? 'visible',
      forwardTolerance: { ...(task.dtype === 'float32' ? FLOAT32_FORWARD_TOLERANCE : DEFAULT_FORWARD_TOLERANCE), ...task.forwardTolerance },
      timeLimitMs: task.timeLimit ?? spec.timeLimit ?? DEFAULT_TIME_LIMIT_MS,
      payload,
    };
    if (task.reference) {
      const functions = task.reference as Record<string, unknown>;
      const raw = runDeclarationCheck(declarationFor(payload, functions), task.name, overridesFor(payload));
      const errors = raw.findings.filter((f) => f.severity === 'error');
      const failing = raw.tensors.filter((t) => t.problem);
      if (!raw.checked || errors.length || failing.length) {
        const why = [...errors.map((f) => f.message), ...failing.map((t) => `${t.path}: ${t.problem}`)].join('; ');
        throw new Error(`The reference of task '${task.name}' cannot be checked: ${why}`);
      }
      const forward = forwardOutput(payload, functions);
      if (!forward || 'problem' in forward) throw new Error(`The reference forward of task '${task.name}' failed: ${forward?.problem}`);
      planned.reference = { raw, tensors: raw.tensors.map((t) => ({ path: t.path, gradientKey: t.gradientKey, shape: t.shape, size: t.size })), forward };
    }
    return planned;
  });
  return {
    title: spec.title,
    visibility: spec.visibility ?? 'visible',
    memoryLimitMb: spec.memoryLimit ?? DEFAULT_MEMORY_MB,
    tasks,
  };
}

function payloadFor(task: Task, title: string): TaskPayload {
  // Instructor code may compute the point (at: () => ...); it runs here, on the trusted side, once.
  const resolve = (v: unknown) => (typeof v === 'function' ? (v as () => unknown)() : v);
  const base = {
    name: task.name,
    kind: task.kind,
    exports: { ...(task.exports as Record<string, string>) },
    wrt: task.wrt,
    tolerance: task.tolerance,
    dtype: task.dtype,
    seed: task.seed ?? hashString(`${title}\u0000${task.name}`),
    douts: task.kind === 'layer' ? task.douts : undefined,
    selfCheck: true,
  };
  if (task.kind === 'model') return { ...base, inputs: resolve(task.params), data: resolve(task.data) };
  return { ...base, inputs: resolve(task.at) };
}

/** 'grade:submission' (confined): the student's claims for one task, and their own check. */
export function runSubmissionTask(payload: unknown, ctx: JobContext): SubmissionReply {
  // The engine names each call of user code ('forward', 'backward'), so a time-out says which one hung.
  onPhase((phase) => ctx.phase(phase));
  try {
    return submissionTask(payload as TaskPayload, ctx);
  } finally {
    onPhase(undefined);
  }
}

function submissionTask(task: TaskPayload, ctx: JobContext): SubmissionReply {
  const functions: Record<string, unknown> = {};
  const missing: string[] = [];
  for (const [role, name] of Object.entries(task.exports)) {
    const value = ctx.module[name];
    if (typeof value === 'function') functions[role] = value;
    else missing.push(name);
  }
  if (missing.length) return { missing, findings: [] };

  const decl = declarationFor(task, functions);
  const overrides = overridesFor(task);
  const forward = forwardOutput(task, functions);
  let claims: SubmissionReply['claims'];
  const findings: Finding[] = [];
  try {
    const problem = buildProblem(decl, task.name, overrides);
    claims = problem.params.map((p) => ({ path: p.path, gradientKey: p.gradientKey, analytic: p.analytic, ...(p.problem ? { problem: p.problem } : {}) }));
    findings.push(...problem.findings);
  } catch (e) {
    if (e instanceof ProblemError) return { findings: e.findings, forward };
    if (e instanceof UserCodeError) return { findings: [e.finding], forward };
    throw e;
  }
  const self = task.selfCheck ? runDeclarationCheck(decl, task.name, overrides) : undefined;
  return { findings, claims, forward, ...(self ? { self } : {}) };
}

/** The grader's job types, registered by core/runner/handlers.ts. */
export const gradeHandlers: Record<string, (payload: unknown, ctx: JobContext) => unknown> = {
  'grade:plan': planAssignment,
  'grade:submission': runSubmissionTask,
};
