// The assignment file's contract: `export default assignment({ title, tasks: [...] })`. An assignment file is
// instructor code (TypeScript, same contract as model files); it names the student exports each task checks,
// the points per gradient, the tolerances and, optionally, the instructor's reference implementation. It is
// only ever loaded in a trusted child process; students' processes receive plain data derived from it.
// Every element of every gradient is checked (mode 'full'), so partial credit never depends on sampling.

import type { DType } from '../contract/tensor';

/** Gradescope's visibility values (https://gradescope-autograders.readthedocs.io/en/latest/specs/). */
export type Visibility = 'hidden' | 'after_due_date' | 'after_published' | 'visible';

/**
 * Points per gradient, keyed by the input's path ('x', 'fc1.W') or its gradient key ('dx', 'dW'); the key
 * 'forward' gives points for a forward output that matches the reference. A plain number is split evenly
 * over the checked gradients.
 */
export type TaskPoints = number | Record<string, number>;

/**
 * The instructor's reference function, called the way the students' are: the object style of the model-file
 * contract (forward(inputs, ctx), valueAndGrad(inputs, ctx) → [value, grads]) or positional homework style
 * (affineForward(x, w, b) → [out, cache], softmaxLoss(x, y) → { loss, dx }); see docs/grading.md.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ReferenceFunction = (...args: any[]) => any;

interface TaskBase {
  /** Shown in feedback, gradebooks and Gradescope; unique within the assignment. */
  name: string;
  /** The student's file, relative to the submission folder ('layers.ts'). */
  file: string;
  points: TaskPoints;
  /** Relative tolerance or the rule's parts: |a − n| ≤ c·err + rtol·max(|a|,|n|) + floor·G. */
  tolerance?: number | { rtol?: number; floor?: number };
  /** How the forward output is compared with the reference's: |s − r| ≤ atol + rtol·|r|, element-wise. */
  forwardTolerance?: { rtol?: number; atol?: number };
  dtype?: DType;
  /** Seed of the inputs, upstream gradients and ctx randomness (default: derived from the task's name). */
  seed?: number;
  /** Seeded random upstream gradients for layers (default 3). */
  douts?: number;
  /** Wall-clock limit for this task in one submission (ms); the assignment's default otherwise. */
  timeLimit?: number;
  visibility?: Visibility;
  /**
   * How the student's forward (layer) or value function (fn, model) takes the inputs, for positional homework:
   * `['x', 'w', 'b']` calls `affineForward(x, w, b)`. Without it the function's own parameter names decide
   * (parameters named like the inputs are passed those inputs; otherwise it gets the inputs object).
   */
  args?: string[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tasks of any input shape share one list
export interface FnTask<A extends object = any> extends TaskBase {
  kind: 'fn';
  /** Names of the student's exports: f and grad, or valueAndGrad. */
  exports: { f?: string; grad?: string; valueAndGrad?: string };
  at: A | (() => A);
  wrt?: string[];
  reference?: { f?: ReferenceFunction; grad?: ReferenceFunction; valueAndGrad?: ReferenceFunction };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as FnTask
export interface LayerTask<A extends object = any> extends TaskBase {
  kind: 'layer';
  /** Names of the student's exports: forward(inputs, ctx) → out | { out, cache }; backward(dout, cache, ctx) → grads. */
  exports: { forward: string; backward: string };
  at: A | (() => A);
  wrt?: string[];
  reference?: { forward: ReferenceFunction; backward: ReferenceFunction };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as FnTask
export interface ModelTask<P extends object = any, D = any> extends TaskBase {
  kind: 'model';
  /** Names of the student's exports: loss and grad, or valueAndGrad. */
  exports: { loss?: string; grad?: string; valueAndGrad?: string };
  params: P | (() => P);
  data?: D | (() => D);
  wrt?: string[];
  reference?: { loss?: ReferenceFunction; grad?: ReferenceFunction; valueAndGrad?: ReferenceFunction };
}

export type Task = FnTask | LayerTask | ModelTask;

export interface AssignmentSpec {
  title: string;
  tasks: Task[];
  /** Default per-task wall-clock limit in one submission (ms, default 20 000). */
  timeLimit?: number;
  /** Memory limit of a submission's process (MiB, default 512), typed arrays included. */
  memoryLimit?: number;
  /** Gradescope visibility of the whole result (default 'visible'). */
  visibility?: Visibility;
}

export const ASSIGNMENT_BRAND = 'gradlens-assignment';

export interface Assignment extends AssignmentSpec {
  readonly __gradlens: typeof ASSIGNMENT_BRAND;
}

export function isAssignment(value: unknown): value is Assignment {
  return typeof value === 'object' && value !== null && (value as { __gradlens?: unknown }).__gradlens === ASSIGNMENT_BRAND;
}

const EXPORT_KEYS: Record<Task['kind'], string[]> = {
  fn: ['f', 'grad', 'valueAndGrad'],
  layer: ['forward', 'backward'],
  model: ['loss', 'grad', 'valueAndGrad'],
};

const VISIBILITIES: Visibility[] = ['hidden', 'after_due_date', 'after_published', 'visible'];
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** Declares a graded assignment. Validates eagerly so that a mistake shows when the instructor builds it. */
export function assignment(spec: AssignmentSpec): Assignment {
  const problems = validateAssignment(spec);
  if (problems.length) throw new TypeError(`gradlens: assignment() is not valid:\n  - ${problems.join('\n  - ')}`);
  return Object.freeze({ ...spec, tasks: spec.tasks.map((t) => Object.freeze({ ...t })), __gradlens: ASSIGNMENT_BRAND });
}

export function validateAssignment(spec: AssignmentSpec): string[] {
  const problems: string[] = [];
  if (typeof spec !== 'object' || spec === null) return ['assignment() takes an object'];
  if (typeof spec.title !== 'string' || !spec.title.trim()) problems.push('title must be a non-empty string');
  if (!Array.isArray(spec.tasks) || spec.tasks.length === 0) return [...problems, 'tasks must be a non-empty array'];
  if (spec.timeLimit !== undefined && !(spec.timeLimit > 0)) problems.push('timeLimit must be a positive number of milliseconds');
  if (spec.memoryLimit !== undefined && !(spec.memoryLimit >= 64)) problems.push('memoryLimit must be at least 64 (MiB)');
  if (spec.visibility !== undefined && !VISIBILITIES.includes(spec.visibility)) problems.push(`visibility must be one of ${VISIBILITIES.join(', ')}`);
  const names = new Set<string>();
  spec.tasks.forEach((task, i) => {
    const where = `task ${i + 1}${task && typeof task.name === 'string' ? ` ('${task.name}')` : ''}`;
    problems.push(...validateTask(task).map((p) => `${where}: ${p}`));
    if (task && typeof task.name === 'string') {
      if (names.has(task.name)) problems.push(`${where}: the name is used twice`);
      names.add(task.name);
    }
  });
  return problems;
}

function validateTask(task: Task): string[] {
  const problems: string[] = [];
  if (typeof task !== 'object' || task === null) return ['a task is an object'];
  if (typeof task.name !== 'string' || !task.name.trim()) problems.push('name must be a non-empty string');
  if (!(task.kind in EXPORT_KEYS)) return [...problems, `kind must be 'fn', 'layer' or 'model'`];
  if (typeof task.file !== 'string' || !task.file || task.file.startsWith('/') || task.file.split(/[\\/]/).includes('..')) {
    problems.push('file must be a path relative to the submission folder, without ..');
  }
  const allowed = EXPORT_KEYS[task.kind];
  const exportsGiven = task.exports && typeof task.exports === 'object' ? (task.exports as Record<string, unknown>) : null;
  if (!exportsGiven) problems.push(`exports must name the student's functions (${allowed.join(', ')})`);
  else {
    for (const [key, name] of Object.entries(exportsGiven)) {
      if (!allowed.includes(key)) problems.push(`exports.${key} is not used by a ${task.kind} task (allowed: ${allowed.join(', ')})`);
      else if (typeof name !== 'string' || !IDENTIFIER.test(name)) problems.push(`exports.${key} must be an export name`);
    }
    problems.push(...missingRoles(task.kind, exportsGiven, 'exports'));
  }
  if (task.reference !== undefined) {
    const ref = task.reference as Record<string, unknown>;
    for (const [key, value] of Object.entries(ref)) {
      if (!allowed.includes(key)) problems.push(`reference.${key} is not used by a ${task.kind} task`);
      else if (typeof value !== 'function') problems.push(`reference.${key} must be a function`);
    }
    problems.push(...missingRoles(task.kind, ref, 'reference'));
  }
  if (task.kind === 'model' ? task.params === undefined : (task as FnTask | LayerTask).at === undefined) {
    problems.push(task.kind === 'model' ? 'params is required' : 'at (the inputs) is required');
  }
  problems.push(...validatePoints(task.points));
  if (typeof task.points === 'object' && task.points !== null && 'forward' in task.points && !task.reference) {
    problems.push("points.forward needs a reference: the forward output is compared with the reference's");
  }
  if (task.visibility !== undefined && !VISIBILITIES.includes(task.visibility)) problems.push(`visibility must be one of ${VISIBILITIES.join(', ')}`);
  if (task.timeLimit !== undefined && !(task.timeLimit > 0)) problems.push('timeLimit must be a positive number of milliseconds');
  if (task.args !== undefined) {
    const inputs =
      task.kind === 'model' ? [...Object.keys(resolved(task.params)), ...Object.keys(resolved(task.data) ?? {})] : Object.keys(resolved((task as FnTask).at));
    if (!Array.isArray(task.args) || !task.args.every((a) => typeof a === 'string')) problems.push('args must be a list of input names');
    else for (const a of task.args.filter((a) => !inputs.includes(a))) problems.push(`args names '${a}', which is not an input (inputs: ${inputs.join(', ')})`);
  }
  const ft = task.forwardTolerance;
  if (ft !== undefined && ((ft.rtol !== undefined && !(ft.rtol >= 0)) || (ft.atol !== undefined && !(ft.atol >= 0)))) {
    problems.push('forwardTolerance.rtol and .atol must be non-negative');
  }
  return problems;
}

/** Inputs given as a function are not called here (instructor code runs once, when planned): no names then. */
function resolved(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
}

/** Which roles a kind needs: a layer both functions; fn and model a value and a gradient. */
function missingRoles(kind: Task['kind'], given: Record<string, unknown>, label: string): string[] {
  const has = (k: string) => given[k] !== undefined;
  if (kind === 'layer') return ['forward', 'backward'].filter((k) => !has(k)).map((k) => `${label}.${k} is required`);
  const value = kind === 'fn' ? 'f' : 'loss';
  if (has('valueAndGrad')) return has(value) || has('grad') ? [`${label}: give valueAndGrad or ${value} and grad, not both`] : [];
  return has(value) && has('grad') ? [] : [`${label} needs ${value} and grad (or valueAndGrad)`];
}

function validatePoints(points: TaskPoints): string[] {
  if (typeof points === 'number') return points >= 0 && Number.isFinite(points) ? [] : ['points must be a non-negative number'];
  if (typeof points !== 'object' || points === null) return ['points must be a number or an object of numbers per gradient'];
  const entries = Object.entries(points);
  if (!entries.length) return ['points must name at least one gradient'];
  return entries.filter(([, v]) => !(typeof v === 'number' && v >= 0 && Number.isFinite(v))).map(([k]) => `points.${k} must be a non-negative number`);
}
