// What grading one submission produces: scores per gradient, the reason for every lost point, and the
// reports behind them. Written per student as JSON (the resume state) and turned into every output format.

import type { DeclarationReport, HintCode, Status } from '../report/types';
import type { Visibility } from './assignment';
import type { Denial } from '../runner/denials';

export const GRADE_SCHEMA = 'gradlens.grade';
export const GRADE_VERSION = 1;

/** Why a task got no points at all, before any gradient could be compared. */
export type TaskErrorCode =
  | 'missing-file'
  | 'compile-error'
  | 'forbidden-import'
  | 'missing-export'
  | 'load-error'
  | 'threw'
  | 'timeout'
  | 'memory'
  | 'exited'
  | 'crashed'
  | 'access-denied'
  | 'bad-result'
  | 'too-large'
  | 'cancelled'
  /** The grader itself failed (a worker that could not start, a disk error): no verdict, retried on resume. */
  | 'not-graded';

export interface TaskError {
  code: TaskErrorCode;
  /** One sentence for the student. */
  message: string;
  /** Where in the student's code, when known ('layers.ts:12:5'). */
  where?: string;
}

/** One scored item: a gradient of a task (dx, dW, ...) or the forward output. */
export interface ScoreItem {
  /** 'dx', 'fc1.W', or 'forward'. */
  key: string;
  score: number;
  maxScore: number;
  status: Status;
  /** Feedback for this item alone, in the words the editor uses. */
  feedback: string;
  hints: HintCode[];
}

/** The forward output compared with the reference's, element-wise: |s − r| ≤ atol + rtol·|r|. */
export interface ForwardComparison {
  match: boolean;
  size: number;
  /** Elements outside the tolerance. */
  mismatched: number;
  /** Largest |s − r| / (atol + rtol·|r|). */
  margin: number | null;
  worst: { flat: number; student: number | null; reference: number | null } | null;
  rtol: number;
  atol: number;
  /** Set when the outputs could not be compared at all (a different shape, not a tensor). */
  problem?: string;
}

export interface TaskOutcome {
  name: string;
  file: string;
  score: number;
  maxScore: number;
  visibility: Visibility;
  items: ScoreItem[];
  error?: TaskError;
  /** The error metric the gradients were judged by, named in the feedback. */
  metric: string;
  /** Against the reference's numerical gradients when there is a reference, else the student's own. */
  graded?: DeclarationReport;
  /** The student's backward against the student's own forward (feedback only when there is a reference). */
  self?: DeclarationReport;
  forward?: ForwardComparison;
  /** The whole task's feedback, as text. */
  feedback: string;
  timeMs: number;
  /** Accesses the grader refused while this task ran or its file loaded (caught by the student's code or not). */
  denials?: Denial[];
}

export interface StudentResult {
  schema: typeof GRADE_SCHEMA;
  version: typeof GRADE_VERSION;
  student: string;
  /** Hash of the submission's files: a changed submission is regraded on resume. */
  submissionHash: string;
  /** Hash of the assignment (its compiled bundle): a changed assignment regrades everyone. */
  assignmentHash: string;
  assignment: string;
  score: number;
  maxScore: number;
  tasks: TaskOutcome[];
  gradedAt: string;
  timeMs: number;
  /** Set when the grader (not the student's code) failed: the result is shown but never reused on resume. */
  notGraded?: string;
}

/** One task's columns, from the assignment's plan (the trusted side), never from what a student's result holds. */
export interface TaskLayout {
  name: string;
  /** The task's scored items in order ('dx', 'dW', 'forward'); empty when only the task's total is known in advance. */
  items: string[];
}

export interface ClassResult {
  assignment: string;
  maxScore: number;
  /** The gradebook's and every class aggregate's columns. */
  tasks: TaskLayout[];
  students: StudentResult[];
}

/** Rounds a score for display and files: points are usually small multiples of 0.5 or 0.25. */
export function roundScore(x: number): number {
  return Math.round(x * 1000) / 1000;
}
