// The CodeLens titles: what a declaration's check found, in one line that fits above the code. Pure (no
// vscode import) so every wording is unit-tested. The CodeLens provider adds commands and icons.

import type { EvaluationProgress } from '../core/engine/api';
import type { DeclarationReport, Finding, Hint, TensorResult } from '../core/report/types';
import { describeTensorProblem } from '../core/report/words';
import { gradientName, plural, short } from './format';
import { evaluationsText, progressTooltip } from './progress-text';

/** What the extension knows about one declaration right now. */
export type LensState =
  | { kind: 'idle' }
  | { kind: 'queued' }
  | { kind: 'running' }
  | { kind: 'untrusted' }
  /** The file as a whole failed (a compile error, an import that throws) and this declaration has no result. */
  | { kind: 'fileError'; finding: Finding }
  | { kind: 'done'; report: DeclarationReport; outdated: boolean; running: boolean };

/** Tensors listed one by one up to this many; beyond it failing ones are named and passing ones counted. */
const LIST_ALL_UP_TO = 3;
const NAME_FAILING_UP_TO = 2;
/**
 * A verdict in the lens stays within this many characters, so that "show heatmap" next to it stays on screen; what
 * is cut is in the lens's hover (lensTooltip).
 */
export const TITLE_MAX = 56;

/** The lens title; `progress` (a long check's evaluations so far) shows while the declaration runs. */
export function lensTitle(state: LensState, progress?: EvaluationProgress): string {
  const sofar = progress ? `… ${evaluationsText(progress)}` : '…';
  switch (state.kind) {
    case 'idle':
      return 'Check gradients';
    case 'queued':
      return '$(clock) Gradient check queued…';
    case 'running':
      return progress ? `$(sync~spin) Checking${sofar}` : '$(sync~spin) Checking gradients…';
    case 'untrusted':
      return '$(shield) Check gradients: trust this folder to run its code';
    case 'fileError':
      return fit(`✗ ${state.finding.code === 'compile-error' ? 'does not compile' : 'could not load the file'}: ${firstSentence(state.finding.message)}`);
    case 'done': {
      // While it re-checks, the old verdict is not the news: the progress is (the old verdict is in the hover).
      if (state.running) return progress ? `$(sync~spin) Re-checking${sofar}` : `$(sync~spin) ${resultTitle(state.report)} (re-checking…)`;
      const result = resultTitle(state.report);
      if (state.outdated) return `${result} (outdated)`;
      return result;
    }
  }
}

/**
 * The lens's hover: everything the title had to leave out. The verdict in full (the summary, and each wrong
 * gradient in the words of the diagnostics, the hint first), whether it is outdated, and what a click does.
 */
export function lensTooltip(state: LensState, progress?: EvaluationProgress): string {
  switch (state.kind) {
    case 'idle':
      return 'Compare the gradients of this declaration with finite differences of its forward code';
    case 'untrusted':
      return 'Gradlens runs your code to check gradients: trust this folder to allow it (Restricted Mode runs nothing).';
    case 'queued':
    case 'running':
      return progressTooltip(progress);
    case 'fileError':
      return `${state.finding.message}\nClick to check again.`;
    case 'done': {
      const lines = [resultTitle(state.report, Infinity), ...verdictDetails(state.report)];
      if (state.running) return [progressTooltip(progress), '', 'Last result (outdated: the code changed since):', ...lines].join('\n');
      if (state.outdated) lines.push('', 'Outdated: the code changed since this check.');
      lines.push('Click to check again.');
      return lines.join('\n');
    }
  }
}

/** The summary and, for each gradient that is not right, what is wrong with it (hint first). */
function verdictDetails(report: DeclarationReport): string[] {
  const lines = report.summary && report.summary !== resultTitle(report, Infinity).slice(2) ? [report.summary] : [];
  for (const t of report.tensors) if (t.status === 'fail' || t.status === 'error') lines.push(`• ${describeTensorProblem(t, { hintsFirst: true })}`);
  for (const f of report.findings) if (f.severity !== 'info' && f.code !== 'kink') lines.push(`• ${f.message}`);
  return lines;
}

/** Cuts a title to `max` characters: at the last " · " that fits, else at a word, with an ellipsis. */
export function fit(title: string, max = TITLE_MAX): string {
  if (title.length <= max) return title;
  const head = title.slice(0, max - 1);
  const part = head.lastIndexOf(' · ');
  if (part > max / 2) return `${head.slice(0, part)} …`;
  const word = head.lastIndexOf(' ');
  return `${word > max / 2 ? head.slice(0, word) : head}…`;
}

/** The verdict of a finished check: "✓ gradients match · max rel. err 3e-10", "✗ dW ×2 · db ok" (at most `max` characters). */
export function resultTitle(report: DeclarationReport, max = TITLE_MAX): string {
  const cut = (text: string, suffix = '') => fit(text, max - suffix.length) + suffix;
  switch (report.status) {
    case 'pass':
      return cut(`✓ ${passSummary(report.tensors)}`, partial(report));
    case 'fail':
      return cut(`✗ ${tensorSummary(report.tensors)}`, partial(report));
    case 'warn':
      return cut(`⚠ ${warningSummary(report, max)}`, partial(report));
    case 'error':
      return cut(`✗ ${errorSummary(report, max)}`);
  }
}

/** A check that stopped early (time limit) reports what it measured: the title must not read as the whole story. */
function partial(report: DeclarationReport): string {
  return report.partial ? ' (partial)' : '';
}

/** A tensor checked only along directions has no element, so no relative error to show. */
const directionsOnly = (t: TensorResult) => t.method === 'directions' && t.checked === 0;

function passSummary(tensors: TensorResult[]): string {
  if (tensors.length && tensors.every(directionsOnly)) return 'gradients match along random directions';
  return `gradients match · max rel. err ${short(maxRelErr(tensors))}`;
}

function maxRelErr(tensors: TensorResult[]): number | null {
  let max: number | null = null;
  for (const t of tensors) if (t.maxRelErr !== null && (max === null || t.maxRelErr > max)) max = t.maxRelErr;
  return max;
}

/** "dW ×2 · db ok", or for many tensors "fc1.W ×2 · fc2.b sign · 4 ok". */
export function tensorSummary(tensors: TensorResult[]): string {
  const failing = tensors.filter((t) => t.status === 'fail' || t.status === 'error');
  const passing = tensors.filter((t) => t.status === 'pass' || t.status === 'warn');
  if (tensors.length <= LIST_ALL_UP_TO) {
    return tensors.map((t) => `${gradientName(t)} ${tensorVerdict(t)}`).join(' · ');
  }
  const parts = failing.slice(0, NAME_FAILING_UP_TO).map((t) => `${gradientName(t)} ${tensorVerdict(t)}`);
  if (failing.length > NAME_FAILING_UP_TO) parts.push(`+${failing.length - NAME_FAILING_UP_TO} more wrong`);
  if (passing.length) parts.push(`${passing.length} ok`);
  return parts.join(' · ');
}

/** One or two words on a tensor: "ok", "×2", "sign flipped", "rel. err 0.3", "missing". */
export function tensorVerdict(tensor: TensorResult): string {
  if (tensor.status === 'pass') return 'ok';
  if (tensor.status === 'warn') return tensor.kinks ? `ok (${plural(tensor.kinks, 'kink')})` : 'ok';
  if (tensor.status === 'error') return tensor.problem ? shortProblem(tensor.problem) : 'error';
  const hint = tensor.hints[0];
  if (hint) return hintLabel(hint, tensor);
  return directionsOnly(tensor) ? 'wrong along directions' : `rel. err ${short(tensor.maxRelErr)}`;
}

export function hintLabel(hint: Hint, tensor: TensorResult): string {
  switch (hint.code) {
    case 'scaled':
      return hint.factor !== undefined ? `×${short(hint.factor)}` : 'scaled';
    case 'sign':
      return 'sign flipped';
    case 'transposed':
      return 'transposed';
    case 'zero':
      return 'zero';
    case 'nonfinite':
      return 'NaN/∞';
    case 'rows':
      return 'some rows';
    case 'columns':
      return 'some columns';
    case 'border':
      return 'border';
    case 'regularization':
      return hint.factor !== undefined ? `missing ${short(hint.factor)}·W term` : 'regularization term';
    case 'few-elements':
      return plural(tensor.failing, 'element');
    case 'small-relative':
      return `off by ${short(tensor.maxRelErr)}`;
  }
}

function shortProblem(problem: string): string {
  if (/missing|never|not returned/i.test(problem)) return 'missing';
  if (/shape/i.test(problem)) return 'wrong shape';
  return 'error';
}

function warningSummary(report: DeclarationReport, max: number): string {
  const kinks = report.tensors.reduce((n, t) => n + t.kinks, 0);
  if (kinks) return `${plural(kinks, 'kink element')} · gradients match elsewhere`;
  const warning = report.findings.find((f) => f.severity === 'warning');
  return warning ? firstSentence(warning.message, max) : report.summary;
}

function errorSummary(report: DeclarationReport, max: number): string {
  const finding = report.findings.find((f) => f.severity === 'error') ?? report.findings[0];
  if (!finding) {
    const broken = report.tensors.filter((t) => t.status === 'error' || t.status === 'fail');
    return broken.length ? tensorSummary(report.tensors) : report.summary;
  }
  return findingTitle(finding, max);
}

/** A finding as a lens title: time-outs and memory limits say so plainly. */
export function findingTitle(finding: Finding, max = 80): string {
  switch (finding.code) {
    case 'timeout':
      return `timed out: ${firstSentence(finding.message, max)}`;
    case 'memory':
      return `memory limit: ${firstSentence(finding.message, max)}`;
    case 'cancelled':
      return 'check cancelled';
    case 'threw':
      return `threw${finding.phase ? ` in ${finding.phase}` : ''}: ${firstSentence(finding.message, max)}`;
    default:
      return firstSentence(finding.message, max);
  }
}

/** Lens titles are one line: keep the first sentence and cut long ones. */
export function firstSentence(text: string, max = 80): string {
  const line = text.split('\n')[0].trim();
  const sentence = line.match(/^(.+?[.!?])(\s|$)/)?.[1] ?? line;
  return sentence.length > max ? `${sentence.slice(0, max - 1)}…` : sentence;
}
