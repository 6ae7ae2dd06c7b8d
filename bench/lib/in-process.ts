// The engine's pure cost: runDeclarationCheck in this process (no compile, no worker, no IPC), the same
// function a worker runs, and the report assembled from its raw numbers for the verdict.

import type { Declaration } from '../../core/contract/declarations';
import type { CheckShard } from '../../core/engine/check';
import { runDeclarationCheck } from '../../core/engine/check';
import { assembleReport } from '../../core/engine/assemble';
import type { Mode, Status } from '../../core/report/types';
import { measure } from './stats';

export interface InProcessRun {
  wallMs: number;
  cpuMs: number;
  /** Objective evaluations (forward passes), the two baseline evaluations included. */
  evaluations: number;
  /** Time inside those evaluations (the baseline two excluded), as the engine measures it. */
  evaluateMs: number;
  /** Elements checked element by element. */
  elements: number;
  /** Of those, how many went up the Richardson ladder (8 evaluations instead of 2). */
  richardson: number;
  /** Elements in every checked tensor (N). */
  size: number;
  status: Status;
  summary: string;
}

export function checkInProcess(decl: Declaration, name: string, mode: Mode, shard?: CheckShard): InProcessRun {
  const run = measure(() => runDeclarationCheck(decl, name, { mode }, shard ? { shard } : {}));
  const raw = run.result;
  const report = assembleReport(raw, { file: name, timeMs: run.wallMs, workers: 1 });
  return {
    wallMs: run.wallMs,
    cpuMs: run.cpuMs,
    evaluations: raw.evaluations,
    evaluateMs: raw.evaluateMs,
    elements: raw.elements.count,
    richardson: raw.elements.level.filter((level) => level > 0).length,
    size: report.tensors.filter((t) => t.gradientKey !== null).reduce((a, t) => a + t.size, 0),
    status: report.status,
    summary: report.summary,
  };
}
