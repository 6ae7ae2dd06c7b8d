// A run over several files: the top-level JSON report of `gradlens check --json`.

import { version } from '../../package.json';
import type { DeclarationReport, Finding, ReportKind, RunReport, RunTotals, Status } from './types';
import { REPORT_VERSION, RUN_SCHEMA } from './types';

export interface FileOutcome {
  file: string;
  declarations: DeclarationReport[];
  findings: Finding[];
}

/** The tool's version, from package.json (bundled in at build time). */
export const VERSION: string = version;

/** The name of the pseudo-declaration a file-level problem is reported as. */
export const FILE_REPORT_NAME = '(file)';

/**
 * A file-level problem (compile error, a file that throws on load) becomes an 'error' report of kind 'file'. The
 * grader names a task that could not be graded the same way, as its task (`as`).
 */
export function fileErrorReport(
  file: string,
  findings: Finding[],
  as: { name: string; kind: ReportKind } = { name: FILE_REPORT_NAME, kind: 'file' },
): DeclarationReport {
  return {
    schema: 'gradlens.report',
    version: REPORT_VERSION,
    name: as.name,
    kind: as.kind,
    file,
    status: 'error',
    summary: findings.find((f) => f.severity === 'error')?.message ?? findings[0]?.message ?? 'the file could not be checked',
    mode: 'auto',
    dtype: 'float64',
    seed: 0,
    tolerance: { rtol: 0, floor: 0, c: 0 },
    gradientScale: [],
    objectives: 0,
    tensors: [],
    findings,
    evaluations: 0,
    forwardMs: null,
    timeMs: 0,
    checkMs: 0,
    workers: 0,
  };
}

/** Whether a report stands for a whole file that could not be checked rather than for a declaration. */
export function isFileReport(d: DeclarationReport): boolean {
  return d.kind === 'file';
}

/**
 * A run's declarations without the files that could not be checked (counted as files, not declarations), and
 * their totals: what every summary line of a run counts.
 */
export function countRun(run: Pick<RunReport, 'declarations'>): { declarations: DeclarationReport[]; brokenFiles: number; totals: RunTotals } {
  const declarations = run.declarations.filter((d) => !isFileReport(d));
  return { declarations, brokenFiles: run.declarations.length - declarations.length, totals: totals(declarations) };
}

export function totals(declarations: DeclarationReport[]): RunTotals {
  const t: RunTotals = { pass: 0, warn: 0, fail: 0, error: 0 };
  for (const d of declarations) t[d.status]++;
  return t;
}

export function buildRunReport(outcomes: FileOutcome[], startedAt: Date, timeMs: number): RunReport {
  const declarations: DeclarationReport[] = [];
  for (const o of outcomes) {
    if (o.findings.some((f) => f.severity === 'error')) declarations.push(fileErrorReport(o.file, o.findings));
    declarations.push(...o.declarations);
  }
  return {
    schema: RUN_SCHEMA,
    version: REPORT_VERSION,
    tool: { name: 'gradlens', version: VERSION },
    startedAt: startedAt.toISOString(),
    timeMs,
    files: outcomes.map((o) => o.file),
    declarations,
    totals: totals(declarations),
  };
}

/** Exit code of a run: 2 when something could not be checked, 1 when a gradient is wrong, else 0. */
export function exitCode(run: RunReport): number {
  if (run.totals.error) return 2;
  if (run.totals.fail) return 1;
  return 0;
}

export function worstStatus(statuses: Status[]): Status {
  const order: Status[] = ['pass', 'warn', 'fail', 'error'];
  return statuses.reduce<Status>((w, s) => (order.indexOf(s) > order.indexOf(w) ? s : w), 'pass');
}
