// The trusted parent's side of one task for one student: from the child's outcome (raw claims, or a failure
// kind) to points and feedback. Nothing the child says is taken as a verdict: verdicts come from
// assembleReport over raw numbers, and against the reference's numerical gradients when there is one.

import { assembleReport } from '../engine/assemble';
import { wellFormedRawCheck } from '../engine/raw';
import type { JobOutcome } from '../runner/pool';
import type { DeclarationReport, Finding } from '../report/types';
import { errorFeedback, forwardFeedback, metricText, selfFeedback, tensorFeedback } from './feedback';
import { compareForward } from './output';
import type { PlannedTask, SubmissionReply } from './plan';
import type { Denial } from '../runner/denials';
import type { ForwardComparison, ScoreItem, TaskError, TaskErrorCode, TaskOutcome } from './results';
import { earns, itemSlots, slotsWithoutResults, tensorFor } from './score';
import { gradedAgainstReference } from './substitute';

export interface TaskContext {
  task: PlannedTask;
  /** The student's file for this task (for report locations). */
  file: string;
  /** The submission folder, to show locations relative to it. */
  dir: string;
  /** Where the file was found when it was not where the task said ("found layers.ts at hw2/layers.ts"). */
  note?: string;
}

/** How Node's permission model words a refused read, write or spawn. */
const ACCESS_DENIED = /ERR_ACCESS_DENIED|Access to this API has been restricted/;

const FAILURE_WORDS: Record<string, string> = {
  timeout: 'it did not finish within the time limit (an endless loop, or far too slow)',
  memory: 'it used more memory than allowed',
  exited: 'it tried to end or signal a process',
  crashed: 'its process crashed',
  cancelled: 'grading was cancelled',
  'load-error': 'the file failed while loading (top-level code threw)',
  threw: 'it threw an error',
};

/** A task that could not run: zero on every item, with the reason. */
export function failedTask(ctx: TaskContext, error: TaskError, timeMs: number): TaskOutcome {
  const { task } = ctx;
  const forwardCompared = !!task.reference;
  const slots = slotsWithoutResults(task.points, task.reference?.tensors, forwardCompared);
  const feedback = errorFeedback(error);
  return {
    name: task.name,
    file: task.file,
    score: 0,
    maxScore: slots.reduce((a, s) => a + s.maxScore, 0),
    visibility: task.visibility,
    items: slots.map((s) => ({ key: s.key, score: 0, maxScore: s.maxScore, status: 'error', feedback, hints: [] })),
    error,
    metric: '',
    feedback,
    timeMs,
  };
}

/** The job ended because the code signalled a process (harden refuses every kill and names the call). */
function isKill(outcome: Extract<JobOutcome, { ok: false }>): boolean {
  return outcome.kind === 'exited' && /process\.kill\(/.test(outcome.message);
}

/** The reason for a failed job, in a student's words; access denials are told apart from other throws. */
export function errorFromOutcome(outcome: Extract<JobOutcome, { ok: false }>, ctx: TaskContext): TaskError {
  const where = outcome.location
    ? `${relative(outcome.location.file, ctx.dir)}:${outcome.location.start.line + 1}:${outcome.location.start.column + 1}`
    : undefined;
  // A kill of another process is a refused access like a read outside the submission: the same rule applies.
  const killed = isKill(outcome);
  const denied = killed || ACCESS_DENIED.test(`${outcome.message}\n${outcome.stack ?? ''}`);
  const code: TaskErrorCode = denied ? 'access-denied' : (outcome.kind as TaskErrorCode);
  const atImport = outcome.phase === 'load';
  const during = atImport
    ? " at import (while the file's top-level code ran)"
    : outcome.phase && !outcome.message.includes(outcome.phase)
      ? ` (in ${outcome.phase})`
      : '';
  const message = denied
    ? `${atImport ? 'at import, ' : ''}it tried to ${killed ? 'signal another process' : 'read, write or start something outside its own submission'}, which the grader does not allow: ${firstLine(outcome.message)}`
    : `${FAILURE_WORDS[outcome.kind] ?? outcome.kind}${during}: ${firstLine(outcome.message)}`;
  return { code, message, ...(where ? { where } : {}) };
}

function firstLine(text: string): string {
  const line = text.split('\n')[0].trim();
  return line.length > 300 ? `${line.slice(0, 299)}…` : line;
}

function relative(file: string, dir: string): string {
  return file.startsWith(`${dir}/`) ? file.slice(dir.length + 1) : file;
}

/** The first error finding that stops a task (it threw, returned a non-number, ...), as a task error. */
function stoppingError(findings: Finding[], ctx: TaskContext): TaskError | null {
  const stop = findings.find((f) => f.severity === 'error' && !f.tensor);
  if (!stop) return null;
  const denied = ACCESS_DENIED.test(stop.message);
  const code: TaskErrorCode = stop.code === 'exited' ? 'exited' : denied ? 'access-denied' : stop.code === 'threw' ? 'threw' : 'bad-result';
  const message = denied
    ? `it tried to read, write or start something outside its own submission, which the grader does not allow (${stop.message})`
    : stop.message;
  const where = stop.location ? `${relative(stop.location.file, ctx.dir)}:${stop.location.start.line + 1}:${stop.location.start.column + 1}` : undefined;
  return { code, message, ...(where ? { where } : {}) };
}

function isReply(value: unknown): value is SubmissionReply {
  return typeof value === 'object' && value !== null && Array.isArray((value as SubmissionReply).findings);
}

const DENIAL_WORDS: Record<Denial['kind'], string> = {
  read: 'read',
  write: 'write',
  'child-process': 'start a process',
  symlink: 'create a link',
  kill: 'signal another process',
  other: 'use',
};

/** "read /x/alice/layers.ts, start a process (ls)" */
export function describeDenials(denials: Denial[]): string {
  const seen = new Set<string>();
  const parts: string[] = [];
  for (const d of denials) {
    const text = `${DENIAL_WORDS[d.kind]}${d.resource ? ` ${d.resource}` : ''}`;
    if (seen.has(text)) continue;
    seen.add(text);
    parts.push(text);
  }
  return parts.slice(0, 4).join(', ') + (parts.length > 4 ? `, and ${parts.length - 4} more` : '');
}

/**
 * The one rule for every kind of refused access (a read outside the submission, a write, a child process, a
 * link out, a kill of another process), caught by the student's code or not: the task scores 0, and the
 * access is named in the feedback and the instructor's summary.
 */
export function deniedTask(ctx: TaskContext, denials: Denial[], timeMs: number): TaskOutcome {
  const atImport = denials.every((d) => d.phase === 'load');
  const error: TaskError = {
    code: 'access-denied',
    message: `${atImport ? 'while loading (at import) ' : ''}it tried to ${describeDenials(denials)}, which the grader does not allow (the task scores 0 even when the code catches the refusal)`,
  };
  return { ...failedTask(ctx, error, timeMs), denials };
}

/** Turns one job's outcome into the task's points and feedback. */
export function gradeTask(ctx: TaskContext, outcome: JobOutcome, timeMs: number): TaskOutcome {
  const { task } = ctx;
  if (!outcome.ok) {
    const error = errorFromOutcome(outcome, ctx);
    const failed = failedTask(ctx, error, timeMs);
    if (error.code !== 'access-denied') return failed;
    const killed = isKill(outcome);
    const denial: Denial = { kind: killed ? 'kill' : 'other', call: killed ? 'process.kill' : 'access', ...(outcome.phase ? { phase: outcome.phase } : {}) };
    return { ...failed, denials: [denial] };
  }
  const reply = outcome.result;
  if (!isReply(reply)) return failedTask(ctx, { code: 'bad-result', message: 'the submission process sent back something that is not a result' }, timeMs);
  if (reply.denials !== undefined && !Array.isArray(reply.denials))
    return failedTask(ctx, { code: 'bad-result', message: 'the submission process sent back a malformed result' }, timeMs);
  if (reply.denials?.length) return deniedTask(ctx, reply.denials, timeMs);
  if (reply.missing?.length) {
    const names = reply.missing.map((m) => `'${m}'`).join(', ');
    return failedTask(
      ctx,
      { code: 'missing-export', message: `${task.file} does not export the function${reply.missing.length > 1 ? 's' : ''} ${names}` },
      timeMs,
    );
  }
  const meta = { file: ctx.file, timeMs, workers: 1 };
  let self: DeclarationReport | undefined;
  if (reply.self !== undefined) {
    if (!wellFormedRawCheck(reply.self)) return failedTask(ctx, { code: 'bad-result', message: 'the submission process sent back a malformed check' }, timeMs);
    self = assembleReport(reply.self, meta);
  }
  const stop = stoppingError(reply.findings, ctx);
  if (stop || !reply.claims) {
    const failed = failedTask(ctx, stop ?? { code: 'bad-result', message: 'the submission returned no gradients' }, timeMs);
    return task.reference ? withForwardCredit(failed, compareForward(reply.forward, task.reference.forward, task.forwardTolerance), task) : failed;
  }

  let graded: DeclarationReport;
  let forward: ForwardComparison | undefined;
  if (task.reference) {
    graded = assembleReport(gradedAgainstReference(task.reference.raw, task.reference.tensors, reply.claims), meta);
    forward = compareForward(reply.forward, task.reference.forward, task.forwardTolerance);
  } else {
    if (!self) return failedTask(ctx, { code: 'bad-result', message: 'the submission process did not run the check' }, timeMs);
    graded = self;
  }
  return scoredTask(ctx, graded, task.reference ? self : undefined, forward, timeMs);
}

/** A forward that matches the reference keeps its points when the backward then failed to run. */
function withForwardCredit(outcome: TaskOutcome, forward: ForwardComparison, task: PlannedTask): TaskOutcome {
  // Points for the forward mean the task did earn some: its header and its text must not disagree.
  const partial = (text: string) => (forward.match ? text.replace(/^No points for this task: /, 'No points for the gradients: ') : text);
  const items = outcome.items.map((item) => {
    if (item.key !== 'forward' || !forward.match) return { ...item, feedback: partial(item.feedback) };
    return { ...item, score: item.maxScore, status: 'pass' as const, feedback: forwardFeedback(forward, task.reference?.forward) };
  });
  const score = items.reduce((a, i) => a + i.score, 0);
  return { ...outcome, items, score, forward, feedback: `${partial(outcome.feedback)}\n${forwardFeedback(forward, task.reference?.forward)}` };
}

function scoredTask(
  ctx: TaskContext,
  graded: DeclarationReport,
  self: DeclarationReport | undefined,
  forward: ForwardComparison | undefined,
  timeMs: number,
): TaskOutcome {
  const { task } = ctx;
  // With a reference the plan names the items; the student's tensors are matched to them by path.
  const { slots, unknownKeys } = itemSlots(task.points, task.reference?.tensors ?? graded.tensors, !!task.reference);
  const items: ScoreItem[] = slots.map((slot) => {
    if (slot.key === 'forward' && slot.path === null) {
      const ok = !!forward?.match;
      return {
        key: 'forward',
        score: ok ? slot.maxScore : 0,
        maxScore: slot.maxScore,
        status: ok ? 'pass' : 'fail',
        feedback: forwardFeedback(forward, task.reference?.forward),
        hints: [],
      };
    }
    const tensor = tensorFor(slot, graded.tensors);
    const ok = !!tensor && earns(tensor.status);
    return {
      key: slot.key,
      score: ok ? slot.maxScore : 0,
      maxScore: slot.maxScore,
      status: tensor?.status ?? 'error',
      feedback: tensorFeedback(tensor, slot.key),
      hints: tensor?.hints.map((h) => h.code) ?? [],
    };
  });
  const metric = metricText(graded, !!task.reference);
  const lines = [`${task.name} (${ctx.task.file}): ${graded.summary}`];
  for (const item of items) if (item.key !== 'forward') lines.push(item.feedback);
  if (task.reference) lines.push(forwardFeedback(forward, task.reference.forward));
  const extra = selfFeedback(self, graded, forward);
  if (extra) lines.push(extra);
  for (const f of graded.findings) if (f.severity === 'warning' && f.code !== 'kink') lines.push(`Note: ${f.message}`);
  if (ctx.note) lines.push(`Note: ${ctx.note}.`);
  if (unknownKeys.length) lines.push(`(The assignment gives points for ${unknownKeys.join(', ')}, which this task does not check.)`);
  lines.push(`Metric: ${metric}`);
  return {
    name: task.name,
    file: task.file,
    score: items.reduce((a, i) => a + i.score, 0),
    maxScore: items.reduce((a, i) => a + i.maxScore, 0),
    visibility: task.visibility,
    items,
    metric,
    graded,
    ...(self ? { self } : {}),
    ...(forward ? { forward } : {}),
    feedback: lines.join('\n'),
    timeMs,
  };
}
