// What the `gradlens check` progress bar knows: declarations finished out of those known so far, and the
// evaluations of the declarations still running (streamed by the engine during long checks). Pure: the bar in
// check-command.ts only draws what this computes, so the wording and the arithmetic are unit-tested.

import type { CheckProgress, EvaluationProgress } from '../engine/api';

/** Running declarations named one by one on the line; beyond this they are counted ("+2 more running"). */
const NAME_RUNNING_UP_TO = 2;
/**
 * Evaluations show once a declaration has run this long: most checks finish well within it, and an estimate
 * from their first few evaluations (process warm-up included) would only flash a wrong "~3 min left".
 */
export const SHOW_AFTER_MS = 1000;

interface Running {
  latest: EvaluationProgress;
  /** Largest done/planned fraction seen: the plan changes as a search narrows, but the bar should not run backwards. */
  fraction: number;
}

const key = (file: string, declaration: string) => `${file}\0${declaration}`;

export class EvaluationProgressTracker {
  private readonly running = new Map<string, Running>();
  private readonly finished = new Set<string>();
  /** Declarations per file, once the engine has said (with the file's first finished declaration). */
  private readonly fileTotals = new Map<string, number>();
  /** Declarations seen running per file: a lower bound on the total before the engine says it. */
  private readonly seen = new Map<string, Set<string>>();
  private lastFinished = '';

  evaluations(progress: EvaluationProgress): void {
    const k = key(progress.file, progress.declaration);
    // A worker's last message can arrive after its declaration's report: it must not bring it back.
    if (this.finished.has(k)) return;
    const fraction = progress.planned > 0 ? Math.min(1, progress.done / progress.planned) : 0;
    this.running.set(k, { latest: progress, fraction: Math.max(fraction, this.running.get(k)?.fraction ?? 0) });
    let names = this.seen.get(progress.file);
    if (!names) this.seen.set(progress.file, (names = new Set()));
    names.add(progress.declaration);
  }

  declarationDone(progress: CheckProgress): void {
    const k = key(progress.file, progress.declaration);
    this.running.delete(k);
    this.finished.add(k);
    this.fileTotals.set(progress.file, progress.total);
    this.lastFinished = progress.declaration;
  }

  /** A file's check returned: nothing of it is running any more (also when it was cancelled or failed to load). */
  fileDone(file: string): void {
    for (const [k, r] of this.running) if (r.latest.file === file) this.running.delete(k);
  }

  get done(): number {
    return this.finished.size;
  }

  get total(): number {
    let total = 0;
    for (const file of new Set([...this.fileTotals.keys(), ...this.seen.keys()])) {
      total += Math.max(this.fileTotals.get(file) ?? 0, this.seen.get(file)?.size ?? 0);
    }
    return Math.max(total, this.done);
  }

  /** Finished declarations plus the finished share of the running ones: where the bar stands. */
  get value(): number {
    let value = this.done;
    for (const r of this.running.values()) value += r.fraction;
    return value;
  }

  /** The long-running declarations' latest progress, in the order they started (so the line does not reshuffle). */
  runningNow(): EvaluationProgress[] {
    return [...this.running.values()].map((r) => r.latest).filter((p) => p.elapsedMs >= SHOW_AFTER_MS);
  }

  /** The text after the bar: "1/3 declarations · mlp: search 840/1200 evaluations · ~12 s left". */
  line(): string {
    const count = `${this.done}/${this.total} declarations`;
    const running = this.runningNow();
    if (!running.length) return this.lastFinished ? `${count} · ${this.lastFinished}` : count;
    return `${count} · ${describeRunning(running)}`;
  }
}

/** "mlp: search 840/1200 evaluations · ~12 s left"; several: "mlp: search 840/1200 · conv: elements 20/400 evaluations · ~12 s left". */
export function describeRunning(running: EvaluationProgress[]): string {
  const named = running.slice(0, NAME_RUNNING_UP_TO).map((p) => `${p.declaration}: ${p.stage} ${counts(p)}`);
  const parts = [`${named.join(' · ')} evaluations`];
  if (running.length > NAME_RUNNING_UP_TO) parts.push(`+${running.length - NAME_RUNNING_UP_TO} more running`);
  // The declaration with the longest way to go decides when the running ones are all done.
  const etas = running.map((p) => p.etaMs).filter((ms): ms is number => ms !== undefined && Number.isFinite(ms));
  if (etas.length) parts.push(timeLeft(Math.max(...etas)));
  return parts.join(' · ');
}

function counts(p: EvaluationProgress): string {
  // Never "1300/1200": the plan is at least what was done.
  return p.planned > 0 ? `${p.done}/${Math.max(p.done, p.planned)}` : `${p.done}`;
}

/** "~12 s left", "~3 min left": an estimate, so no decimals. */
export function timeLeft(ms: number): string {
  if (ms < 60_000) return `~${Math.max(1, Math.ceil(ms / 1000))} s left`;
  return `~${Math.round(ms / 60_000)} min left`;
}
