// How a running check's progress reads in the lens title, its tooltip and the status bar: "840/1200 evaluations ·
// ~12 s left". Pure (no vscode import) so every wording is unit-tested.

import type { EvaluationProgress } from '../core/engine/api';
import { duration } from './format';

/** "840/1200 evaluations · ~12 s left" (no estimate until the engine has one). */
export function evaluationsText(progress: Pick<EvaluationProgress, 'done' | 'planned' | 'etaMs'>): string {
  // The plan grows when a search narrows a failing direction; it is never less than what was done.
  const counts = progress.planned > 0 ? `${progress.done}/${Math.max(progress.done, progress.planned)}` : `${progress.done}`;
  const eta = progress.etaMs !== undefined && Number.isFinite(progress.etaMs) ? ` · ${timeLeft(progress.etaMs)}` : '';
  return `${counts} evaluations${eta}`;
}

/** "~12 s left", "~3 min left": an estimate, so no decimals. */
export function timeLeft(ms: number): string {
  if (ms < 60_000) return `~${Math.max(1, Math.ceil(ms / 1000))} s left`;
  return `~${Math.round(ms / 60_000)} min left`;
}

const STAGES: Record<string, string> = {
  directions: 'comparing along random directions',
  search: 'narrowing failing directions down to blocks and elements',
  elements: 'comparing element by element',
  sample: 'comparing a sample of elements',
};

/** The lens tooltip while a declaration runs: what the check is doing, and how to stop it. */
export function progressTooltip(progress: EvaluationProgress | undefined): string {
  if (!progress) return 'Stop the running check';
  const stage = STAGES[progress.stage] ?? progress.stage;
  return `${stage}: ${progress.done} of ${Math.max(progress.done, progress.planned)} planned evaluations, ${duration(progress.elapsedMs)} so far.\nClick to stop the check.`;
}

/**
 * The status bar while checks run: one declaration by name, several summed (the estimate is the longest one's,
 * since that is when they are all done). Without progress (short checks, or before the first report) it says
 * which files run.
 */
export function runningStatus(running: EvaluationProgress[], files: number): { text: string; tooltip: string } {
  const tooltip = 'Gradlens is checking gradients: click to stop.';
  if (!running.length) return { text: `$(sync~spin) Gradlens: checking${files > 1 ? ` ${files} files` : ''}… $(debug-stop)`, tooltip };
  if (running.length === 1) {
    const [only] = running;
    return {
      text: `$(sync~spin) checking ${only.declaration}… ${evaluationsText(only)} $(debug-stop)`,
      tooltip: `${tooltip}\n${only.declaration}: ${progressTooltip(only).split('\n')[0]}`,
    };
  }
  const etas = running.map((p) => p.etaMs).filter((ms): ms is number => ms !== undefined && Number.isFinite(ms));
  const total = {
    done: running.reduce((n, p) => n + p.done, 0),
    planned: running.reduce((n, p) => n + Math.max(p.done, p.planned), 0),
    etaMs: etas.length ? Math.max(...etas) : undefined,
  };
  const each = running.map((p) => `${p.declaration}: ${evaluationsText(p)}`).join('\n');
  return { text: `$(sync~spin) checking ${running.length} declarations… ${evaluationsText(total)} $(debug-stop)`, tooltip: `${tooltip}\n${each}` };
}
