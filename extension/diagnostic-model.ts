// Turns reports into editor-independent diagnostics: which file, which range, what to say, what to point
// at. Pure (no vscode import): diagnostics.ts converts these to vscode.Diagnostic. Kept apart so the wording
// and the placement rules are unit-tested.

import { describeTensorProblem } from '../core/report/words';
import type { DeclarationReport, Finding, SourceRange, TensorResult } from '../core/report/types';
import { gradientName, plural, precise } from './format';

export type Severity = 'error' | 'warning' | 'information';

export interface RelatedInfo {
  range: SourceRange;
  message: string;
}

export interface DiagnosticModel {
  /** Where it shows: the gradient expression, the throwing line, or the declaration. */
  range: SourceRange;
  severity: Severity;
  message: string;
  /** A stable code per kind of problem ('wrong-gradient', 'kink', or the finding's code). */
  code: string;
  related: RelatedInfo[];
  /** The declaration the diagnostic belongs to (to mark it outdated and to clear it). */
  declaration: { file: string; name: string };
}

/** A range covering the start of a file, for problems that have no better place. */
export function fileStart(file: string): SourceRange {
  return { file, start: { line: 0, column: 0 }, end: { line: 0, column: 0 } };
}

/**
 * Where a problem about a declaration as a whole goes: the first line of the declaration only, so a warning
 * does not underline the whole statement. The end column runs past the line; editors clamp it to the line.
 */
export function declarationAnchor(range: SourceRange): SourceRange {
  if (range.end.line === range.start.line) return range;
  return { file: range.file, start: range.start, end: { line: range.start.line, column: LINE_END } };
}

const LINE_END = 10_000;

export function declarationDiagnostics(report: DeclarationReport): DiagnosticModel[] {
  const declRange = declarationAnchor(report.range ?? fileStart(report.file));
  const declaration = { file: report.file, name: report.name };
  const pointBack: RelatedInfo = { range: declRange, message: `checked by ${report.kind} '${report.name}'` };
  const out: DiagnosticModel[] = [];

  for (const tensor of report.tensors) {
    if (tensor.status === 'fail' || (tensor.status === 'error' && tensor.problem)) {
      const range = tensor.source ?? declRange;
      out.push({
        range,
        severity: 'error',
        message: tensor.status === 'fail' ? wrongGradientMessage(report, tensor) : `${report.name}: gradient ${gradientName(tensor)}: ${tensor.problem}`,
        code: tensor.status === 'fail' ? 'wrong-gradient' : 'gradient-problem',
        related: tensor.source ? [pointBack] : [],
        declaration,
      });
    }
  }

  const kinks = report.tensors.filter((t) => t.kinks > 0);
  if (kinks.length) {
    out.push({
      range: declRange,
      severity: 'warning',
      message: kinkMessage(report, kinks),
      code: 'kink',
      related: kinks.filter((t) => t.source).map((t) => ({ range: t.source!, message: `${gradientName(t)}: ${plural(t.kinks, 'kink element')}` })),
      declaration,
    });
  }

  for (const finding of report.findings) {
    // Kinks are summarised above, once per declaration.
    if (finding.code === 'kink' || finding.code === 'cancelled') continue;
    // A tensor-level problem already shown on its gradient expression.
    if (finding.tensor && report.tensors.some((t) => t.path === finding.tensor && t.status === 'error' && t.problem)) continue;
    out.push(findingDiagnostic(finding, declRange, declaration, `${report.name}: `));
  }
  return out;
}

/** A problem with a whole file (compile error, failing import), placed where it happened when known. */
export function fileFindingDiagnostics(file: string, findings: Finding[]): DiagnosticModel[] {
  return findings.filter((f) => f.code !== 'cancelled').map((f) => findingDiagnostic(f, fileStart(file), { file, name: '' }, ''));
}

function findingDiagnostic(finding: Finding, fallback: SourceRange, declaration: DiagnosticModel['declaration'], prefix: string): DiagnosticModel {
  const located = finding.location !== undefined;
  const range = finding.location ?? fallback;
  let message = `${prefix}${finding.message}`;
  if (finding.code === 'threw' && finding.phase) message = `${prefix}${finding.phase} threw: ${finding.message}`;
  if (finding.code === 'timeout') message = `${prefix}the check was stopped at its time limit: ${finding.message}`;
  if (finding.code === 'memory') message = `${prefix}the check was stopped at its memory limit: ${finding.message}`;
  return {
    range,
    severity: finding.severity === 'info' ? 'information' : finding.severity,
    message,
    code: finding.code,
    related: located && declaration.name ? [{ range: fallback, message: `while checking '${declaration.name}'` }] : [],
    declaration,
  };
}

/**
 * The same words as the CLI and the grader's feedback (core/report/words.ts), the hint first, since the Problems
 * panel cuts long lines: "dW = 2 × numeric: … dW is wrong in 12 of 12 checked elements; worst at [1, 2]: analytic
 * 0.841234 vs numeric 0.420617 (rel. err 5.0e-1, tolerance 4.2e-8).", plus "along random directions" when no
 * element was checked.
 */
export function wrongGradientMessage(_report: DeclarationReport, tensor: TensorResult): string {
  const text = describeTensorProblem(tensor, { hintsFirst: true });
  if (!tensor.worst && tensor.directions.length) {
    const d = tensor.directions.find((x) => !x.pass) ?? tensor.directions[0];
    return `${text} Along a random direction: analytic ${precise(d.analytic)} vs numeric ${precise(d.numeric)}.`;
  }
  return text;
}

function kinkMessage(report: DeclarationReport, kinks: TensorResult[]): string {
  const total = kinks.reduce((n, t) => n + t.kinks, 0);
  const where = kinks.map((t) => `${gradientName(t)} (${t.kinks})`).join(', ');
  return (
    `${report.name}: ${plural(total, 'element')} sit on a kink (the function is not differentiable there, e.g. relu at 0 or max ` +
    `with a tie): ${where}. The analytic value lies between the one-sided slopes, so it is accepted; a different seed avoids the kink.`
  );
}
