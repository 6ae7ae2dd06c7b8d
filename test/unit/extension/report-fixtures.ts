// Small report builders for the extension's unit tests: a DeclarationReport with sensible defaults, and
// tensors that pass, fail with a hint, or carry kinks; progress messages of a running check.
import type { EvaluationProgress } from '../../../core/engine/api';
import { REPORT_SCHEMA, REPORT_VERSION, type DeclarationReport, type TensorResult } from '../../../core/report/types';

export function range(file: string, line: number, column: number, endColumn = column + 10) {
  return { file, start: { line, column }, end: { line, column: endColumn } };
}

export function tensor(overrides: Partial<TensorResult> = {}): TensorResult {
  return {
    path: 'W',
    group: '',
    gradientKey: 'dW',
    shape: [3, 4],
    size: 12,
    status: 'pass',
    method: 'elements',
    checked: 12,
    failing: 0,
    kinks: 0,
    nonFinite: 0,
    maxRelErr: 3.2e-10,
    maxAbsErr: 1e-11,
    margin: 0.01,
    worst: null,
    kinkIndices: [],
    hints: [],
    directions: [],
    elements: null,
    evaluations: 48,
    ...overrides,
  };
}

export function failing(overrides: Partial<TensorResult> = {}): TensorResult {
  return tensor({
    status: 'fail',
    failing: 12,
    maxRelErr: 0.5,
    worst: {
      flat: 6,
      index: [1, 2],
      analytic: 0.8412345,
      numeric: 0.42061725,
      absErr: 0.42,
      relErr: 0.5,
      errEst: 1e-10,
      tolerance: 1e-6,
      margin: 4e5,
      state: 'fail',
    },
    hints: [{ code: 'scaled', message: 'dW = 2 × numeric: a factor of 2 too many.', factor: 2, support: 1 }],
    source: range('/ws/affine.ts', 14, 8, 34),
    ...overrides,
  });
}

export function report(overrides: Partial<DeclarationReport> = {}): DeclarationReport {
  return {
    schema: REPORT_SCHEMA,
    version: REPORT_VERSION,
    name: 'affine',
    kind: 'layer',
    file: '/ws/affine.ts',
    range: range('/ws/affine.ts', 4, 13, 19),
    status: 'pass',
    summary: 'all gradients match',
    mode: 'auto',
    dtype: 'float64',
    seed: 1,
    tolerance: { rtol: 1e-6, floor: 1e-8, c: 4 },
    gradientScale: [1],
    objectives: 3,
    tensors: [tensor(), tensor({ path: 'b', gradientKey: 'db', shape: [4], size: 4, checked: 4, maxRelErr: 1e-11 })],
    findings: [],
    evaluations: 100,
    forwardMs: 0.1,
    timeMs: 120,
    checkMs: 80,
    workers: 1,
    ...overrides,
  };
}

/** One streamed progress message of a running declaration. */
export function evaluations(overrides: Partial<EvaluationProgress> = {}): EvaluationProgress {
  return { file: '/ws/affine.ts', declaration: 'affine', stage: 'search', done: 840, planned: 1200, etaMs: 12_000, elapsedMs: 30_000, ...overrides };
}
