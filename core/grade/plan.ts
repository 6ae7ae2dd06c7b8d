// The data that travels from the trusted side to a submission's process and back. A submission's process
// never sees the assignment file: it gets the task as plain data (export names, the inputs as descriptions
// or values, the options) and returns raw numbers (its claims). Everything here survives structured clone.

import type { RawCheck } from '../engine/raw';
import type { Denial } from '../runner/denials';
import type { Finding } from '../report/types';
import type { Task, TaskPoints, Visibility } from './assignment';

/** What a submission's process needs to run one task: no functions, no reference. */
export interface TaskPayload {
  name: string;
  kind: Task['kind'];
  exports: Record<string, string>;
  /** fn/layer: the inputs; model: the params. Resolved (at() called) on the trusted side. */
  inputs: unknown;
  /** model only. */
  data?: unknown;
  wrt?: string[];
  /** The argument order of the student's positional value/forward function, when the task gives one. */
  args?: string[];
  tolerance?: number | { rtol?: number; floor?: number };
  dtype?: 'float64' | 'float32';
  seed: number;
  douts?: number;
  /** Also run the student's own check (backward against their own forward) for feedback. */
  selfCheck: boolean;
}

/** One tensor the reference checked: what the student's gradient must match. */
export interface PlannedTensor {
  path: string;
  /** The key the reference returned this gradient under ('dx'): the item's name in gradebooks. */
  gradientKey: string | null;
  shape: number[];
  size: number;
}

export interface PlannedTask {
  name: string;
  file: string;
  points: TaskPoints;
  visibility: Visibility;
  forwardTolerance: { rtol: number; atol: number };
  timeLimitMs: number;
  payload: TaskPayload;
  /** The reference's own check (its numerical gradients are what students are compared with). */
  reference?: {
    raw: RawCheck;
    tensors: PlannedTensor[];
    /** The forward output (layer) or value (fn, model), flattened; with its structure for messages. */
    forward: FlatOutput;
  };
}

export interface AssignmentPlan {
  title: string;
  visibility: Visibility;
  memoryLimitMb: number;
  tasks: PlannedTask[];
}

/** A forward output as numbers in a fixed order plus a description of its structure. */
export interface FlatOutput {
  values: Float64Array;
  /** Element names in the same order for messages: 'out[1, 2]', 'h[0]'. */
  structure: string;
  /** The shape of each leaf in order, as 'name:[d1,d2]' strings; two outputs compare only when these agree. */
  leaves: { name: string; shape: number[] }[];
}

/** What a submission's process sends back for one task: claims, never verdicts. */
export interface SubmissionReply {
  /** Exports the task needs that the file does not have (or that are not functions). */
  missing?: string[];
  /** Why the task could not run (the first error finding decides), when it could not. */
  findings: Finding[];
  /** Per checked tensor: the student's analytic gradient, one array per objective (upstream gradient). */
  claims?: { path: string; gradientKey: string | null; analytic: Float64Array[] | null; problem?: string }[];
  forward?: FlatOutput | { problem: string };
  /** The student's own check, when asked for. */
  self?: RawCheck;
  /** Accesses the permission model refused while the task ran (or while the file loaded), caught or not. */
  denials?: Denial[];
}
