// The grader's jobs inside worker processes. 'grade:plan' runs in the trusted child on the assignment's
// bundle: it turns the tasks into plain data and runs each reference's own check. 'grade:submission' runs in
// a submission's confined child on the student's bundle: it reports what the student's code computes (its
// claims) and, for feedback, the student's own check. Neither decides a score: the parent does.
// ./worker-handlers.ts registers them with the runner's registry (core/runner/handlers.ts).

import { hashString } from '../contract/random';
import { runDeclarationCheck } from '../engine/check';
import { buildProblem } from '../engine/problem';
import { ProblemError } from '../engine/user-calls';
import { onPhase, UserCodeError } from '../engine/user-code';
import { takeDenials } from '../runner/denials';
import type { Finding } from '../report/types';
import type { HandlerContext as JobContext } from '../runner/handlers';
import { isAssignment, type Task } from './assignment';
import { declarationFor, forwardOutput, overridesFor } from './declaration';
import type { AssignmentPlan, PlannedTask, SubmissionReply, TaskPayload } from './plan';

const DEFAULT_TIME_LIMIT_MS = 20_000;
const DEFAULT_MEMORY_MB = 512;
const DEFAULT_FORWARD_TOLERANCE = { rtol: 1e-6, atol: 1e-9 };
const FLOAT32_FORWARD_TOLERANCE = { rtol: 1e-4, atol: 1e-6 };

/** 'grade:plan' (trusted): the assignment's tasks as data, with every reference's own check. */
export function planAssignment(_payload: unknown, ctx: JobContext): AssignmentPlan {
  const spec = ctx.module.default ?? ctx.module.assignment;
  if (!isAssignment(spec)) {
    throw new TypeError("The assignment file must `export default assignment({ title, tasks })` (import { assignment } from 'gradlens')");
  }
  const tasks = spec.tasks.map((task): PlannedTask => {
    ctx.phase(`task '${task.name}'`);
    const payload = payloadFor(task, spec.title);
    const planned: PlannedTask = {
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
    ...(task.args ? { args: [...task.args] } : {}),
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
    const reply = submissionTask(payload as TaskPayload, ctx);
    // Refusals are reported even when the student's code caught them (those at load come first, marked 'load').
    const denials = takeDenials();
    return denials.length ? { ...reply, denials } : reply;
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

/** The grader's job types, registered by ./worker-handlers.ts. */
export const gradeHandlers: Record<string, (payload: unknown, ctx: JobContext) => unknown> = {
  'grade:plan': planAssignment,
  'grade:submission': runSubmissionTask,
};
