// Small statistics and timing helpers. Every duration is measured two ways: wall-clock (what a user waits)
// and CPU time of this process (what the work costs). The machine the benchmark runs on is shared, so the
// wall-clock of a long check includes time other processes held the cores; CPU time mostly does not.

export function median(values: number[]): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export interface Duration {
  wallMs: number;
  /** User + system CPU time of this process (every thread: GC and the JIT included). */
  cpuMs: number;
}

/** Runs `body` once and measures it. */
export function measure<T>(body: () => T): { result: T } & Duration {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = body();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { result, wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}

export async function measureAsync<T>(body: () => Promise<T>): Promise<{ result: T } & Duration> {
  const t0 = performance.now();
  const result = await body();
  // Only wall-clock: the work happens in worker processes, whose CPU time this process cannot see.
  return { result, wallMs: performance.now() - t0, cpuMs: NaN };
}

/** Median of paired per-sample values: a ratio of two quantities measured together, one sample at a time. */
export function medianRatio(numerators: number[], denominators: number[]): number {
  return median(numerators.map((n, i) => n / denominators[i]));
}
