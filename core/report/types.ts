// The versioned report: the one set of types shared by the engine, the CLI, the grader, the extension and
// the webview. Everything here is plain JSON (no NaN/Infinity: non-finite numbers become null plus a state).

export const REPORT_SCHEMA = 'gradlens.report';
export const REPORT_VERSION = 1;
export const RUN_SCHEMA = 'gradlens.run';

export type Status = 'pass' | 'warn' | 'fail' | 'error';
export type DeclarationKind = 'fn' | 'layer' | 'model';
/** A report's kind: a declaration's, or 'file' for a file that could not be checked (it does not compile, or throws while loading). */
export type ReportKind = DeclarationKind | 'file';
export type Mode = 'auto' | 'full' | 'fast' | 'sample';
export type DType = 'float64' | 'float32';

/** 0-based line and column, as in the TypeScript compiler API and VS Code. */
export interface Position {
  line: number;
  column: number;
}

export interface SourceRange {
  file: string;
  start: Position;
  end: Position;
}

/** The tolerance rule: |a − n| ≤ c·err + rtol·max(|a|, |n|) + floor·G, G the gradient scale of the objective. */
export interface Tolerance {
  rtol: number;
  floor: number;
  c: number;
}

/** How an element (or a heatmap cell) came out. */
export type ElementState = 'pass' | 'fail' | 'kink' | 'nonfinite' | 'unchecked';

/** One checked element's numbers, for the worst element of a tensor and for tooltips. */
export interface ElementResult {
  /** Flat (row-major) index. */
  flat: number;
  /** Multi-index into the tensor's shape. */
  index: number[];
  analytic: number | null;
  numeric: number | null;
  absErr: number | null;
  relErr: number | null;
  /** Estimated error of the numeric value (Richardson estimate plus round-off). */
  errEst: number | null;
  /** The tolerance this element was held to. */
  tolerance: number | null;
  /** |a − n| / tolerance: above 1 fails. */
  margin: number | null;
  state: ElementState;
  /** For kinks: the one-sided slopes the analytic value was compared with. */
  oneSided?: [number, number];
}

/**
 * Per-element data as columns (one entry per element listed in `flat`), for the heatmaps. For tensors up to
 * the report's element cap every element is listed (layout 'all'); above it, a seeded sample plus every
 * failing element (layout 'sampled'). Unchecked elements are listed with state 'unchecked' and nulls.
 */
export interface ElementColumns {
  layout: 'all' | 'sampled';
  flat: number[];
  analytic: (number | null)[];
  numeric: (number | null)[];
  absErr: (number | null)[];
  relErr: (number | null)[];
  errEst: (number | null)[];
  state: ElementState[];
}

/** A directional (fast-mode) comparison: u·analytic against the numerical derivative along u. */
export interface DirectionResult {
  /** What the direction covers: 'all' (every checked tensor), a tensor path, or a block of a tensor. */
  scope: string;
  /** For blocks: the first and one-past-last flat index of the block. */
  block?: [number, number];
  analytic: number;
  numeric: number;
  errEst: number;
  tolerance: number;
  margin: number;
  pass: boolean;
  /**
   * How the direction came out: 'pass'; 'fail' (the deviation is beyond the numeric error and beyond what
   * element errors within rtol could add up to); 'within-rtol' (beyond the numeric error, but small enough to be
   * the sum of element errors each within rtol: it sends the search on, it does not fail the tensor); 'kink'
   * (the one-sided slopes along the direction disagree: a kink is crossed, so it is narrowed further);
   * 'inconclusive' (it agreed, but its numbers were too noisy to have seen one element off by 0.1%: narrowed
   * further, like a kink).
   */
  state?: 'pass' | 'fail' | 'within-rtol' | 'kink' | 'inconclusive';
  /** How many elements the direction moves. */
  elements?: number;
}

/** A contiguous block of a tensor as the search left it: the heatmap at block resolution. */
export interface BlockResult {
  /** First and one-past-last flat index. */
  from: number;
  to: number;
  /** 'fail': a direction through the block failed; 'pass': it passed; 'unchecked': not reached in the budget. */
  state: 'pass' | 'fail' | 'kink' | 'unchecked';
  /** |deviation| / tolerance of the block's direction (null when unchecked). */
  margin: number | null;
}

/** What a tensor's check did not get to, and why (the time budget, a limit on localization). */
export interface Unchecked {
  /** Failing blocks that were not narrowed to elements. */
  blocks: number;
  /** Elements in those blocks. */
  elements: number;
  reason: 'budget' | 'time-limit' | 'spread';
}

export type HintCode =
  | 'scaled' // analytic = k × numeric
  | 'sign' // analytic = −numeric
  | 'transposed'
  | 'zero' // analytic is zero (or never written) where numeric is not
  | 'nonfinite'
  | 'rows' // only some rows wrong
  | 'columns' // only some columns wrong
  | 'border' // only border elements (spatial edges) wrong
  | 'regularization' // off by a term proportional to the parameter (λ·W)
  | 'few-elements' // a handful of scattered elements wrong
  | 'small-relative'; // everywhere wrong by a small relative amount (an epsilon, a 1e-4 term)

export interface Hint {
  code: HintCode;
  /** One sentence in the words the editor, CLI and grader all use. */
  message: string;
  /** For 'scaled': the factor k in analytic = k × numeric; for 'regularization': λ. */
  factor?: number;
  /** How many of the compared elements fit the pattern (0..1). */
  support: number;
}

export interface TensorResult {
  /** Dotted path of the input or parameter ('x', 'fc1.W'). */
  path: string;
  /** The layer for models (the top-level key of params); '' for fn and layer declarations. */
  group: string;
  /** The key the gradient came back under ('dx' when the code returned dx for input x). */
  gradientKey: string | null;
  shape: number[];
  size: number;
  status: Status;
  /**
   * How this tensor was checked: every element, directions only (no element compared), a search over blocks
   * that narrowed failing directions down to elements, or a seeded sample of elements.
   */
  method: 'elements' | 'directions' | 'blocks' | 'sample' | 'none';
  checked: number;
  failing: number;
  kinks: number;
  nonFinite: number;
  /** Elements whose numerical derivative was NaN or infinite at every step tried: not compared, not in `checked`. */
  undifferentiable?: number;
  maxRelErr: number | null;
  maxAbsErr: number | null;
  /** Largest |a − n| / tolerance seen (over elements, or over directions when no element was checked). */
  margin: number | null;
  worst: ElementResult | null;
  /** Up to a few kink elements (flat indices). */
  kinkIndices: number[];
  hints: Hint[];
  directions: DirectionResult[];
  elements: ElementColumns | null;
  /** The search's blocks (tensors checked by directions): what the heatmap shows where no element was compared. */
  blocks?: BlockResult[];
  /** What was left unchecked (a partial result). */
  unchecked?: Unchecked;
  evaluations: number;
  /** Where the gradient was produced, when static discovery found it. */
  source?: SourceRange;
  /** A problem specific to this tensor's gradient (missing, wrong shape) when status is 'error'. */
  problem?: string;
}

export type FindingCode =
  | 'compile-error'
  | 'load-error'
  | 'not-a-declaration'
  | 'bad-declaration'
  | 'threw'
  | 'timeout'
  | 'memory'
  | 'exited'
  | 'crashed'
  | 'cancelled'
  | 'not-scalar'
  | 'nonfinite-output'
  | 'nonfinite-gradient'
  | 'shape-mismatch'
  | 'missing-gradient'
  | 'extra-gradient'
  | 'mutates-input'
  | 'nondeterministic'
  | 'kink'
  | 'forward-mismatch'
  | 'partial'
  | 'float32-code'
  | 'slow-evaluation'
  | 'undifferentiable'
  | 'integer-input'
  | 'random-in-backward'
  | 'environment';

export interface Finding {
  severity: 'error' | 'warning' | 'info';
  code: FindingCode;
  message: string;
  /** The TS location (source-mapped), for thrown errors and gradient problems. */
  location?: SourceRange;
  /** The tensor path the finding is about, if any. */
  tensor?: string;
  /** Which part of the user's code was running ('forward', 'backward', 'loss', 'grad', 'load'). */
  phase?: string;
}

export interface DeclarationReport {
  schema: typeof REPORT_SCHEMA;
  version: typeof REPORT_VERSION;
  name: string;
  kind: ReportKind;
  file: string;
  /** The declaration's range in its file, from static discovery. */
  range?: SourceRange;
  status: Status;
  /** One line: what is wrong, or that all gradients match. */
  summary: string;
  mode: Mode;
  dtype: DType;
  seed: number;
  tolerance: Tolerance;
  /** Gradient scale G of each objective (one per upstream gradient for layers). */
  gradientScale: number[];
  /** Number of seeded random upstream gradients (layers); 1 otherwise. */
  objectives: number;
  tensors: TensorResult[];
  findings: Finding[];
  /** Calls of the objective (forward passes) made by the check. */
  evaluations: number;
  /** Median time of one forward pass (ms). */
  forwardMs: number | null;
  /** Wall time of the whole check (ms), including loading. */
  timeMs: number;
  /** Time spent in the checking itself (ms), excluding loading and process start. */
  checkMs: number;
  /** Workers the check was spread over. */
  workers: number;
  /** True when the check stopped early (time limit, cancellation) and the report holds what it measured. */
  partial?: boolean;
}

export interface RunTotals {
  pass: number;
  warn: number;
  fail: number;
  error: number;
}

export interface RunReport {
  schema: typeof RUN_SCHEMA;
  version: typeof REPORT_VERSION;
  tool: { name: 'gradlens'; version: string };
  startedAt: string;
  timeMs: number;
  files: string[];
  declarations: DeclarationReport[];
  totals: RunTotals;
}
