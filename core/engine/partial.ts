// What a check job streamed before it answered, added up: when the job is killed (time limit, memory,
// cancellation) the report is assembled from this instead of being lost.

import type { PartialDelta } from './check';
import { mergeElements, type RawCheck } from './raw';

export class PartialRaw {
  private frame?: RawCheck;
  private readonly deltas: PartialDelta[] = [];

  add(delta: PartialDelta): void {
    if (delta.frame) this.frame = delta.frame;
    this.deltas.push(delta);
  }

  /** The raw numbers measured so far, or undefined when nothing came back. */
  raw(): RawCheck | undefined {
    if (!this.frame) return undefined;
    const last = this.deltas[this.deltas.length - 1];
    const stops = last?.searchStop ?? {};
    return {
      ...this.frame,
      tensors: this.frame.tensors.map((t, i) => ({ ...t, searchStop: stops[i] ?? 'time-limit' })),
      directions: this.deltas.flatMap((d) => d.directions),
      elements: mergeElements(this.deltas.map((d) => d.elements)),
      evaluations: last?.evaluations ?? this.frame.evaluations,
      evaluateMs: last?.evaluateMs ?? this.frame.evaluateMs,
      stoppedEarly: true,
    };
  }
}
