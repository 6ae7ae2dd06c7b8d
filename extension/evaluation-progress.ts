// The evaluations of the declarations being checked right now (long checks only), for the lens titles and the
// status bar. The engine streams them a few times a second per running declaration; redrawing every lens that
// often costs the host time and flickers, so changes are announced at most every UPDATE_INTERVAL_MS (the last
// one always arrives). No vscode import: unit-tested with a fake clock.

import type { EvaluationProgress } from '../core/engine/api';

/** At most 4 UI updates a second. */
export const UPDATE_INTERVAL_MS = 250;
/**
 * Progress shows once a declaration has run this long: most checks finish well within it, and an estimate from
 * their first few evaluations (process warm-up included) would only flash a wrong "~3 min left" in the lens.
 */
export const SHOW_AFTER_MS = 1000;

export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

const key = (file: string, declaration: string) => `${file}\0${declaration}`;

export class EvaluationProgressStore {
  private readonly latest = new Map<string, EvaluationProgress>();
  private readonly listeners = new Set<() => void>();
  private lastAnnounced = -Infinity;
  private pending: unknown;

  constructor(
    private readonly clock: Clock = systemClock,
    private readonly intervalMs = UPDATE_INTERVAL_MS,
  ) {}

  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  update(progress: EvaluationProgress): void {
    if (progress.elapsedMs < SHOW_AFTER_MS) return;
    this.latest.set(key(progress.file, progress.declaration), progress);
    this.changed();
  }

  /** A declaration's report arrived (or, without a name, the file's run ended): it is no longer running. */
  clear(file: string, declaration?: string): void {
    let removed = false;
    if (declaration !== undefined) removed = this.latest.delete(key(file, declaration));
    else for (const [k, p] of this.latest) if (p.file === file) removed = this.latest.delete(k) || removed;
    if (removed) this.changed();
  }

  get(file: string, declaration: string): EvaluationProgress | undefined {
    return this.latest.get(key(file, declaration));
  }

  all(): EvaluationProgress[] {
    return [...this.latest.values()];
  }

  private changed(): void {
    // An announcement is already due: it will read the latest state when it fires.
    if (this.pending !== undefined) return;
    const wait = this.lastAnnounced + this.intervalMs - this.clock.now();
    if (wait <= 0) {
      this.announce();
      return;
    }
    this.pending = this.clock.setTimeout(() => {
      this.pending = undefined;
      this.announce();
    }, wait);
  }

  private announce(): void {
    this.lastAnnounced = this.clock.now();
    for (const listener of this.listeners) listener();
  }

  dispose(): void {
    if (this.pending !== undefined) this.clock.clearTimeout(this.pending);
    this.pending = undefined;
    this.listeners.clear();
    this.latest.clear();
  }
}
